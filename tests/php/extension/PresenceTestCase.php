<?php
/**
 * Base class of the extension tests: an empty store before every test, and child `php`
 * processes that load the same extension with the same (or overridden) presence.* settings.
 * The suite runs on the backend presence.backend names: the shared-memory segment, or Redis.
 */

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

abstract class PresenceTestCase extends TestCase
{
	/** Child code that records every PHP error instead of printing it. */
	protected const CATCH_ERRORS = <<<'PHP'
		$errors = [];
		set_error_handler(static function (int $no, string $msg) use (&$errors): bool {
			$errors[] = [$no, $msg];
			return true;
		});
		PHP;

	/** The presence.* settings a child inherits unless a test overrides them. */
	private const INHERITED_INI = [
		'presence.shm_path',
		'presence.shm_size',
		'presence.default_ttl',
		'presence.max_state_bytes',
		'presence.backend',
		'presence.key_prefix',
		'presence.redis_timeout_ms',
	];

	/**
	 * What a loaded 2-core CI machine may add to a call that honours its timeout (scheduling,
	 * process start-up of a child): the margin of every bound on elapsed time in this suite.
	 * Such bounds check a timeout is honoured; they never measure speed.
	 */
	protected const SCHEDULING_MARGIN_SECONDS = 0.9;

	/** The shared-memory lock's timeout: a waiter gives up (and warns) after it. */
	protected const LOCK_TIMEOUT_SECONDS = 2.0;

	/** @var list<string> Segment files this test created; deleted in tearDown. */
	private array $extraSegments = [];

	protected function setUp(): void
	{
		parent::setUp();
		presence_flush();
		self::assertSame(0, presence_stats()['live_entries'], 'the store is empty before each test');
	}

	protected function tearDown(): void
	{
		foreach ($this->extraSegments as $path) {
			if (is_file($path)) {
				unlink($path);
			}
		}
		$this->extraSegments = [];
		parent::tearDown();
	}

	/**
	 * The longest a call may take when it waits `$waits` times at most for a timeout of
	 * `$timeoutMs`: those waits plus the scheduling margin.
	 */
	protected static function timeoutBound(int $timeoutMs, int $waits = 1): float
	{
		return $waits * $timeoutMs / 1000 + self::SCHEDULING_MARGIN_SECONDS;
	}

	/** Whether this run stores in Redis (presence.backend is a URL) rather than in a segment. */
	protected static function onRedis(): bool
	{
		$backend = trim((string) ini_get('presence.backend'));
		return $backend !== '' && strcasecmp($backend, 'shm') !== 0;
	}

	/** Skips a test about the shared-memory segment itself when this run is on Redis. */
	protected static function requireShm(): void
	{
		if (self::onRedis()) {
			self::markTestSkipped('about the shared-memory segment; this run uses presence.backend = ' . ini_get('presence.backend'));
		}
	}

	/** Skips a test about the Redis backend when this run is on the shared-memory segment. */
	protected static function requireRedis(): void
	{
		if (!self::onRedis()) {
			self::markTestSkipped('about the Redis backend; this run uses the shared-memory segment');
		}
	}

	/**
	 * Settings for a child that must have a store of its own, empty and apart from this
	 * process's: another segment file, or another key prefix on the same Redis.
	 *
	 * @return array<string, string>
	 */
	protected function privateStore(string $label): array
	{
		if (self::onRedis()) {
			return ['presence.key_prefix' => sprintf('%s%s-%s:', ini_get('presence.key_prefix'), $label, bin2hex(random_bytes(4)))];
		}
		return ['presence.shm_path' => $this->privateSegmentPath($label)];
	}

	/** A fresh segment path of this test (deleted in tearDown). */
	protected function privateSegmentPath(string $label): string
	{
		$path = sprintf(
			'%s.%s-%d-%s.seg',
			preg_replace('~\.seg$~', '', (string) ini_get('presence.shm_path')),
			$label,
			getmypid(),
			bin2hex(random_bytes(4))
		);
		$this->extraSegments[] = $path;
		return $path;
	}

	/** The shared object of the presence extension this process loaded. */
	protected static function extensionFile(): string
	{
		static $file = null;
		if ($file !== null) {
			return $file;
		}
		foreach (file('/proc/self/maps', FILE_IGNORE_NEW_LINES) ?: [] as $line) {
			if (preg_match('~\s(/\S*presence\.so)(?: \(deleted\))?$~', $line, $m)) {
				return $file = $m[1];
			}
		}
		self::fail('cannot find the loaded presence extension in /proc/self/maps');
	}

	/**
	 * The command line of a child `php` with the extension and this process's presence.*
	 * settings, `$ini` overriding or adding settings.
	 *
	 * @param array<string, string> $ini
	 * @return list<string>
	 */
	protected static function childCommand(array $ini = [], bool $withExtension = true): array
	{
		$cmd = [PHP_BINARY, '-n', '-d', 'display_errors=stderr', '-d', 'error_reporting=-1'];
		if ($withExtension) {
			$cmd[] = '-d';
			$cmd[] = 'extension=' . self::extensionFile();
			foreach (self::INHERITED_INI as $name) {
				$ini += [$name => (string) ini_get($name)];
			}
		}
		foreach ($ini as $name => $value) {
			$cmd[] = '-d';
			$cmd[] = "$name=$value";
		}
		return $cmd;
	}

	/**
	 * Starts a child `php` running `$code` (PHP without the opening tag). The code reports its
	 * result by assigning `$result`; the child prints it serialized as its last line.
	 *
	 * @param array<string, string> $ini
	 * @return array{0: resource, 1: array<int, resource>}
	 */
	protected static function startChild(string $code, array $ini = [], bool $withExtension = true)
	{
		$script = "<?php\n\$result = null;\n$code\n;echo \"\\n\", base64_encode(serialize(\$result)), \"\\n\";\n";
		$proc = proc_open(
			self::childCommand($ini, $withExtension),
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
			$pipes
		);
		self::assertIsResource($proc, 'proc_open of a child php failed');
		fwrite($pipes[0], $script);
		fclose($pipes[0]);
		return [$proc, $pipes];
	}

	/**
	 * Waits for a child started by startChild() and returns its `$result`; fails the test when
	 * the child did not exit cleanly.
	 *
	 * @param array{0: resource, 1: array<int, resource>} $child
	 * @return mixed
	 */
	protected static function finishChild(array $child)
	{
		[$proc, $pipes] = $child;
		$stdout = stream_get_contents($pipes[1]);
		$stderr = stream_get_contents($pipes[2]);
		fclose($pipes[1]);
		fclose($pipes[2]);
		$status = proc_close($proc);
		self::assertSame(0, $status, "child php failed (exit $status):\n$stderr\n$stdout");
		self::assertSame('', $stderr, 'child php wrote to stderr');
		$lines = explode("\n", rtrim((string) $stdout, "\n"));
		$last = base64_decode(end($lines), true);
		self::assertIsString($last, "child php printed no result:\n$stdout");
		return unserialize($last);
	}

	/**
	 * Runs `$code` in a child `php` and returns its `$result`.
	 *
	 * @param array<string, string> $ini
	 * @return mixed
	 */
	protected static function runChild(string $code, array $ini = [], bool $withExtension = true)
	{
		return self::finishChild(self::startChild($code, $ini, $withExtension));
	}

	/**
	 * Runs a child `php` with extra command-line arguments and returns its exit status and output.
	 *
	 * @param list<string>          $args
	 * @param array<string, string> $ini
	 * @return array{0: int, 1: string, 2: string} exit status, stdout, stderr
	 */
	protected static function runPhp(array $args, array $ini = []): array
	{
		$proc = proc_open(
			array_merge(self::childCommand($ini), $args),
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']],
			$pipes
		);
		self::assertIsResource($proc, 'proc_open of a child php failed');
		fclose($pipes[0]);
		$stdout = (string) stream_get_contents($pipes[1]);
		$stderr = (string) stream_get_contents($pipes[2]);
		fclose($pipes[1]);
		fclose($pipes[2]);
		return [proc_close($proc), $stdout, $stderr];
	}

	/**
	 * Everything the store says about a room, to prove that a failed call changed nothing.
	 *
	 * @return array<string, mixed>
	 */
	protected static function snapshot(string $room): array
	{
		$stats = presence_stats();
		return [
			'entries' => presence_room($room),
			'version' => presence_room_version($room),
			'live_entries' => $stats['live_entries'],
			'rooms' => presence_rooms(),
		];
	}

	/** The client ids of a list of entries, in order. */
	protected static function clients(array $entries): array
	{
		return array_column($entries, 'client_id');
	}
}
