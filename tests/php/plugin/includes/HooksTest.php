<?php
/**
 * Every hook registered by wpp_hooks_register() (plugin/includes/hooks.php), with its priority,
 * in the groups of hooks.php; nothing registered that is not listed here; and nothing registered
 * by merely including the plugin's files.
 *
 * On the heartbeat test case: core's post-lock refresh is registered as in a real admin-ajax
 * request, so its order against presence's handlers can be checked.
 *
 * @package Presence
 */

require_once dirname( __DIR__ ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_hooks_register
 */
class HooksTest extends WPP_Heartbeat_TestCase {

	/**
	 * [hook, callback, priority] by group, in the order hooks.php registers them.
	 *
	 * @return array<string,array[]>
	 */
	public static function groups(): array {
		$plugin = plugin_basename( WPP_FILE );
		return array(
			'api'            => array(
				array( 'plugins_loaded', 'wpp_public_api_declare', PHP_INT_MIN ),
				array( 'init', 'wpp_rooms_add_post_type_support', 10 ),
				array( 'wp_presence_is_agent_user', 'wpp_client_ids_defer_agent_check', 10 ),
			),
			'backends'       => array(
				array( 'admin_init', 'wpp_table_maybe_repair', 10 ),
			),
			'lifecycle'      => array(
				array( 'activate_' . $plugin, 'wpp_lifecycle_activate', 10 ),
				array( 'deactivate_' . $plugin, 'wpp_lifecycle_deactivate', 10 ),
				array( 'init', 'wpp_lifecycle_schedule_gc', 10 ),
				array( 'wpp_gc', 'wpp_lifecycle_run_gc', 10 ),
				array( 'wp_login', 'wpp_lifecycle_login', 10 ),
				array( 'wp_logout', 'wpp_lifecycle_logout', 10 ),
				array( 'deleted_user', 'wpp_lifecycle_deleted_user', 10 ),
				array( 'admin_init', 'wpp_lifecycle_add_options', 10 ),
			),
			'post locks'     => array(
				array( 'get_post_metadata', 'wpp_post_locks_read', 10 ),
				array( 'update_post_metadata', 'wpp_post_locks_write', 10 ),
				array( 'add_post_metadata', 'wpp_post_locks_add', 10 ),
				array( 'delete_post_metadata', 'wpp_post_locks_delete', 10 ),
				array( 'the_posts', 'wpp_post_locks_prime_list', 10 ),
				array( 'heartbeat_received', 'wpp_post_locks_prime_heartbeat', 5 ), // Before wp_check_locked_posts (10).
				array( 'init', 'wpp_post_locks_note_switch', 10 ),
			),
			'agents'         => array(
				array( 'wp_after_insert_post', 'wpp_agents_post_saved', 10 ),
			),
			'feature plugin' => array(
				array( 'deactivated_plugin', 'wpp_feature_plugin_deactivated', 10 ),
				array( 'admin_notices', 'wpp_feature_plugin_notice', 10 ),
				array( 'network_admin_notices', 'wpp_feature_plugin_notice', 10 ),
			),
			'privacy'        => array(
				array( 'wpp_can_access_room', 'wpp_privacy_filter_room_access', 1 ),
			),
			'i18n'           => array(
				array( 'init', 'wpp_i18n_load_textdomain', 10 ),
			),
			'heartbeat'      => array(
				array( 'heartbeat_received', 'wpp_handlers_post_lock', 20 ), // After wp_refresh_post_lock (10).
				array( 'heartbeat_received', 'wpp_handlers_heartbeat', 20 ),
			),
			'live'           => array(
				array( 'heartbeat_received', 'wpp_lane_heartbeat', 19 ), // Before the handlers (20) write.
				array( 'update_user_metadata', 'wpp_lane_sessions_changed', 10 ),
				array( 'delete_user_metadata', 'wpp_lane_sessions_changed', 10 ),
				array( 'set_user_role', 'wpp_lane_roles_changed', 10 ),
				array( 'remove_user_role', 'wpp_lane_roles_changed', 10 ),
				array( 'remove_user_from_blog', 'wpp_lane_roles_changed', 10 ),
				array( 'site_status_tests', 'wpp_health_tests', 10 ),
			),
			'rest'           => array(
				array( 'rest_api_init', 'wpp_routes_register', 10 ),
				array( 'rest_request_after_callbacks', 'wpp_routes_no_store', 100 ),
				array( 'rest_post_dispatch', 'wpp_routes_no_store', 100 ),
			),
			'ui'             => array(
				array( 'current_screen', 'wpp_page_view_note', 10 ),
				array( 'admin_enqueue_scripts', 'wpp_assets_register', 9 ),
				array( 'admin_enqueue_scripts', 'wpp_assets_enqueue_admin', 10 ),
				array( 'wp_enqueue_scripts', 'wpp_assets_register', 9 ),
				array( 'wp_enqueue_scripts', 'wpp_assets_enqueue_front', 10 ),
				array( 'heartbeat_received', 'wpp_fragments_heartbeat', 30 ), // After the handlers (20).
			),
			'surfaces'       => array(
				array( 'wp_dashboard_setup', 'wpp_whos_online_add_widget', 10 ),
				array( 'wp_dashboard_setup', 'wpp_active_posts_add_widget', 10 ),
				array( 'admin_footer', 'wpp_editor_print', 10 ),
				array( 'admin_bar_menu', 'wpp_admin_bar_menu', 80 ),
				array( 'views_users', 'wpp_users_list_views', 10 ),
				array( 'users_list_table_query_args', 'wpp_users_list_query_args', 10 ),
				array( 'manage_users_columns', 'wpp_users_list_columns', 10 ),
				array( 'manage_users_custom_column', 'wpp_users_list_column', 10 ),
				array( 'wp_logout', 'wpp_users_list_note_last_seen_at_logout', 20 ), // After wpp_lifecycle_logout (10).
				array( 'manage_posts_columns', 'wpp_posts_list_columns', 10 ),
				array( 'manage_pages_columns', 'wpp_posts_list_columns', 10 ),
				array( 'manage_posts_custom_column', 'wpp_posts_list_column', 10 ),
				array( 'manage_pages_custom_column', 'wpp_posts_list_column', 10 ),
				array( 'wp_after_insert_post', 'wpp_stale_screen_post_saved', 10 ),
				array( 'edited_term', 'wpp_stale_screen_term_saved', 10 ),
				array( 'profile_update', 'wpp_stale_screen_user_saved', 10 ),
				array( 'rest_pre_insert_user', 'wpp_stale_screen_rest_user', 10 ),
				array( 'edit_comment', 'wpp_stale_screen_comment_saved', 10 ),
				array( 'wp_set_comment_status', 'wpp_stale_screen_comment_saved', 10 ),
				array( 'allowed_options', 'wpp_stale_screen_allowed_options', PHP_INT_MAX ), // Sees the final list.
				array( 'check_admin_referer', 'wpp_stale_screen_referer_checked', 10 ),
				array( 'updated_option', 'wpp_stale_screen_option_saved', 10 ),
				array( 'added_option', 'wpp_stale_screen_option_saved', 10 ),
				array( 'wpp_mark_screen_stale', 'wpp_stale_screen_mark_action', 10 ),
				array( 'init', 'wpp_synced_patterns_add_support', 11 ), // After post and page get presence (10).
				array( 'enqueue_block_editor_assets', 'wpp_synced_patterns_enqueue', 10 ),
				array( 'plugin_action_links_' . $plugin, 'wpp_plugins_list_action_links', 10 ),
			),
			// On a multisite network only.
			'network'        => ! is_multisite() ? array() : array(
				array( 'wp_network_dashboard_setup', 'wpp_network_dashboard_add_widget', 10 ),
				array( 'heartbeat_received', 'wpp_network_dashboard_fragment', 30 ), // After presence's own answers (20).
				array( 'wpmu_blogs_columns', 'wpp_network_sites_list_columns', 10 ),
				array( 'manage_sites_custom_column', 'wpp_network_sites_list_column', 10 ),
				array( 'views_users-network', 'wpp_network_users_list_views', 10 ),
				array( 'users_list_table_query_args', 'wpp_network_users_list_query_args', 10 ),
				array( 'wpmu_users_columns', 'wpp_network_users_list_columns', 10 ),
				array( 'manage_users_custom_column', 'wpp_network_users_list_column', 10 ),
				array( 'network_admin_notices', 'wpp_network_view_notice', 10 ),
				array( 'admin_enqueue_scripts', 'wpp_network_view_enqueue', 11 ), // After the client is enqueued (10).
			),
			'admin'          => array(
				array( 'admin_notices', 'wpp_notices_print', 10 ), // After wpp_feature_plugin_notice.
				array( 'network_admin_notices', 'wpp_notices_print', 10 ),
				array( 'site_status_tests', 'wpp_site_health_tests', 10 ),
				array( 'debug_information', 'wpp_site_health_debug_information', 10 ),
				array( 'admin_menu', 'wpp_inspector_add_page', 10 ),
				array( 'admin_post_wpp_flush_room', 'wpp_inspector_handle_flush', 10 ),
				array( 'admin_init', 'wpp_settings_register', 10 ),
				array( 'admin_menu', 'wpp_settings_add_page', 10 ),
				array( 'network_admin_menu', 'wpp_network_settings_add_page', 10 ),
				array( 'wpmu_options', 'wpp_network_settings_render_recording', 10 ),
				array( 'update_wpmu_options', 'wpp_network_settings_save_recording', 10 ),
				array( 'network_admin_edit_wpp_network_features', 'wpp_network_settings_save', 10 ),
				array( 'admin_init', 'wpp_privacy_tools_add_policy', 10 ),
				array( 'wp_privacy_personal_data_exporters', 'wpp_privacy_tools_exporters', 10 ),
				array( 'wp_privacy_personal_data_erasers', 'wpp_privacy_tools_erasers', 10 ),
			),
		);
	}

	/**
	 * The surfaces each feature switch registers, by feature.
	 *
	 * @return array<string,array{0:string,1:string[][]}>
	 */
	public static function switched_surfaces(): array {
		$plugin = plugin_basename( WPP_FILE );
		return array(
			'admin-bar'        => array( 'admin-bar', array( array( 'admin_bar_menu', 'wpp_admin_bar_menu' ) ) ),
			'post-list'        => array(
				'post-list',
				array(
					array( 'manage_posts_columns', 'wpp_posts_list_columns' ),
					array( 'manage_pages_columns', 'wpp_posts_list_columns' ),
					array( 'manage_posts_custom_column', 'wpp_posts_list_column' ),
					array( 'manage_pages_custom_column', 'wpp_posts_list_column' ),
				),
			),
			'wpp-whos-online'  => array( 'wpp-whos-online', array( array( 'wp_dashboard_setup', 'wpp_whos_online_add_widget' ) ) ),
			'wpp-active-posts' => array( 'wpp-active-posts', array( array( 'wp_dashboard_setup', 'wpp_active_posts_add_widget' ) ) ),
			'wpp-users-list'   => array(
				'wpp-users-list',
				array(
					array( 'views_users', 'wpp_users_list_views' ),
					array( 'users_list_table_query_args', 'wpp_users_list_query_args' ),
					array( 'manage_users_columns', 'wpp_users_list_columns' ),
					array( 'manage_users_custom_column', 'wpp_users_list_column' ),
					array( 'wp_logout', 'wpp_users_list_note_last_seen_at_logout' ),
					array( 'plugin_action_links_' . $plugin, 'wpp_plugins_list_action_links' ),
				),
			),
		);
	}

	/**
	 * Removes every wpp_* callback, then registers the plugin's hooks again, as a new request
	 * would with the switches as they are now.
	 */
	private static function register_again(): void {
		foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
			foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
				foreach ( $callbacks as $callback ) {
					if ( is_string( $callback['function'] ) && str_starts_with( $callback['function'], 'wpp_' ) ) {
						remove_filter( $hook, $callback['function'], $priority );
					}
				}
			}
		}
		wpp_hooks_register();
	}

	/**
	 * @dataProvider switched_surfaces
	 */
	public function test_a_surface_switched_off_is_not_registered( string $feature, array $hooks ): void {
		update_option( 'wp_presence_features', array( $feature => 0 ) + array_fill_keys( WPP_SWITCHES_FEATURES, 1 ) );
		self::register_again();
		foreach ( $hooks as list( $hook, $callback ) ) {
			$this->assertFalse( has_filter( $hook, $callback ), "$feature off: $hook → $callback" );
		}
		$others = array_diff_key( self::switched_surfaces(), array( $feature => true ) );
		foreach ( $others as list( $other, $other_hooks ) ) {
			foreach ( $other_hooks as list( $hook, $callback ) ) {
				$this->assertNotFalse( has_filter( $hook, $callback ), "$other stays on: $hook → $callback" );
			}
		}
		$this->assertNotFalse( has_filter( 'heartbeat_received', 'wpp_handlers_heartbeat' ), 'what is not a switched surface stays' );

		update_option( 'wp_presence_features', array_fill_keys( WPP_SWITCHES_FEATURES, 1 ) );
		self::register_again();
		foreach ( $hooks as list( $hook, $callback ) ) {
			$this->assertNotFalse( has_filter( $hook, $callback ), "$feature back on: $hook → $callback" );
		}
	}

	public function test_the_feature_filter_has_the_last_word_over_registration(): void {
		update_option( 'wp_presence_features', array( 'admin-bar' => 0 ) + array_fill_keys( WPP_SWITCHES_FEATURES, 1 ) );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'admin-bar' === $feature ? true : ( 'post-list' === $feature ? false : $on ), 10, 2 );
		self::register_again();
		$this->assertSame( 80, has_filter( 'admin_bar_menu', 'wpp_admin_bar_menu' ), 'the filter switches it on' );
		$this->assertFalse( has_filter( 'manage_posts_columns', 'wpp_posts_list_columns' ), 'the filter switches it off' );
	}

	/**
	 * Every registration, named by its group, for the data provider.
	 */
	public static function hooks(): array {
		$all = array();
		foreach ( self::groups() as $group => $hooks ) {
			foreach ( $hooks as list( $hook, $callback, $priority ) ) {
				$all[ "$group: $hook → $callback" ] = array( $hook, $callback, $priority );
			}
		}
		return $all;
	}

	/**
	 * @dataProvider hooks
	 */
	public function test_hook_is_registered_with_its_priority( string $hook, string $callback, int $priority ): void {
		$this->assertSame( $priority, has_filter( $hook, $callback ) );
	}

	/**
	 * Every wpp_* callback registered anywhere is in the list above.
	 */
	public function test_no_hook_is_left_out_of_the_list(): void {
		$listed   = array_map( static fn( $h ) => "$h[0]|$h[1]|$h[2]", array_values( self::hooks() ) );
		$unlisted = array();
		foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
			foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
				foreach ( $callbacks as $callback ) {
					$name = is_string( $callback['function'] ) ? $callback['function'] : '';
					if ( str_starts_with( $name, 'wpp_' ) && ! in_array( "$hook|$name|$priority", $listed, true ) ) {
						$unlisted[] = "$hook|$name|$priority";
					}
				}
			}
		}
		$this->assertSame( array(), $unlisted );
	}

	/**
	 * Callbacks on one hook and priority run in the order they were added: the order of the list
	 * (Presence API's notice before Presence's own, the post-lock bridge before the handler).
	 */
	public function test_callbacks_of_one_hook_and_priority_run_in_the_listed_order(): void {
		$expected = array();
		foreach ( self::hooks() as list( $hook, $callback, $priority ) ) {
			$expected[ "$hook|$priority" ][] = $callback;
		}
		foreach ( $expected as $key => $callbacks ) {
			list( $hook, $priority ) = explode( '|', $key );
			$registered              = array_values( array_filter( array_keys( $GLOBALS['wp_filter'][ $hook ]->callbacks[ (int) $priority ] ?? array() ), static fn( $id ) => str_starts_with( (string) $id, 'wpp_' ) ) );
			$this->assertSame( $callbacks, $registered, $key );
		}
	}

	public function test_post_lock_refresh_runs_before_presence(): void {
		$this->assertLessThan( has_filter( 'heartbeat_received', 'wpp_handlers_post_lock' ), has_filter( 'heartbeat_received', 'wp_refresh_post_lock' ) );
	}

	public function test_wp_login_gets_the_user_object(): void {
		$this->assertSame( 2, $GLOBALS['wp_filter']['wp_login']->callbacks[10]['wpp_lifecycle_login']['accepted_args'] );
		$this->assertSame( 2, $GLOBALS['wp_filter']['wp_after_insert_post']->callbacks[10]['wpp_agents_post_saved']['accepted_args'] );
		$this->assertSame( 2, $GLOBALS['wp_filter']['wp_presence_is_agent_user']->callbacks[10]['wpp_client_ids_defer_agent_check']['accepted_args'] );
		$this->assertSame( 3, $GLOBALS['wp_filter']['rest_request_after_callbacks']->callbacks[100]['wpp_routes_no_store']['accepted_args'] );
		$this->assertSame( 2, $GLOBALS['wp_filter']['deactivated_plugin']->callbacks[10]['wpp_feature_plugin_deactivated']['accepted_args'] );
		// The key of a term names its taxonomy; a settings save needs the nonce's result and the option.
		$this->assertSame( 3, $GLOBALS['wp_filter']['edited_term']->callbacks[10]['wpp_stale_screen_term_saved']['accepted_args'] );
		$this->assertSame( 2, $GLOBALS['wp_filter']['check_admin_referer']->callbacks[10]['wpp_stale_screen_referer_checked']['accepted_args'] );
		$this->assertSame( 1, $GLOBALS['wp_filter']['updated_option']->callbacks[10]['wpp_stale_screen_option_saved']['accepted_args'] );
	}

	/**
	 * Including the plugin's files registers nothing: only wpp_hooks_register() does. Checked in a
	 * fresh process that includes every file without calling it.
	 */
	public function test_including_the_files_registers_nothing(): void {
		list( $out, $err ) = self::run_child( 'include-only-child.php' );
		$this->assertSame( '[]', trim( $out ), "hooks added by including files: $out $err" );
	}
}
