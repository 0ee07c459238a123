<?php
/**
 * What `wp presence` does (plugin/includes/cli/cli.php), on the backend of this run. The
 * command class itself is run through a real WP-CLI by bin/test (tests/wp-cli/).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-test-memory-backend.php';

/**
 * @covers ::wpp_cli_entry_rows
 * @covers ::wpp_cli_rooms_summary
 * @covers ::wpp_cli_parse_state
 * @covers ::wpp_cli_parse_ttl
 * @covers ::wpp_cli_flush
 * @covers ::wpp_cli_stats
 * @covers ::wpp_cli_recording_get
 * @covers ::wpp_cli_recording_set
 * @covers ::wpp_cli_recording_note
 */
class CliTest extends WPP_TestCase {

	public function test_entry_rows_have_the_five_fields_and_data_as_json(): void {
		wpp_entries_set( 'admin/online', 'c', array( 'screen' => 'edit' ), 4 );
		wpp_entries_set( 'admin/online', 'empty', array(), 0 );
		$rows = array_column( wpp_cli_entry_rows( wpp_entries_get( 'admin/online' ) ), null, 'client_id' );
		$this->assertSame( WPP_CLI_ENTRY_FIELDS, array_keys( $rows['c'] ) );
		$this->assertSame( '{"screen":"edit"}', $rows['c']['data'] );
		$this->assertSame( '{}', $rows['empty']['data'], 'an empty state is an object' );
		$this->assertSame( 4, $rows['c']['user_id'] );
	}

	public function test_summary_lists_rooms_with_entry_and_user_counts(): void {
		wpp_entries_set( 'admin/online', 'a', array(), 1 );
		wpp_entries_set( 'admin/online', 'b', array(), 1 );
		wpp_entries_set( 'admin/online', 'c', array(), 2 );
		wpp_entries_set( 'postType/post:3', 'a', array(), 1 );
		$this->assertSame(
			array(
				array( 'room' => 'admin/online', 'entries' => 3, 'users' => 2 ),
				array( 'room' => 'postType/post:3', 'entries' => 1, 'users' => 1 ),
			),
			wpp_cli_rooms_summary()
		);
	}

	public function test_data_must_be_a_json_object_and_ttl_whole_seconds(): void {
		$this->assertSame( array( 'a' => array( 'b' => 1 ) ), wpp_cli_parse_state( '{"a":{"b":1}}' ) );
		$this->assertSame( array(), wpp_cli_parse_state( null ) );
		foreach ( array( '{nope', '"text"', '12', 'null' ) as $bad ) {
			$this->assertSame( 'wpp_cli_bad_data', wpp_cli_parse_state( $bad )->get_error_code(), $bad );
		}
		$this->assertNull( wpp_cli_parse_ttl( null ) );
		$this->assertSame( 600, wpp_cli_parse_ttl( '600' ) );
		foreach ( array( '0', '-5', '86401', '1.5', 'soon', '' ) as $bad ) {
			$this->assertSame( 'wpp_cli_bad_ttl', wpp_cli_parse_ttl( $bad )->get_error_code(), $bad );
		}
	}

	public function test_flush_removes_this_sites_rooms_by_prefix(): void {
		wpp_entries_set( 'postType/post:1', 'a', array(), 1 );
		wpp_entries_set( 'postType/page:2', 'a', array(), 1 );
		wpp_entries_set( 'admin/online', 'a', array(), 1 );
		$this->assertSame( 2, wpp_cli_flush( 'postType/' ) );
		$this->assertSame( array( 'admin/online' ), array_column( wpp_cli_rooms_summary(), 'room' ) );
		$this->assertSame( 0, wpp_cli_flush( 'postType/' ) );
		$this->assertSame( 1, wpp_cli_flush() );
		$this->assertSame( array(), wpp_cli_rooms_summary() );
	}

	public function test_flush_through_the_seam_for_another_backend(): void {
		wpp_backend_use( new WPP_Test_Memory_Backend() );
		wpp_entries_set( 'postType/post:1', 'a', array(), 1 );
		wpp_entries_set( 'admin/online', 'a', array(), 1 );
		$this->assertSame( 1, wpp_cli_flush( 'postType/' ) );
		$this->assertSame( array( 'admin/online' ), array_column( wpp_cli_rooms_summary(), 'room' ) );
	}

	public function test_stats_show_the_stores_figures(): void {
		wpp_entries_set( 'admin/online', 'a', array(), 1 );
		$stats = array_column( wpp_cli_stats(), 'value', 'field' );
		if ( 'native' === WPP_TEST_BACKEND ) {
			// The figures `php --ri presence` shows, from presence_stats(): the same on both stores,
			// then where the store is (a segment file, or a Redis server).
			foreach ( array( 'backend', 'capacity', 'segment.live_entries', 'segment.rooms', 'bytes_used', 'bytes_total', 'evictions.expired', 'evictions.lru', 'lock_recoveries' ) as $field ) {
				$this->assertArrayHasKey( $field, $stats );
			}
			if ( 'redis' === $stats['backend'] ) {
				$this->assertSame( (string) ini_get( 'presence.key_prefix' ), $stats['key_prefix'] );
				$this->assertMatchesRegularExpression( '/^redis:\/\//', $stats['server'] );
				$this->assertMatchesRegularExpression( '/^(redis|valkey) /', $stats['server_version'] );
			} else {
				$this->assertSame( 'shm', $stats['backend'] );
				$this->assertSame( (string) ini_get( 'presence.shm_path' ), $stats['segment_path'] );
			}
			$this->assertSame( '1', $stats['live_entries'], 'this site only' );
		} else {
			$this->assertSame( 'database', $stats['backend'] );
			$this->assertSame( wpp_table_name(), $stats['table'] );
			$this->assertSame( '1', $stats['live_entries'] );
			$this->assertSame( '1', $stats['rooms'] );
		}
	}

	public function test_recording_get_prints_the_stored_switch(): void {
		delete_option( 'wp_presence_recording' );
		$this->assertSame( array( 'state' => 'on', 'note' => '' ), wpp_cli_recording_get( false ), 'on when nothing is stored' );
		update_option( 'wp_presence_recording', '0' );
		$this->assertSame( 'off', wpp_cli_recording_get( false )['state'] );
	}

	public function test_recording_get_prints_the_stored_switch_and_notes_a_filter_deciding_otherwise(): void {
		update_option( 'wp_presence_recording', '1' );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$got = wpp_cli_recording_get( false );
		$this->assertSame( 'on', $got['state'], 'the stored switch, not the effective state' );
		$this->assertStringContainsString( 'not recorded on this site all the same', $got['note'] );
	}

	public function test_recording_set_stores_on_and_off(): void {
		$set = wpp_cli_recording_set( 'off', false );
		$this->assertSame( 'Presence recording is off. Existing entries expire on their own.', $set['message'] );
		$this->assertSame( '0', get_option( 'wp_presence_recording' ) );
		$this->assertFalse( wpp_switches_recording_enabled() );
		$set = wpp_cli_recording_set( 'on', false );
		$this->assertSame( 'Presence recording is on.', $set['message'] );
		$this->assertSame( '1', get_option( 'wp_presence_recording' ) );
		$this->assertTrue( wpp_switches_recording_enabled() );
	}

	/**
	 * @dataProvider bad_states
	 */
	public function test_recording_set_refuses_anything_but_on_or_off_and_stores_nothing( $state ): void {
		update_option( 'wp_presence_recording', '0' );
		$error = wpp_cli_recording_set( $state, false );
		$this->assertWPError( $error );
		$this->assertSame( 'Specify on or off.', $error->get_error_message() );
		$this->assertSame( '0', get_option( 'wp_presence_recording' ) );
	}

	public static function bad_states(): array {
		return array(
			'none'    => array( null ),
			'maybe'   => array( 'maybe' ),
			'1'       => array( '1' ),
			'an array' => array( array( 'on' ) ),
		);
	}

	public function test_recording_for_the_network(): void {
		if ( ! is_multisite() ) {
			$this->assertSame( 'This is not a multisite installation.', wpp_cli_recording_get( true )->get_error_message() );
			$this->assertSame( 'This is not a multisite installation.', wpp_cli_recording_set( 'off', true )->get_error_message() );
			$this->assertTrue( wpp_switches_recording_enabled(), 'nothing stored' );
			return;
		}
		delete_site_option( 'wp_presence_network_recording' );
		$this->assertSame( 'on', wpp_cli_recording_get( true )['state'] );
		$this->assertStringContainsString( 'off on every site', wpp_cli_recording_set( 'off', true )['message'] );
		$this->assertSame( '0', get_site_option( 'wp_presence_network_recording' ) );
		$this->assertSame( 'off', wpp_cli_recording_get( true )['state'] );
		$this->assertSame( 'on', wpp_cli_recording_get( false )['state'], 'the site\'s own switch is untouched' );
		$this->assertStringContainsString( 'network', wpp_cli_recording_get( false )['note'], 'and says the network decides' );
		$this->assertFalse( wpp_switches_recording_enabled() );
	}

	/**
	 * Asserts that a value is a WP_Error.
	 *
	 * @param mixed $actual Value.
	 */
	private function assertWPError( $actual ): void {
		$this->assertInstanceOf( WP_Error::class, $actual );
	}
}
