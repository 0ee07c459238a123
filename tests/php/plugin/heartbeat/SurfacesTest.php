<?php
/**
 * The hooks of the heartbeat and the surfaces.
 *
 * @package Presence
 */

require_once dirname( __DIR__ ) . '/support/class-wpp-heartbeat-testcase.php';

final class WPP_Heartbeat_Surfaces_Test extends WPP_Heartbeat_TestCase {

	/**
	 * @dataProvider hooks
	 */
	public function test_hook_is_registered_with_its_priority( string $hook, string $callback, int $priority ): void {
		$this->assertSame( $priority, has_filter( $hook, $callback ) );
	}

	public static function hooks(): array {
		return array(
			array( 'heartbeat_received', 'wpp_handlers_post_lock', 20 ), // After wp_refresh_post_lock (10).
			array( 'heartbeat_received', 'wpp_handlers_heartbeat', 20 ),
			array( 'current_screen', 'wpp_page_view_note', 10 ),
			array( 'admin_enqueue_scripts', 'wpp_assets_register', 9 ),
			array( 'admin_enqueue_scripts', 'wpp_assets_enqueue_admin', 10 ),
			array( 'wp_enqueue_scripts', 'wpp_assets_register', 9 ),
			array( 'wp_enqueue_scripts', 'wpp_assets_enqueue_front', 10 ),
			array( 'wp_dashboard_setup', 'wpp_whos_online_add_widget', 10 ),
			array( 'wp_dashboard_setup', 'wpp_active_posts_add_widget', 10 ),
			array( 'wpp_can_access_room', 'wpp_privacy_filter_room_access', 1 ),
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
			array( 'updated_option', 'wpp_stale_screen_option_saved', 10 ),
			array( 'added_option', 'wpp_stale_screen_option_saved', 10 ),
			array( 'wpp_mark_screen_stale', 'wpp_stale_screen_mark_action', 10 ),
			array( 'admin_menu', 'wpp_inspector_add_page', 10 ),
			array( 'admin_post_wpp_flush_room', 'wpp_inspector_handle_flush', 10 ),
		);
	}

	/**
	 * Every callback of the heartbeat, ui and surfaces files registered anywhere is in the list
	 * above (the plugin row's link is checked by PluginsListTest: its hook name holds the
	 * plugin's path).
	 */
	public function test_no_surface_hook_is_left_out_of_the_list(): void {
		$listed = array_map( static fn( $h ) => "$h[0]|$h[1]|$h[2]", self::hooks() );
		$found  = array();
		foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
			foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
				foreach ( $callbacks as $callback ) {
					$name = is_string( $callback['function'] ) ? $callback['function'] : '';
					if ( preg_match( '/^wpp_(handlers|privacy|assets|page_view|whos_online|active_posts|admin_bar|users_list|posts_list|stale_screen|plugins_list|inspector)_/', $name ) && ! str_starts_with( (string) $hook, 'plugin_action_links_' ) ) {
						$found[] = "$hook|$name|$priority";
					}
				}
			}
		}
		$this->assertSame( array(), array_values( array_diff( $found, $listed ) ) );
	}

	public function test_post_lock_refresh_runs_before_presence(): void {
		$this->assertLessThan( has_filter( 'heartbeat_received', 'wpp_handlers_post_lock' ), has_filter( 'heartbeat_received', 'wp_refresh_post_lock' ) );
	}
}
