<?php
/**
 * A loopback server that is not Redis: it answers whatever it is sent with the same bytes
 * (`$reply`, repeated), for tests of what the extension does with answers no real server gives.
 * A child `php` of the test, on a port the kernel picks; stopped when the object goes.
 */

declare(strict_types=1);

final class FakeRedis
{
	public int $port;
	/** @var resource */
	private $proc;
	/** @var array<int, resource> */
	private array $pipes;

	private const SERVE = <<<'PHP'
		$server = stream_socket_server('tcp://127.0.0.1:0');
		echo substr(strrchr(stream_socket_get_name($server, false), ':'), 1), "\n";
		$reply = str_repeat(base64_decode($argv[1]), 64);
		$clients = [];
		$end = microtime(true) + 60;
		while (microtime(true) < $end) {
			$read = array_merge([$server], $clients);
			$write = $except = null;
			if (stream_select($read, $write, $except, 1) < 1) {
				continue;
			}
			foreach ($read as $c) {
				if ($c === $server) {
					$clients[] = stream_socket_accept($server);
				} elseif (in_array(fread($c, 65536), ['', false], true)) {
					fclose($c);
					$clients = array_values(array_filter($clients, static fn ($o) => $o !== $c));
				} else {
					fwrite($c, $reply);
				}
			}
		}
		PHP;

	public function __construct(string $reply)
	{
		$proc = proc_open(
			[PHP_BINARY, '-n', '-r', self::SERVE, '--', base64_encode($reply)],
			[0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
			$pipes
		);
		if (!is_resource($proc)) {
			throw new RuntimeException('cannot start the fake server');
		}
		$this->proc = $proc;
		$this->pipes = $pipes;
		$this->port = (int) fgets($pipes[1]);
		if ($this->port <= 0) {
			throw new RuntimeException('the fake server did not say its port');
		}
	}

	public function url(): string
	{
		return "redis://127.0.0.1:{$this->port}";
	}

	public function __destruct()
	{
		proc_terminate($this->proc);
		foreach ($this->pipes as $pipe) {
			fclose($pipe);
		}
		proc_close($this->proc);
	}
}
