<?php
/**
 * Base of the Network Admin tests: a multisite network of three sites (the bootstrap made the
 * second and third), people put online on them by real heartbeats, each site's entries emptied
 * before and after each test on every store, and the network view read afresh.
 *
 * On a single site there is no network: these tests (group `multisite`) are left out there by
 * bin/test, and skipped when run by hand (the multisite runs of bin/test run them on every
 * store).
 *
 * @package Presence
 */

require_once __DIR__ . '/class-wpp-heartbeat-testcase.php';

abstract class WPP_Network_TestCase extends WPP_Heartbeat_TestCase {

	/**
	 * The three sites: [main, second, third].
	 *
	 * @var int[]
	 */
	protected array $blogs = array();

	protected function setUp(): void {
		if ( ! is_multisite() ) {
			$this->markTestSkipped( 'Needs a multisite test site (bin/test runs the network "testms" on every store).' );
		}
		parent::setUp();
		$this->blogs = array_map( 'intval', get_sites( array( 'fields' => 'ids', 'number' => 3, 'orderby' => 'id' ) ) );
		$this->assertCount( 3, $this->blogs, 'the bootstrap made three sites' );
		$this->assertSame( get_main_site_id(), $this->blogs[0] );
		self::flush_network( $this->blogs );
		wpp_network_view_read( true );
	}

	protected function tearDown(): void {
		if ( $this->blogs ) {
			self::flush_network( $this->blogs );
		}
		unset( $_GET['presence'], $_GET['presence_status'] );
		parent::tearDown();
	}

	/**
	 * Empties every site's entries: the native store's namespaces (not rolled back), and each
	 * site's table inside the test's transaction.
	 *
	 * @param int[] $blogs Sites.
	 */
	protected static function flush_network( array $blogs ): void {
		foreach ( $blogs as $blog ) {
			switch_to_blog( $blog );
			self::flush_store();
			( new WPP_Database_Backend() )->flush();
			restore_current_blog();
		}
	}

	/**
	 * A user who is a member of the given sites only (role on each), named.
	 *
	 * @param string $name  Display name.
	 * @param int[]  $blogs Sites the user belongs to.
	 * @param string $role  Role on each.
	 */
	protected function member( string $name, array $blogs, string $role = 'editor' ): WP_User {
		switch_to_blog( $blogs[0] );
		$user = self::named_user( $role, $name );
		restore_current_blog();
		foreach ( array_slice( $blogs, 1 ) as $blog ) {
			add_user_to_blog( $blog, $user->ID, $role );
		}
		clean_user_cache( $user->ID );
		return get_userdata( $user->ID );
	}

	/**
	 * A super admin (a member of the main site).
	 */
	protected function super_admin( string $name = 'Network Admin' ): WP_User {
		$user = $this->member( $name, array( $this->blogs[0] ), 'administrator' );
		grant_super_admin( $user->ID );
		return $user;
	}

	/**
	 * One heartbeat of $user on a site, on $screen, or in the editor of $post_id.
	 */
	protected function online( WP_User $user, int $blog, int $post_id = 0, string $screen = 'dashboard' ): array {
		switch_to_blog( $blog );
		try {
			return $this->heartbeat( $user, $post_id ? $this->editor_data( $post_id ) : $this->ping( array( 'screen' => $screen ) ), $post_id ? 'post' : $screen );
		} finally {
			restore_current_blog();
			wp_set_current_user( 0 );
		}
	}

	/**
	 * A post on a site.
	 */
	protected function post_on( int $blog, array $args ): WP_Post {
		switch_to_blog( $blog );
		try {
			return self::post( $args );
		} finally {
			restore_current_blog();
		}
	}

	/**
	 * The network view, read again, as $viewer.
	 */
	protected function view_as( ?WP_User $viewer = null ): array {
		wp_set_current_user( $viewer ? $viewer->ID : 0 );
		return wpp_network_view_read( true );
	}
}
