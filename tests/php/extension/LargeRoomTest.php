<?php
/**
 * A room of 10 000 clients: $limit returns the newest ones without building every entry. The
 * work a read does is counted, never timed: the PHP memory the read allocates (every entry it
 * builds is an array with its strings) and, on Redis, the commands the server itself says it ran.
 */

declare(strict_types=1);

require_once dirname(__DIR__) . '/support/RedisInfo.php';

final class LargeRoomTest extends PresenceTestCase
{
	private const CLIENTS = 10000;
	private const LIMIT = 50;

	public function testALimitedReadOfAHugeRoomReturnsTheNewestAndBuildsOnlyThoseEntries(): void
	{
		$this->fillHugeRoom();

		$page = presence_room('huge', null, self::LIMIT);
		self::assertSame(array_map(static fn (int $i): string => "c$i", range(self::CLIENTS - 1, self::CLIENTS - self::LIMIT)), self::clients($page));
		$all = presence_room('huge');
		self::assertCount(self::CLIENTS, $all);
		self::assertSame($page, array_slice($all, 0, self::LIMIT));
		unset($page, $all);

		$full = self::bytesAllocatedBy(static fn (): int => count(presence_room('huge')));
		$limited = self::bytesAllocatedBy(static fn (): int => count(presence_room('huge', null, self::LIMIT)));
		// Building 10 000 entries and keeping 50 would allocate what the full read does. Building
		// only the 50 allocates their share of it (0.5 %); 4 times that leaves room for what any
		// read allocates whatever its size.
		$share = self::LIMIT / self::CLIENTS;
		self::assertGreaterThan(0, $limited);
		self::assertLessThan(4 * $share * $full, $limited, "a read of 50 of 10 000 entries allocated $limited bytes, a read of all of them $full");
	}

	public function testOnRedisALimitedReadFetchesOnePageOfEntriesAndTheServerSaysSo(): void
	{
		self::requireRedis();
		$this->fillHugeRoom();
		$redis = new RedisInfo((string) ini_get('presence.backend'));

		// The plugin's read: a max age of the ttl every entry was written with, and a limit.
		$before = $redis->commandCalls();
		self::assertCount(self::LIMIT, presence_room('huge', 600, self::LIMIT));
		$limited = RedisInfo::difference($before, $redis->commandCalls());

		$before = $redis->commandCalls();
		self::assertCount(self::CLIENTS, presence_room('huge', 600));
		$full = RedisInfo::difference($before, $redis->commandCalls());

		// The server's own count (INFO itself shows up once in each difference): the limited
		// read fetches one page of entries with one HMGET, and never the whole room's values.
		self::assertSame(1, $limited['hmget'] ?? 0, 'one HMGET of one page: ' . json_encode($limited));
		self::assertArrayNotHasKey('hvals', $limited, 'no HVALS of the whole room: ' . json_encode($limited));
		self::assertArrayNotHasKey('hgetall', $limited, 'no HGETALL of the whole room: ' . json_encode($limited));
		// The full read does fetch every entry, so the counts above can tell the two apart.
		self::assertGreaterThan(($limited['hmget'] ?? 0) + ($limited['hvals'] ?? 0), ($full['hmget'] ?? 0) + ($full['hvals'] ?? 0), 'the full read: ' . json_encode($full));
	}

	private function fillHugeRoom(): void
	{
		$written = 0;
		for ($i = 0; $i < self::CLIENTS; $i++) {
			$written += presence_upsert('huge', "c$i", ['i' => $i], $i % 100, 600) ? 1 : 0;
		}
		self::assertSame(self::CLIENTS, $written);
		self::assertSame(self::CLIENTS, presence_room_count('huge'));
		self::assertSame(['entries' => self::CLIENTS, 'users' => 100], presence_rooms()['huge']);
	}

	/** Peak PHP memory above the start that $read allocates (its result freed before it returns). */
	private static function bytesAllocatedBy(callable $read): int
	{
		gc_collect_cycles();
		memory_reset_peak_usage();
		$start = memory_get_usage();
		$read();
		return memory_get_peak_usage() - $start;
	}
}
