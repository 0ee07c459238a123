<?php
/**
 * Admin notices and Site Health (plugin/includes/admin.php).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_admin_notices
 * @covers ::wpp_site_status_tests
 * @covers ::wpp_site_health_backend_test
 * @covers ::wpp_debug_information
 * @covers ::wpp_debug_store
 * @covers ::wpp_native_store_kind
 */
class AdminTest extends WPP_TestCase {

	/**
	 * Output of the admin_notices callback on a screen, as a user.
	 */
	private function notices_on( string $screen, WP_User $user ): string {
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		self::log_in( $user );
		$GLOBALS['current_screen'] = WP_Screen::get( $screen ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		ob_start();
		wpp_admin_notices();
		$html = (string) ob_get_clean();
		unset( $GLOBALS['current_screen'] );
		return $html;
	}

	public function test_fallback_notice_only_for_administrators_and_only_with_the_database_backend(): void {
		$admin  = self::user( 'administrator' );
		$editor = self::user( 'editor' );

		wpp_backend_use( new WPP_Database_Backend() );
		$this->assertStringContainsString( 'presence PHP extension is not loaded', $this->notices_on( 'dashboard', $admin ) );
		$this->assertStringContainsString( 'notice-info', $this->notices_on( 'plugins', $admin ) );
		$this->assertSame( '', $this->notices_on( 'dashboard', $editor ), 'editors never see it' );
		$this->assertSame( '', $this->notices_on( 'edit-post', $admin ), 'not on every screen' );

		if ( function_exists( 'presence_upsert' ) ) {
			wpp_backend_use( new WPP_Native_Backend() );
			$this->assertSame( '', $this->notices_on( 'dashboard', $admin ) );
		}
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
		$this->assertStringContainsString( 'redis' === wpp_native_store_kind() ? 'Redis' : 'shared-memory', $result['label'] );
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
		if ( 'redis' !== wpp_native_store_kind() ) {
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
		} elseif ( 'redis' === wpp_native_store_kind() ) {
			$this->assertSame( 'Redis ' . presence_stats()['server'] . ' (' . presence_stats()['server_version'] . ')', $store );
		} else {
			$this->assertSame( 'shared memory (' . presence_stats()['segment_path'] . ')', $store );
		}
		$this->assertSame( wpp_backend_install_key() . '/' . get_current_blog_id() . '/', $info['presence']['fields']['install_key']['value'] );
	}
}
