<?php
/**
 * Site Health says which mode the site is in (plugin/includes/live/health.php): live when the
 * extension is the store and the entry point answers as itself, the heartbeat alone otherwise,
 * with the reason — and pages of a site whose host refuses the entry point do not try it.
 *
 * The probes go to the site's real nginx and php-fpm; a host that refuses the file is the same
 * server asked for a file that is not there (its own 404 page, without the entry point's header).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_health_tests
 * @covers ::wpp_health_probe
 * @covers ::wpp_health_lane_refused
 * @covers ::wpp_health_lane_test
 */
final class HealthTest extends WPP_TestCase {

	public function test_the_test_is_registered(): void {
		$tests = wpp_health_tests( array( 'direct' => array() ) );
		$this->assertSame( 'wpp_health_lane_test', $tests['direct']['wpp_live_lane']['test'] );
	}

	public function test_without_the_extension_the_site_is_on_the_heartbeat_alone(): void {
		wpp_backend_use( new WPP_Database_Backend() );
		$result = wpp_health_lane_test();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertSame( 'Presence updates with the heartbeat alone', $result['label'] );
		$this->assertStringContainsString( 'presence PHP extension', $result['description'] );
		$this->assertSame( 'wpp_live_lane', $result['test'] );
	}

	public function test_with_the_extension_and_the_entry_point_served_the_site_is_live(): void {
		if ( 'native' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The live lane is the extension\'s (this run uses the database backend).' );
		}
		$result = wpp_health_lane_test();
		$this->assertSame( 'good', $result['status'], $result['description'] );
		$this->assertSame( 'Presence shows changes within seconds', $result['label'] );
		$this->assertTrue( get_option( WPP_HEALTH_PROBE )['served'] );
		$this->assertFalse( wpp_health_lane_refused() );
	}

	public function test_a_host_that_refuses_the_entry_point_puts_pages_on_the_heartbeat(): void {
		if ( 'native' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The live lane is the extension\'s (this run uses the database backend).' );
		}
		$elsewhere = static fn( $url, $path ) => 'live.php' === $path ? str_replace( '/live.php', '/no-such-file.php', $url ) : $url;
		add_filter( 'plugins_url', $elsewhere, 10, 2 );
		$result = wpp_health_lane_test();
		remove_filter( 'plugins_url', $elsewhere, 10 );

		$this->assertSame( 'recommended', $result['status'] );
		$this->assertStringContainsString( 'answered 404', $result['description'] );
		$this->assertTrue( wpp_health_lane_refused() );
		$this->assertFalse( wpp_lane_enabled(), 'pages do not try it' );

		wpp_health_probe(); // The host allows it again: the next visit of Site Health finds out.
		$this->assertTrue( wpp_lane_enabled() );
	}

	public function test_the_filter_turns_the_lane_off(): void {
		if ( 'native' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The live lane is the extension\'s (this run uses the database backend).' );
		}
		add_filter( 'wpp_live_lane_enabled', '__return_false' );
		$result = wpp_health_lane_test();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertStringContainsString( 'wpp_live_lane_enabled', $result['description'] );
	}
}
