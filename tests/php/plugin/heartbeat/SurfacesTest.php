<?php
/**
 * The hooks of the heartbeat and the surfaces, the client's configuration object, the dashboard
 * widget and the page-view write.
 *
 * @package Presence
 */

require_once __DIR__ . '/HeartbeatTestCase.php';

final class WPP_Heartbeat_Surfaces_Test extends WPP_Heartbeat_TestCase {

	/**
	 * @dataProvider hooks
	 */
	public function test_hook_is_registered_with_its_priority( string $hook, string $callback, int $priority ): void {
		$this->assertSame( $priority, has_filter( $hook, $callback ) );
	}

	public static function hooks(): array {
		return array(
			array( 'heartbeat_received', 'wpp_heartbeat_post_lock_bridge', 20 ), // After wp_refresh_post_lock (10).
			array( 'heartbeat_received', 'wpp_heartbeat_received', 20 ),
			array( 'current_screen', 'wpp_surfaces_note_page_view', 10 ),
			array( 'admin_enqueue_scripts', 'wpp_surfaces_register_assets', 9 ),
			array( 'admin_enqueue_scripts', 'wpp_surfaces_enqueue_admin', 10 ),
			array( 'wp_enqueue_scripts', 'wpp_surfaces_register_assets', 9 ),
			array( 'wp_enqueue_scripts', 'wpp_surfaces_enqueue_front', 10 ),
			array( 'wp_dashboard_setup', 'wpp_surfaces_add_dashboard_widget', 10 ),
			array( 'wpp_can_access_room', 'wpp_privacy_filter_room_access', 1 ),
			array( 'admin_bar_menu', 'wpp_surfaces_admin_bar', 80 ),
			array( 'views_users', 'wpp_surfaces_users_views', 10 ),
			array( 'users_list_table_query_args', 'wpp_surfaces_users_query_args', 10 ),
			array( 'manage_users_columns', 'wpp_surfaces_users_columns', 10 ),
			array( 'manage_users_custom_column', 'wpp_surfaces_users_column', 10 ),
			array( 'wp_logout', 'wpp_surfaces_note_last_seen_at_logout', 20 ), // After wpp_lifecycle_logout (10).
			array( 'manage_posts_columns', 'wpp_surfaces_posts_columns', 10 ),
			array( 'manage_pages_columns', 'wpp_surfaces_posts_columns', 10 ),
			array( 'manage_posts_custom_column', 'wpp_surfaces_posts_column', 10 ),
			array( 'manage_pages_custom_column', 'wpp_surfaces_posts_column', 10 ),
			array( 'wp_after_insert_post', 'wpp_surfaces_stale_post_saved', 10 ),
			array( 'edited_term', 'wpp_surfaces_stale_term_saved', 10 ),
			array( 'profile_update', 'wpp_surfaces_stale_user_saved', 10 ),
			array( 'rest_pre_insert_user', 'wpp_surfaces_stale_rest_user', 10 ),
			array( 'edit_comment', 'wpp_surfaces_stale_comment_saved', 10 ),
			array( 'wp_set_comment_status', 'wpp_surfaces_stale_comment_saved', 10 ),
			array( 'updated_option', 'wpp_surfaces_stale_option_saved', 10 ),
			array( 'added_option', 'wpp_surfaces_stale_option_saved', 10 ),
			array( 'wpp_mark_screen_stale', 'wpp_surfaces_stale_mark_action', 10 ),
			array( 'rest_api_init', 'wpp_surfaces_register_rest_routes', 10 ),
			array( 'admin_menu', 'wpp_surfaces_add_inspector', 10 ),
			array( 'admin_post_wpp_flush_room', 'wpp_surfaces_inspector_flush', 10 ),
		);
	}

	/**
	 * Every wpp_heartbeat_*, wpp_surfaces_* and wpp_privacy_* callback registered anywhere is in
	 * the list above (the plugin row's link is checked by the inspector's test: its hook name
	 * holds the plugin's path).
	 */
	public function test_no_surface_hook_is_left_out_of_the_list(): void {
		$listed = array_map( static fn( $h ) => "$h[0]|$h[1]|$h[2]", self::hooks() );
		$found  = array();
		foreach ( $GLOBALS['wp_filter'] as $hook => $wp_hook ) {
			foreach ( $wp_hook->callbacks as $priority => $callbacks ) {
				foreach ( $callbacks as $callback ) {
					$name = is_string( $callback['function'] ) ? $callback['function'] : '';
					if ( preg_match( '/^wpp_(heartbeat|surfaces|privacy)_/', $name ) && ! str_starts_with( (string) $hook, 'plugin_action_links_' ) ) {
						$found[] = "$hook|$name|$priority";
					}
				}
			}
		}
		$this->assertSame( array(), array_values( array_diff( $found, $listed ) ) );
	}

	public function test_post_lock_refresh_runs_before_presence(): void {
		$this->assertLessThan( has_filter( 'heartbeat_received', 'wpp_heartbeat_post_lock_bridge' ), has_filter( 'heartbeat_received', 'wp_refresh_post_lock' ) );
	}

	public function test_dashboard_gets_the_client_the_widget_script_and_the_initial_list(): void {
		$editor = self::user( 'editor' );
		$config = $this->open_admin_screen( $editor, 'dashboard' );

		$this->assertTrue( wp_script_is( 'wpp-presence', 'enqueued' ) );
		$this->assertTrue( wp_script_is( 'wpp-presence-online', 'enqueued' ) );
		$this->assertFalse( wp_script_is( 'wpp-presence-editors', 'enqueued' ) );
		$this->assertSame( 'dashboard', $config['screen'] );
		$this->assertSame( $editor->ID, $config['userId'] );
		$this->assertFalse( $config['isEditor'] );
		$this->assertSame( 90, $config['idleAfter'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{12}$/', $config['tab'] );
		$this->assertSame( $config['tab'], wpp_backend()->get_room( 'admin/online', 150 )[0]['data']['tab'], 'the page view is this tab' );
		$this->assertContains( 'wp-i18n', wp_scripts()->registered['wpp-presence-ui']->deps );
		$this->assertSame( 'presence', wp_scripts()->registered['wpp-presence-online']->textdomain );
		$this->assertSame( array( $editor->ID ), $this->ids( $config['initial']['online'] ), 'the page view was written first' );
	}

	public function test_editor_gets_the_post_and_the_other_editors(): void {
		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$config = $this->open_admin_screen( self::user( 'editor' ), 'post', get_post( $this->post_id ) );

		$this->assertTrue( wp_script_is( 'wpp-presence-editors', 'enqueued' ) );
		$this->assertSame( $this->post_id, $config['postId'] );
		$this->assertTrue( $config['isEditor'] );
		$this->assertSame( array( $other->ID ), $this->ids( $config['initial']['editors'] ) );
		$this->assertSame( 2, wpp_backend()->count_room( $this->post_room(), 150 ), 'opening the editor writes the editor entry' );
	}

	public function test_editor_of_a_post_the_user_cannot_edit_is_not_an_editor_page(): void {
		$config = $this->open_admin_screen( self::user( 'contributor' ), 'post', get_post( $this->post_id ) );
		$this->assertSame( 0, $config['postId'] );
		$this->assertFalse( wp_script_is( 'wpp-presence-editors', 'enqueued' ) );
	}

	public function test_users_without_edit_posts_get_no_script(): void {
		$this->assertSame( array(), $this->open_admin_screen( self::user( 'subscriber' ), 'profile' ) );
		$this->assertFalse( wp_script_is( 'wpp-presence', 'enqueued' ) );
	}

	public function test_config_json_cannot_break_out_of_the_script_tag(): void {
		$editor = self::named_user( 'editor', 'x</script><script>alert(1)</script>' );
		$this->heartbeat( $editor, $this->ping( array( 'title' => '</script><b>t</b>' ) ) );
		wp_set_current_user( $editor->ID );
		set_current_screen( 'dashboard' );
		wpp_surfaces_register_assets();
		wpp_surfaces_enqueue_admin();
		$this->assertStringNotContainsString( '</script>', implode( '', $this->inline_before() ) );
	}

	public function test_config_json_cannot_open_a_comment_that_swallows_the_end_tag(): void {
		// Inside a script element, `<!--` then `<script` puts the HTML parser in a state where the
		// element's own `</script>` no longer ends it: the rest of the page is read as script. A
		// title anyone who writes posts may type (it decodes to `<!--<script>`) and the editors
		// who may edit that post get it in their page's configuration.
		$author = self::user( 'author' );
		$post   = self::post( array( 'post_title' => '&lt;!--&lt;script&gt;', 'post_status' => 'draft', 'post_author' => $author->ID ) );
		$this->heartbeat( $author, $this->editor_data( $post->ID ), 'post' );

		$config = $this->open_admin_screen( self::user( 'editor' ), 'dashboard' );
		$inline = implode( '', $this->inline_before() );
		$this->assertContains( 'Editing “<!--<script>”', array_column( $config['initial']['online']['users'], 'label' ), 'the title still reads as typed' );
		$this->assertStringNotContainsString( '<!--', $inline );
		$this->assertStringNotContainsString( '<script', $inline );
	}

	public function test_page_view_writes_admin_online_but_not_from_ajax(): void {
		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		wpp_surfaces_note_page_view( WP_Screen::get( 'edit-post' ) );
		$entries = wpp_backend()->get_room( 'admin/online', 150 );
		$this->assertSame( 'edit-post', $entries[0]['data']['screen'] );

		wpp_surfaces_note_page_view( 'not a screen' );
		wp_set_current_user( self::user( 'subscriber' )->ID );
		wpp_surfaces_note_page_view( WP_Screen::get( 'profile' ) );
		$this->assertSame( 1, wpp_backend()->count_room( 'admin/online', 150 ) );
	}

	public function test_the_editors_page_view_names_the_post_before_post_php_loads_it(): void {
		$_GET['post'] = (string) $this->post_id; // current_screen fires before post.php sets $post.
		wp_set_current_user( self::user( 'editor' )->ID );
		wpp_surfaces_note_page_view( WP_Screen::get( 'post' ) );
		$contributor = self::user( 'contributor' );
		wp_set_current_user( $contributor->ID );
		wpp_surfaces_note_page_view( WP_Screen::get( 'post' ) );

		$posts = array_column( array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'data', 'user_id' ), 'post_id' );
		$this->assertContains( $this->post_id, $posts );
		$this->assertSame( 0, array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'data', 'user_id' )[ $contributor->ID ]['post_id'], 'not a post they may not edit' );
	}

	public function test_dashboard_widget_is_added_for_editors_and_prints_its_list(): void {
		global $wp_meta_boxes;
		require_once ABSPATH . 'wp-admin/includes/dashboard.php';
		wp_set_current_user( self::user( 'editor' )->ID );
		set_current_screen( 'dashboard' );
		$wp_meta_boxes = array();
		wpp_surfaces_add_dashboard_widget();
		$this->assertArrayHasKey( 'wpp_whos_online', $wp_meta_boxes['dashboard']['normal']['high'] );

		ob_start();
		wpp_surfaces_render_dashboard_widget();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'data-wpp-online', $html );
		$this->assertStringContainsString( 'wpp-online__list', $html );

		wp_set_current_user( self::user( 'subscriber' )->ID );
		$wp_meta_boxes = array();
		wpp_surfaces_add_dashboard_widget();
		$this->assertEmpty( $wp_meta_boxes );
	}

	public function test_front_end_with_the_admin_bar(): void {
		wp_set_current_user( self::user( 'editor' )->ID );
		add_filter( 'show_admin_bar', '__return_true' );
		wpp_surfaces_register_assets();
		wpp_surfaces_enqueue_front();
		remove_filter( 'show_admin_bar', '__return_true' );
		$this->assertTrue( wp_script_is( 'wpp-presence', 'enqueued' ) );
		$this->assertStringContainsString( '"screen":"front"', $this->inline_before()[0] );
	}
}
