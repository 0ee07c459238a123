<?php
/**
 * Happy paths of every function: what is stored is what is read, in the documented shapes and
 * order.
 */

declare(strict_types=1);

final class ReadWriteTest extends PresenceTestCase
{
	private const ENTRY_KEYS = ['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at'];

	public function testUpsertThenRoomReturnsTheEntryInItsDocumentedShape(): void
	{
		$state = ['screen' => 'dashboard', 'title' => 'Tableau de bord — été', 'post_id' => 12,
			'ratio' => 0.25, 'typing' => true, 'none' => null, 'nested' => ['a' => [1, 2, 3], 7 => 'x']];
		$before = microtime(true);
		self::assertTrue(presence_upsert('admin/online', 'tab-1', $state, 42, 60));
		$after = microtime(true);

		$entries = presence_room('admin/online');
		self::assertCount(1, $entries);
		self::assertTrue(array_is_list($entries));
		$e = $entries[0];
		self::assertSame(self::ENTRY_KEYS, array_keys($e));
		self::assertSame('admin/online', $e['room']);
		self::assertSame('tab-1', $e['client_id']);
		self::assertSame(42, $e['user_id']);
		self::assertSame($state, $e['data']);
		self::assertIsFloat($e['updated_at']);
		self::assertGreaterThanOrEqual(floor($before * 1000) / 1000, $e['updated_at']);
		self::assertLessThanOrEqual($after + 0.001, $e['updated_at']);
		self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $e['date_gmt']);
		self::assertSame(gmdate('Y-m-d H:i:s', (int) floor($e['updated_at'])), $e['date_gmt']);
	}

	public function testStateRoundTripsExactlyIncludingEdgeValuesKeysAndOrder(): void
	{
		$x = 5;
		$state = [
			'inf' => INF, 'ninf' => -INF, 'negzero' => -0.0, 'float' => 0.1 + 0.2,
			'min' => PHP_INT_MIN, 'max' => PHP_INT_MAX, '' => 'empty key', 'empty' => '',
			'nul' => "a\0b", -7 => 'negative key', '01' => 'numeric-looking string key',
			'ref' => &$x, 'sparse' => [3 => 'a', 1 => 'b'], 'emoji' => "\u{1F600}",
		];
		self::assertTrue(presence_upsert("a\0b", "c\0d", $state, 1));
		$e = presence_room("a\0b")[0];
		self::assertSame("a\0b", $e['room']);
		self::assertSame("c\0d", $e['client_id']);
		self::assertSame(array_keys($state), array_keys($e['data']), 'keys and their order');
		self::assertSame($state, $e['data']);
		self::assertSame('-0', (string) $e['data']['negzero']);
		self::assertSame(["a\0b"], array_keys(presence_rooms()));
		self::assertTrue(presence_upsert('nan', 'c', ['n' => NAN]));
		self::assertNan(presence_room('nan')[0]['data']['n']);
	}

	public function testDefaultsStoreAnEmptyStateForUserZero(): void
	{
		self::assertTrue(presence_upsert('r', 'a'));
		self::assertTrue(presence_upsert('r', 'b', null));
		self::assertTrue(presence_upsert('r', 'c', [], 0, null));
		foreach (presence_room('r') as $e) {
			self::assertSame([], $e['data']);
			self::assertSame(0, $e['user_id']);
		}
		self::assertSame(3, presence_room_count('r'));
	}

	public function testUpsertReplacesStateAndUserOfTheSameClient(): void
	{
		presence_upsert('r', 'c', ['v' => 1, 'old' => true], 1);
		presence_upsert('r', 'c', ['v' => 2], 2);
		$entries = presence_room('r');
		self::assertCount(1, $entries);
		self::assertSame(['v' => 2], $entries[0]['data']);
		self::assertSame(2, $entries[0]['user_id']);
		self::assertSame(1, presence_stats()['live_entries']);
	}

	public function testKeysAreExactBytesAndRoomsAreSeparate(): void
	{
		$long = str_repeat('é', 95) . 'x'; // 191 bytes, the longest allowed
		self::assertSame(191, strlen($long));
		self::assertTrue(presence_upsert($long, $long, ['k' => 'long']));
		presence_upsert('Room', 'c', ['k' => 'upper']);
		presence_upsert('room', 'c', ['k' => 'lower']);
		presence_upsert('room ', 'c', ['k' => 'space']);
		self::assertSame($long, presence_room($long)[0]['client_id']);
		self::assertSame(['k' => 'upper'], presence_room('Room')[0]['data']);
		self::assertSame(['k' => 'lower'], presence_room('room')[0]['data']);
		self::assertSame(['k' => 'space'], presence_room('room ')[0]['data']);
		self::assertSame([], presence_room('roo'));
		self::assertSame(0, presence_room_count('nobody-here'));
	}

	public function testRoomIsNewestFirstAndARewriteMovesToTheFront(): void
	{
		foreach (['a', 'b', 'c', 'd'] as $c) {
			presence_upsert('r', $c, ['c' => $c]);
			usleep(2000);
		}
		self::assertSame(['d', 'c', 'b', 'a'], self::clients(presence_room('r')));
		presence_upsert('r', 'b', ['c' => 'b']); // same state: a refresh still counts as newest
		$entries = presence_room('r');
		self::assertSame(['b', 'd', 'c', 'a'], self::clients($entries));
		$times = array_column($entries, 'updated_at');
		$sorted = $times;
		rsort($sorted);
		self::assertSame($sorted, $times);
	}

	public function testLimitReturnsTheNewestEntriesOnly(): void
	{
		for ($i = 1; $i <= 6; $i++) {
			presence_upsert('r', "c$i", ['i' => $i], $i);
			usleep(1000);
		}
		self::assertSame(['c6', 'c5'], self::clients(presence_room('r', null, 2)));
		self::assertSame(['c6'], self::clients(presence_room('r', 3600, 1)));
		self::assertCount(6, presence_room('r', null, 6));
		self::assertCount(6, presence_room('r', null, 1000));
		self::assertCount(6, presence_room('r'));
		self::assertSame(6, presence_room_count('r'), 'a limited read removes nothing');
	}

	public function testMaxAgeKeepsEntriesWrittenWithinIt(): void
	{
		presence_upsert('r', 'a');
		self::assertCount(1, presence_room('r', 1));
		self::assertCount(1, presence_room('r', 86400));
		self::assertSame(1, presence_room_count('r', 1));
		self::assertSame(1, presence_room_count('r', 86400));
	}

	public function testRemoveDeletesOneEntry(): void
	{
		presence_upsert('r', 'a', ['x' => 1]);
		presence_upsert('r', 'b', ['x' => 2]);
		presence_upsert('s', 'a', ['x' => 3]);
		self::assertTrue(presence_remove('r', 'a'));
		self::assertFalse(presence_remove('r', 'a'), 'a second remove finds nothing');
		self::assertFalse(presence_remove('nowhere', 'a'));
		self::assertSame(['b'], self::clients(presence_room('r')));
		self::assertSame(['a'], self::clients(presence_room('s')), 'the same client in another room stays');
		self::assertTrue(presence_remove('r', 'b'));
		self::assertSame([], presence_room('r'));
		self::assertSame(['s'], array_keys(presence_rooms()), 'the emptied room is gone');
		self::assertSame(1, presence_stats()['live_entries']);
	}

	public function testRemoveUserRemovesOnlyThatUsersEntriesUnderThePrefix(): void
	{
		presence_upsert('site1/a', 'x', [], 7);
		presence_upsert('site1/b', 'y', [], 7);
		presence_upsert('site2/a', 'z', [], 7);
		presence_upsert('site1/a', 'w', [], 8);
		self::assertSame(2, presence_remove_user(7, 'site1/'));
		self::assertSame(['w'], self::clients(presence_room('site1/a')));
		self::assertSame([], presence_room('site1/b'));
		self::assertSame(['z'], self::clients(presence_room('site2/a')));
		self::assertSame(0, presence_remove_user(7, 'site1/'));
		self::assertSame(0, presence_remove_user(9));
		self::assertSame(1, presence_remove_user(7));
		self::assertSame(1, presence_remove_user(8, ''));
		self::assertSame(0, presence_stats()['live_entries']);
	}

	public function testUserReturnsEveryLiveEntryOfTheUserNewestFirst(): void
	{
		presence_upsert('site/dashboard', 'tab-1', ['n' => 1], 5);
		usleep(2000);
		presence_upsert('site/post:3', 'tab-2', ['n' => 2], 5);
		usleep(2000);
		presence_upsert('site/post:3', 'tab-3', ['n' => 3], 6);
		usleep(2000);
		presence_upsert('other/x', 'tab-1', ['n' => 4], 5);

		$entries = presence_user(5);
		self::assertTrue(array_is_list($entries));
		self::assertSame(['other/x', 'site/post:3', 'site/dashboard'], array_column($entries, 'room'));
		self::assertSame(['tab-1', 'tab-2', 'tab-1'], self::clients($entries));
		self::assertSame([['n' => 4], ['n' => 2], ['n' => 1]], array_column($entries, 'data'));
		foreach ($entries as $e) {
			self::assertSame(self::ENTRY_KEYS, array_keys($e));
			self::assertSame(5, $e['user_id']);
			self::assertSame(gmdate('Y-m-d H:i:s', (int) floor($e['updated_at'])), $e['date_gmt']);
		}
		self::assertCount(3, presence_user(5, 60));
		self::assertSame(['tab-3'], self::clients(presence_user(6)));
		self::assertSame([], presence_user(99));
	}

	public function testRoomsSummarisesEntriesAndDistinctUsersByName(): void
	{
		presence_upsert('b/2', 'c1', [], 1);
		presence_upsert('b/2', 'c2', [], 1);
		presence_upsert('b/2', 'c3', [], 2);
		presence_upsert('a/1', 'c1', [], 3);
		presence_upsert('c/3', 'c1', [], 9);

		$all = presence_rooms();
		self::assertSame(['a/1', 'b/2', 'c/3'], array_keys($all));
		self::assertSame(['entries' => 1, 'users' => 1], $all['a/1']);
		self::assertSame(['entries' => 3, 'users' => 2], $all['b/2']);
		self::assertSame(['entries' => 1, 'users' => 1], $all['c/3']);
		self::assertSame(['b/2' => ['entries' => 3, 'users' => 2]], presence_rooms('b/'));
		self::assertSame($all, presence_rooms('', 60));
		self::assertSame([], presence_rooms('zzz'));

		presence_remove('a/1', 'c1');
		self::assertArrayNotHasKey('a/1', presence_rooms(), 'a room without entries is not listed');
	}

	public function testFlushWithAPrefixEmptiesOnlyThoseRooms(): void
	{
		presence_upsert('site1/a', 'x');
		presence_upsert('site1/a', 'y');
		presence_upsert('site1/b', 'x');
		presence_upsert('site2/a', 'x');
		self::assertSame(3, presence_flush('site1/'));
		self::assertSame(['site2/a'], array_keys(presence_rooms()));
		self::assertSame(0, presence_flush('site1/'));
		presence_upsert('site3/a', 'x');
		self::assertSame(2, presence_flush());
		self::assertSame([], presence_rooms());
		self::assertSame(0, presence_stats()['live_entries']);
		self::assertSame(0, presence_flush(''));
	}

	public function testStatsDescribeTheSegmentAndFollowTheWrites(): void
	{
		self::requireShm();
		$empty = presence_stats();
		foreach (['capacity', 'live_entries', 'rooms', 'room_capacity', 'bytes_used', 'bytes_total',
			'rejected_full', 'lock_recoveries', 'repairs', 'layout_version', 'default_ttl',
			'max_state_bytes'] as $key) {
			self::assertArrayHasKey($key, $empty);
			self::assertIsInt($empty[$key], $key);
			self::assertGreaterThanOrEqual(0, $empty[$key], $key);
		}
		self::assertSame(['expired', 'lru'], array_keys($empty['evictions']));
		self::assertIsInt($empty['evictions']['expired']);
		self::assertIsInt($empty['evictions']['lru']);
		self::assertSame(ini_get('presence.shm_path'), $empty['segment_path']);
		self::assertSame(filesize($empty['segment_path']), $empty['bytes_total']);
		self::assertGreaterThanOrEqual(1, $empty['layout_version']);
		self::assertGreaterThan(0, $empty['capacity']);
		self::assertGreaterThan(0, $empty['room_capacity']);
		self::assertSame((int) ini_get('presence.default_ttl'), $empty['default_ttl']);
		self::assertSame(0, $empty['live_entries']);
		self::assertSame(0, $empty['rooms']);
		self::assertLessThan($empty['bytes_total'], $empty['bytes_used']);

		presence_upsert('r1', 'a', ['pad' => str_repeat('x', 1000)]);
		presence_upsert('r1', 'b');
		presence_upsert('r2', 'a');
		$full = presence_stats();
		self::assertSame(3, $full['live_entries']);
		self::assertSame(2, $full['rooms']);
		self::assertGreaterThan($empty['bytes_used'], $full['bytes_used']);
		self::assertSame($empty['capacity'], $full['capacity']);
		self::assertSame($empty['bytes_total'], $full['bytes_total']);
	}

	public function testStatsKeysMatchTheDocumentedList(): void
	{
		$common = ['capacity', 'live_entries', 'rooms', 'room_capacity', 'bytes_used', 'bytes_total',
			'rejected_full', 'lock_recoveries', 'repairs', 'layout_version', 'default_ttl',
			'max_state_bytes', 'evictions', 'backend'];
		$own = self::onRedis() ? ['server', 'server_version', 'key_prefix', 'round_trips', 'connects'] : ['segment_path'];
		self::assertEqualsCanonicalizing(array_merge($common, $own), array_keys(presence_stats()));
		self::assertSame(self::onRedis() ? 'redis' : 'shm', presence_stats()['backend']);
	}

	public function testGcWithNothingExpiredRemovesNothing(): void
	{
		presence_upsert('r', 'a', [], 0, 3600);
		self::assertSame(0, presence_gc());
		self::assertSame(1, presence_room_count('r'));
	}
}
