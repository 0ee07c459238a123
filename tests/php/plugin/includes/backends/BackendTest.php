<?php
/**
 * Choosing the backend and the install key (plugin/includes/backends/backend.php).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_backend
 * @covers ::wpp_backend_use
 * @covers ::wpp_backend_install_key
 * @covers ::wpp_backend_native_available
 * @covers ::wpp_backend_setting
 */
class BackendTest extends WPP_TestCase {

	public function test_the_default_choice_follows_the_extension(): void {
		wpp_backend_use( null, true );
		$this->assertSame( function_exists( 'presence_upsert' ) ? 'native' : 'database', wpp_backend()->name() );
		$this->assertSame( function_exists( 'presence_upsert' ), wpp_backend_native_available() );
		$this->assertSame( wpp_backend(), wpp_backend(), 'one instance per request' );
	}

	public function test_install_key_is_short_stable_and_derived_from_the_install(): void {
		global $wpdb;
		$key = wpp_backend_install_key();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{12}$/', $key );
		$this->assertSame( substr( hash( 'sha256', ABSPATH . '|' . DB_HOST . '|' . DB_NAME . '|' . $wpdb->base_prefix ), 0, 12 ), $key );

		// The same key in another process of the same install (a php-fpm worker, cron, WP-CLI).
		list( $out, $err ) = self::run_child( 'install-key-child.php' );
		$this->assertSame( $key, trim( $out ), $err );
	}

	/**
	 * The backend and Site Health of a fresh process with PRESENCE_BACKEND set to $value.
	 *
	 * @return array{setting:string,backend:string,status:string,label:string,notice:string}
	 */
	private static function with_constant( string $value ): array {
		list( $out, $err ) = self::run_child( 'backend-choice-child.php', array(), array( $value ) );
		$report = json_decode( $out, true );
		if ( ! is_array( $report ) ) {
			throw new RuntimeException( "child output: $out $err" );
		}
		return $report;
	}

	public function test_without_the_constant_the_choice_is_automatic(): void {
		$this->assertSame( 'auto', wpp_backend_setting() );
		$report = self::with_constant( '-' );
		$this->assertSame( 'auto', $report['setting'] );
		$this->assertSame( function_exists( 'presence_upsert' ) ? 'native' : 'database', $report['backend'] );
		$this->assertSame( self::with_constant( 'auto' )['backend'], $report['backend'] );
	}

	public function test_presence_backend_database_forces_the_table_even_with_the_extension(): void {
		$report = self::with_constant( 'database' );
		$this->assertSame( 'database', $report['backend'] );
		$this->assertSame( 'recommended', $report['status'] );
		if ( function_exists( 'presence_upsert' ) ) {
			$this->assertStringContainsString( 'as PRESENCE_BACKEND asks', $report['label'] );
		}
		$this->assertSame( '', trim( $report['notice'] ), 'no nagging about a choice the site made' );
	}

	public function test_presence_backend_native_uses_the_extension_or_says_it_is_missing(): void {
		$report = self::with_constant( 'Native' );
		$this->assertSame( 'native', $report['setting'] );
		if ( function_exists( 'presence_upsert' ) ) {
			$this->assertSame( 'native', $report['backend'] );
			$this->assertNotSame( 'critical', $report['status'] );
		} else {
			$this->assertSame( 'database', $report['backend'], 'nothing breaks: the table is used' );
			$this->assertSame( 'critical', $report['status'] );
			$this->assertStringContainsString( 'PRESENCE_BACKEND asks for the presence extension', $report['label'] );
			$this->assertStringContainsString( 'extension is not loaded', $report['notice'] );
		}
	}

	public function test_an_unknown_presence_backend_chooses_automatically_and_site_health_says_so(): void {
		$report = self::with_constant( 'redis' );
		$this->assertSame( 'invalid', $report['setting'] );
		$this->assertSame( function_exists( 'presence_upsert' ) ? 'native' : 'database', $report['backend'] );
		$this->assertSame( 'recommended', $report['status'] );
		$this->assertStringContainsString( 'does not know', $report['label'] );
	}
}
