<?php
/**
 * Two editors whose heartbeats land on different machines of a fleet. With
 * presence.backend = redis they see each other on every tick; with the per-machine shared memory
 * they do not (the split presence a fleet gets without Redis, which this suite also shows, so that
 * it is known to tell the two apart). On Redis, an outage costs each request one warning and
 * empty answers within the timeout, and the same php-fpm workers recover by themselves. A post
 * lock, kept in the store, holds across the machines on Redis; on per-machine shared memory it
 * does not, which is why a fleet sets Redis (or the database backend) for presence.
 */

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

final class FleetTest extends TestCase
{
	private const TICKS = 6;

	/** Linux signal numbers (the pcntl extension, which names them, is not needed for this). */
	private const SIGKILL = 9;
	private const SIGCONT = 18;
	private const SIGSTOP = 19;

	/** presence.redis_timeout_ms of the fleet's workers: the extension's default, which the site keeps. */
	private const REDIS_TIMEOUT_MS = 100;

	/**
	 * What a loaded 2-core CI machine (two php-fpm masters, nginx, MariaDB, curl) may add to a
	 * request that honours the timeout: the margin of the bounds on elapsed time below, which
	 * check that the timeout is honoured and never measure speed.
	 */
	private const SCHEDULING_MARGIN_SECONDS = 0.9;

	private Browser $one;
	private Browser $two;

	protected function setUp(): void
	{
		$url = (string) getenv('PRESENCE_TEST_URL');
		$this->one = new Browser($url, 'editor1');
		$this->two = new Browser($url, 'editor2');
		$this->one->logIn();
		$this->two->logIn();
	}

	private static function onRedis(): bool
	{
		return getenv('PRESENCE_TEST_BACKEND') === 'redis';
	}

	/**
	 * Ticks in which editor1 then editor2 send a heartbeat. Fails unless the two heartbeats of
	 * every tick were answered by different machines.
	 *
	 * With $sendVersions each browser sends the version it holds, as the real client does, and
	 * keeps its list on an `unchanged` answer. Returns, per tick and browser ('one', 'two'):
	 * the names it holds, the `updated_at` of the other editor's entry in the answer (null when
	 * absent or unchanged), and whether the answer was `unchanged`.
	 *
	 * @return list<array<string, array{names: list<string>, other: ?float, unchanged: bool}>>
	 */
	private function tick(int $ticks, bool $sendVersions = false): array
	{
		$held = ['one' => [[], null], 'two' => [[], null]];
		$others = ['one' => 'Editor Two', 'two' => 'Editor One'];
		$out = [];
		for ($tick = 1; $tick <= $ticks; $tick++) {
			$machines = [];
			foreach (['one' => $this->one, 'two' => $this->two] as $who => $browser) {
				[$names, $version] = $held[$who];
				$r = $browser->heartbeat($sendVersions ? $version : null);
				self::assertSame(200, $r['status'], "heartbeat of {$browser->login}");
				$online = $r['data']['presence-online'] ?? null;
				self::assertIsArray($online, "presence-online in the answer to {$browser->login}: " . json_encode($r['data']));
				$other = null;
				$unchanged = !empty($online['unchanged']);
				if ($unchanged) {
					self::assertSame($version, $online['version'], 'unchanged means: the version the browser sent');
				} else {
					$names = array_column($online['users'], 'display_name');
					sort($names);
					foreach ($online['users'] as $user) {
						if ($user['display_name'] === $others[$who]) {
							$other = (float) $user['updated_at'];
						}
					}
				}
				$held[$who] = [$names, $online['version']];
				$out[$tick - 1][$who] = ['names' => $names, 'other' => $other, 'unchanged' => $unchanged];
				$machines[] = $r['machine'];
			}
			self::assertNotSame($machines[0], $machines[1], "tick $tick: both heartbeats went to machine {$machines[0]}");
		}
		return $out;
	}

	public function testEditorsOnDifferentMachinesSeeEachOtherOnEveryTickThroughRedis(): void
	{
		if (!self::onRedis()) {
			self::markTestSkipped('this run keeps presence in each machine\'s shared memory');
		}
		$ticks = $this->tick(self::TICKS);
		// Every tick of each editor reaches the other, though it was served by the other machine:
		// the other's entry is there, written by its latest tick.
		self::assertNotNull($ticks[0]['two']['other'], 'on the first tick, editor2 already sees editor1');
		for ($t = 1; $t < self::TICKS; $t++) {
			self::assertSame(['Editor One', 'Editor Two'], $ticks[$t]['one']['names'], "tick $t: editor1 sees both");
			self::assertGreaterThan($ticks[$t - 1]['two']['other'] ?? 0, $ticks[$t]['two']['other'] ?? 0, "tick $t: editor2 sees editor1's latest tick");
			self::assertGreaterThan($ticks[$t - 1]['one']['other'] ?? 0, $ticks[$t]['one']['other'] ?? 0, "tick $t: editor1 sees editor2's latest tick");
		}
		// As the browser ticks: the version it holds comes back `unchanged` from either machine
		// while nobody joins or leaves.
		$ticks = $this->tick(3, true);
		self::assertTrue($ticks[2]['one']['unchanged'] && $ticks[2]['two']['unchanged'], 'the machines agree on the room\'s version');
		self::assertSame(['Editor One', 'Editor Two'], $ticks[2]['one']['names']);
		self::assertSame(['Editor One', 'Editor Two'], $ticks[2]['two']['names']);
	}

	/**
	 * The id of the demo draft "Presence demo post", from editor1's posts list.
	 */
	private function demoPostId(): int
	{
		$list = $this->one->request('/wp-admin/edit.php?post_status=draft&post_type=post')['body'];
		self::assertMatchesRegularExpression('~post\.php\?post=(\d+)&(?:amp;)?action=edit[^>]*>\s*Presence demo post~', $list, 'the demo draft is listed');
		preg_match('~post\.php\?post=(\d+)&(?:amp;)?action=edit[^>]*>\s*Presence demo post~', $list, $m);
		return (int) $m[1];
	}

	/**
	 * editor1 opens the demo post (its editor's tick takes the lock), then editor2 opens it on the
	 * other machine: the editor's lock check and the posts list's check, as core asks them.
	 *
	 * @return array{0: array, 1: array, 2: array} editor1's tick, editor2's editor tick, editor2's list tick.
	 */
	private function lockAcrossMachines(): array
	{
		$post = $this->demoPostId();
		$editor = [
			'wp-refresh-post-lock' => ['post_id' => (string) $post],
			'presence-editor-ping' => ['post_id' => (string) $post],
			'presence-ping' => ['screen' => 'post', 'post_id' => (string) $post],
		];
		$taken = $this->one->heartbeatWith($editor, 'post');
		self::assertSame(200, $taken['status']);
		self::assertArrayHasKey('new_lock', $taken['data']['wp-refresh-post-lock'] ?? [], 'editor1 holds the lock: ' . json_encode($taken['data']));
		$opened = $this->two->heartbeatWith($editor, 'post');
		self::assertNotSame($taken['machine'], $opened['machine'], 'the two ticks went to different machines');
		$listed = $this->two->heartbeatWith(['wp-check-locked-posts' => ['post-' . $post]], 'edit-post');
		return [$taken, $opened, $listed];
	}

	public function testAPostLockTakenOnOneMachineHoldsOnTheOtherThroughRedis(): void
	{
		if (!self::onRedis()) {
			self::markTestSkipped('this run keeps presence in each machine\'s shared memory');
		}
		[, $opened, $listed] = $this->lockAcrossMachines();
		$lock = $opened['data']['wp-refresh-post-lock'] ?? [];
		self::assertArrayHasKey('lock_error', $lock, 'wp_check_post_lock() on the other machine sees editor1\'s lock: ' . json_encode($opened['data']));
		self::assertSame('Editor One', $lock['lock_error']['name']);
		self::assertArrayNotHasKey('new_lock', $lock, 'so editor2 did not take it');
		self::assertSame(2, $opened['data']['presence-heartbeat-collaborators'] ?? null, 'both editors counted, across the machines');
		$checked = $listed['data']['wp-check-locked-posts'] ?? [];
		self::assertSame('Editor One', array_values($checked)[0]['name'] ?? null, 'the posts list sees it too: ' . json_encode($listed['data']));
	}

	public function testWithSharedMemoryAPostLockStaysOnItsMachine(): void
	{
		if (self::onRedis()) {
			self::markTestSkipped('this run keeps presence in Redis');
		}
		[, $opened] = $this->lockAcrossMachines();
		self::assertArrayHasKey('new_lock', $opened['data']['wp-refresh-post-lock'] ?? [], 'the other machine never saw editor1\'s lock: ' . json_encode($opened['data']));
	}

	public function testWithSharedMemoryNoTickReachesTheOtherMachine(): void
	{
		if (self::onRedis()) {
			self::markTestSkipped('this run keeps presence in Redis');
		}
		// Each machine holds at most what the other editor's login wrote there, never refreshed.
		$ticks = $this->tick(self::TICKS);
		foreach (['one', 'two'] as $who) {
			$seen = array_unique(array_filter(array_map(static fn (array $t): ?float => $t[$who]['other'], $ticks), 'is_float'));
			self::assertLessThanOrEqual(1, count($seen), "editor $who never sees the other's ticks: " . json_encode($seen));
		}
	}

	/**
	 * Worker PIDs of every php-fpm master of the site (children of each master).
	 *
	 * @return list<int>
	 */
	private static function workers(): array
	{
		$masters = [];
		foreach (glob(getenv('PRESENCE_TEST_RUN_DIR') . '/php-fpm*.pid') ?: [] as $file) {
			if (preg_match('~/php-fpm(-\d)?\.pid$~', $file)) {
				$masters[] = (int) file_get_contents($file);
			}
		}
		$workers = [];
		foreach (glob('/proc/[0-9]*/stat') ?: [] as $stat) {
			$line = (string) @file_get_contents($stat);
			// After "pid (comm) ": state, then the parent's PID.
			$fields = explode(' ', substr($line, (int) strrpos($line, ')') + 2));
			if (in_array((int) ($fields[1] ?? 0), $masters, true)) {
				$workers[] = (int) basename(dirname($stat));
			}
		}
		sort($workers);
		return $workers;
	}

	/**
	 * `count` probes: three extension calls each, in requests spread over the machines.
	 *
	 * @return list<array<string, mixed>>
	 */
	private function probes(int $count): array
	{
		$out = [];
		for ($i = 0; $i < $count; $i++) {
			$r = $this->one->request('/wp-admin/admin-ajax.php?action=presence_test_probe');
			self::assertSame(200, $r['status'], $r['body']);
			$out[] = (array) json_decode($r['body'], true);
		}
		return $out;
	}

	public function testARedisOutageCostsEachRequestOneWarningAndTheSameWorkersRecover(): void
	{
		if (!self::onRedis()) {
			self::markTestSkipped('no Redis in this run');
		}
		$workers = self::workers();
		self::assertGreaterThanOrEqual(8, count($workers), 'two machines of four workers');
		foreach ($this->probes(4) as $p) {
			self::assertSame(['upsert' => true, 'count' => 1], array_intersect_key($p['answers'], ['upsert' => 1, 'count' => 1]));
		}

		// Frozen (SIGSTOP): each request waits about presence.redis_timeout_ms at most once.
		$pidFile = getenv('PRESENCE_TEST_RUN_DIR') . '/redis.pid';
		$pid = (int) file_get_contents($pidFile);
		// NUL-terminated arguments, some of them empty (--save "").
		$argv = explode("\0", substr((string) file_get_contents("/proc/$pid/cmdline"), 0, -1));
		self::assertSame('redis-server', basename($argv[0]), 'the PID file names the site\'s redis-server');
		posix_kill($pid, self::SIGSTOP);
		try {
			$frozen = $this->probes(6);
		} finally {
			posix_kill($pid, self::SIGCONT);
		}
		foreach ($frozen as $p) {
			self::assertSame(['upsert' => false, 'count' => 0, 'version' => 0], $p['answers']);
			self::assertCount(1, $p['warnings'], 'one warning per request: ' . json_encode($p['warnings']));
			self::assertLessThan(self::REDIS_TIMEOUT_MS / 1000 + self::SCHEDULING_MARGIN_SECONDS, $p['seconds'], 'no request waits more than one timeout');
		}

		// Killed: every request answers at once, with one warning each, also on a worker that
		// already warned in an earlier request.
		posix_kill($pid, self::SIGKILL);
		$deadline = microtime(true) + 5;
		while (file_exists("/proc/$pid/cmdline") && (string) @file_get_contents("/proc/$pid/cmdline") !== '' && microtime(true) < $deadline) {
			usleep(10000);
		}
		$down = $this->probes(20);
		foreach ($down as $p) {
			self::assertSame(['upsert' => false, 'count' => 0, 'version' => 0], $p['answers']);
			self::assertCount(1, $p['warnings'], 'one warning per request: ' . json_encode($p['warnings']));
			self::assertStringContainsString('is unavailable', $p['warnings'][0]);
			self::assertLessThan(self::REDIS_TIMEOUT_MS / 1000 + self::SCHEDULING_MARGIN_SECONDS, $p['seconds'], 'a refused connection waits for no timeout');
		}
		$answeredBy = array_count_values(array_column($down, 'pid'));
		self::assertGreaterThan(1, max($answeredBy), 'some worker answered several of those requests');
		$r = $this->one->heartbeat();
		self::assertSame(200, $r['status'], 'a heartbeat is answered while Redis is down');
		self::assertSame([], $r['data']['presence-online']['users'] ?? null);

		// Back, with the same arguments (in a session of its own, as the harness starts it; it
		// writes its PID file again, so `site.sh down` stops it).
		exec('setsid -f ' . implode(' ', array_map('escapeshellarg', $argv)) . ' >/dev/null 2>&1', $ignored, $status);
		self::assertSame(0, $status);
		$port = (int) $argv[array_search('--port', $argv, true) + 1];
		$deadline = microtime(true) + 5;
		while (!@fsockopen('127.0.0.1', $port) && microtime(true) < $deadline) {
			usleep(20000);
		}
		// Each worker retries after its back-off (at most 2 s), then every request works.
		$recovered = false;
		$deadline = microtime(true) + 6;
		while (!$recovered && microtime(true) < $deadline) {
			usleep(250000);
			$recovered = array_sum(array_map(static fn (array $p): int => (int) $p['answers']['upsert'], $this->probes(16))) === 16;
		}
		self::assertTrue($recovered, 'every worker writes again within a few seconds');
		self::assertSame($workers, self::workers(), 'the same php-fpm workers, none restarted');

		$ticks = $this->tick(2);
		self::assertSame(['Editor One', 'Editor Two'], $ticks[1]['one']['names'], 'editor1 sees both again');
		self::assertSame(['Editor One', 'Editor Two'], $ticks[1]['two']['names'], 'editor2 sees both again');
	}
}
