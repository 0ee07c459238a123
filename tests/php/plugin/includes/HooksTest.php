<?php
/**
 * Every hook of the plugin core registered by wpp_register_hooks() (plugin/includes/hooks.php),
 * with its priority. The heartbeat and surfaces hooks are checked in heartbeat/.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_register_hooks
 */
class HooksTest extends WPP_TestCase {

	/**
	 * [hook, callback, priority] of the core section.
	 */
	public function core_hooks(): array {
		$plugin = plugin_basename( WPP_FILE );
		return array(
			array( 'plugins_loaded', 'wpp_public_api_declare', PHP_INT_MIN ),
			array( 'activate_' . $plugin, 'wpp_lifecycle_activate', 10 ),
			array( 'deactivate_' . $plugin, 'wpp_lifecycle_deactivate', 10 ),
			array( 'init', 'wpp_rooms_add_post_type_support', 10 ),
			array( 'init', 'wpp_lifecycle_schedule_gc', 10 ),
			array( 'wpp_gc', 'wpp_lifecycle_run_gc', 10 ),
			array( 'admin_init', 'wpp_table_maybe_repair', 10 ),
			array( 'init', 'wpp_i18n_load_textdomain', 10 ),
			array( 'deactivated_plugin', 'wpp_feature_plugin_deactivated', 10 ),
			array( 'admin_notices', 'wpp_feature_plugin_notice', 10 ),
			array( 'network_admin_notices', 'wpp_feature_plugin_notice', 10 ),
			array( 'wp_login', 'wpp_lifecycle_login', 10 ),
			array( 'wp_logout', 'wpp_lifecycle_logout', 10 ),
			array( 'deleted_user', 'wpp_lifecycle_deleted_user', 10 ),
			array( 'rest_api_init', 'wpp_routes_register', 10 ),
			array( 'rest_request_after_callbacks', 'wpp_routes_no_store', 100 ),
			array( 'rest_post_dispatch', 'wpp_routes_no_store', 100 ),
			array( 'admin_notices', 'wpp_notices_print', 10 ),
			array( 'network_admin_notices', 'wpp_notices_print', 10 ),
			array( 'site_status_tests', 'wpp_site_health_tests', 10 ),
			array( 'debug_information', 'wpp_site_health_debug_information', 10 ),
		);
	}

	public function test_each_core_hook_is_registered_with_its_priority(): void {
		foreach ( $this->core_hooks() as list( $hook, $callback, $priority ) ) {
			$this->assertSame( $priority, has_filter( $hook, $callback ), "$hook → $callback" );
		}
	}

	/**
	 * Every wpp_* callback registered anywhere is in the list above, or belongs to the heartbeat,
	 * ui and surfaces section (the prefixes below), whose test is heartbeat/SurfacesTest.php's.
	 */
	public function test_no_core_hook_is_left_out_of_the_list(): void {
		$listed = array();
		foreach ( $this->core_hooks() as list( $hook, $callback, $priority ) ) {
			$listed[] = "$hook|$callback|$priority";
		}
		$unlisted = array();
		foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
			foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
				foreach ( $callbacks as $callback ) {
					$name = is_string( $callback['function'] ) ? $callback['function'] : '';
					if ( str_starts_with( $name, 'wpp_' ) && ! preg_match( '/^wpp_(handlers|privacy|assets|page_view|whos_online|active_posts|admin_bar|users_list|posts_list|stale_screen|plugins_list|inspector)_/', $name )
						&& ! in_array( "$hook|$name|$priority", $listed, true ) ) {
						$unlisted[] = "$hook|$name|$priority";
					}
				}
			}
		}
		$this->assertSame( array(), $unlisted );
	}

	public function test_wp_login_gets_the_user_object(): void {
		$this->assertSame( 2, $GLOBALS['wp_filter']['wp_login']->callbacks[10]['wpp_lifecycle_login']['accepted_args'] );
		$this->assertSame( 3, $GLOBALS['wp_filter']['rest_request_after_callbacks']->callbacks[100]['wpp_routes_no_store']['accepted_args'] );
		$this->assertSame( 2, $GLOBALS['wp_filter']['deactivated_plugin']->callbacks[10]['wpp_feature_plugin_deactivated']['accepted_args'] );
	}

	/**
	 * Including the plugin's files registers nothing: only wpp_register_hooks() does. Checked in a
	 * fresh process that includes every file without calling it.
	 */
	public function test_including_the_files_registers_nothing(): void {
		list( $out, $err ) = self::run_child( 'include-only-child.php' );
		$this->assertSame( '[]', trim( $out ), "hooks added by including files: $out $err" );
	}

	public function test_post_and_page_support_presence(): void {
		$this->assertTrue( post_type_supports( 'post', 'presence' ) );
		$this->assertTrue( post_type_supports( 'page', 'presence' ) );
		$this->assertFalse( post_type_supports( 'attachment', 'presence' ) );
	}
}
