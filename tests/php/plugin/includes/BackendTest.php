<?php
/**
 * Choosing the backend and the install key (plugin/includes/backend.php).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_backend
 * @covers ::wpp_use_backend
 * @covers ::wpp_install_key
 * @covers ::wpp_native_available
 */
class BackendTest extends WPP_TestCase {

	public function test_the_default_choice_follows_the_extension(): void {
		wpp_use_backend( null, true );
		$this->assertSame( function_exists( 'presence_upsert' ) ? 'native' : 'database', wpp_backend()->name() );
		$this->assertSame( function_exists( 'presence_upsert' ), wpp_native_available() );
		$this->assertSame( wpp_backend(), wpp_backend(), 'one instance per request' );
	}

	public function test_install_key_is_short_stable_and_derived_from_the_install(): void {
		global $wpdb;
		$key = wpp_install_key();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{12}$/', $key );
		$this->assertSame( substr( hash( 'sha256', ABSPATH . '|' . DB_HOST . '|' . DB_NAME . '|' . $wpdb->base_prefix ), 0, 12 ), $key );

		// The same key in another process of the same install (a php-fpm worker, cron, WP-CLI).
		list( $out, $err ) = self::run_child( 'install-key-child.php' );
		$this->assertSame( $key, trim( $out ), $err );
	}
}
