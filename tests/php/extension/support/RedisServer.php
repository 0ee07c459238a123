<?php
/**
 * A redis-server of one test, on a free loopback port with nothing persisted: started, stopped
 * (SIGTERM or SIGKILL), frozen (SIGSTOP/SIGCONT) and restarted on the same port. Only the
 * process named by its own PID file, and only while it is that server, is ever signalled.
 */

declare(strict_types=1);

final class RedisServer
{
	public int $port;
	private string $dir;

	public function __construct()
	{
		$this->dir = sys_get_temp_dir() . '/presence-phpunit-redis-' . getmypid() . '-' . bin2hex(random_bytes(4));
		mkdir($this->dir);
		for ($attempt = 0; $attempt < 5; $attempt++) {
			// The kernel picks a free port; a race for it is retried.
			$probe = stream_socket_server('tcp://127.0.0.1:0');
			$port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
			fclose($probe);
			$this->port = $port;
			if ($this->launch()) {
				return;
			}
		}
		throw new RuntimeException("redis-server did not start; see {$this->dir}/redis.log");
	}

	public function url(): string
	{
		return "redis://127.0.0.1:{$this->port}";
	}

	private function launch(): bool
	{
		@unlink("{$this->dir}/redis.pid");
		$cmd = sprintf(
			'redis-server --port %d --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile %s --dir %s --logfile %s 2>&1',
			$this->port,
			escapeshellarg("{$this->dir}/redis.pid"),
			escapeshellarg($this->dir),
			escapeshellarg("{$this->dir}/redis.log")
		);
		exec($cmd, $out, $status);
		if ($status !== 0) {
			throw new RuntimeException('redis-server could not be run (apt-get install redis-server): ' . implode("\n", $out));
		}
		$deadline = microtime(true) + 5;
		while (microtime(true) < $deadline) {
			if ($this->pid() !== null && $this->answers()) {
				return true;
			}
			usleep(10000);
		}
		return false;
	}

	private function answers(): bool
	{
		$s = @stream_socket_client("tcp://127.0.0.1:{$this->port}", $errno, $errstr, 0.2);
		if ($s === false) {
			return false;
		}
		fwrite($s, "PING\r\n");
		stream_set_timeout($s, 0, 200000);
		$line = fgets($s);
		fclose($s);
		return $line === "+PONG\r\n";
	}

	/** The PID of the server if its PID file names a live redis-server on this port. */
	public function pid(): ?int
	{
		$pid = (int) @file_get_contents("{$this->dir}/redis.pid");
		$cmdline = $pid > 0 ? (string) @file_get_contents("/proc/$pid/cmdline") : '';
		return str_contains($cmdline, 'redis-server') && str_contains($cmdline, ":{$this->port}") ? $pid : null;
	}

	/** Sends a signal (SIGSTOP freezes the server, SIGCONT thaws it). */
	public function signal(int $signal): void
	{
		$pid = $this->pid();
		if ($pid !== null) {
			exec("kill -$signal $pid");
		}
	}

	/** Stops the server (SIGKILL when $hard) and waits until it is gone. */
	public function stop(bool $hard = false): void
	{
		$pid = $this->pid();
		if ($pid === null) {
			return;
		}
		$this->signal($hard ? 9 : 15);
		$this->signal(18); // a frozen server must run to act on SIGTERM
		$deadline = microtime(true) + 5;
		while (self::alive($pid) && microtime(true) < $deadline) {
			usleep(5000);
		}
		if (self::alive($pid)) {
			exec("kill -9 $pid");
		}
		@unlink("{$this->dir}/redis.pid");
	}

	public function restart(): void
	{
		if (!$this->launch()) {
			throw new RuntimeException("redis-server did not restart on port {$this->port}");
		}
	}

	/** Whether a process runs (a zombie nobody reaped yet counts as gone). */
	private static function alive(int $pid): bool
	{
		$stat = @file_get_contents("/proc/$pid/stat");
		return is_string($stat) && !preg_match('/\) Z /', $stat);
	}

	public function __destruct()
	{
		$this->stop();
		foreach (glob("{$this->dir}/*") ?: [] as $file) {
			@unlink($file);
		}
		@rmdir($this->dir);
	}
}
