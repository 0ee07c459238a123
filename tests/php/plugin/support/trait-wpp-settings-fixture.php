<?php
/**
 * For the tests of the settings screens: the settings API's globals put back after each test,
 * the switches' options deleted before it (inside the test's transaction), and what the tests share.
 *
 * Use in a WPP_TestCase: call set_up_settings_fixture() in setUp() and
 * tear_down_settings_fixture() in tearDown().
 *
 * @package Presence
 */

trait WPP_Settings_Fixture {

	/**
	 * Registered settings, fields and sections before the test.
	 *
	 * @var array
	 */
	private array $globals_before = array();

	protected function set_up_settings_fixture(): void {
		require_once ABSPATH . 'wp-admin/includes/template.php';
		foreach ( array( 'wp_registered_settings', 'wp_settings_fields', 'wp_settings_sections', 'wp_settings_errors', 'submenu' ) as $name ) {
			$this->globals_before[ $name ] = $GLOBALS[ $name ] ?? null;
		}
		delete_option( 'wp_presence_recording' );
		delete_option( 'wp_presence_features' );
		if ( is_multisite() ) {
			delete_site_option( 'wp_presence_network_recording' );
			delete_site_option( 'wp_presence_network_features' );
		}
	}

	protected function tear_down_settings_fixture(): void {
		foreach ( $this->globals_before as $name => $value ) {
			$GLOBALS[ $name ] = $value;
		}
		unset( $_POST['wp_presence_network_recording'] );
	}

	/**
	 * A user who may manage the network's options: a super admin on a network.
	 */
	private static function network_admin(): WP_User {
		$user = self::user( 'administrator' );
		if ( is_multisite() ) {
			grant_super_admin( $user->ID );
		}
		return $user;
	}

	/**
	 * What a function prints.
	 */
	private static function output( callable $print, ...$args ): string {
		ob_start();
		$print( ...$args );
		return (string) ob_get_clean();
	}

	/**
	 * Makes wp_redirect() and wp_die() throw, so a handler that ends the request can be tested.
	 */
	private static function catch_exits(): void {
		add_filter(
			'wp_die_handler',
			static fn() => static function ( $message, $title = '', $args = array() ) {
				throw new RuntimeException( 'died ' . (int) ( $args['response'] ?? 0 ) . ': ' . ( is_string( $message ) ? $message : '' ) );
			}
		);
		add_filter(
			'wp_redirect',
			static function ( $location ) {
				throw new RuntimeException( 'redirect: ' . $location );
			}
		);
	}
}
