<?php
/**
 * A room of 10 000 clients: $limit returns the newest ones without building every entry.
 */

declare(strict_types=1);

final class LargeRoomTest extends PresenceTestCase
{
	private const CLIENTS = 10000;

	public function testALimitedReadOfAHugeRoomReturnsTheNewestAndCostsFarLessThanAFullRead(): void
	{
		$written = 0;
		for ($i = 0; $i < self::CLIENTS; $i++) {
			$written += presence_upsert('huge', "c$i", ['i' => $i], $i % 100, 600) ? 1 : 0;
		}
		self::assertSame(self::CLIENTS, $written);
		self::assertSame(self::CLIENTS, presence_room_count('huge'));
		self::assertSame(['entries' => self::CLIENTS, 'users' => 100], presence_rooms()['huge']);

		$page = presence_room('huge', null, 50);
		self::assertSame(array_map(static fn (int $i): string => "c$i", range(self::CLIENTS - 1, self::CLIENTS - 50)), self::clients($page));
		$all = presence_room('huge');
		self::assertCount(self::CLIENTS, $all);
		self::assertSame($page, array_slice($all, 0, 50));

		// Best of three, so that a scheduling hiccup cannot decide the outcome.
		$limited = $full = PHP_INT_MAX;
		for ($round = 0; $round < 3; $round++) {
			$t = hrtime(true);
			presence_room('huge', null, 50);
			$limited = min($limited, hrtime(true) - $t);
			$t = hrtime(true);
			presence_room('huge');
			$full = min($full, hrtime(true) - $t);
		}
		self::assertLessThan($full / 5, $limited, "50 of 10 000 entries took {$limited} ns, all of them {$full} ns");
	}
}
