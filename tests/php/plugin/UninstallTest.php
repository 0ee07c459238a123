<?php
/**
 * plugin/uninstall.php: drops the table and the options (every site of a network).
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
				wpp_install_table();
				restore_current_blog();
			}
		}
		wpp_install_table();
		parent::tearDown();
	}

	public function test_uninstall_drops_the_table_option_and_event(): void {
		$this->assertTrue( wpp_table_exists() );
		wpp_schedule_gc();
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
}
