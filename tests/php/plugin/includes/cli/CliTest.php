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
}
