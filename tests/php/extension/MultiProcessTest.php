<?php
/**
 * Separate `php` processes (not forked from each other) share one store when they use the same
 * presence.shm_path, and only then.
 */

declare(strict_types=1);

final class MultiProcessTest extends PresenceTestCase
{
	private const CHILDREN = 4;
	private const CLIENTS_EACH = 25;
	private const ROUNDS = 20;

	public function testConcurrentChildrenWriteAndTheParentSeesEveryEntry(): void
	{
		$recoveries = presence_stats()['lock_recoveries'];
		// A start line the children wait for, so that their writes overlap.
		$go = sys_get_temp_dir() . '/presence-phpunit-go-' . getmypid() . '-' . bin2hex(random_bytes(4));
		$children = [];
		for ($n = 1; $n <= self::CHILDREN; $n++) {
			$children[$n] = self::startChild(sprintf(<<<'PHP'
				$n = %d;
				$ok = 0;
				for ($wait = 0; !file_exists(%s) && $wait < 5000; $wait++) {
					usleep(1000);
				}
				for ($round = 0; $round < %d; $round++) {
					for ($j = 0; $j < %d; $j++) {
						$ok += presence_upsert('shared', "child$n-$j", ['child' => $n, 'j' => $j, 'round' => $round], $n, 600) ? 1 : 0;
						presence_room('shared', null, 20);
					}
				}
				presence_upsert("own-$n", 'only', ['pid' => getmypid()], $n, 600);
				$result = ['ok' => $ok, 'pid' => getmypid()];
				PHP, $n, var_export($go, true), self::ROUNDS, self::CLIENTS_EACH));
		}
		touch($go);
		$pids = [];
		$results = [];
		try {
			foreach ($children as $n => $child) {
				$results[$n] = self::finishChild($child);
			}
		} finally {
			unlink($go);
		}
		foreach ($results as $n => $r) {
			self::assertSame(self::ROUNDS * self::CLIENTS_EACH, $r['ok'], "child $n wrote every entry");
			$pids[$n] = $r['pid'];
		}

		self::assertSame(self::CHILDREN * self::CLIENTS_EACH, presence_room_count('shared'));
		$seen = [];
		foreach (presence_room('shared') as $e) {
			self::assertSame($e['data']['child'], $e['user_id']);
			self::assertSame(self::ROUNDS - 1, $e['data']['round'], 'the last write of each client won');
			self::assertSame("child{$e['data']['child']}-{$e['data']['j']}", $e['client_id']);
			$seen[$e['client_id']] = true;
		}
		self::assertCount(self::CHILDREN * self::CLIENTS_EACH, $seen);
		$rooms = presence_rooms();
		self::assertSame(['entries' => self::CHILDREN * self::CLIENTS_EACH, 'users' => self::CHILDREN], $rooms['shared']);
		for ($n = 1; $n <= self::CHILDREN; $n++) {
			self::assertSame([['pid' => $pids[$n]]], array_column(presence_room("own-$n"), 'data'));
			self::assertCount(self::CLIENTS_EACH + 1, presence_user($n));
		}
		self::assertSame(self::CHILDREN * (self::CLIENTS_EACH + 1), presence_stats()['live_entries']);
		self::assertSame($recoveries, presence_stats()['lock_recoveries'], 'no child died holding the lock');
	}

	public function testAChildReadsExactlyWhatTheParentWrote(): void
	{
		presence_upsert('site/post:7', 'tab-a', ['screen' => 'editor', 'title' => 'Ünïcödé'], 3, 600);
		usleep(1000);
		presence_upsert('site/post:7', 'tab-b', ['screen' => 'editor', 'n' => [1.5, null, false]], 4, 600);
		$mine = presence_room('site/post:7');

		$child = self::runChild(<<<'PHP'
			$result = [
				'room' => presence_room('site/post:7'),
				'version' => presence_room_version('site/post:7'),
				'user' => presence_user(4),
				'rooms' => presence_rooms('site/'),
				'stats' => presence_stats(),
			];
			PHP);

		self::assertSame($mine, $child['room']);
		self::assertSame(presence_room_version('site/post:7'), $child['version']);
		self::assertSame(presence_user(4), $child['user']);
		self::assertSame(['site/post:7' => ['entries' => 2, 'users' => 2]], $child['rooms']);
		$where = self::onRedis() ? 'server' : 'segment_path';
		self::assertSame(presence_stats()[$where], $child['stats'][$where], 'the same store');
	}

	public function testAChildsRemovalsAndChangesReachTheParent(): void
	{
		presence_upsert('r', 'a', ['s' => 1], 1, 600);
		presence_upsert('r', 'b', ['s' => 1], 2, 600);
		presence_upsert('x/1', 'c', [], 1, 600);
		$v = presence_room_version('r');

		$child = self::runChild(<<<'PHP'
			$result = [
				'removed' => presence_remove('r', 'a'),
				'removed_user' => presence_remove_user(1, 'x/'),
			];
			presence_upsert('r', 'b', ['s' => 2], 2, 600);
			PHP);

		self::assertSame(['removed' => true, 'removed_user' => 1], $child);
		self::assertNotSame($v, presence_room_version('r'));
		self::assertSame([['s' => 2]], array_column(presence_room('r'), 'data'));
		self::assertSame([], presence_room('x/1'));

		self::runChild('$result = presence_flush();');
		self::assertSame(0, presence_stats()['live_entries']);
		self::assertSame([], presence_rooms());
	}

	public function testAnotherShmPathOrKeyPrefixIsAnotherStore(): void
	{
		presence_upsert('mine', 'parent', ['who' => 'parent'], 1, 600);
		$other = $this->privateStore('other');

		$first = self::runChild(<<<'PHP'
			$result = [
				'sees_parent' => presence_room('mine'),
				'wrote' => presence_upsert('theirs', 'child', ['who' => 'child'], 2, 600),
				'stats' => presence_stats(),
			];
			PHP, $other);
		$second = self::runChild(<<<'PHP'
			$result = ['theirs' => presence_room('theirs'), 'mine' => presence_room('mine')];
			PHP, $other);

		self::assertSame([], $first['sees_parent']);
		self::assertTrue($first['wrote']);
		self::assertSame(1, $first['stats']['live_entries']);
		if (self::onRedis()) {
			self::assertSame($other['presence.key_prefix'], $first['stats']['key_prefix']);
		} else {
			self::assertSame($other['presence.shm_path'], $first['stats']['segment_path']);
			self::assertFileExists($other['presence.shm_path']);
		}
		self::assertSame([['who' => 'child']], array_column($second['theirs'], 'data'), 'a later process on that path sees it');
		self::assertSame([], $second['mine']);
		self::assertSame([], presence_room('theirs'), 'the parent never sees the other store');
		self::assertSame(['mine'], array_keys(presence_rooms()));
	}
}
