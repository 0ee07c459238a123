<?php
/**
 * Every add_action() / add_filter() of the plugin, in one place.
 *
 * Grouped by the file or folder the callbacks live in, in the order of the bootstrap's load list:
 * the store and the plugin's life around it first, then what people see. Priorities are
 * commented where order matters. tests/php/plugin/includes/HooksTest.php checks each
 * registration and its priority, in the same groups.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers all hooks of the plugin. Called once by the bootstrap.
 *
 * @since 0.1.0
 */
function wpp_hooks_register(): void {
	// api/: the public wp_* API, declared once every plugin file is loaded (PHP_INT_MIN: before
	// any plugins_loaded callback may call it), so that another plugin defining it wins wherever
	// it sorts. A plugin included after plugins_loaded (its activation request) declares it now.
	add_action( 'plugins_loaded', 'wpp_public_api_declare', PHP_INT_MIN );
	if ( did_action( 'plugins_loaded' ) ) {
		wpp_public_api_declare();
	}
	add_action( 'init', 'wpp_rooms_add_post_type_support', 10 ); // Before anyone asks post_type_supports().
	add_filter( 'wp_presence_is_agent_user', 'wpp_client_ids_defer_agent_check', 10, 2 ); // The AI plugin's answer, when loaded.

	// backends/: recreates a missing table, or one of an older layout.
	add_action( 'admin_init', 'wpp_table_maybe_repair', 10 );

	// lifecycle.php: activation and deactivation (add_action() on activate_/deactivate_{plugin}),
	// the hourly deletion of expired entries, and the entries that follow a user's session.
	register_activation_hook( WPP_FILE, 'wpp_lifecycle_activate' );
	register_deactivation_hook( WPP_FILE, 'wpp_lifecycle_deactivate' );
	add_action( 'init', 'wpp_lifecycle_schedule_gc', 10 );
	add_action( WPP_GC_EVENT, 'wpp_lifecycle_run_gc', 10 );
	add_action( 'wp_login', 'wpp_lifecycle_login', 10, 2 );
	add_action( 'wp_logout', 'wpp_lifecycle_logout', 10, 1 );
	add_action( 'deleted_user', 'wpp_lifecycle_deleted_user', 10, 1 );
	add_action( 'admin_init', 'wpp_lifecycle_add_options', 10 );

	// post-locks.php: `_edit_lock` in the post room's `_lock` entry. Each callback passes unless
	// the key is `_edit_lock` and the `post-locks` feature is on; priming runs before core reads
	// the locks of `wp-check-locked-posts` (10).
	add_filter( 'get_post_metadata', 'wpp_post_locks_read', 10, 4 );
	add_filter( 'update_post_metadata', 'wpp_post_locks_write', 10, 5 );
	add_filter( 'add_post_metadata', 'wpp_post_locks_add', 10, 5 );
	add_filter( 'delete_post_metadata', 'wpp_post_locks_delete', 10, 5 );
	add_filter( 'the_posts', 'wpp_post_locks_prime_list', 10, 2 );
	add_filter( 'heartbeat_received', 'wpp_post_locks_prime_heartbeat', 5, 2 );
	add_action( 'init', 'wpp_post_locks_note_switch', 10 );

	// agents.php: an agent's save shows in the post's room and in admin/online.
	add_action( 'wp_after_insert_post', 'wpp_agents_post_saved', 10, 2 );

	// feature-plugin.php: its live entries follow it when it is deactivated. Its notice comes
	// before Presence's own (admin/, same priority, registered later): it says who serves presence.
	add_action( 'deactivated_plugin', 'wpp_feature_plugin_deactivated', 10, 2 );
	add_action( 'admin_notices', 'wpp_feature_plugin_notice', 10 );
	add_action( 'network_admin_notices', 'wpp_feature_plugin_notice', 10 );

	// privacy.php: internal rooms stay out of the public API. 1, before site filters (10) may
	// widen it.
	add_filter( 'wpp_can_access_room', 'wpp_privacy_filter_room_access', 1, 3 );

	// i18n.php: the translations shipped in languages/.
	add_action( 'init', 'wpp_i18n_load_textdomain', 10 );

	// heartbeat/: 20 runs after core's wp_refresh_post_lock() (10), so the post and its lock are
	// already loaded when presence checks access to the post's room (no query of its own).
	add_filter( 'heartbeat_received', 'wpp_handlers_post_lock', 20, 3 );
	add_filter( 'heartbeat_received', 'wpp_handlers_heartbeat', 20, 3 );

	// live/: the lane's versions and tokens ride on the heartbeat. 19: before the presence
	// handlers (20) write, so the versions it reads predate this tick's own answers. A session
	// that ends revokes the user's tokens (logging out, "Log out everywhere else"), and so does a
	// role changed or taken away on a site (its tokens there).
	add_filter( 'heartbeat_received', 'wpp_lane_heartbeat', 19, 2 );
	add_filter( 'update_user_metadata', 'wpp_lane_sessions_changed', 10, 4 );
	add_filter( 'delete_user_metadata', 'wpp_lane_sessions_changed', 10, 4 );
	add_action( 'set_user_role', 'wpp_lane_roles_changed' );
	add_action( 'remove_user_role', 'wpp_lane_roles_changed' );
	add_action( 'remove_user_from_blog', 'wpp_lane_roles_changed' );
	add_filter( 'site_status_tests', 'wpp_health_tests', 10 );

	// rest/: every route from one registrar. The no-store filter runs late (100) so other filters
	// cannot drop the header.
	add_action( 'rest_api_init', 'wpp_routes_register', 10 );
	add_filter( 'rest_request_after_callbacks', 'wpp_routes_no_store', 100, 3 );
	add_filter( 'rest_post_dispatch', 'wpp_routes_no_store', 100, 3 ); // Also unknown routes (404).

	// ui/: opening a page counts as being there; the scripts are registered (9) before the pages
	// enqueue them (10).
	add_action( 'current_screen', 'wpp_page_view_note', 10 );
	add_action( 'admin_enqueue_scripts', 'wpp_assets_register', 9 );
	add_action( 'admin_enqueue_scripts', 'wpp_assets_enqueue_admin', 10 );
	add_action( 'wp_enqueue_scripts', 'wpp_assets_register', 9 );
	add_action( 'wp_enqueue_scripts', 'wpp_assets_enqueue_front', 10 );
	// The surfaces' markup, rendered from the answers of the presence handlers (20).
	add_filter( 'heartbeat_received', 'wpp_fragments_heartbeat', 30, 2 );

	// surfaces/: a surface with a feature switch (admin/settings.php) is registered only when its
	// feature is on; the switches are read once, here, for the whole request.

	// surfaces/: the dashboard widgets, Who's online first.
	if ( wpp_switches_feature_enabled( 'wpp-whos-online' ) ) {
		add_action( 'wp_dashboard_setup', 'wpp_whos_online_add_widget', 10 );
	}
	if ( wpp_switches_feature_enabled( 'wpp-active-posts' ) ) {
		add_action( 'wp_dashboard_setup', 'wpp_active_posts_add_widget', 10 );
	}

	// surfaces/editor.php: "Also editing:", printed once the editor's page is done.
	add_action( 'admin_footer', 'wpp_editor_print', 10 );

	// surfaces/admin-bar.php: after core's own nodes (≤ 70).
	if ( wpp_switches_feature_enabled( 'admin-bar' ) ) {
		add_action( 'admin_bar_menu', 'wpp_admin_bar_menu', 80 );
	}

	// surfaces/users-list.php: the Online view and the Status column. Last seen is noted at 20,
	// after the logout's removal of the user's entries (10), which it survives.
	if ( wpp_switches_feature_enabled( 'wpp-users-list' ) ) {
		add_filter( 'views_users', 'wpp_users_list_views', 10 );
		add_filter( 'users_list_table_query_args', 'wpp_users_list_query_args', 10 );
		add_filter( 'manage_users_columns', 'wpp_users_list_columns', 10 );
		add_filter( 'manage_users_custom_column', 'wpp_users_list_column', 10, 3 );
		add_action( 'wp_logout', 'wpp_users_list_note_last_seen_at_logout', 20 );
	}

	// surfaces/posts-list.php: the "Editing now" column.
	if ( wpp_switches_feature_enabled( 'post-list' ) ) {
		add_filter( 'manage_posts_columns', 'wpp_posts_list_columns', 10, 2 );
		add_filter( 'manage_pages_columns', 'wpp_posts_list_columns', 10, 1 );
		add_action( 'manage_posts_custom_column', 'wpp_posts_list_column', 10, 2 );
		add_action( 'manage_pages_custom_column', 'wpp_posts_list_column', 10, 2 );
	}

	// surfaces/stale-screen.php: saves record a revision of their screen, on the hooks that follow
	// the save. A Settings screen's save is remembered once WordPress checked its nonce and the
	// user's capability (check_admin_referer), from the options list options.php settled on (last,
	// PHP_INT_MAX), and marked when one of the page's own options is written.
	add_action( 'wp_after_insert_post', 'wpp_stale_screen_post_saved', 10, 2 );
	add_action( 'edited_term', 'wpp_stale_screen_term_saved', 10, 3 );
	add_action( 'profile_update', 'wpp_stale_screen_user_saved', 10, 1 );
	add_filter( 'rest_pre_insert_user', 'wpp_stale_screen_rest_user', 10, 1 ); // Preferences are no profile save.
	add_action( 'edit_comment', 'wpp_stale_screen_comment_saved', 10, 1 );
	add_action( 'wp_set_comment_status', 'wpp_stale_screen_comment_saved', 10, 1 );
	add_filter( 'allowed_options', 'wpp_stale_screen_allowed_options', PHP_INT_MAX, 1 );
	add_action( 'check_admin_referer', 'wpp_stale_screen_referer_checked', 10, 2 );
	add_action( 'updated_option', 'wpp_stale_screen_option_saved', 10, 1 );
	add_action( 'added_option', 'wpp_stale_screen_option_saved', 10, 1 );
	add_action( 'wpp_mark_screen_stale', 'wpp_stale_screen_mark_action', 10, 1 );

	// surfaces/synced-patterns.php: 11, after core registers wp_block (init 0) and presence
	// support for post and page (10).
	add_action( 'init', 'wpp_synced_patterns_add_support', 11 );
	add_action( 'enqueue_block_editor_assets', 'wpp_synced_patterns_enqueue', 10 );

	// surfaces/plugins-list.php: the plugin row's link, to the Users list's Online view.
	if ( wpp_switches_feature_enabled( 'wpp-users-list' ) ) {
		add_filter( 'plugin_action_links_' . plugin_basename( WPP_FILE ), 'wpp_plugins_list_action_links', 10 );
	}

	// surfaces/network-*.php: Network Admin's widget, Sites and Users lists, and why they are
	// empty, on a multisite network only. The widget's heartbeat fragment comes after presence's
	// own answers (20). The users list's filter runs on the network's list alone (the site's own
	// stands down there). The stylesheet and script after the client is enqueued (10).
	if ( is_multisite() ) {
		add_action( 'wp_network_dashboard_setup', 'wpp_network_dashboard_add_widget', 10 );
		add_filter( 'heartbeat_received', 'wpp_network_dashboard_fragment', 30, 2 );
		add_filter( 'wpmu_blogs_columns', 'wpp_network_sites_list_columns', 10 );
		add_action( 'manage_sites_custom_column', 'wpp_network_sites_list_column', 10, 2 );
		add_filter( 'views_users-network', 'wpp_network_users_list_views', 10 );
		add_filter( 'users_list_table_query_args', 'wpp_network_users_list_query_args', 10 );
		add_filter( 'wpmu_users_columns', 'wpp_network_users_list_columns', 10 );
		add_filter( 'manage_users_custom_column', 'wpp_network_users_list_column', 10, 3 );
		add_action( 'network_admin_notices', 'wpp_network_view_notice', 10 );
		add_action( 'admin_enqueue_scripts', 'wpp_network_view_enqueue', 11 );
	}

	// admin/: notices for administrators, Site Health, Tools → Presence.
	add_action( 'admin_notices', 'wpp_notices_print', 10 );
	add_action( 'network_admin_notices', 'wpp_notices_print', 10 );
	add_filter( 'site_status_tests', 'wpp_site_health_tests', 10 );
	add_filter( 'debug_information', 'wpp_site_health_debug_information', 10 );
	add_action( 'admin_menu', 'wpp_inspector_add_page', 10 );
	add_action( 'admin_post_wpp_flush_room', 'wpp_inspector_handle_flush', 10 );

	// admin/settings.php: the Presence checkbox of Settings › General and Settings › Presence.
	add_action( 'admin_init', 'wpp_settings_register', 10 );
	add_action( 'admin_menu', 'wpp_settings_add_page', 10 );

	// admin/network-settings.php: the network's recording checkbox (Network Admin › Settings,
	// saved after WordPress checked its nonce) and Network Admin › Settings › Presence.
	add_action( 'network_admin_menu', 'wpp_network_settings_add_page', 10 );
	add_action( 'wpmu_options', 'wpp_network_settings_render_recording', 10 );
	add_action( 'update_wpmu_options', 'wpp_network_settings_save_recording', 10 );
	add_action( 'network_admin_edit_' . WPP_NETWORK_SETTINGS_ACTION, 'wpp_network_settings_save', 10 );

	// admin/privacy-tools.php: the suggested policy text, the exporter and the eraser.
	add_action( 'admin_init', 'wpp_privacy_tools_add_policy', 10 );
	add_filter( 'wp_privacy_personal_data_exporters', 'wpp_privacy_tools_exporters', 10 );
	add_filter( 'wp_privacy_personal_data_erasers', 'wpp_privacy_tools_erasers', 10 );

	// cli/: `wp presence`, and `wp presence recording` under it.
	if ( defined( 'WP_CLI' ) && WP_CLI ) {
		WP_CLI::add_command( 'presence', 'WPP_CLI_Command' );
		WP_CLI::add_command( 'presence recording', 'WPP_CLI_Recording_Command' );
		WP_CLI::add_command( 'presence network', 'WPP_CLI_Network_Command' );
	}
}
