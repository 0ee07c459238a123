<?php
/**
 * The network's switches (plugin/includes/admin/network-settings.php): the recording checkbox of
 * Network Admin › Settings and Network Admin › Settings › Presence, with their capability and
 * nonce checks. On a single site: what stands in for a network (nothing is saved).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-settings-fixture.php';

/**
 * @covers ::wpp_network_settings_add_page
 * @covers ::wpp_network_settings_render_recording
 * @covers ::wpp_network_settings_save_recording
 * @covers ::wpp_network_settings_render_page
 * @covers ::wpp_network_settings_save
 * @covers ::wpp_network_settings_save_request
 */
class NetworkSettingsTest extends WPP_TestCase {
	use WPP_Settings_Fixture;

	protected function setUp(): void {
		parent::setUp();
		$this->set_up_settings_fixture();
	}

	protected function tearDown(): void {
		$this->tear_down_settings_fixture();
		parent::tearDown();
	}


	public function test_the_network_recording_checkbox_is_saved_with_network_settings(): void {
		if ( ! is_multisite() ) {
			$this->assertSame( 10, has_action( 'update_wpmu_options', 'wpp_network_settings_save_recording' ), 'registered; it fires only on a network' );
			return;
		}
		self::log_in( self::network_admin() );
		$html = self::output( 'wpp_network_settings_render_recording' );
		$this->assertStringContainsString( '<input type="hidden" name="wp_presence_network_recording" value="0" />', $html );
		$this->assertStringContainsString( 'id="wp_presence_network_recording" name="wp_presence_network_recording" value="1" checked=\'checked\'', $html );

		$_POST['wp_presence_network_recording'] = '0';
		do_action( 'update_wpmu_options' );
		$this->assertSame( '0', get_site_option( 'wp_presence_network_recording' ) );
		$this->assertStringNotContainsString( 'checked', self::output( 'wpp_network_settings_render_recording' ) );

		$_POST['wp_presence_network_recording'] = 'maybe';
		do_action( 'update_wpmu_options' );
		$this->assertSame( '0', get_site_option( 'wp_presence_network_recording' ), 'neither on nor off: kept' );

		unset( $_POST['wp_presence_network_recording'] );
		do_action( 'update_wpmu_options' );
		$this->assertSame( '0', get_site_option( 'wp_presence_network_recording' ), 'a form without the box: kept' );

		self::log_in( self::user( 'administrator' ) ); // A site's administrator only.
		$_POST['wp_presence_network_recording'] = '1';
		do_action( 'update_wpmu_options' );
		$this->assertSame( '0', get_site_option( 'wp_presence_network_recording' ), 'needs manage_network_options' );

		self::log_in( self::network_admin() );
		do_action( 'update_wpmu_options' );
		$this->assertSame( '1', get_site_option( 'wp_presence_network_recording' ) );
	}


	public function test_the_network_feature_page_is_for_network_administrators(): void {
		global $submenu;
		self::log_in( self::user( 'administrator' ) );
		wpp_network_settings_add_page();
		if ( is_multisite() ) {
			$this->assertNotContains( 'presence-api', array_column( $submenu['settings.php'] ?? array(), 2 ), 'a site administrator' );
		}
		$this->assertSame( is_multisite() ? '' : self::output( 'wpp_network_settings_render_page' ), self::output( 'wpp_network_settings_render_page' ) );

		self::log_in( self::network_admin() );
		wpp_network_settings_add_page();
		if ( ! is_multisite() ) {
			$this->assertNotContains( 'presence-api', array_column( $submenu['settings.php'] ?? array(), 2 ), 'no network, no network page' );
			return;
		}
		$this->assertSame( 'manage_network_options', array_column( $submenu['settings.php'] ?? array(), 1, 2 )['presence-api'] ?? null );
		$html = self::output( 'wpp_network_settings_render_page' );
		$this->assertStringContainsString( 'action="' . esc_url( network_admin_url( 'edit.php?action=wpp_network_features' ) ) . '"', $html );
		$this->assertStringContainsString( 'name="_wpnonce"', $html );
		foreach ( WPP_SWITCHES_FEATURES as $feature ) {
			$this->assertStringContainsString( 'name="wp_presence_network_features[' . $feature . ']" value="1" checked=\'checked\'', $html, $feature );
		}
	}


	public function test_the_network_feature_form_checks_nonce_and_capability_and_stores_nothing_otherwise(): void {
		$form = array( 'wp_presence_network_features' => array( 'admin-bar' => '0' ) + array_fill_keys( WPP_SWITCHES_FEATURES, '1' ) );

		self::log_in( self::network_admin() );
		$nonce = wp_create_nonce( 'wpp_network_features' );
		$this->assertSame( 403, wpp_network_settings_save_request( $form )->get_error_data()['status'], 'no nonce' );
		$this->assertSame( 403, wpp_network_settings_save_request( $form + array( '_wpnonce' => 'forged' ) )->get_error_data()['status'], 'a wrong nonce' );
		if ( ! is_multisite() ) {
			$this->assertSame( 'wpp_forbidden', wpp_network_settings_save_request( $form + array( '_wpnonce' => $nonce ) )->get_error_code(), 'no network here' );
			return;
		}

		$site_admin = self::user( 'administrator' );
		self::log_in( $site_admin );
		$result = wpp_network_settings_save_request( $form + array( '_wpnonce' => wp_create_nonce( 'wpp_network_features' ) ) );
		$this->assertSame( 'wpp_forbidden', $result->get_error_code(), 'a site administrator may not' );
		$this->assertFalse( get_site_option( 'wp_presence_network_features' ) );

		self::log_in( self::network_admin() );
		$nonce = wp_create_nonce( 'wpp_network_features' );
		$bad   = wpp_network_settings_save_request( array( 'wp_presence_network_features' => array( 'admin-bar' => '0', 'typo' => '0' ), '_wpnonce' => $nonce ) );
		$this->assertSame( 400, $bad->get_error_data()['status'] );
		$this->assertFalse( get_site_option( 'wp_presence_network_features' ), 'refused input stores nothing' );

		$this->assertTrue( wpp_network_settings_save_request( $form + array( '_wpnonce' => $nonce ) ) );
		$this->assertSame( array_merge( array_fill_keys( WPP_SWITCHES_FEATURES, 1 ), array( 'admin-bar' => 0 ) ), get_site_option( 'wp_presence_network_features' ) );
		$this->assertFalse( wpp_switches_feature_enabled( 'admin-bar' ) );
	}


	public function test_the_network_feature_handler_saves_then_goes_back_to_the_page(): void {
		self::catch_exits();
		self::log_in( self::network_admin() );
		$_POST = array( 'wp_presence_network_features' => array( 'post-list' => '0' ) );
		try {
			wpp_network_settings_save();
			$this->fail( 'the handler ends the request' );
		} catch ( RuntimeException $e ) {
			$this->assertStringStartsWith( 'died 403: ', $e->getMessage(), 'no nonce: 403' );
		}
		$_POST['_wpnonce'] = wp_create_nonce( 'wpp_network_features' );
		try {
			wpp_network_settings_save();
			$this->fail( 'the handler ends the request' );
		} catch ( RuntimeException $e ) {
			if ( ! is_multisite() ) {
				$this->assertStringStartsWith( 'died 403: ', $e->getMessage() );
				return;
			}
			$this->assertSame( 'redirect: ' . network_admin_url( 'settings.php?page=presence-api&updated=true' ), $e->getMessage() );
		}
		$this->assertSame( 0, get_site_option( 'wp_presence_network_features' )['post-list'] );
	}
}
