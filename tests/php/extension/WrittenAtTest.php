<?php
/**
 * `$written_at`: a write time in the past (a relay's) or after now (clamped to now). The entry's
 * `updated_at` and `date_gmt` report it, `$max_age` filters on it, rooms list by it, and it
 * expires at `$written_at + $ttl` — a write already past that time stores nothing and removes the
 * entry of that key.
 */

declare(strict_types=1);

final class WrittenAtTest extends PresenceTestCase
{
	public function testTheWriteTimeIsReportedAndAFutureOneIsNow(): void
	{
		$past = floor(microtime(true)) - 30.25;
		self::assertTrue(presence_upsert('r', 'relayed', ['a' => 1], 1, 120, $past));
		$e = presence_entry('r', 'relayed');
		self::assertSame($past, $e['updated_at']);
		self::assertSame(gmdate('Y-m-d H:i:s', (int) $past), $e['date_gmt']);
		$before = microtime(true);
		self::assertTrue(presence_upsert('r', 'future', [], 1, 120, $before + 3600));
		$after = microtime(true);
		$future = presence_entry('r', 'future')['updated_at'];
		self::assertGreaterThanOrEqual(floor($before * 1000) / 1000, $future, 'clamped to now');
		self::assertLessThanOrEqual($after + 0.001, $future);
		self::assertTrue(presence_upsert('r', 'int-time', [], 1, 120, (int) $past), 'an int is a time too');
		self::assertSame((float) (int) $past, presence_entry('r', 'int-time')['updated_at']);
	}

	public function testRoomsListNewestWriteTimeFirstWhateverTheOrderOfWrites(): void
	{
		$now = microtime(true);
		presence_upsert('r', 'ten-ago', [], 1, 120, $now - 10);
		presence_upsert('r', 'now', [], 1, 120);
		presence_upsert('r', 'twenty-ago', [], 1, 120, $now - 20);
		presence_upsert('r', 'five-ago', [], 1, 120, $now - 5);
		self::assertSame(['now', 'five-ago', 'ten-ago', 'twenty-ago'], self::clients(presence_room('r')));
		self::assertSame(['now', 'five-ago'], self::clients(presence_room('r', null, 2)), 'a limit keeps the newest');
		self::assertSame(['now', 'five-ago'], self::clients(presence_room('r', 8)), 'max age is on the write time');
		self::assertSame(3, presence_room_count('r', 15));
		// Rewritten with an older time, an entry moves back.
		presence_upsert('r', 'now', [], 1, 120, $now - 15);
		self::assertSame(['five-ago', 'ten-ago', 'now', 'twenty-ago'], self::clients(presence_room('r')));
	}

	public function testExpiryCountsFromTheWriteTime(): void
	{
		$now = microtime(true);
		presence_upsert('r', 'stays', [], 1, 120);
		presence_upsert('r', 'a', ['x' => 1], 1, 120);
		$v = presence_room_version('r');
		// Written 100 s ago with 60 s to live: gone already, and the entry of that key leaves.
		self::assertTrue(presence_upsert('r', 'a', ['x' => 2], 1, 60, $now - 100));
		self::assertNull(presence_entry('r', 'a'));
		self::assertSame(['stays'], self::clients(presence_room('r')));
		self::assertNotSame($v, presence_room_version('r'), 'that is a leave');
		self::assertTrue(presence_upsert('nobody', 'a', [], 1, 60, 0.0), 'the epoch: past, nothing stored');
		self::assertSame(0, presence_room_version('nobody'));
		// Written 50 s ago with 60 s to live: live for ten more seconds.
		presence_upsert('r', 'b', [], 1, 60, $now - 50);
		self::assertNotNull(presence_entry('r', 'b'));
	}
}
