<?php
/**
 * One logged-in user of the site, as a browser is to WordPress: its own cookies, the heartbeat
 * nonce from the dashboard, and heartbeats sent to admin-ajax.php. Each answer says which machine
 * (X-Presence-Machine) and which php-fpm worker (X-Presence-Worker-Pid) served it.
 */

declare(strict_types=1);

final class Browser
{
	private string $jar;
	private string $nonce = '';

	public function __construct(private string $url, public string $login)
	{
		$this->jar = tempnam(sys_get_temp_dir(), 'presence-fleet-');
	}

	public function __destruct()
	{
		@unlink($this->jar);
	}

	/**
	 * @param array<string, mixed> $post
	 * @return array{status: int, headers: array<string, string>, body: string, seconds: float}
	 */
	public function request(string $path, ?array $post = null): array
	{
		$headers = [];
		$c = curl_init($this->url . $path);
		curl_setopt_array($c, [
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_COOKIEJAR => $this->jar,
			CURLOPT_COOKIEFILE => $this->jar,
			CURLOPT_TIMEOUT => 30,
			CURLOPT_HEADERFUNCTION => static function ($c, string $line) use (&$headers): int {
				if (str_contains($line, ':')) {
					[$name, $value] = explode(':', $line, 2);
					$headers[strtolower(trim($name))] = trim($value);
				}
				return strlen($line);
			},
		]);
		if ($post !== null) {
			curl_setopt($c, CURLOPT_POSTFIELDS, http_build_query($post));
		}
		$t = microtime(true);
		$body = (string) curl_exec($c);
		$seconds = microtime(true) - $t;
		$status = (int) curl_getinfo($c, CURLINFO_RESPONSE_CODE);
		curl_close($c);
		return ['status' => $status, 'headers' => $headers, 'body' => $body, 'seconds' => $seconds];
	}

	public function logIn(): void
	{
		$this->request('/wp-login.php');
		$r = $this->request('/wp-login.php', ['log' => $this->login, 'pwd' => $this->login, 'testcookie' => '1']);
		if ($r['status'] !== 302) {
			throw new RuntimeException("logging in as {$this->login} answered {$r['status']}");
		}
		$dashboard = $this->request('/wp-admin/')['body'];
		if (!preg_match('/heartbeatSettings = \{"nonce":"([0-9a-f]+)"/', $dashboard, $m)) {
			throw new RuntimeException("no heartbeat nonce on the dashboard of {$this->login}");
		}
		$this->nonce = $m[1];
	}

	/**
	 * A heartbeat with the given data (`data[...]` fields) from a screen.
	 *
	 * @param array<string, mixed> $data
	 * @return array{status: int, machine: string, pid: string, data: array<string, mixed>, seconds: float}
	 */
	public function heartbeatWith(array $data, string $screen): array
	{
		$post = ['action' => 'heartbeat', '_nonce' => $this->nonce, 'screen_id' => $screen, 'data' => $data];
		$r = $this->request('/wp-admin/admin-ajax.php', $post);
		return [
			'status' => $r['status'],
			'machine' => $r['headers']['x-presence-machine'] ?? '?',
			'pid' => $r['headers']['x-presence-worker-pid'] ?? '?',
			'data' => (array) json_decode($r['body'], true),
			'seconds' => $r['seconds'],
		];
	}

	/**
	 * A heartbeat with a presence ping from the dashboard.
	 *
	 * @return array{status: int, machine: string, pid: string, data: array<string, mixed>, seconds: float}
	 */
	public function heartbeat(?int $knownVersion = null): array
	{
		$post = [
			'action' => 'heartbeat',
			'_nonce' => $this->nonce,
			'screen_id' => 'dashboard',
			'data[presence-ping][screen]' => 'dashboard',
			'data[presence-ping][title]' => 'Dashboard',
		];
		if ($knownVersion !== null) {
			$post['data[presence-ping][versions][online]'] = (string) $knownVersion;
		}
		$r = $this->request('/wp-admin/admin-ajax.php', $post);
		return [
			'status' => $r['status'],
			'machine' => $r['headers']['x-presence-machine'] ?? '?',
			'pid' => $r['headers']['x-presence-worker-pid'] ?? '?',
			'data' => (array) json_decode($r['body'], true),
			'seconds' => $r['seconds'],
		];
	}
}
