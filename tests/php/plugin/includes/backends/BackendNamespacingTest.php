<?php
/**
 * Sites never see each other's entries, on the backend of this run, through the public API: the
 * namespace the backend gives each site (plugin/includes/backends/backend.php for the install key).
 *
 * - Two sites of one network (multisite test site): switch_to_blog() for real. The database
 *   backend keeps one table per site; the native backend prefixes rooms with the blog id.
 * - Two installs behind one php-fpm master: their install keys differ; covered with the native
 *   backend in backends/NativeBackendTest.php (the database backend separates them by database
 *   or table prefix by construction).
 *
 * @package Presence
 */

/**
 * @coversNothing
 */
class BackendNamespacingTest extends WPP_TestCase {

	protected function setUp(): void {
		parent::setUp();
		if ( ! is_multisite() ) {
			$this->markTestSkipped( 'Needs a multisite test site (the native namespace by blog id is also covered on a single site in NativeBackendTest).' );
		}
	}

	public function test_two_sites_of_a_network_do_not_see_or_remove_each_others_entries(): void {
		$here  = get_current_blog_id();
		$other = self::other_blog_id();
		wp_set_presence( 'admin/online', 'user-1', array( 'site' => 'main' ), 1 );
		$version = wpp_backend()->room_version( 'admin/online' );

		switch_to_blog( $other );
		try {
			self::flush_store();
			$this->assertSame( array(), wp_get_presence( 'admin/online' ) );
			$this->assertSame( 0, wpp_entries_remove_user( 1 ), 'nothing of user 1 on this site' );
			$this->assertFalse( wpp_entries_remove( 'admin/online', 'user-1' ) );
			$this->assertTrue( wp_set_presence( 'admin/online', 'user-1', array( 'site' => 'other' ), 1 ) );
			$this->assertSame( array( 'site' => 'other' ), wp_get_presence( 'admin/online' )[0]->data );
			$this->assertSame( array( 'admin/online' ), array_keys( wpp_backend()->rooms( 150 ) ) );
		} finally {
			restore_current_blog();
		}

		$this->assertSame( $here, get_current_blog_id() );
		$this->assertSame( array( 'site' => 'main' ), wp_get_presence( 'admin/online' )[0]->data );
		$this->assertSame( $version, wpp_backend()->room_version( 'admin/online' ), 'the other site did not touch our room' );

		$this->assertTrue( wp_remove_user_presence( 1 ) );
		switch_to_blog( $other );
		try {
			$this->assertCount( 1, wp_get_presence( 'admin/online' ), 'removing on the main site left the other site alone' );
			self::flush_store();
		} finally {
			restore_current_blog();
		}
	}
}
