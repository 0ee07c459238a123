<?php
/**
 * Every field that comes from the browser is length-capped and sanitized
 * (plugin/includes/heartbeat/ping.php).
 *
 * @package Presence
 */

final class PingTest extends WPP_TestCase {

	public function test_no_ping_or_not_an_array(): void {
		$this->assertNull( wpp_ping_read( array(), 'dashboard' ) );
		$this->assertNull( wpp_ping_read( array( 'presence-ping' => 'x' ), 'dashboard' ) );
	}

	public function test_a_well_formed_ping(): void {
		$ping = wpp_ping_read(
			array(
				'presence-ping' => array(
					'screen'   => 'edit-post',
					'title'    => 'Posts',
					'post_id'  => '12',
					'tab'      => 'Ab3dEf9hIj2k',
					'versions' => array( 'online' => '123', 'editors' => 7 ),
				),
			),
			'dashboard'
		);
		$this->assertSame(
			array(
				'screen'   => 'edit-post',
				'post_id'  => 12,
				'tab'      => 'Ab3dEf9hIj2k',
				'away'     => false,
				'versions' => array( 'online' => 123, 'editors' => 7 ),
			),
			$ping
		);
	}

	public function test_away_is_true_only_when_the_page_says_so(): void {
		$away = static fn( $value ) => wpp_ping_read( array( 'presence-ping' => array( 'screen' => 'dashboard', 'away' => $value ) ), 'dashboard' )['away'];
		$this->assertTrue( $away( 'true' ) );
		$this->assertTrue( $away( '1' ) );
		$this->assertFalse( $away( 'false' ) );
		$this->assertFalse( $away( array( 'true' ) ) );
		$this->assertFalse( $away( 'yes' ) );
	}

	public function test_screen_is_a_capped_key_falling_back_to_the_ticks_screen(): void {
		$read = static fn( $screen, $tick = 'dashboard' ) => wpp_ping_read( array( 'presence-ping' => array( 'screen' => $screen ) ), $tick )['screen'];
		$this->assertSame( 'scriptalert1script', $read( '<script>alert(1)</script>' ) );
		$this->assertSame( 64, strlen( $read( str_repeat( 'a', 5000 ) ) ) );
		$this->assertSame( 'dashboard', $read( array( 'x' ) ) );
		$this->assertSame( 'edit-page', $read( '', 'edit-page' ) );
		$this->assertSame( 'unknown', $read( '', '' ) );
	}

	public function test_a_title_the_browser_sends_is_not_kept(): void {
		$ping = wpp_ping_read( array( 'presence-ping' => array( 'screen' => 'post', 'title' => 'Editing “Secret merger plan”' ) ), '' );
		$this->assertArrayNotHasKey( 'title', $ping, 'what others read about a post comes from the server' );
	}

	public function test_tab_is_letters_and_digits_or_nothing(): void {
		$read = static fn( $tab ) => wpp_ping_read( array( 'presence-ping' => array( 'screen' => 'x', 'tab' => $tab ) ), '' )['tab'];
		$this->assertSame( 'abc123XYZ', $read( 'abc123XYZ' ) );
		foreach ( array( '', 'a b', '<b>', str_repeat( 'a', 33 ), array( 'a' ), 12, "abc\n" ) as $bad ) {
			$this->assertSame( '', $read( $bad ), var_export( $bad, true ) );
		}
	}

	public function test_labels_are_built_without_mbstring(): void {
		// WordPress runs without mbstring; a heartbeat must not die of an undefined mb_* function.
		$dir = sys_get_temp_dir() . '/wpp-no-mbstring-' . getmypid();
		if ( ! is_dir( $dir ) ) {
			mkdir( $dir );
		}
		// The directories this PHP reads, less mbstring's ini (wp-env's images build it in: skipped below).
		$scan_dirs = (string) getenv( 'PHP_INI_SCAN_DIR' );
		foreach ( explode( PATH_SEPARATOR, '' !== $scan_dirs ? $scan_dirs : PHP_CONFIG_FILE_SCAN_DIR ) as $scan ) {
			foreach ( glob( rtrim( $scan, '/' ) . '/*.ini' ) ?: array() as $ini ) {
				if ( ! str_contains( basename( $ini ), 'mbstring' ) && ! file_exists( $dir . '/' . basename( $ini ) ) ) {
					symlink( $ini, $dir . '/' . basename( $ini ) );
				}
			}
		}
		$before = getenv( 'PHP_INI_SCAN_DIR' );
		putenv( 'PHP_INI_SCAN_DIR=' . $dir );
		try {
			list( $out, $err ) = self::run_child( 'no-mbstring-child.php' );
		} finally {
			putenv( false === $before ? 'PHP_INI_SCAN_DIR' : 'PHP_INI_SCAN_DIR=' . $before );
			array_map( 'unlink', glob( $dir . '/*.ini' ) ?: array() );
			rmdir( $dir );
		}
		$result = json_decode( $out, true );
		$this->assertIsArray( $result, $out . "\n" . $err );
		if ( $result[0] ) {
			$this->markTestSkipped( 'mbstring is built into this PHP; it cannot be left out.' );
		}
		$this->assertSame( 'Déjà & vu €€€', $result[1] );
	}

	public function test_ids_and_versions(): void {
		foreach ( array( '0', '-3', '1e3', '12abc', ' 12', array( 1 ), 1.5, null, true ) as $bad ) {
			$this->assertSame( 0, wpp_ping_clean_id( $bad ), var_export( $bad, true ) );
		}
		$this->assertSame( 42, wpp_ping_clean_id( '42' ) );
		$this->assertNull( wpp_ping_clean_version( 'abc' ) );
		$this->assertNull( wpp_ping_clean_version( null ) );
		$this->assertSame( 0, wpp_ping_clean_version( '0' ) );
	}

	public function test_editor_ping_and_post_lock(): void {
		$this->assertSame( 5, wpp_ping_read_editor( array( 'presence-editor-ping' => array( 'post_id' => '5' ) ) ) );
		$this->assertSame( 0, wpp_ping_read_editor( array( 'presence-editor-ping' => '5' ) ) );
		$this->assertSame( 9, wpp_ping_read_post_lock( array( 'wp-refresh-post-lock' => array( 'post_id' => '9', 'lock' => 'x' ) ) ) );
		$this->assertSame( 0, wpp_ping_read_post_lock( array() ) );
	}
}
