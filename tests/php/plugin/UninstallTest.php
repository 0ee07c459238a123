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
		wpp_install_table(); // DDL: back to the state the other tests expect.
		parent::tearDown();
	}

	public function test_uninstall_drops_the_table_option_and_event(): void {
		$this->assertTrue( wpp_table_exists() );
		wpp_schedule_gc();
		if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
			define( 'WP_UNINSTALL_PLUGIN', 'presence/presence.php' );
		}
		require WPP_DIR . '/uninstall.php';

		$this->assertFalse( wpp_table_exists() );
		$this->assertFalse( get_option( 'wpp_db_version' ) );
		$this->assertFalse( wp_next_scheduled( 'wpp_gc' ) );
	}
}
