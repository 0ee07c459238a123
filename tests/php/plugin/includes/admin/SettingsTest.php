<?php
/**
 * The switches' screens (plugin/includes/admin/settings.php): the Presence checkbox of Settings ›
 * General and Settings › Presence: their sanitizers and capability checks; the options kept or
 * deleted at uninstall.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-settings-fixture.php';

/**
 * @covers ::wpp_settings_register
 * @covers ::wpp_settings_sanitize_recording
 * @covers ::wpp_settings_sanitize_features
 * @covers ::wpp_settings_clean_features
 * @covers ::wpp_settings_parse_switch
 * @covers ::wpp_settings_add_page
 * @covers ::wpp_settings_render_recording
 * @covers ::wpp_settings_render_page
 * @covers ::wpp_settings_render_feature
 * @covers ::wpp_settings_feature_plugin_installed
 * @covers ::wpp_settings_uninstall_site
 */
class SettingsTest extends WPP_TestCase {

	use WPP_Settings_Fixture;

	protected function setUp(): void {
		parent::setUp();
		$this->set_up_settings_fixture();
	}

	protected function tearDown(): void {
		$this->tear_down_settings_fixture();
		parent::tearDown();
	}

	public function test_the_presence_checkbox_is_on_settings_general(): void {
		self::log_in( self::user( 'administrator' ) );
		wpp_settings_register();
		$setting = get_registered_settings()['wp_presence_recording'] ?? array();
		$this->assertSame( 'general', $setting['group'] ?? null );
		$this->assertSame( 'wpp_settings_sanitize_recording', $setting['sanitize_callback'] ?? null );
		$this->assertFalse( $setting['show_in_rest'] ?? true );
		$field = $GLOBALS['wp_settings_fields']['general']['default']['wp_presence_recording'] ?? array();
		$this->assertSame( 'Presence', $field['title'] ?? null );
		$this->assertSame( 'wp_presence_recording', $field['args']['label_for'] ?? null );

		$html = self::output( 'wpp_settings_render_recording' );
		$this->assertMatchesRegularExpression( '/<input type="hidden" name="wp_presence_recording" value="0" \/><label><input type="checkbox" id="wp_presence_recording" name="wp_presence_recording" value="1" checked=\'checked\' \/>/', $html, 'a box left empty posts 0' );
		update_option( 'wp_presence_recording', '0' );
		$this->assertStringNotContainsString( 'checked', self::output( 'wpp_settings_render_recording' ) );
	}

	/**
	 * @dataProvider recording_inputs
	 */
	public function test_the_recording_sanitizer_stores_1_or_0_and_keeps_the_stored_value_for_anything_else( $input, string $expected ): void {
		self::log_in( self::user( 'administrator' ) );
		wpp_settings_register();
		update_option( 'wp_presence_recording', '0' );
		update_option( 'wp_presence_recording', $input );
		$this->assertSame( $expected, get_option( 'wp_presence_recording' ) );
	}

	public static function recording_inputs(): array {
		return array(
			'the checkbox'       => array( '1', '1' ),
			'the hidden input'   => array( '0', '0' ),
			'true'               => array( true, '1' ),
			'on'                 => array( 'on', '1' ),
			'neither on nor off' => array( 'maybe', '0' ),
			'an array'           => array( array( 1 ), '0' ),
		);
	}

	public function test_a_refused_recording_value_says_why(): void {
		self::log_in( self::user( 'administrator' ) );
		wpp_settings_register();
		update_option( 'wp_presence_recording', '1' );
		update_option( 'wp_presence_recording', 'maybe' );
		$this->assertSame( '1', get_option( 'wp_presence_recording' ), 'nothing stored is lost' );
		$this->assertSame( array( 'wp_presence_recording' ), array_column( get_settings_errors( 'wp_presence_recording' ), 'setting' ) );
	}

	public function test_settings_presence_is_for_administrators_only(): void {
		global $submenu;
		self::log_in( self::user( 'editor' ) );
		wpp_settings_add_page();
		$this->assertNotContains( 'presence-api', array_column( $submenu['options-general.php'] ?? array(), 2 ) );
		$this->assertSame( '', self::output( 'wpp_settings_render_page' ), 'an editor is shown nothing' );

		self::log_in( self::user( 'administrator' ) );
		wpp_settings_add_page();
		$pages = array_column( $submenu['options-general.php'] ?? array(), 1, 2 );
		$this->assertSame( 'manage_options', $pages['presence-api'] ?? null );
	}

	public function test_settings_presence_has_a_checkbox_per_feature_posted_to_options_php(): void {
		self::log_in( self::user( 'administrator' ) );
		wpp_settings_register();
		$this->assertSame( 'wpp_settings_sanitize_features', get_registered_settings()['wp_presence_features']['sanitize_callback'] ?? null );
		$this->assertSame( 'presence-api', get_registered_settings()['wp_presence_features']['group'] ?? null );
		update_option( 'wp_presence_features', array( 'admin-bar' => 0 ) + array_fill_keys( WPP_SWITCHES_FEATURES, 1 ) );

		$html = self::output( 'wpp_settings_render_page' );
		$this->assertStringContainsString( 'action="' . esc_url( admin_url( 'options.php' ) ) . '"', $html );
		$this->assertStringContainsString( "name='option_page' value='presence-api'", $html );
		foreach ( WPP_SWITCHES_FEATURES as $feature ) {
			$this->assertStringContainsString( '<input type="hidden" name="wp_presence_features[' . $feature . ']" value="0" />', $html, $feature );
			$checked = 'admin-bar' === $feature ? '' : " checked='checked'";
			$this->assertStringContainsString( 'id="wp_presence_features_' . $feature . '" name="wp_presence_features[' . $feature . ']" value="1"' . $checked . ' />', $html, $feature );
		}
		$this->assertStringContainsString( 'Presence is recorded on this site.', $html );
	}

	public function test_the_features_sanitizer_keeps_every_feature_and_drops_nothing_stored_on_bad_input(): void {
		self::log_in( self::user( 'administrator' ) );
		wpp_settings_register();
		$all = array_fill_keys( WPP_SWITCHES_FEATURES, 1 );

		update_option( 'wp_presence_features', array( 'post-list' => '0', 'admin-bar' => '1' ) );
		$this->assertSame( array_merge( $all, array( 'post-list' => 0 ) ), get_option( 'wp_presence_features' ), 'the features the form leaves out keep their choice (on)' );

		update_option( 'wp_presence_features', array( 'admin-bar' => 'off' ) );
		$this->assertSame( array_merge( $all, array( 'admin-bar' => 0, 'post-list' => 0 ) ), get_option( 'wp_presence_features' ), 'and a choice stored before' );

		foreach ( array( array( 'post-lock' => '0' ), array( 'admin-bar' => 'maybe' ), 'admin-bar' ) as $bad ) {
			update_option( 'wp_presence_features', $bad );
			$this->assertSame( array_merge( $all, array( 'admin-bar' => 0, 'post-list' => 0 ) ), get_option( 'wp_presence_features' ), 'refused: ' . wp_json_encode( $bad ) );
		}
		$this->assertCount( 3, get_settings_errors( 'wp_presence_features' ) );
		$this->assertStringContainsString( 'Unknown feature: post-lock.', get_settings_errors( 'wp_presence_features' )[0]['message'] );
	}

	public function test_clean_features_names_what_it_refuses(): void {
		$this->assertSame( 'wpp_invalid_features', wpp_settings_clean_features( 'on', array() )->get_error_code() );
		$this->assertSame( 'wpp_unknown_feature', wpp_settings_clean_features( array( 'user-list' => 1 ), array() )->get_error_code() );
		$this->assertSame( 'wpp_invalid_feature_value', wpp_settings_clean_features( array( 'post-locks' => array() ), array() )->get_error_code() );
		$this->assertSame( 400, wpp_settings_clean_features( 'on', array() )->get_error_data()['status'] );
		$this->assertSame( array_fill_keys( WPP_SWITCHES_FEATURES, 1 ), wpp_settings_clean_features( array(), 'not an array' ) );
	}

	public function test_a_feature_the_network_switched_off_cannot_be_changed_by_a_site(): void {
		self::log_in( self::user( 'administrator' ) );
		update_option( 'wp_presence_features', array( 'admin-bar' => 1 ) );
		update_site_option( 'wp_presence_network_features', array( 'admin-bar' => 0 ) );
		$html = self::output( 'wpp_settings_render_feature', array( 'feature' => 'admin-bar' ) );
		if ( ! is_multisite() ) {
			$this->assertStringContainsString( 'name="wp_presence_features[admin-bar]" value="1" checked=\'checked\'', $html, 'a single site has no network switch' );
			return;
		}
		$this->assertStringContainsString( 'disabled="disabled"', $html );
		$this->assertStringNotContainsString( 'name=', $html, 'nothing posted: the site keeps its own choice' );
		$this->assertStringContainsString( 'Switched off for every site on this network.', $html );
	}

	public function test_a_filter_deciding_a_feature_is_said_on_the_page(): void {
		self::log_in( self::user( 'administrator' ) );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'post-list' === $feature ? false : $on, 10, 2 );
		$this->assertStringContainsString( 'wp_presence_feature_enabled filter', self::output( 'wpp_settings_render_feature', array( 'feature' => 'post-list' ) ) );
		$this->assertStringNotContainsString( 'filter', self::output( 'wpp_settings_render_feature', array( 'feature' => 'admin-bar' ) ) );
	}

	public function test_the_general_checkbox_says_when_the_network_or_a_filter_decides(): void {
		self::log_in( self::user( 'administrator' ) );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$this->assertStringContainsString( 'has switched recording off', self::output( 'wpp_settings_render_recording' ) );
		remove_all_filters( 'wp_presence_recording_enabled' );
		if ( is_multisite() ) {
			update_site_option( 'wp_presence_network_recording', '0' );
			$this->assertStringContainsString( 'Recording is switched off for every site on this network.', self::output( 'wpp_settings_render_recording' ) );
		} else {
			$this->assertStringNotContainsString( 'switched', self::output( 'wpp_settings_render_recording' ) );
		}
	}

	public function test_while_the_feature_plugin_is_active_its_own_screens_serve_the_switches(): void {
		list( $out, $err ) = self::run_child( 'settings-standin-child.php' );
		$report            = json_decode( $out, true );
		$this->assertIsArray( $report, "$out $err" );
		$this->assertSame(
			array(
				'feature_plugin_active' => true,
				'registered'            => array(),
				'general_field'         => false,
				'page'                  => false,
				'network_section'       => '',
			),
			$report
		);
	}

	public function test_uninstall_keeps_the_switches_while_the_feature_plugin_is_installed(): void {
		$this->assertFalse( wpp_settings_feature_plugin_installed() );
		$plugins = get_plugins();
		wp_cache_set( 'plugins', array( '' => $plugins + array( 'presence-api/presence-api.php' => array( 'Name' => 'Presence API' ) ) ), 'plugins' );
		$this->assertTrue( wpp_settings_feature_plugin_installed(), 'found by its main file, inactive too' );

		update_option( 'wp_presence_features', array( 'post-list' => 0 ) );
		update_option( 'wp_presence_recording', '0' );
		update_site_option( 'wp_presence_network_features', array( 'admin-bar' => 0 ) );
		wpp_settings_uninstall_site( true );
		wpp_network_settings_uninstall( true );
		$this->assertSame( '0', get_option( 'wp_presence_recording' ), 'its choice stays' );
		$this->assertSame( array( 'admin-bar' => 0 ), get_site_option( 'wp_presence_network_features' ) );

		wpp_settings_uninstall_site( false );
		wpp_network_settings_uninstall( false );
		$this->assertFalse( get_option( 'wp_presence_recording' ) );
		$this->assertFalse( get_option( 'wp_presence_features' ) );
		$this->assertFalse( get_site_option( 'wp_presence_network_features' ) );
	}
}
