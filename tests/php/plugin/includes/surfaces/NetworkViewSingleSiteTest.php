<?php
/**
 * On a single site there is no network view (plugin/includes/surfaces/network-view.php): nothing
 * gathered, no wp_presence_network_aggregation_enabled() (as in the feature plugin, which
 * declares it on a network only), no network routes, and `wp presence network` says why. The
 * multisite runs test the network itself (NetworkViewTest and the others).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_network_view_aggregating
 * @covers ::wpp_cli_network_report
 * @group single-site
 */
final class NetworkViewSingleSiteTest extends WPP_TestCase {

	protected function setUp(): void {
		if ( is_multisite() ) {
			$this->markTestSkipped( 'Needs a single site (bin/test runs "test", "test68" and "test61").' );
		}
		parent::setUp();
	}

	public function test_there_is_no_network_view(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_true' );
		$this->assertFalse( wpp_network_view_aggregating(), 'no filter makes a network of a single site' );
		$this->assertFalse( wpp_network_view_can_see() );
		$this->assertFalse( function_exists( 'wp_presence_network_aggregation_enabled' ) );
		$this->assertSame( array(), wpp_network_view_read( true )['sites'] );
		$routes = rest_get_server()->get_routes( 'wp-presence/v1' );
		$this->assertArrayHasKey( '/wp-presence/v1/presence', $routes );
		$this->assertArrayNotHasKey( '/wp-presence/v1/presence/network', $routes );
	}

	public function test_wp_presence_network_says_this_is_no_network(): void {
		$error = wpp_cli_network_report( array() );
		$this->assertInstanceOf( WP_Error::class, $error );
		$this->assertSame( 'This is not a multisite installation.', $error->get_error_message() );
	}
}
