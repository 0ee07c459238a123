<?php
/**
 * The stale-screen warning (plugin/includes/surfaces/stale-screen.php): which screens have which
 * key, which saves record a revision (in the presence store), who is told (only those who may see
 * the screen, never the one who saved), the custom-screen action and REST route, and the cost of
 * the check on a tick.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_stale_screen_key
 * @covers ::wpp_stale_screen_check
 * @covers ::wpp_stale_screen_mark
 */
final class StaleScreenTest extends WPP_Heartbeat_TestCase {

	protected function setUp(): void {
		parent::setUp();
		add_filter( 'pre_wp_mail', '__return_false' ); // Comment moderation mails: no sendmail here.
	}

	protected function tearDown(): void {
		unset( $GLOBALS['pagenow'], $_GET['tag_ID'], $_GET['user_id'], $_GET['c'], $_POST['option_page'] );
		parent::tearDown();
	}

	/**
	 * The `presence-stale` answer $viewer's tick gets for a page of $key served at $since.
	 */
	private function tick( WP_User $viewer, string $key, float $since ): ?array {
		$response = $this->heartbeat( $viewer, $this->ping() + array( 'presence-screen' => array( 'key' => $key, 'since' => (string) $since ) ) );
		return $response['presence-stale'] ?? null;
	}

	private static function revision( string $key ): ?array {
		return wpp_backend()->get_room( WPP_SCREEN_ROOM_PREFIX . $key, DAY_IN_SECONDS, 1 )[0] ?? null;
	}

	public function test_screens_have_keys(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		$term = wp_insert_term( 'Stale term', 'category' );
		$key  = static function ( string $id, array $get = array() ) {
			$_GET = $get;
			return wpp_stale_screen_key( WP_Screen::get( $id ) );
		};
		$GLOBALS['post'] = get_post( $this->post_id );
		$screen          = WP_Screen::get( 'post' );
		$this->assertSame( 'post/' . $this->post_id, wpp_stale_screen_key( $screen ) );
		unset( $GLOBALS['post'] );
		$term_screen       = WP_Screen::get( 'edit-category' );
		$term_screen->base = 'term';
		$_GET['tag_ID']    = (string) $term['term_id'];
		$this->assertSame( 'term/' . $term['term_id'], wpp_stale_screen_key( $term_screen ) );
		$this->assertSame( 'user/7', $key( 'user-edit', array( 'user_id' => '7' ) ) );
		$this->assertSame( 'user/' . get_current_user_id(), $key( 'profile' ) );
		$this->assertSame( 'comment/3', $key( 'comment', array( 'c' => '3' ) ) );
		$this->assertSame( 'options/general', $key( 'options-general' ) );
		$this->assertSame( 'options/discussion', $key( 'options-discussion' ) );
		$this->assertSame( '', $key( 'dashboard' ) );

		add_filter( 'wpp_screen_key', static fn( $k, $s ) => 'toplevel_page_mine' === $s->id ? 'my-plugin/settings' : $k, 10, 2 );
		$this->assertSame( 'my-plugin/settings', $key( 'toplevel_page_mine' ) );
		add_filter( 'wpp_screen_key', static fn() => 'Not A Key!' );
		$this->assertSame( '', $key( 'toplevel_page_mine' ), 'an invalid key is no key' );
	}

	public function test_a_post_saved_by_another_editor_warns_who_has_it_open(): void {
		$reader = self::named_user( 'editor', 'Ed Reader' );
		$saver  = self::named_user( 'editor', 'Editor Two' );
		$this->heartbeat( $reader, $this->editor_data( $this->post_id ), 'post' ); // The reader has it open.
		$since = microtime( true ) - 1;
		$key   = 'post/' . $this->post_id;
		$this->assertNull( $this->tick( $reader, $key, $since ), 'nothing saved yet' );

		wp_set_current_user( $saver->ID );
		wp_update_post( array( 'ID' => $this->post_id, 'post_title' => 'Changed' ) );

		$stale = $this->tick( $reader, $key, $since );
		$this->assertSame( $key, $stale['key'] );
		$this->assertSame( $saver->ID, $stale['user_id'] );
		$this->assertSame( 'Editor Two', $stale['display_name'] );
		$this->assertEqualsWithDelta( microtime( true ), $stale['saved_at'], 5 );

		$this->assertNull( $this->tick( $saver, $key, $since ), 'not the one who saved' );
		$this->assertNull( $this->tick( $reader, $key, microtime( true ) + 1 ), 'not a page served after the save' );
		$this->assertNull( $this->tick( self::user( 'contributor' ), $key, $since ), 'not who may not edit the post' );
	}

	public function test_a_block_editor_save_over_rest_records_a_revision(): void {
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		$saver = self::user( 'editor' );
		wp_set_current_user( $saver->ID );
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $this->post_id );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'title' => 'Saved from the block editor' ) ) );
		$this->assertSame( 200, rest_get_server()->dispatch( $request )->get_status() );
		$this->assertSame( $saver->ID, self::revision( 'post/' . $this->post_id )['data']['user_id'] );
	}

	public function test_saving_a_post_nobody_else_has_open_records_nothing(): void {
		$saver = self::user( 'editor' );
		$this->heartbeat( $saver, $this->editor_data( $this->post_id ), 'post' ); // Only the saver.
		wp_set_current_user( $saver->ID );
		wp_update_post( array( 'ID' => $this->post_id, 'post_title' => 'Alone' ) );
		self::post( array( 'post_title' => 'An import' ) );
		$this->assertNull( self::revision( 'post/' . $this->post_id ) );
		$this->assertSame( array(), array_filter( array_keys( wpp_backend()->rooms( DAY_IN_SECONDS ) ), static fn( $r ) => str_starts_with( $r, WPP_SCREEN_ROOM_PREFIX ) ) );
	}

	public function test_terms_users_and_comments_record_revisions_seen_only_by_who_may_edit_them(): void {
		$admin = self::user( 'administrator' );
		$since = microtime( true ) - 1;
		wp_set_current_user( $admin->ID );

		$term = wp_insert_term( 'Term', 'category' );
		wp_update_term( $term['term_id'], 'category', array( 'name' => 'Renamed' ) );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'term/' . $term['term_id'], $since ) );
		$this->assertNull( $this->tick( self::user( 'author' ), 'term/' . $term['term_id'], $since ), 'authors may not edit categories' );

		$profile = self::user( 'author' );
		wp_set_current_user( $admin->ID );
		wp_update_user( array( 'ID' => $profile->ID, 'first_name' => 'New' ) );
		$user_admin = self::user( 'administrator' );
		if ( is_multisite() ) {
			grant_super_admin( $user_admin->ID ); // A site's administrators may not edit users on a network.
		}
		$this->assertNotNull( $this->tick( $user_admin, 'user/' . $profile->ID, $since ) );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'user/' . $profile->ID, $since ), 'editors may not edit users' );
		$this->assertNotNull( $this->tick( $profile, 'user/' . $profile->ID, $since ), 'their own profile, saved by someone else' );

		$comment = wp_insert_comment( array( 'comment_post_ID' => $this->post_id, 'comment_content' => 'Hi', 'comment_approved' => 1 ) );
		wp_set_current_user( $admin->ID );
		wp_update_comment( array( 'comment_ID' => $comment, 'comment_content' => 'Edited' ) );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'comment/' . $comment, $since ) );
		$this->assertNull( $this->tick( self::user( 'contributor' ), 'comment/' . $comment, $since ) );

		$moderated = wp_insert_comment( array( 'comment_post_ID' => $this->post_id, 'comment_content' => 'Hi', 'comment_approved' => 0 ) );
		wp_set_comment_status( $moderated, 'approve' );
		$this->assertNotNull( self::revision( 'comment/' . $moderated ) );
	}

	public function test_a_rest_save_of_user_preferences_alone_is_not_a_profile_save(): void {
		$user = self::user( 'editor' );
		wp_set_current_user( $user->ID );
		$request = new WP_REST_Request( 'POST', '/wp/v2/users/me' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'meta' => array( 'persisted_preferences' => array( 'core' => array( 'welcomeGuide' => false ) ) ) ) ) );
		rest_get_server()->dispatch( $request );
		$this->assertNull( self::revision( 'user/' . $user->ID ) );
	}

	public function test_a_settings_page_saved_through_options_php(): void {
		$admin = self::user( 'administrator' );
		$since = microtime( true ) - 1;
		wp_set_current_user( $admin->ID );
		update_option( 'blogdescription', 'Not from options.php' );
		$this->assertNull( self::revision( 'options/general' ), 'an option changed elsewhere is no settings save' );

		$GLOBALS['pagenow']   = 'options.php';
		$_POST['option_page'] = 'general';
		update_option( 'blogdescription', 'Saved on the settings page' );
		$stale = $this->tick( self::user( 'administrator' ), 'options/general', $since );
		$this->assertSame( $admin->ID, $stale['user_id'] );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'options/general', $since ), 'editors may not see the settings' );
		add_filter( 'option_page_capability_general', static fn() => 'edit_posts' );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'options/general', $since ), "the settings group's own capability" );
	}

	public function test_custom_screens_with_the_action_and_the_rest_route(): void {
		$since = microtime( true ) - 1;
		$saver = self::user( 'editor' );
		wp_set_current_user( $saver->ID );
		do_action( 'wpp_mark_screen_stale', 'my-plugin/settings' );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'my-plugin/settings', $since ) );
		add_filter( 'wpp_screen_capability', static fn( $cap, $key ) => 'my-plugin/settings' === $key ? 'manage_options' : $cap, 10, 2 );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'my-plugin/settings', $since ) );

		$post = static function ( array $body ): WP_REST_Response {
			$request = new WP_REST_Request( 'POST', '/wp-presence/v1/screens/stale' );
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( wp_json_encode( $body ) );
			return rest_get_server()->dispatch( $request );
		};
		wp_set_current_user( self::user( 'editor' )->ID );
		$this->assertSame( 200, $post( array( 'key' => 'other-plugin/page' ) )->get_status() );
		$this->assertSame( 403, $post( array( 'key' => 'my-plugin/settings' ) )->get_status() );
		$this->assertSame( 403, $post( array( 'key' => 'options/general' ) )->get_status() );
		$this->assertSame( 400, $post( array( 'key' => '../Bad Key' ) )->get_status() );
		$this->assertSame( 'no-store', $post( array( 'key' => 'x' ) )->get_headers()['Cache-Control'] );
		wp_set_current_user( 0 );
		$this->assertSame( 401, $post( array( 'key' => 'other-plugin/page' ) )->get_status() );
	}

	public function test_revisions_are_internal_and_outlive_the_savers_logout(): void {
		$saver = self::user( 'editor' );
		wp_set_current_user( $saver->ID );
		do_action( 'wpp_mark_screen_stale', 'my-plugin/settings' );
		do_action( 'wp_logout', $saver->ID );
		$this->assertNotNull( self::revision( 'my-plugin/settings' ) );

		$request = new WP_REST_Request( 'GET', '/wp-presence/v1/presence' );
		$request->set_query_params( array( 'room' => WPP_SCREEN_ROOM_PREFIX . 'my-plugin/settings' ) );
		wp_set_current_user( self::user( 'administrator' )->ID );
		$this->assertSame( 403, rest_get_server()->dispatch( $request )->get_status() );
	}

	public function test_the_check_costs_no_query_without_a_newer_save(): void {
		if ( 'native' !== wpp_backend()->name() ) {
			$this->markTestSkipped( 'The database backend reads its table.' );
		}
		global $wpdb;
		$reader = self::user( 'editor' );
		$term   = wp_insert_term( 'Quiet term', 'category' );
		wp_cache_flush();
		wp_set_current_user( $reader->ID );
		wp_get_current_user()->get_role_caps();
		$before = $wpdb->num_queries;
		$this->assertNull( wpp_stale_screen_check( 'term/' . $term['term_id'], microtime( true ) - 60, $reader ) );
		$this->assertSame( 0, $wpdb->num_queries - $before );
	}

	public function test_a_tick_that_already_shows_the_save_costs_no_query(): void {
		// The client asks about saves after the one it shows (`since` = its `saved_at`): the
		// server answers nothing and checks nothing, where the check of a term costs a query.
		if ( 'native' !== wpp_backend()->name() ) {
			$this->markTestSkipped( 'The database backend reads its table.' );
		}
		global $wpdb;
		$reader = self::user( 'editor' );
		$term   = wp_insert_term( 'Busy term', 'category' );
		$key    = 'term/' . $term['term_id'];
		wp_set_current_user( self::user( 'editor' )->ID );
		wpp_stale_screen_mark( $key );
		$shown = $this->tick( $reader, $key, microtime( true ) - 60 );
		$this->assertNotNull( $shown );

		wp_cache_flush();
		wp_set_current_user( $reader->ID );
		wp_get_current_user()->get_role_caps();
		$before = $wpdb->num_queries;
		$this->assertNull( wpp_stale_screen_check( $key, (float) wp_json_encode( $shown['saved_at'] ), $reader ), 'the saved_at the browser got, and sends back' );
		$this->assertSame( 0, $wpdb->num_queries - $before );
	}

	public function test_the_ask_is_checked(): void {
		$read = static fn( $ask ) => wpp_ping_read_screen( array( 'presence-screen' => $ask ) );
		$this->assertSame( array( 'key' => 'post/1', 'since' => 12.5 ), $read( array( 'key' => 'post/1', 'since' => '12.5' ) ) );
		foreach ( array( array( 'key' => 'Post/1', 'since' => 1 ), array( 'key' => 'post/1' ), array( 'key' => 'post//1', 'since' => 1 ), array( 'key' => str_repeat( 'a', 101 ), 'since' => 1 ), array( 'key' => 'p', 'since' => -1 ), 'x' ) as $bad ) {
			$this->assertNull( $read( $bad ), wp_json_encode( $bad ) );
		}
	}
}
