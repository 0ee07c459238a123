<?php
/**
 * TTL and max age with real time: the PHP API has no test clock, so these two tests sleep just
 * past a one-second TTL (the core's own tests move a test clock instead).
 */

declare(strict_types=1);

final class ExpiryTest extends PresenceTestCase
{
	private const PAST_ONE_SECOND = 1_150_000;

	public function testExpiredEntriesDisappearFromEveryReadAndGcCountsThem(): void
	{
		// Meanwhile a child with presence.default_ttl=1 checks that a write without $ttl uses it.
		$child = self::startChild(<<<'PHP'
			presence_upsert('default-ttl', 'no-ttl', [], 1);
			presence_upsert('default-ttl', 'ttl-60', [], 1, 60);
			$result = ['setting' => presence_stats()['default_ttl'], 'before' => presence_room_count('default-ttl')];
			usleep(1_150_000);
			$result['after'] = array_column(presence_room('default-ttl'), 'client_id');
			PHP, ['presence.default_ttl' => '1'] + $this->privateStore('default-ttl'));

		presence_upsert('r', 'short', ['t' => 1], 1, 1);
		presence_upsert('r', 'long', ['t' => 60], 1, 60);
		presence_upsert('gc/a', 'x', [], 2, 1);
		presence_upsert('gc/b', 'y', [], 2, 1);
		self::assertSame(4, presence_stats()['live_entries']);
		$expiredBefore = presence_stats()['evictions']['expired'];

		usleep(self::PAST_ONE_SECOND);

		self::assertSame(3, presence_gc(), 'gc removes exactly the three entries whose ttl ran out');
		self::assertSame(0, presence_gc());
		$stats = presence_stats();
		self::assertSame(1, $stats['live_entries']);
		if (!self::onRedis()) { // Redis keeps no eviction counters
			self::assertSame($expiredBefore + 3, $stats['evictions']['expired']);
		}
		self::assertSame(['long'], self::clients(presence_room('r')));
		self::assertSame([], presence_user(2));
		self::assertSame(['r'], array_keys(presence_rooms()));

		// max_age: 'long' was written more than a second ago, 'fresh' just now.
		presence_upsert('r', 'fresh', [], 1, 60);
		self::assertSame(['fresh'], self::clients(presence_room('r', 1)));
		self::assertSame(['fresh', 'long'], self::clients(presence_room('r', 2)));
		self::assertSame(1, presence_room_count('r', 1));
		self::assertSame(2, presence_room_count('r'));
		self::assertSame(['fresh'], self::clients(presence_user(1, 1)));
		self::assertSame(['r' => ['entries' => 1, 'users' => 1]], presence_rooms('', 1));
		self::assertSame(['r' => ['entries' => 2, 'users' => 1]], presence_rooms('', 2));

		self::assertSame(['setting' => 1, 'before' => 2, 'after' => ['ttl-60']], self::finishChild($child));
	}

	public function testAnOutOfRangeDefaultTtlSettingFallsBackTo150(): void
	{
		foreach (['0', '86401', 'abc'] as $setting) {
			$r = self::runChild(self::CATCH_ERRORS . '$result = [presence_stats()["default_ttl"], $errors];', [
				'presence.default_ttl' => $setting,
			] + $this->privateStore('bad-ttl'));
			self::assertSame(150, $r[0], "presence.default_ttl=$setting");
			self::assertCount(1, $r[1], "presence.default_ttl=$setting warns once");
			self::assertStringContainsString("presence.default_ttl \"$setting\"", $r[1][0][1]);
		}
		self::assertSame(86400, self::runChild('$result = presence_stats()["default_ttl"];', [
			'presence.default_ttl' => '86400',
		] + $this->privateStore('max-ttl')));
	}

	public function testExpiryIsALeaveForReadsAndTheRoomVersion(): void
	{
		presence_upsert('r', 'short', ['t' => 1], 1, 1);
		presence_upsert('r', 'long', ['t' => 60], 2, 60);
		presence_upsert('alone', 'short', [], 3, 1);
		$v = presence_room_version('r');
		self::assertSame(2, presence_room_count('r'));

		usleep(self::PAST_ONE_SECOND);

		// No gc: reads expire lazily.
		self::assertNotSame($v, presence_room_version('r'), 'an expired member left the room');
		self::assertSame(1, presence_room_count('r'));
		self::assertSame(['long'], self::clients(presence_room('r')));
		self::assertSame(0, presence_room_version('alone'));
		self::assertSame([], presence_room('alone'));

		// Writing an expired entry again is a new join with the new state.
		$v2 = presence_room_version('r');
		presence_upsert('r', 'short', ['t' => 1], 1, 60);
		self::assertNotSame($v2, presence_room_version('r'));
		self::assertSame(['short', 'long'], self::clients(presence_room('r')));
	}
}
