<?php
/**
 * presence_rooms_read(): several rooms in one call — room => its entries, each list exactly what
 * presence_room() answers for that room with the same arguments, every room asked in the order
 * asked — on the store of this run (bin/test runs the suite on shared memory and on Redis).
 */

declare(strict_types=1);

final class RoomsReadTest extends PresenceTestCase
{
	private const ASKED = ['site/2/admin/online', 'site/9/admin/online', 'site/1/admin/online', 'site/3/post:7'];

	private function seed(): void
	{
		$now = microtime(true);
		presence_upsert('site/1/admin/online', 'user-1', ['screen' => 'dashboard', 'name' => 'One'], 1, 600, $now - 40);
		presence_upsert('site/1/admin/online', 'user-2', ['screen' => 'edit-post', 'name' => 'Two'], 2, 600, $now - 30);
		presence_upsert('site/1/admin/online', 'user-3', ['screen' => 'dashboard', 'name' => 'Three'], 3, 600, $now - 5);
		presence_upsert('site/1/admin/online', '_lock', ['by' => 3], 3, 600);
		presence_upsert('site/2/admin/online', 'user-4', ['screen' => 'dashboard', 'name' => 'Four'], 4, 600, $now - 20);
		presence_upsert('site/2/admin/online', 'tab-4', [], 4, 600, $now - 1);
		presence_upsert('site/3/post:7', 'editor-5', ['action' => 'editing'], 5, 600);
	}

	public function testEachRoomAskedIsReadAsPresenceRoomReadsItInTheOrderAsked(): void
	{
		$this->seed();
		$calls = [
			'all' => [null, null, ''],
			'limit per room' => [null, 2, ''],
			'max age' => [25, null, ''],
			'client prefix' => [null, null, 'user-'],
			'reserved' => [null, null, '_'],
		];
		foreach ($calls as $label => [$maxAge, $limit, $prefix]) {
			$read = presence_rooms_read(self::ASKED, $maxAge, $limit, $prefix);
			self::assertSame(self::ASKED, array_keys($read), "$label: every room asked, in order");
			foreach (self::ASKED as $room) {
				self::assertSame(presence_room($room, $maxAge, $limit, $prefix), $read[$room], "$label: $room");
			}
		}
		$read = presence_rooms_read(self::ASKED);
		self::assertSame(['tab-4', 'user-4'], self::clients($read['site/2/admin/online']));
		self::assertSame([], $read['site/9/admin/online'], 'a room without entries');
		self::assertSame(['user-3', 'user-2', 'user-1'], self::clients($read['site/1/admin/online']), 'newest first, _lock left out');
		self::assertSame(['user-3', 'user-2'], self::clients(presence_rooms_read(self::ASKED, null, 2)['site/1/admin/online']), 'the limit is per room');
		self::assertSame(['_lock'], self::clients(presence_rooms_read(self::ASKED, null, null, '_')['site/1/admin/online']));
		self::assertSame(['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'], array_keys($read['site/3/post:7'][0]));
		self::assertSame(['action' => 'editing'], $read['site/3/post:7'][0]['data']);
	}

	public function testARoomAskedTwiceIsReadOnceAndNamesReadAsIntegersAreIntegerKeys(): void
	{
		$this->seed();
		presence_upsert('12', 'c', ['n' => 12], 1, 60);
		$read = presence_rooms_read(['site/3/post:7', '12', 'site/3/post:7', '012']);
		self::assertSame(['site/3/post:7', 12, '012'], array_keys($read));
		self::assertSame(['c'], self::clients($read[12]));
		self::assertSame(['c'], self::clients($read['12']), 'as any PHP array, the string finds the integer key');
		self::assertSame([], $read['012'], 'not a canonical integer: a string key');
		self::assertSame([], presence_rooms_read([]));
	}

	public function testAReadOfTheLargestListAnswersEveryRoom(): void
	{
		$rooms = [];
		for ($i = 0; $i < 2000; $i++) {
			$rooms[] = "site/$i/admin/online";
		}
		foreach ([0, 999, 1999] as $i) {
			presence_upsert($rooms[$i], "user-$i", ['i' => $i], $i, 60);
		}
		$read = presence_rooms_read($rooms, 60, null, 'user-');
		self::assertCount(2000, $read);
		self::assertSame($rooms, array_keys($read));
		$filled = array_filter($read);
		self::assertSame([$rooms[0], $rooms[999], $rooms[1999]], array_keys($filled));
		self::assertSame(999, $read[$rooms[999]][0]['user_id']);
	}

	public function testExpiredEntriesGoAsARoomReadRemovesThem(): void
	{
		presence_upsert('a', 'short', [], 1, 1);
		presence_upsert('a', 'long', [], 2, 60);
		presence_upsert('b', 'short', [], 1, 1);
		usleep(1_100_000);
		self::assertSame(3, presence_stats()['live_entries'], 'expired, not removed yet');
		$read = presence_rooms_read(['a', 'b']);
		self::assertSame(['a' => ['long'], 'b' => []], array_map([self::class, 'clients'], $read));
		self::assertSame(1, presence_stats()['live_entries'], 'the read removed what expired in the rooms it read');
	}
}
