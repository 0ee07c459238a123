<?php
/**
 * plugin/uninstall.php: drops the table and the options (every site of a network), and never a
 * table the plugin did not create.
 *
 * Dropping the table is DDL, which commits the open transaction; the test creates nothing
 * before it and puts the table back afterwards.
 *
 * @package Presence
 */

/**
 * @coversNothing
 */
class UninstallTest extends WPP_TestCase {

	protected function tearDown(): void {
		// DDL: back to the state the other tests expect, on every site.
		if ( is_multisite() ) {
			foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $id ) {
				switch_to_blog( (int) $id );
				wpp_table_install();
				restore_current_blog();
			}
		}
		wpp_table_install();
		parent::tearDown();
	}

	public function test_uninstall_drops_the_table_option_and_event(): void {
		$this->assertTrue( wpp_table_exists() );
		update_option( 'wp_presence_recording', '1' );
		update_option( 'wp_presence_features', array( 'admin-bar' => 0 ) );
		update_site_option( 'wp_presence_network_recording', '0' );
		wpp_lifecycle_schedule_gc();
		$native = function_exists( 'presence_upsert' );
		if ( $native ) {
			$this->assertTrue( ( new WPP_Native_Backend() )->set( 'admin/online', 'c', array(), 1, 150 ) );
			$this->assertTrue( ( new WPP_Native_Backend( 'othersite00' ) )->set( 'admin/online', 'c', array(), 1, 150 ) );
		}
		if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
			define( 'WP_UNINSTALL_PLUGIN', 'presence/presence.php' );
		}
		require WPP_DIR . '/uninstall.php';

		$this->assertFalse( wpp_table_exists() );
		$this->assertFalse( get_option( 'wpp_db_version' ) );
		$this->assertFalse( wp_next_scheduled( 'wpp_gc' ) );
		$this->assertFalse( get_option( 'wp_presence_recording' ), 'the switches go when the feature plugin is not installed' );
		$this->assertFalse( get_option( 'wp_presence_features' ) );
		$this->assertFalse( get_site_option( 'wp_presence_network_recording' ) );
		if ( $native ) {
			$this->assertSame( array(), ( new WPP_Native_Backend() )->get_room( 'admin/online', 150 ), 'this site\'s entries are gone' );
			$other = new WPP_Native_Backend( 'othersite00' );
			$this->assertCount( 1, $other->get_room( 'admin/online', 150 ), 'another install keeps its entries' );
			$other->flush();
		}

		if ( is_multisite() ) {
			switch_to_blog( self::other_blog_id() );
			$this->assertFalse( wpp_table_exists(), 'every site of the network' );
			$this->assertFalse( get_option( 'wpp_db_version' ) );
			restore_current_blog();
		}
	}

	/**
	 * @dataProvider tables_of_others
	 */
	public function test_uninstall_never_drops_a_table_it_did_not_create( string $layout ): void {
		require_once WPP_DIR . '/includes/lifecycle.php';
		try {
			WPP_Legacy_Tables::create( $layout );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'user-7', 7, array(), 100 );
			$before = WPP_Legacy_Tables::definition();
			wpp_lifecycle_uninstall_site();
			$this->assertFalse( wpp_table_exists(), 'ours goes' );
			$this->assertSame( $before, WPP_Legacy_Tables::definition(), 'theirs stays as it was' );
			$this->assertCount( 1, WPP_Legacy_Tables::rows() );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	public static function tables_of_others(): array {
		return array(
			'the feature plugin\'s'  => array( 'presence-api' ),
			'written by both plugins' => array( 'shared' ),
		);
	}

	public function test_uninstall_drops_the_table_of_version_0_1(): void {
		require_once WPP_DIR . '/includes/lifecycle.php';
		try {
			WPP_Legacy_Tables::create( 'presence' );
			wpp_lifecycle_uninstall_site();
			$this->assertSame( '', WPP_Legacy_Tables::definition() );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}
}
