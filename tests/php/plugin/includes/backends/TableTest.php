<?php
/**
 * The presence table (plugin/includes/backends/table.php): layout, repair, and the tables of
 * version 0.1 and of the feature plugin.
 *
 * Tests that drop or create the table issue DDL, which commits the transaction MariaDB had
 * open; they create nothing before it, and open a new transaction after it.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_table_install
 * @covers ::wpp_table_maybe_repair
 */
class TableTest extends WPP_TestCase {

	public function test_the_table_has_a_unique_room_client_key_and_binary_names(): void {
		global $wpdb;
		$this->assertTrue( wpp_table_exists() );
		$this->assertSame( $wpdb->prefix . 'wpp_presence', wpp_table_name() );
		$unique = $wpdb->get_col( $wpdb->prepare( 'SELECT column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = %s AND index_name = %s ORDER BY seq_in_index', wpp_table_name(), 'room_client' ) );
		$this->assertSame( array( 'room', 'client_id' ), array_map( 'strtolower', $unique ) );
		$this->assertSame( '0', $wpdb->get_var( $wpdb->prepare( 'SELECT non_unique FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = %s AND index_name = %s LIMIT 1', wpp_table_name(), 'room_client' ) ) );
		$collation = $wpdb->get_var( $wpdb->prepare( 'SELECT collation_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s AND column_name = %s', wpp_table_name(), 'room' ) );
		$this->assertStringEndsWith( '_bin', $collation );
		$this->assertSame( WPP_DB_VERSION, get_option( 'wpp_db_version' ) );
	}

	public function test_a_missing_table_is_repaired_on_admin_init_and_on_the_first_write(): void {
		global $wpdb;
		$wpdb->query( 'DROP TABLE ' . wpp_table_name() );
		$this->assertFalse( wpp_table_exists() );
		wpp_table_maybe_repair(); // What admin_init runs (HooksTest checks the registration).
		$this->assertTrue( wpp_table_exists(), 'admin_init repairs it' );

		$wpdb->query( 'DROP TABLE ' . wpp_table_name() );
		$backend = new WPP_Database_Backend();
		$this->assertSame( array(), $backend->get_room( 'r', 150 ), 'reads of a missing table are empty, not errors' );
		$this->assertTrue( $backend->set( 'r', 'c', array(), 1, 150 ), 'the first write recreates it' );
		$this->assertCount( 1, $backend->get_room( 'r', 150 ) );
		$wpdb->query( 'START TRANSACTION' );
	}

	/**
	 * admin_init also runs for admin-ajax.php, so for every heartbeat: there the check must not
	 * cost the query that looking for the table is (a write that finds it missing repairs it).
	 */
	public function test_admin_init_of_an_ajax_request_makes_no_query(): void {
		global $wpdb;
		add_filter( 'wp_doing_ajax', '__return_true' );
		wp_load_alloptions(); // Loaded long before admin_init in a real request.
		$before = $wpdb->num_queries;
		wpp_table_maybe_repair();
		$queries = $wpdb->num_queries - $before;
		remove_filter( 'wp_doing_ajax', '__return_true' );
		$this->assertSame( 0, $queries );
	}

	public function test_an_old_layout_version_is_upgraded(): void {
		update_option( 'wpp_db_version', '0' );
		wpp_table_maybe_repair();
		$this->assertSame( WPP_DB_VERSION, get_option( 'wpp_db_version' ) );
		$GLOBALS['wpdb']->query( 'START TRANSACTION' );
	}

	public function test_the_table_of_version_0_1_moves_its_live_entries_and_is_dropped(): void {
		try {
			WPP_Legacy_Tables::create( 'presence' );
			WPP_Legacy_Tables::insert_ours( 'admin/online', 'user-7', 7, array( 'screen' => 'edit' ), 100 );
			WPP_Legacy_Tables::insert_ours( 'admin/online', 'old', 7, array(), -10 );
			// 0.1's REST API took any client id: a reserved one there is not ours to copy (a
			// `_card-{id}` row would be served to dashboards as markup).
			WPP_Legacy_Tables::insert_ours( 'admin/online', '_card-8', 7, array( 'html' => '<img src=x onerror=alert(1)>' ), 100 );
			$this->assertSame( 'presence', wpp_table_legacy_owner() );
			update_option( 'wpp_db_version', '1' );

			wpp_table_maybe_repair(); // What admin_init runs after the update.

			$this->assertSame( '', wpp_table_legacy_owner(), 'our own old table is dropped' );
			$this->assertSame( WPP_DB_VERSION, get_option( 'wpp_db_version' ) );
			$entries = wpp_backend()->get_room( 'admin/online', 150 );
			$this->assertSame( array( 'user-7' ), array_column( $entries, 'client_id' ), 'live entries only' );
			$this->assertSame( array( 'screen' => 'edit' ), $entries[0]['data'] );
			$this->assertNull( wpp_entries_find( 'admin/online', '_card-8' ), 'reserved rows stay behind' );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	/**
	 * @dataProvider feature_plugin_layouts
	 */
	public function test_the_feature_plugins_table_is_never_altered_or_dropped( string $layout ): void {
		try {
			WPP_Legacy_Tables::create( $layout );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'user-7', 7, array( 'screen' => 'edit' ), 100, 'presence-api' === $layout );
			$before = WPP_Legacy_Tables::definition();
			$rows   = WPP_Legacy_Tables::rows();
			$this->assertSame( 'presence-api', wpp_table_legacy_owner() );

			update_option( 'wpp_db_version', '1' );
			wpp_table_maybe_repair();
			wpp_table_install();

			$this->assertSame( $before, WPP_Legacy_Tables::definition(), 'same columns and keys' );
			$this->assertSame( $rows, WPP_Legacy_Tables::rows(), 'same rows' );
			$this->assertTrue( wpp_table_exists(), 'ours is a table of its own' );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	public static function feature_plugin_layouts(): array {
		return array(
			'with expires_gmt'    => array( 'presence-api' ),
			'without expires_gmt' => array( 'presence-api-v1' ),
		);
	}

	public function test_a_table_both_plugins_wrote_keeps_its_rows_and_columns(): void {
		try {
			WPP_Legacy_Tables::create( 'shared' );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'theirs', 8, array(), 100 );
			$GLOBALS['wpdb']->update( WPP_Legacy_Tables::name(), array( 'expires_at' => time() + 100 ), array( 'client_id' => 'theirs' ) );
			$before = WPP_Legacy_Tables::definition();
			$rows   = WPP_Legacy_Tables::rows();
			$this->assertSame( 'shared', wpp_table_legacy_owner() );

			update_option( 'wpp_db_version', '1' );
			wpp_table_maybe_repair();

			$this->assertSame( $before, WPP_Legacy_Tables::definition() );
			$this->assertSame( $rows, WPP_Legacy_Tables::rows() );
			$this->assertSame( array( 'theirs' ), array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'client_id' ), 'the live entry is copied' );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	public function test_a_foreign_table_of_that_name_is_left_alone(): void {
		global $wpdb;
		try {
			WPP_Legacy_Tables::drop();
			$wpdb->query( 'CREATE TABLE ' . WPP_Legacy_Tables::name() . ' (id int NOT NULL, note text, PRIMARY KEY (id))' );
			$this->assertSame( 'unknown', wpp_table_legacy_owner() );
			update_option( 'wpp_db_version', '1' );
			wpp_table_maybe_repair();
			$this->assertSame( 'unknown', wpp_table_legacy_owner() );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}
}
