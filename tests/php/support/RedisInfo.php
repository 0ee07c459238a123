<?php
/**
 * What a Redis server says about itself, read over a connection of our own (RESP, no client
 * library): the calls of each command it ran (`INFO commandstats`, commands run by scripts
 * included) and whether it answers. The tests use it to check the extension's claims — round
 * trips, the work a read does, the store that answers — against the server, not against the
 * extension's own counters. Shared by the extension and plugin suites.
 */

declare(strict_types=1);

final class RedisInfo
{
	/** @var resource */
	private $socket;

	/** @param string $url redis://host:port (the form presence.backend takes in the tests). */
	public function __construct(string $url)
	{
		$parts = parse_url($url);
		if (!is_array($parts) || ($parts['scheme'] ?? '') !== 'redis' || !isset($parts['host'], $parts['port'])) {
			throw new InvalidArgumentException("not a redis://host:port URL: $url");
		}
		$socket = @stream_socket_client("tcp://{$parts['host']}:{$parts['port']}", $errno, $errstr, 2.0);
		if ($socket === false) {
			throw new RuntimeException("cannot reach the Redis server at $url: $errstr");
		}
		stream_set_timeout($socket, 5);
		$this->socket = $socket;
	}

	/**
	 * Calls per command (lower-case names) since the server started.
	 *
	 * @return array<string, int>
	 */
	public function commandCalls(): array
	{
		$calls = [];
		foreach (explode("\n", $this->command('INFO', 'commandstats')) as $line) {
			if (preg_match('/^cmdstat_([a-z0-9_|-]+):calls=(\d+),/', trim($line), $m)) {
				$calls[$m[1]] = (int) $m[2];
			}
		}
		return $calls;
	}

	/**
	 * Calls of each command between two commandCalls() answers (commands with none left out).
	 *
	 * @param array<string, int> $before
	 * @param array<string, int> $after
	 * @return array<string, int>
	 */
	public static function difference(array $before, array $after): array
	{
		$diff = [];
		foreach ($after as $name => $n) {
			if ($n - ($before[$name] ?? 0) > 0) {
				$diff[$name] = $n - ($before[$name] ?? 0);
			}
		}
		ksort($diff);
		return $diff;
	}

	/** One field of `INFO stats`, e.g. total_writes_processed (replies written to clients). */
	public function stat(string $name): int
	{
		if (!preg_match('/^' . preg_quote($name, '/') . ':(\d+)/m', $this->command('INFO', 'stats'), $m)) {
			throw new RuntimeException("INFO stats has no $name");
		}
		return (int) $m[1];
	}

	/**
	 * What the server did for $work, by its own counters: the calls of each command, and the
	 * replies it wrote to clients (one per round trip: a pipeline is answered in one write).
	 * What reading the counters costs is measured with no work and taken off.
	 *
	 * @return array{commands: array<string, int>, replies: int}
	 */
	public function measure(callable $work): array
	{
		static $idle = null;
		$run = function (callable $work): array {
			$calls = $this->commandCalls();
			$replies = $this->stat('total_writes_processed');
			$work();
			$replies = $this->stat('total_writes_processed') - $replies;
			return ['commands' => self::difference($calls, $this->commandCalls()), 'replies' => $replies];
		};
		$idle ??= $run(static function (): void {
		});
		$done = $run($work);
		$commands = [];
		foreach ($done['commands'] as $name => $n) {
			if ($n - ($idle['commands'][$name] ?? 0) > 0) {
				$commands[$name] = $n - ($idle['commands'][$name] ?? 0);
			}
		}
		return ['commands' => $commands, 'replies' => $done['replies'] - $idle['replies']];
	}

	/** Sends one command and returns its answer (a status, an integer or a bulk string). */
	public function command(string ...$args): string
	{
		$request = '*' . count($args) . "\r\n";
		foreach ($args as $arg) {
			$request .= '$' . strlen($arg) . "\r\n$arg\r\n";
		}
		fwrite($this->socket, $request);
		$line = fgets($this->socket);
		if ($line === false) {
			throw new RuntimeException('the Redis server did not answer ' . implode(' ', $args));
		}
		$type = $line[0];
		$rest = rtrim(substr($line, 1), "\r\n");
		if ($type === '-') {
			throw new RuntimeException("Redis answered an error to {$args[0]}: $rest");
		}
		if ($type !== '$') {
			return $rest;
		}
		$length = (int) $rest;
		$body = '';
		while (strlen($body) < $length + 2) {
			$chunk = fread($this->socket, $length + 2 - strlen($body));
			if ($chunk === false || $chunk === '') {
				throw new RuntimeException("the Redis server's answer to {$args[0]} was cut short");
			}
			$body .= $chunk;
		}
		return substr($body, 0, $length);
	}

	public function __destruct()
	{
		fclose($this->socket);
	}
}
