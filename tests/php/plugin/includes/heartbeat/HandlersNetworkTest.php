<?php
/**
 * A heartbeat on one site of a network writes nothing for the network view
 * (plugin/includes/heartbeat/handlers.php with the network surfaces loaded): every database write
 * of the whole `heartbeat_received` chain goes to that site's own tables — none to a table the
 * network shares (sitemeta, blogs, users…) nor to another site's — and every store entry it
 * leaves is under that site's namespace. The network view reads what sites write anyway.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @coversNothing
 * @group multisite
 */
final class HandlersNetworkTest extends WPP_Network_TestCase {

	/**
	 * SQL of the writing queries the callback runs.
	 *
	 * @return string[]
	 */
	private function writes_during( callable $run ): array {
		$writes = array();
		$spy    = static function ( $sql ) use ( &$writes ) {
			if ( preg_match( '/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i', (string) $sql ) ) {
				$writes[] = (string) $sql;
			}
			return $sql;
		};
		add_filter( 'query', $spy );
		try {
			$run();
		} finally {
			remove_filter( 'query', $spy );
		}
		return $writes;
	}

	public function test_a_sites_heartbeat_writes_only_that_sites_own_data(): void {
		global $wpdb;
		list( , $second ) = $this->blogs;
		$editor           = $this->member( 'Ticking Editor', array( $second ) );
		$post             = $this->post_on( $second, array( 'post_title' => 'A post of the second site', 'post_author' => $editor->ID ) );
		$admin            = $this->super_admin();
		self::flush_network( $this->blogs ); // Saving the users above noted their profiles' revisions.

		switch_to_blog( $second );
		try {
			$site_prefix = $wpdb->get_blog_prefix( $second );
			$writes      = $this->writes_during(
				function () use ( $editor, $post, $admin ) {
					$this->heartbeat( $editor, $this->editor_data( $post->ID ), 'post' );
					$this->heartbeat( $editor, $this->ping() );
					// A super admin on this site, whose page asks for the network widget too.
					$this->heartbeat( $admin, array( 'presence-fragments' => array( 'network-widget' => true ) ) + $this->ping() );
				}
			);
		} finally {
			restore_current_blog();
		}

		foreach ( $writes as $sql ) {
			$this->assertMatchesRegularExpression( '/^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+`?' . preg_quote( $site_prefix, '/' ) . '/i', $sql, 'a write to the site\'s own tables only' );
		}
		if ( 'database' === wpp_backend()->name() ) {
			$this->assertNotEmpty( preg_grep( '/' . preg_quote( $site_prefix . 'wpp_presence', '/' ) . '/', $writes ), 'the entries went to the site\'s table' );
		} else {
			$this->assertSame( array(), preg_grep( '/wpp_presence/', $writes ), 'the native store keeps the entries' );
			$install = wpp_backend_install_key() . '/';
			$rooms   = array_keys( presence_rooms( $install ) );
			$this->assertNotEmpty( $rooms );
			foreach ( $rooms as $room ) {
				$this->assertStringStartsWith( $install . $second . '/', (string) $room, 'no entry outside the site\'s namespace' );
			}
		}

		// What those heartbeats wrote is the network view.
		$view = $this->view_as( $admin );
		$this->assertSame( array( $second ), array_keys( $view['sites'] ) );
		$this->assertSame( array( $editor->ID, $admin->ID ), array_keys( $view['sites'][ $second ] ) );
	}
}
