<?php
/**
 * Runs `wp` the way the README tells a host to: with the site's extension and the same
 * presence.shm_path as the php-fpm workers (through WP_CLI_PHP_ARGS, with no other ini file
 * loading the extension), and talks to those workers over HTTP as a logged-in editor.
 *
 * @package Presence
 */

use PHPUnit\Framework\TestCase;

abstract class WPP_WP_CLI_TestCase extends TestCase {

	/**
	 * Runs `wp …` on the test site.
	 *
	 * @param string[]    $args      Arguments after `wp`.
	 * @param string|null $shm_path  presence.shm_path; null for the site's.
	 * @return array{0:int,1:string,2:string} [exit status, stdout, stderr].
	 */
	protected static function wp( array $args, ?string $shm_path = null ): array {
		$php_args = sprintf(
			'-d extension=%s -d presence.shm_path=%s -d presence.max_state_bytes=32K',
			escapeshellarg( getenv( 'PRESENCE_TEST_SO' ) ),
			escapeshellarg( $shm_path ?? getenv( 'PRESENCE_TEST_SHM_PATH' ) )
		);
		$env = array(
			'PATH'              => getenv( 'PATH' ),
			'HOME'              => sys_get_temp_dir(),
			'WP_CLI_PHP_ARGS'   => $php_args,
			'PHP_INI_SCAN_DIR'  => '/etc/php/8.2/cli/conf.d', // Debian's CLI ini only: the extension comes from WP_CLI_PHP_ARGS.
			'WP_CLI_CACHE_DIR'  => sys_get_temp_dir() . '/wpp-wp-cli-cache',
		);
		$command = array_merge(
			// A network's sites are found by the host PHP sees, without the port (PRESENCE_TEST_CLI_URL).
			array( getenv( 'PRESENCE_WP_CLI' ), '--path=' . getenv( 'PRESENCE_TEST_DOCROOT' ), '--url=' . ( getenv( 'PRESENCE_TEST_CLI_URL' ) ?: getenv( 'PRESENCE_TEST_URL' ) ), '--allow-root' ),
			$args
		);
		$process = proc_open( $command, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes, null, $env );
		$out     = stream_get_contents( $pipes[1] );
		$err     = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		return array( proc_close( $process ), (string) $out, (string) $err );
	}

	/**
	 * `wp … --format=json`, decoded; fails the test when wp fails.
	 */
	protected function wp_json( array $args ): array {
		list( $status, $out, $err ) = self::wp( array_merge( $args, array( '--format=json' ) ) );
		$this->assertSame( 0, $status, "wp " . implode( ' ', $args ) . ": $out $err" );
		$data = json_decode( $out, true );
		$this->assertIsArray( $data, $out );
		return $data;
	}

	/**
	 * The user id of a login, through the command itself: `set` names its default client id
	 * `cli-{user id}`.
	 */
	protected function user_id( string $login ): int {
		list( $status, $out, $err ) = self::wp( array( 'presence', 'set', 'wpp-cli-test/whoami', '--user=' . $login ) );
		$this->assertSame( 0, $status, "$out $err" );
		$this->assertMatchesRegularExpression( '/Set cli-(\d+) in/', $out );
		preg_match( '/Set cli-(\d+) in/', $out, $m );
		return (int) $m[1];
	}

	/**
	 * Logs a demo user in over HTTP and sends one heartbeat with a presence ping, as a browser
	 * on the dashboard does; a php-fpm worker answers.
	 *
	 * @return array{0:array,1:string} [decoded heartbeat answer, the response headers].
	 */
	protected function heartbeat( string $login ): array {
		$url = rtrim( getenv( 'PRESENCE_TEST_URL' ), '/' );
		$jar = tempnam( sys_get_temp_dir(), 'wpp-jar' );
		try {
			$curl = static function ( array $args ) use ( $jar ): string {
				$process = proc_open( array_merge( array( 'curl', '-sS', '--max-time', '30', '-c', $jar, '-b', $jar ), $args ), array( 1 => array( 'pipe', 'w' ) ), $pipes );
				$out     = stream_get_contents( $pipes[1] );
				fclose( $pipes[1] );
				proc_close( $process );
				return (string) $out;
			};
			$curl( array( '-o', '/dev/null', "$url/wp-login.php" ) );
			$curl( array( '-o', '/dev/null', '--data-urlencode', "log=$login", '--data-urlencode', "pwd=$login", '-d', 'testcookie=1', "$url/wp-login.php" ) );
			$dashboard = $curl( array( "$url/wp-admin/" ) );
			$this->assertMatchesRegularExpression( '/heartbeatSettings = \{"nonce":"([0-9a-f]+)"/', $dashboard, "$login is logged in" );
			preg_match( '/heartbeatSettings = \{"nonce":"([0-9a-f]+)"/', $dashboard, $m );
			$raw = $curl( array( '-i', '-d', 'action=heartbeat', '-d', '_nonce=' . $m[1], '-d', 'screen_id=dashboard', '-d', 'data[presence-ping][screen]=dashboard', "$url/wp-admin/admin-ajax.php" ) );
		} finally {
			unlink( $jar );
		}
		list( $headers, $body ) = explode( "\r\n\r\n", $raw, 2 ) + array( '', '' );
		$answer                 = json_decode( $body, true );
		$this->assertIsArray( $answer, "heartbeat answer: $raw" );
		return array( $answer, $headers );
	}
}
