<?php
/**
 * The Redis backend (presence.backend = redis://…) on what only it has: its stats, the round
 * trips a heartbeat costs, and Redis down, frozen, or killed and restarted under a running
 * process — one E_WARNING per request, every call answering its empty value within
 * presence.redis_timeout_ms, and the same process recovering by itself. The outage tests run
 * children against a redis-server of their own.
 */

declare(strict_types=1);

require_once __DIR__ . '/support/RedisServer.php';
require_once __DIR__ . '/support/FakeRedis.php';
require_once dirname(__DIR__) . '/support/RedisInfo.php';

final class RedisBackendTest extends PresenceTestCase
{
	/** Every function once, with what it answered; the child's errors and the time it took. */
	private const EVERY_FUNCTION = <<<'PHP'
		$t = microtime(true);
		$result = ['answers' => [
			'upsert' => presence_upsert('r', 'c', ['a' => 1], 1, 60),
			'room' => presence_room('r'),
			'room_count' => presence_room_count('r'),
			'remove' => presence_remove('r', 'c'),
			'remove_user' => presence_remove_user(1),
			'user' => presence_user(1),
			'rooms' => presence_rooms(),
			'room_version' => presence_room_version('r'),
			'gc' => presence_gc(),
			'flush' => presence_flush(),
			'stats' => presence_stats(),
			'entry' => presence_entry('r', 'c'),
			'exchange' => presence_exchange('r', 'c', ['a' => 1], 1, 60, null, null, '', null, 'editor-'),
			'leave' => presence_leave('r', 'c', null, '', null, 'editor-'),
			'prefix' => presence_prefix('r'),
			'rooms_read' => presence_rooms_read(['r', 's']),
			'live_token' => presence_live_token('install/1', 1, ['r'], 60),
			'live_revoke' => presence_live_revoke('install/1', 1),
			'live_poll' => presence_live_poll('not.a-token'),
		]];
		$result['seconds'] = microtime(true) - $t;
		PHP;

	/** presence.redis_timeout_ms of the outage tests' children. */
	private const TIMEOUT_MS = 100;

	/** The longest back-off between two connection attempts (100 ms, doubling, at most 2 s). */
	private const LONGEST_BACK_OFF_SECONDS = 2.0;

	private const EMPTY_ANSWERS = [
		'upsert' => false, 'room' => [], 'room_count' => 0, 'remove' => false, 'remove_user' => 0,
		'user' => [], 'rooms' => [], 'room_version' => 0, 'gc' => 0, 'flush' => 0, 'stats' => [],
		'entry' => null, 'exchange' => false, 'leave' => false, 'prefix' => [], 'rooms_read' => [], 'live_token' => '',
		'live_revoke' => false, 'live_poll' => [503, '{"code":"store_unavailable"}'],
	];

	protected function setUp(): void
	{
		self::requireRedis();
		parent::setUp();
	}

	public function testStatsNameTheServerAndAHeartbeatCostsOneRoundTripWhenNothingChanged(): void
	{
		$stats = presence_stats();
		self::assertSame('redis', $stats['backend']);
		self::assertSame(preg_replace('~//[^@/]*@~', '//', (string) ini_get('presence.backend')), $stats['server']);
		self::assertMatchesRegularExpression('/^(redis|valkey) \d+\.\d+/', $stats['server_version']);
		self::assertSame(ini_get('presence.key_prefix'), $stats['key_prefix']);
		self::assertSame(1, $stats['connects'], 'one connection for the whole run');

		// Counted twice: by the extension (round_trips, less what one presence_stats() costs) and
		// by the server itself (the replies it wrote, and the commands it ran, scripts' included).
		$server = new RedisInfo((string) ini_get('presence.backend'));
		$statsCost = -presence_stats()['round_trips'] + presence_stats()['round_trips'];
		$measure = static function (callable $work) use ($server, $statsCost): array {
			$before = presence_stats()['round_trips'];
			$seen = $server->measure($work);
			return ['extension' => presence_stats()['round_trips'] - $before - $statsCost] + $seen;
		};
		presence_upsert('hb', 'me', ['screen' => 'dashboard'], 1, 60);
		$write = $measure(static function (): void {
			presence_upsert('hb', 'me', ['screen' => 'dashboard'], 1, 60);
		});
		$version = 0;
		// A tick that changes nothing: the write, and the version from its reply.
		$unchanged = $measure(static function () use (&$version): void {
			presence_upsert('hb', 'me', ['screen' => 'dashboard'], 1, 60);
			$version = presence_room_version('hb');
		});
		self::assertSame(1, $unchanged['extension'], 'round trips the extension counted');
		self::assertSame(1, $unchanged['replies'], 'replies the server wrote: ' . json_encode($unchanged));
		self::assertSame($write['commands'], $unchanged['commands'], 'the version cost the server no command after the write');
		// A tick after someone joined: the write, its new version, and the read of the room.
		presence_upsert('hb', 'other', [], 2, 60);
		$changed = $measure(static function () use ($version): void {
			presence_upsert('hb', 'me', ['screen' => 'dashboard'], 1, 60);
			self::assertNotSame($version, presence_room_version('hb'));
			self::assertCount(2, presence_room('hb', 60, 50));
		});
		self::assertSame(2, $changed['extension'], 'round trips the extension counted');
		self::assertSame(2, $changed['replies'], 'replies the server wrote: ' . json_encode($changed));
		self::assertGreaterThan(array_sum($write['commands']), array_sum($changed['commands']), 'the read ran commands of its own');
	}

	public function testAReadOfManyRoomsIsOneRoundTripAndOneScriptCall(): void
	{
		$rooms = [];
		for ($i = 0; $i < 300; $i++) {
			$rooms[] = "site/$i/admin/online";
			if (0 === $i % 3) {
				presence_upsert("site/$i/admin/online", "user-$i", ['i' => $i], $i, 60);
			}
		}
		$server = new RedisInfo((string) ini_get('presence.backend'));
		$statsCost = -presence_stats()['round_trips'] + presence_stats()['round_trips'];
		$before = presence_stats()['round_trips'];
		$read = [];
		$seen = $server->measure(static function () use ($rooms, &$read): void {
			$read = presence_rooms_read($rooms, 60, null, 'user-');
		});
		self::assertSame(1, presence_stats()['round_trips'] - $before - $statsCost, 'round trips the extension counted');
		self::assertSame(1, $seen['replies'], 'replies the server wrote: ' . json_encode($seen));
		self::assertSame(1, $seen['commands']['evalsha'] ?? 0, 'one script call for 300 rooms: ' . json_encode($seen['commands']));
		self::assertCount(300, $read);
		self::assertCount(100, array_filter($read));
	}

	public function testALivePollWithNothingExpiredIsOneRoundTripOfReadsWithoutAScriptThenNoneWhileNothingChanged(): void
	{
		$token = presence_live_token('install/1', 1, ['site/1/admin/online', 'site/1/post:5'], 60, 'sess');
		presence_live_poll($token, 'sess'); // the first opens the second connection, which Redis tells of changes
		// A write of this process: what the poll had read is no longer trusted.
		presence_upsert('site/1/admin/online', 'me', ['screen' => 'dashboard'], 1, 60);
		$version = presence_room_version('site/1/admin/online');
		$server = new RedisInfo((string) ini_get('presence.backend'));
		$answer = null;
		$poll = static function () use ($token, &$answer): void {
			$answer = presence_live_poll($token, 'sess');
		};
		$seen = $server->measure($poll);
		self::assertSame(200, $answer[0]);
		self::assertSame([(string) $version, '0'], array_map('strval', json_decode($answer[1], true, 512, JSON_BIGINT_AS_STRING)['v']));
		// The reads' answer; and a PING's PONG on the second connection when the invalidation of
		// this process's own write had not arrived yet (the PONG comes after it).
		$pings = $seen['commands']['ping'] ?? 0;
		self::assertLessThanOrEqual(1, $pings);
		self::assertSame(1 + $pings, $seen['replies'], 'replies the server wrote: ' . json_encode($seen));
		$commands = array_keys(array_diff_key($seen['commands'], ['ping' => 0]));
		sort($commands);
		// CLIENT: TRACKING and CACHING, so that Redis says when a key read here changes.
		self::assertSame(['client|caching', 'client|tracking', 'exec', 'exists', 'get', 'hget', 'multi', 'time', 'zrange'], $commands, 'reads only, no script: ' . json_encode($seen));

		$again = $server->measure($poll);
		self::assertSame(200, $answer[0]);
		self::assertSame([(string) $version, '0'], array_map('strval', json_decode($answer[1], true, 512, JSON_BIGINT_AS_STRING)['v']));
		// Answered from what the first poll read: nothing asked of the server but, at most once
		// a second, a PING on the second connection (it still hears from the server).
		$pings = $again['commands']['ping'] ?? 0;
		self::assertLessThanOrEqual(1, $pings);
		self::assertSame([], array_diff_key($again['commands'], ['ping' => 0]), 'answered from what the first poll read: ' . json_encode($again));
		self::assertSame($pings, $again['replies']);
	}

	public function testRedisDownWarnsOncePerRequestAndEveryCallAnswersItsEmptyValueAtOnce(): void
	{
		$server = new RedisServer();
		$server->stop();
		$r = self::runChild(self::CATCH_ERRORS . self::EVERY_FUNCTION . <<<'PHP'
			try {
				presence_upsert('', 'c');
			} catch (ValueError $e) {
				$result['still_validates'] = $e->getMessage();
			}
			$result['errors'] = $errors;
			PHP, ['presence.backend' => $server->url(), 'presence.redis_timeout_ms' => (string) self::TIMEOUT_MS]);

		self::assertSame(self::EMPTY_ANSWERS, $r['answers']);
		self::assertCount(1, $r['errors'], 'one warning for the whole request: ' . json_encode($r['errors']));
		self::assertSame(E_WARNING, $r['errors'][0][0]);
		self::assertStringContainsString("presence backend {$server->url()} is unavailable", $r['errors'][0][1]);
		// A refused connection waits for no timeout: every call together stays within one.
		self::assertLessThan(self::timeoutBound(self::TIMEOUT_MS), $r['seconds']);
		self::assertStringContainsString('Argument #1 ($room) must not be empty', $r['still_validates']);
	}

	public function testAnUnusableBackendSettingSaysWhyOnce(): void
	{
		$r = self::runChild(self::CATCH_ERRORS . self::EVERY_FUNCTION . '$result["errors"] = $errors;', [
			'presence.backend' => 'memcached://127.0.0.1:11211',
		]);
		self::assertSame(self::EMPTY_ANSWERS, $r['answers']);
		self::assertCount(1, $r['errors']);
		self::assertStringContainsString('presence.backend must be shm, redis://', $r['errors'][0][1]);
	}

	/** PHP cannot print a message holding a NUL byte: the warning says so in another way. */
	public function testAnErrorAnswerHoldingANulByteStillWarnsOnce(): void
	{
		$server = new FakeRedis("-ERR bad\0byte\r\n");
		$r = self::runChild(self::CATCH_ERRORS . self::EVERY_FUNCTION . '$result["errors"] = $errors;', [
			'presence.backend' => $server->url(),
		]);
		self::assertSame(self::EMPTY_ANSWERS, $r['answers']);
		self::assertCount(1, $r['errors'], 'one warning for the request: ' . json_encode($r['errors']));
		self::assertStringContainsString("presence backend {$server->url()} is unavailable: ", $r['errors'][0][1]);
		self::assertStringContainsString('bad', $r['errors'][0][1]);
	}

	public function testAFrozenRedisCostsOneTimeoutThenCallsFailAtOnceAndTheProcessRecovers(): void
	{
		$server = new RedisServer();
		$r = self::runChild(self::CATCH_ERRORS . sprintf(<<<'PHP'
			$ok = presence_upsert('r', 'before', [], 1, 60);
			exec('kill -STOP %1$d');
			$t = microtime(true);
			$room = presence_room('r');
			$first = microtime(true) - $t;
			$t = microtime(true);
			$count = presence_room_count('r');
			$second = microtime(true) - $t;
			exec('kill -CONT %1$d');
			$t = microtime(true);
			do {
				usleep(20000);
				$back = presence_room('r');
			} while ($back === [] && microtime(true) - $t < 5);
			$result = ['ok' => $ok, 'room' => $room, 'count' => $count, 'first' => $first, 'second' => $second,
				'back' => array_column($back, 'client_id'), 'recovered_after' => microtime(true) - $t,
				'connects' => presence_stats()['connects'], 'errors' => $errors];
			PHP, $server->pid()), ['presence.backend' => $server->url(), 'presence.redis_timeout_ms' => (string) self::TIMEOUT_MS]);

		self::assertTrue($r['ok']);
		self::assertSame([[], 0], [$r['room'], $r['count']]);
		// The timeout honoured: the first call waits it (less 10 % for the clocks' granularity),
		// once and no more; the next ones, within the back-off, do not wait it again.
		$timeout = self::TIMEOUT_MS / 1000;
		self::assertGreaterThanOrEqual(0.9 * $timeout, $r['first'], 'the first call waited for its answer');
		self::assertLessThan(self::timeoutBound(self::TIMEOUT_MS), $r['first'], 'for presence.redis_timeout_ms, not more');
		self::assertLessThan(0.9 * $timeout, $r['second'], 'later calls do not wait for the timeout again');
		self::assertSame(['before'], $r['back'], 'the same process reads again once Redis answers');
		self::assertLessThan(self::LONGEST_BACK_OFF_SECONDS + self::SCHEDULING_MARGIN_SECONDS, $r['recovered_after'], 'back within the back-off');
		self::assertSame(2, $r['connects']);
		self::assertCount(1, $r['errors']);
		self::assertStringContainsString('no answer within presence.redis_timeout_ms', $r['errors'][0][1]);
	}

	public function testRedisKilledAndRestartedUnderARunningProcessWhichRecoversByItself(): void
	{
		$server = new RedisServer();
		$child = self::startChild(self::CATCH_ERRORS . <<<'PHP'
			$log = [];
			$slowest = 0.0;
			$end = microtime(true) + 3.5;
			for ($i = 0; microtime(true) < $end; $i++) {
				$t = microtime(true);
				$ok = presence_upsert('r', 'c' . ($i % 5), ['i' => $i], 1, 60) && presence_room_count('r') > 0;
				$slowest = max($slowest, microtime(true) - $t);
				$log[] = $ok ? 1 : 0;
				usleep(20000);
			}
			$result = ['log' => implode('', $log), 'slowest' => $slowest, 'connects' => presence_stats()['connects'],
				'errors' => $errors, 'room' => array_column(presence_room('r'), 'client_id')];
			PHP, ['presence.backend' => $server->url(), 'presence.redis_timeout_ms' => (string) self::TIMEOUT_MS]);
		usleep(700000);
		$server->stop(true);
		usleep(800000);
		$server->restart();
		$r = self::finishChild($child);

		self::assertMatchesRegularExpression('/^1{10,}0{10,}1{10,}$/', $r['log'], 'up, down while killed, up again: ' . $r['log']);
		self::assertSame(2, $r['connects'], 'the same process connected again by itself');
		self::assertLessThan(self::timeoutBound(self::TIMEOUT_MS), $r['slowest'], 'no call waited more than the timeout');
		self::assertCount(1, $r['errors'], 'one warning: this is one request');
		self::assertCount(5, $r['room'], 'written again after the restart, which lost everything');
	}
}
