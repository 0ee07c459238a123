<?php
/**
 * `wp presence` through a real WP-CLI against the store the site's php-fpm workers use.
 *
 * @package Presence
 */

class WpPresenceTest extends WPP_WP_CLI_TestCase {

	protected function tearDown(): void {
		self::wp( array( 'presence', 'flush', 'wpp-cli-test/', '--yes' ) );
		parent::tearDown();
	}

	public function test_stats_show_the_workers_segment(): void {
		$stats = array_column( $this->wp_json( array( 'presence', 'stats' ) ), 'value', 'field' );
		$this->assertSame( getenv( 'PRESENCE_TEST_SHM_PATH' ), $stats['segment_path'] );
		$this->assertSame( 'shm', $stats['backend'] );
		$this->assertGreaterThan( 0, (int) $stats['capacity'] );
	}

	public function test_wp_cli_sees_what_a_php_fpm_worker_wrote(): void {
		$editor = $this->user_id( 'editor1' );
		list( $answer, $headers ) = $this->heartbeat( 'editor1' );
		$this->assertArrayHasKey( 'presence-online', $answer );
		$this->assertMatchesRegularExpression( '/X-Presence-Worker-Pid: \d+/i', $headers, 'a php-fpm worker answered' );

		$online = array_column( $this->wp_json( array( 'presence', 'list', 'admin/online' ) ), null, 'client_id' );
		$this->assertArrayHasKey( "user-$editor", $online, 'the entry the worker wrote' );
		$this->assertSame( $editor, $online[ "user-$editor" ]['user_id'] );
		$this->assertSame( 'dashboard', json_decode( $online[ "user-$editor" ]['data'], true )['screen'] );
	}

	public function test_php_fpm_workers_see_what_wp_cli_wrote(): void {
		$editor2 = $this->user_id( 'editor2' );
		$data    = array( 'display_name' => 'Written by WP-CLI', 'avatar_url' => '', 'screen' => 'dashboard', 'title' => '' );
		list( $status, $out, $err ) = self::wp( array( 'presence', 'set', 'admin/online', "user-$editor2", '--user=editor2', '--data=' . wp_json_encode_for_test( $data ), '--ttl=600' ) );
		$this->assertSame( 0, $status, "$out $err" );

		list( $answer ) = $this->heartbeat( 'editor1' );
		$names          = array_column( $answer['presence-online']['users'] ?? array(), 'display_name', 'user_id' );
		$this->assertSame( 'Written by WP-CLI', $names[ $editor2 ] ?? null, 'editor1 sees editor2 as WP-CLI wrote them: ' . json_encode( $answer ) );

		$this->assertSame( 0, self::wp( array( 'presence', 'remove', 'admin/online', "user-$editor2" ) )[0] );
	}

	public function test_list_summary_remove_and_flush(): void {
		$this->assertSame( 0, self::wp( array( 'presence', 'set', 'wpp-cli-test/a', 'c1', '--data={"n":1}' ) )[0] );
		$this->assertSame( 0, self::wp( array( 'presence', 'set', 'wpp-cli-test/a', 'c2', '--user=editor1' ) )[0] );
		$this->assertSame( 0, self::wp( array( 'presence', 'set', 'wpp-cli-test/b', 'c1' ) )[0] );

		$list = $this->wp_json( array( 'presence', 'list', 'wpp-cli-test/a' ) );
		$this->assertSame( array( 'c2', 'c1' ), array_column( $list, 'client_id' ), 'newest first' );
		$this->assertSame( array( 'room', 'client_id', 'user_id', 'data', 'date_gmt' ), array_keys( $list[0] ) );
		$this->assertSame( '{"n":1}', $list[1]['data'] );
		$this->assertSame( 0, $list[1]['user_id'], 'without --user: no owner' );
		$this->assertSame( "2", trim( self::wp( array( 'presence', 'list', 'wpp-cli-test/a', '--format=count' ) )[1] ) );
		list( , $csv ) = self::wp( array( 'presence', 'list', 'wpp-cli-test/b', '--format=csv' ) );
		$this->assertStringStartsWith( "room,client_id,user_id,data,date_gmt\nwpp-cli-test/b,c1,0,{},", $csv );

		$summary = array_column( $this->wp_json( array( 'presence', 'summary' ) ), null, 'room' );
		$this->assertSame( array( 'room' => 'wpp-cli-test/a', 'entries' => 2, 'users' => 2 ), $summary['wpp-cli-test/a'] );

		list( $status, $out ) = self::wp( array( 'presence', 'remove', 'wpp-cli-test/a', 'c1' ) );
		$this->assertSame( 0, $status );
		$this->assertStringContainsString( 'Removed c1 from wpp-cli-test/a', $out );
		$this->assertStringContainsString( 'There was no live entry', self::wp( array( 'presence', 'remove', 'wpp-cli-test/a', 'c1' ) )[1] );

		list( $status, $out ) = self::wp( array( 'presence', 'cleanup', '--yes' ) );
		$this->assertSame( 0, $status );
		$this->assertMatchesRegularExpression( '/Deleted \d+ expired entries/', $out );
		$this->assertCount( 1, $this->wp_json( array( 'presence', 'list', 'wpp-cli-test/a' ) ), 'cleanup leaves live entries' );

		list( $status, $out ) = self::wp( array( 'presence', 'flush', 'wpp-cli-test/', '--yes' ) );
		$this->assertSame( 0, $status );
		$this->assertStringContainsString( 'Removed 2 entries', $out );
		$this->assertSame( array(), $this->wp_json( array( 'presence', 'list', 'wpp-cli-test/a' ) ) );
	}

	public function test_bad_arguments_fail_with_a_message_and_store_nothing(): void {
		foreach ( array(
			array( array( 'presence', 'set', 'wpp-cli-test/x', 'c', '--data=not json' ), '--data must be a JSON object' ),
			array( array( 'presence', 'set', 'wpp-cli-test/x', 'c', '--ttl=0' ), '--ttl must be' ),
			array( array( 'presence', 'set', 'wpp-cli-test/x', 'c', '--user=nobody-here' ), 'Invalid user' ),
			array( array( 'presence', 'set', str_repeat( 'r', 161 ), 'c' ), 'room must be at most 160 bytes' ),
			array( array( 'presence', 'list', '' ), 'room must be a non-empty string' ),
		) as list( $args, $message ) ) {
			list( $status, $out, $err ) = self::wp( $args );
			$this->assertSame( 1, $status, implode( ' ', $args ) );
			$this->assertStringContainsString( $message, $err . $out );
		}
		$this->assertSame( array(), $this->wp_json( array( 'presence', 'list', 'wpp-cli-test/x' ) ) );
	}

	public function test_another_shm_path_is_another_store(): void {
		$this->assertSame( 0, self::wp( array( 'presence', 'set', 'wpp-cli-test/a', 'c1' ) )[0] );
		$other = sys_get_temp_dir() . '/wpp-other-' . getmypid() . '.seg';
		try {
			list( $status, $out ) = self::wp( array( 'presence', 'list', 'wpp-cli-test/a', '--format=count' ), $other );
			$this->assertSame( 0, $status );
			$this->assertSame( "0", trim( $out ), 'a WP-CLI with another presence.shm_path does not see the site' );
		} finally {
			@unlink( $other );
		}
	}

	public function test_recording_get_and_set(): void {
		list( $status, $before ) = self::wp( array( 'presence', 'recording', 'get' ) );
		$this->assertSame( 0, $status );
		$this->assertContains( trim( $before ), array( 'on', 'off' ) );
		try {
			list( $status, $out ) = self::wp( array( 'presence', 'recording', 'set', 'off' ) );
			$this->assertSame( 0, $status );
			$this->assertStringContainsString( 'Success: Presence recording is off. Existing entries expire on their own.', $out );
			$this->assertSame( "off\n", self::wp( array( 'presence', 'recording', 'get' ) )[1] );

			list( $status, $out ) = self::wp( array( 'presence', 'recording', 'set', 'on' ) );
			$this->assertSame( 0, $status );
			$this->assertStringContainsString( 'Success: Presence recording is on.', $out );
			$this->assertSame( "on\n", self::wp( array( 'presence', 'recording', 'get' ) )[1] );
		} finally {
			self::wp( array( 'presence', 'recording', 'set', trim( $before ) ) );
		}
	}

	public function test_recording_refuses_bad_arguments_and_keeps_the_switch(): void {
		$before = trim( self::wp( array( 'presence', 'recording', 'get' ) )[1] );
		foreach ( array(
			array( array( 'presence', 'recording', 'set' ), 'Specify on or off.' ),
			array( array( 'presence', 'recording', 'set', 'maybe' ), 'Specify on or off.' ),
		) as list( $args, $message ) ) {
			list( $status, $out, $err ) = self::wp( $args );
			$this->assertSame( 1, $status, implode( ' ', $args ) );
			$this->assertStringContainsString( "Error: $message", $err . $out );
		}
		$this->assertSame( $before, trim( self::wp( array( 'presence', 'recording', 'get' ) )[1] ) );
	}

	/**
	 * On a network `--network` is the network's switch; only a single site refuses it.
	 *
	 * @group single-site
	 */
	public function test_recording_refuses_the_network_switch_on_a_single_site(): void {
		$before = trim( self::wp( array( 'presence', 'recording', 'get' ) )[1] );
		foreach ( array(
			array( 'presence', 'recording', 'set', 'off', '--network' ),
			array( 'presence', 'recording', 'get', '--network' ),
		) as $args ) {
			list( $status, $out, $err ) = self::wp( $args );
			$this->assertSame( 1, $status, implode( ' ', $args ) );
			$this->assertStringContainsString( 'Error: This is not a multisite installation.', $err . $out );
		}
		$this->assertSame( $before, trim( self::wp( array( 'presence', 'recording', 'get' ) )[1] ) );
	}
}

/** JSON for a command-line argument. */
function wp_json_encode_for_test( array $data ): string {
	return (string) json_encode( $data, JSON_UNESCAPED_SLASHES );
}
