<?php
/**
 * Site Health (plugin/includes/admin/site-health.php): the Presence storage test for each store,
 * and Site Health → Info.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_site_health_tests
 * @covers ::wpp_site_health_backend_test
 * @covers ::wpp_site_health_debug_information
 * @covers ::wpp_site_health_debug_store
 * @covers ::wpp_site_health_store_kind
 */
class SiteHealthTest extends WPP_TestCase {

	public function test_site_health_registers_a_direct_test(): void {
		$tests = apply_filters( 'site_status_tests', array( 'direct' => array(), 'async' => array() ) );
		$this->assertSame( 'wpp_site_health_backend_test', $tests['direct']['wpp_backend']['test'] );
	}

	public function test_site_health_with_the_database_backend_recommends_the_extension(): void {
		wpp_backend_use( new WPP_Database_Backend() );
		$result = wpp_site_health_backend_test();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertSame( 'wpp_backend', $result['test'] );
		$this->assertStringContainsString( 'database', $result['label'] );
		$this->assertStringContainsString( 'shared-memory', $result['description'] );
		$this->assertStringContainsString( 'extension=presence', $result['actions'] );
	}

	public function test_site_health_with_the_native_backend_is_good(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this run.' );
		}
		$backend = new WPP_Native_Backend();
		wpp_backend_use( $backend );
		$this->assertSame( '', $backend->segment_error() );
		$result = wpp_site_health_backend_test();
		$this->assertStringContainsString( 'redis' === wpp_site_health_store_kind() ? 'Redis' : 'shared-memory', $result['label'] );
		if ( WPP_Native_Backend::max_state_bytes() < WPP_Native_Backend::RECOMMENDED_MAX_STATE_BYTES ) {
			$this->assertSame( 'recommended', $result['status'] );
			$this->assertStringContainsString( 'presence.max_state_bytes = 32K', $result['actions'] );
		} else {
			$this->assertSame( 'good', $result['status'] );
		}
	}

	public function test_site_health_names_the_redis_server_and_the_fleet_needs_it(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this run.' );
		}
		wpp_backend_use( new WPP_Native_Backend() );
		$result = wpp_site_health_backend_test();
		if ( 'redis' !== wpp_site_health_store_kind() ) {
			$this->assertStringContainsString( 'presence.backend', $result['description'], 'a shm site is told what a fleet needs' );
			return;
		}
		$stats = presence_stats();
		$this->assertStringContainsString( 'Redis', $result['label'] );
		$this->assertStringContainsString( $stats['server'], $result['description'] );
		$this->assertStringContainsString( $stats['server_version'], $result['description'] );
	}

	public function test_debug_information_names_backend_and_namespace(): void {
		$info = apply_filters( 'debug_information', array() );
		$this->assertSame( WPP_TEST_BACKEND, $info['presence']['fields']['backend']['value'] );
		$store = $info['presence']['fields']['store']['value'];
		if ( 'database' === WPP_TEST_BACKEND ) {
			$this->assertSame( 'database table', $store );
		} elseif ( 'redis' === wpp_site_health_store_kind() ) {
			$this->assertSame( 'Redis ' . presence_stats()['server'] . ' (' . presence_stats()['server_version'] . ')', $store );
		} else {
			$this->assertSame( 'shared memory (' . presence_stats()['segment_path'] . ')', $store );
		}
		$this->assertSame( wpp_backend_install_key() . '/' . get_current_blog_id() . '/', $info['presence']['fields']['install_key']['value'] );
	}
}
