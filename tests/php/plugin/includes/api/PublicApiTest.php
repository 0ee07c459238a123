<?php
/**
 * Declaring the public API (plugin/includes/api/public-api.php): when another plugin defines it,
 * before or after Presence, Presence declares none of it and says so.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_public_api_declare
 * @covers ::wpp_public_api_conflicts
 */
class PublicApiTest extends WPP_TestCase {

	/**
	 * Another plugin that defines the API first: ours declares nothing (no fatal error), reports
	 * the conflict, and the notice says so. Needs a fresh PHP process, since a function cannot be
	 * undeclared.
	 */
	public function test_an_api_defined_elsewhere_is_not_redeclared(): void {
		$this->assert_other_plugins_api_wins( 'early' );
	}

	/**
	 * The same when the other plugin loads after Presence (its directory sorts after presence/)
	 * and declares the API without a function_exists() guard: Presence declares its own only on
	 * plugins_loaded, so there is no "cannot redeclare" fatal error.
	 */
	public function test_an_api_defined_by_a_plugin_loaded_later_is_not_redeclared(): void {
		$this->assert_other_plugins_api_wins( 'late' );
	}

	private function assert_other_plugins_api_wins( string $order ): void {
		// The child inherits the environment (PRESENCE_TEST_DOCROOT, PHP_INI_SCAN_DIR); which
		// backend it gets does not matter here.
		list( $out, $err ) = self::run_child( 'api-conflict-child.php', array(), array( $order ) );
		$res               = json_decode( $out, true );
		$this->assertIsArray( $res, "child output: $out $err" );
		$this->assertSame( array( 'wp_get_presence' ), $res['conflicts'] );
		$this->assertSame( 'other plugin', $res['wp_get_presence'] );
		$this->assertFalse( $res['wp_set_presence_exists'], 'none of ours is declared next to a foreign one' );
		$this->assertTrue( $res['internals_work'] );
		$this->assertStringContainsString( 'another plugin already defines wp_get_presence', $res['notice'] );
	}
}
