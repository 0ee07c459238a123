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
 * @covers ::wpp_site_health_presence_recorded
 * @covers ::wpp_site_health_heartbeat_settings
 * @covers ::wpp_site_health_heartbeat_interval
 * @covers ::wpp_site_health_heartbeat_test
 */
class SiteHealthTest extends WPP_TestCase {

	protected function tearDown(): void {
		$GLOBALS['wp_scripts'] = null; // Registered again, with the settings of the next test.
		parent::tearDown();
	}

	/**
	 * The Heartbeat test's result with the scripts registered afresh (so heartbeat_settings
	 * filters the test added are in the printed settings).
	 */
	private static function heartbeat_result(): array {
		$GLOBALS['wp_scripts'] = null;
		return wpp_site_health_heartbeat_test();
	}

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

	public function test_the_heartbeat_test_is_registered_while_presence_is_recorded(): void {
		$tests = apply_filters( 'site_status_tests', array( 'direct' => array(), 'async' => array() ) );
		$this->assertSame( 'wpp_site_health_heartbeat_test', $tests['direct']['presence_heartbeat']['test'] );
		$this->assertSame( 'Heartbeat keeps presence current', $tests['direct']['presence_heartbeat']['label'] );

		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$tests = apply_filters( 'site_status_tests', array( 'direct' => array(), 'async' => array() ) );
		$this->assertArrayNotHasKey( 'presence_heartbeat', $tests['direct'], 'nothing to keep current with recording off' );
		$this->assertArrayHasKey( 'wpp_backend', $tests['direct'] );
	}

	public function test_the_heartbeat_as_wordpress_ships_it_keeps_presence_current(): void {
		$result = self::heartbeat_result();
		$this->assertSame( 'good', $result['status'] );
		$this->assertSame( 'presence_heartbeat', $result['test'] );
		$this->assertSame( array( 'label' => 'Presence', 'color' => 'blue' ), $result['badge'] );
		$this->assertStringContainsString( 'at least every 120 seconds', $result['description'], 'a window without focus ticks every 120 s' );
	}

	public function test_a_removed_heartbeat_script_is_recommended_against(): void {
		wp_deregister_script( 'heartbeat' );
		$result = wpp_site_health_heartbeat_test();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertSame( 'Heartbeat is not keeping presence current', $result['label'] );
		$this->assertStringContainsString( 'has been removed', $result['description'] );
		$this->assertStringContainsString( 'code removing its script', $result['actions'] );
	}

	/**
	 * @dataProvider slow_heartbeats
	 */
	public function test_a_heartbeat_slower_than_the_ttl_allows_is_recommended_against( array $settings, int $ttl, int $interval ): void {
		add_filter( 'heartbeat_settings', static fn( $s ) => $settings + (array) $s );
		add_filter( 'wp_presence_default_ttl', static fn() => $ttl );
		$result = self::heartbeat_result();
		$this->assertSame( 'recommended', $result['status'] );
		$this->assertStringContainsString( "go $interval seconds without a heartbeat, but a presence entry lasts $ttl seconds", $result['description'] );
		$this->assertStringContainsString( 'Keep the Heartbeat interval at ' . ( $ttl - 15 ) . ' seconds or less', $result['actions'] );
	}

	public static function slow_heartbeats(): array {
		return array(
			'an interval of 200 s'         => array( array( 'interval' => 200 ), 150, 200 ),
			'a minimal interval of 300 s'  => array( array( 'minimalInterval' => 300 ), 150, 300 ),
			'a TTL of 120 s'               => array( array(), 120, 120 ),
			'an interval capped at 3600 s' => array( array( 'interval' => 99999 ), 150, 3600 ),
		);
	}

	public function test_a_heartbeat_within_the_ttl_is_good(): void {
		add_filter( 'heartbeat_settings', static fn( $s ) => array( 'interval' => 15, 'minimalInterval' => 900 ) + (array) $s );
		$result = self::heartbeat_result();
		$this->assertSame( 'good', $result['status'], 'a minimal interval over 600 s is ignored, as heartbeat.js ignores it' );
	}

	public function test_the_heartbeat_settings_are_read_as_the_page_gets_them(): void {
		add_filter( 'heartbeat_settings', static fn( $s ) => array( 'interval' => 200 ) + (array) $s );
		$GLOBALS['wp_scripts'] = null;
		$this->assertSame( '200', wpp_site_health_heartbeat_settings()['interval'] ?? null, 'printed: WordPress prints scalars as strings' );
		wp_scripts()->add_data( 'heartbeat', 'data', '' );
		$this->assertSame( 200, wpp_site_health_heartbeat_settings()['interval'] ?? null, 'without printed settings, the filter' );
	}
}
