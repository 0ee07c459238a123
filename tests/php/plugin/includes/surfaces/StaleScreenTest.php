<?php
/**
 * The stale-screen warning (plugin/includes/surfaces/stale-screen.php): which screens have which
 * key, which saves record a revision (in the presence store) and only after WordPress checked
 * them, who is told (only those who may see the screen, never the one who saved), the custom-screen
 * action and the two REST routes, and the cost of the check on a tick. The real options.php is
 * run in OptionsPhpTest; the budgets in api/BudgetTest.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_stale_screen_key
 * @covers ::wpp_stale_screen_check
 * @covers ::wpp_stale_screen_mark
 * @covers ::wpp_stale_screen_referer_checked
 * @covers WPP_REST_Surfaces_Controller
 */
final class StaleScreenTest extends WPP_Heartbeat_TestCase {

	protected function setUp(): void {
		parent::setUp();
		add_filter( 'pre_wp_mail', '__return_false' ); // Comment moderation mails: no sendmail here.
	}

	protected function tearDown(): void {
		unset( $GLOBALS['pagenow'], $_GET['tag_ID'], $_GET['user_id'], $_GET['c'], $_POST['option_page'], $_REQUEST['option_page'] );
		wpp_stale_screen_settings(
			array(
				'allowed' => array(),
				'save'    => null,
			)
		);
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
		return wpp_backend()->get_room( wpp_stale_screen_room( $key ), DAY_IN_SECONDS, 1 )[0] ?? null;
	}

	/**
	 * A POST to one of the stale-screen routes, as the current user.
	 */
	private static function post_route( string $route, array $body ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/wp-presence/v1' . $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( $body ) );
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Runs a settings screen's save as WordPress does up to the point where it writes: the admin
	 * file, the options list (options.php only), and the nonce check with its result.
	 */
	private static function settings_request( string $file, string $nonce_action, $nonce_result, string $option_page = '' ): void {
		$GLOBALS['pagenow'] = $file;
		set_current_screen( 'options-general' ); // An admin request: is_admin().
		if ( '' !== $option_page ) {
			$_POST['option_page']    = $option_page;
			$_REQUEST['option_page'] = $option_page;
		}
		if ( 'options.php' === $file ) {
			apply_filters( 'allowed_options', array( 'general' => array( 'blogname', 'blogdescription' ), 'reading' => array( 'posts_per_page' ) ) );
		}
		do_action( 'check_admin_referer', $nonce_action, $nonce_result );
	}

	public function test_screens_have_the_feature_plugins_keys(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		$term = wp_insert_term( 'Stale term', 'category' );
		$key  = static function ( string $id, array $get = array() ) {
			$_GET = $get;
			return wpp_stale_screen_key( WP_Screen::get( $id ) );
		};
		$GLOBALS['post'] = get_post( $this->post_id );
		$this->assertSame( 'post/' . $this->post_id, wpp_stale_screen_key( WP_Screen::get( 'post' ) ) );
		unset( $GLOBALS['post'] );
		$term_screen       = WP_Screen::get( 'edit-category' );
		$term_screen->base = 'term';
		$_GET['tag_ID']    = (string) $term['term_id'];
		$this->assertSame( 'term/category/' . $term['term_id'], wpp_stale_screen_key( $term_screen ) );
		$this->assertSame( 'user-edit/7', $key( 'user-edit', array( 'user_id' => '7' ) ) );
		$this->assertSame( 'user-edit/' . get_current_user_id(), $key( 'profile' ) );
		$this->assertSame( 'comment/3', $key( 'comment', array( 'c' => '3' ) ) );
		$this->assertSame( 'options/general', $key( 'options-general' ) );
		$this->assertSame( 'options/discussion', $key( 'options-discussion' ) );
		$this->assertSame( 'options/permalink', $key( 'options-permalink' ) );
		$this->assertSame( 'options/privacy', $key( 'options-privacy' ) );
		$this->assertSame( '', $key( 'dashboard' ) );

		add_filter( 'wpp_screen_key', static fn( $k, $s ) => 'toplevel_page_mine' === $s->id ? 'my-plugin/settings' : $k, 10, 2 );
		$this->assertSame( 'my-plugin/settings', $key( 'toplevel_page_mine' ) );
		add_filter( 'wp_presence_current_screen_key', static fn( $k, $s ) => 'toplevel_page_theirs' === $s->id ? str_repeat( 'k', 300 ) : $k, 10, 2 );
		$this->assertSame( str_repeat( 'k', WPP_SCREEN_KEY_MAX ), $key( 'toplevel_page_theirs' ), "the feature plugin's filter, cut to 191 bytes" );
		add_filter( 'wp_presence_current_screen_key', static fn( $k ) => 'options/general' === $k ? '' : $k );
		$this->assertSame( '', $key( 'options-general' ), "'' turns the warning off" );
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

	public function test_a_refused_rest_save_records_nothing(): void {
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		wp_set_current_user( self::user( 'contributor' )->ID ); // May not edit an administrator's draft.
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $this->post_id );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'title' => 'Not allowed' ) ) );
		$this->assertSame( 403, rest_get_server()->dispatch( $request )->get_status() );
		$this->assertNull( self::revision( 'post/' . $this->post_id ) );
	}

	public function test_saving_a_post_nobody_else_has_open_records_nothing(): void {
		$saver = self::user( 'editor' );
		$this->heartbeat( $saver, $this->editor_data( $this->post_id ), 'post' ); // Only the saver.
		wp_set_current_user( $saver->ID );
		wp_update_post( array( 'ID' => $this->post_id, 'post_title' => 'Alone' ) );
		self::post( array( 'post_title' => 'An import' ) );
		$this->assertNull( self::revision( 'post/' . $this->post_id ) );
		$this->assertSame( array(), array_keys( wpp_backend()->rooms( DAY_IN_SECONDS, WPP_SCREEN_ROOM_PREFIX ) ) );
	}

	public function test_terms_users_and_comments_record_revisions_seen_only_by_who_may_edit_them(): void {
		$admin = self::user( 'administrator' );
		$since = microtime( true ) - 1;
		wp_set_current_user( $admin->ID );

		$term = wp_insert_term( 'Term', 'category' );
		wp_update_term( $term['term_id'], 'category', array( 'name' => 'Renamed' ) );
		$key = 'term/category/' . $term['term_id'];
		$this->assertSame( $admin->ID, $this->tick( self::user( 'editor' ), $key, $since )['user_id'] );
		$this->assertNull( $this->tick( self::user( 'author' ), $key, $since ), 'authors may not edit categories' );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'term/post_tag/' . $term['term_id'], $since ), 'the key names its taxonomy' );

		$profile = self::user( 'author' );
		wp_set_current_user( $admin->ID );
		wp_update_user( array( 'ID' => $profile->ID, 'first_name' => 'New' ) );
		$user_admin = self::user( 'administrator' );
		if ( is_multisite() ) {
			grant_super_admin( $user_admin->ID ); // A site's administrators may not edit users on a network.
		}
		$this->assertNotNull( $this->tick( $user_admin, 'user-edit/' . $profile->ID, $since ) );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'user-edit/' . $profile->ID, $since ), 'editors may not edit users' );
		$this->assertNotNull( $this->tick( $profile, 'user-edit/' . $profile->ID, $since ), 'their own profile, saved by someone else' );

		$comment = wp_insert_comment( array( 'comment_post_ID' => $this->post_id, 'comment_content' => 'Hi', 'comment_approved' => 1 ) );
		wp_set_current_user( $admin->ID );
		wp_update_comment( array( 'comment_ID' => $comment, 'comment_content' => 'Edited' ) );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'comment/' . $comment, $since ) );
		$this->assertNull( $this->tick( self::user( 'contributor' ), 'comment/' . $comment, $since ) );

		$moderated = wp_insert_comment( array( 'comment_post_ID' => $this->post_id, 'comment_content' => 'Hi', 'comment_approved' => 0 ) );
		wp_set_comment_status( $moderated, 'approve' );
		$this->assertNotNull( self::revision( 'comment/' . $moderated ) );
	}

	public function test_a_save_made_by_code_for_a_user_who_may_not_edit_the_object_names_nobody(): void {
		$term  = wp_insert_term( 'Synced term', 'category' );
		$since = microtime( true ) - 1;
		wp_set_current_user( self::user( 'contributor' )->ID ); // A plugin updates a term during their request.
		wp_update_term( $term['term_id'], 'category', array( 'description' => 'Synced' ) );

		$stale = $this->tick( self::user( 'editor' ), 'term/category/' . $term['term_id'], $since );
		$this->assertSame( 0, $stale['user_id'], "the contributor's name is not on a save they could not make" );
		$this->assertSame( '', $stale['display_name'] );
	}

	public function test_a_rest_save_of_user_preferences_alone_is_not_a_profile_save(): void {
		$user = self::user( 'editor' );
		wp_set_current_user( $user->ID );
		$request = new WP_REST_Request( 'POST', '/wp/v2/users/me' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'meta' => array( 'persisted_preferences' => array( 'core' => array( 'welcomeGuide' => false ) ) ) ) ) );
		rest_get_server()->dispatch( $request );
		$this->assertNull( self::revision( 'user-edit/' . $user->ID ) );
	}

	public function test_a_settings_save_is_marked_only_once_options_php_verified_it(): void {
		$admin = self::user( 'administrator' );
		$since = microtime( true ) - 1;
		wp_set_current_user( $admin->ID );
		update_option( 'blogdescription', 'Not from options.php' );
		$this->assertNull( self::revision( 'options/general' ), 'an option changed elsewhere is no settings save' );

		self::settings_request( 'options.php', 'general-options', false, 'general' );
		update_option( 'blogdescription', 'Written while the nonce was refused' );
		$this->assertNull( self::revision( 'options/general' ), 'a refused nonce marks nothing' );

		self::settings_request( 'options.php', 'reading-options', 1, 'general' );
		update_option( 'blogdescription', 'Nonce of another group' );
		$this->assertNull( self::revision( 'options/general' ), 'the nonce must be the posted group\'s' );

		self::settings_request( 'options.php', 'general-options', 1, 'general' );
		update_option( 'wpp_unrelated_option', 'housekeeping' );
		$this->assertNull( self::revision( 'options/general' ), 'an option of no settings group of the page marks nothing' );
		update_option( 'blogdescription', 'Saved on the settings page' );
		$stale = $this->tick( self::user( 'administrator' ), 'options/general', $since );
		$this->assertSame( $admin->ID, $stale['user_id'] );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'options/general', $since ), 'editors may not see the settings' );
		add_filter( 'option_page_capability_general', static fn() => 'edit_posts' );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'options/general', $since ), "the settings group's own capability" );
	}

	public function test_a_verified_nonce_without_the_pages_capability_marks_nothing(): void {
		wp_set_current_user( self::user( 'editor' )->ID );
		self::settings_request( 'options.php', 'general-options', 1, 'general' );
		update_option( 'blogdescription', 'An editor cannot save this page' );
		$this->assertNull( self::revision( 'options/general' ) );
	}

	public function test_the_permalink_and_privacy_screens_mark_their_own_saves(): void {
		$admin = self::user( 'administrator' );
		wp_set_current_user( $admin->ID );

		self::settings_request( 'options-permalink.php', 'update-permalink', 1 );
		update_option( 'permalink_structure', '/%postname%-' . wp_rand() . '/' );
		$this->assertSame( $admin->ID, self::revision( 'options/permalink' )['data']['user_id'] );

		if ( is_multisite() ) {
			grant_super_admin( $admin->ID ); // manage_privacy_options is the network's there.
		}
		self::settings_request( 'options-privacy.php', 'set-privacy-page', 1 );
		update_option( 'wp_page_for_privacy_policy', $this->post_id );
		$this->assertSame( $admin->ID, self::revision( 'options/privacy' )['data']['user_id'] );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'options/privacy', microtime( true ) - 10 ) );
	}

	public function test_every_mark_fires_the_feature_plugins_action_with_a_growing_revision(): void {
		$saver = self::user( 'editor' );
		wp_set_current_user( $saver->ID );
		$seen = array();
		add_action(
			'wp_presence_screen_revision_bumped',
			static function ( $key, $revision, $actor ) use ( &$seen ) {
				$seen[] = array( $key, $revision, $actor );
			},
			10,
			3
		);
		do_action( 'wpp_mark_screen_stale', 'my-plugin/settings' );
		do_action( 'wpp_mark_screen_stale', 'my-plugin/settings' );
		$this->assertCount( 2, $seen );
		$this->assertSame( array( 'my-plugin/settings', $saver->ID ), array( $seen[0][0], $seen[0][2] ) );
		$this->assertIsInt( $seen[0][1] );
		$this->assertGreaterThanOrEqual( time() - 5, $seen[0][1], 'a Unix time' );
		$this->assertGreaterThan( $seen[0][1], $seen[1][1], 'the same second gives the previous revision + 1' );
		$this->assertSame( $seen[1][1], self::revision( 'my-plugin/settings' )['data']['rev'] );

		do_action( 'wpp_mark_screen_stale', 'Not A Key' );
		$this->assertCount( 2, $seen, 'not for a key that is none' );
	}

	public function test_custom_screens_with_the_action_and_the_rest_route(): void {
		$since = microtime( true ) - 1;
		$saver = self::user( 'editor' );
		wp_set_current_user( $saver->ID );
		do_action( 'wpp_mark_screen_stale', 'my-plugin/settings' );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), 'my-plugin/settings', $since ) );
		add_filter( 'wpp_screen_capability', static fn( $cap, $key ) => 'my-plugin/settings' === $key ? 'manage_options' : $cap, 10, 2 );
		$this->assertNull( $this->tick( self::user( 'editor' ), 'my-plugin/settings', $since ) );

		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		$token = wpp_stale_screen_token( 'other-plugin/page' );
		$done  = self::post_route( '/screens/stale', array( 'key' => 'other-plugin/page', 'token' => $token ) );
		$this->assertSame( 200, $done->get_status() );
		$this->assertSame( 'other-plugin/page', $done->get_data()['key'] );
		$this->assertSame( self::revision( 'other-plugin/page' )['data']['rev'], $done->get_data()['rev'] );
		$this->assertSame( 403, self::post_route( '/screens/stale', array( 'key' => 'my-plugin/settings', 'token' => wpp_stale_screen_token( 'my-plugin/settings' ) ) )->get_status(), 'its capability' );
		$this->assertSame( 403, self::post_route( '/screens/stale', array( 'key' => 'options/general' ) )->get_status() );
		$this->assertSame( 400, self::post_route( '/screens/stale', array( 'key' => '../Bad Key' ) )->get_status() );
		$this->assertSame( 'no-store', self::post_route( '/screens/stale', array( 'key' => 'x' ) )->get_headers()['Cache-Control'] );
		wp_set_current_user( 0 );
		$this->assertSame( 401, self::post_route( '/screens/stale', array( 'key' => 'other-plugin/page', 'token' => $token ) )->get_status() );
	}

	public function test_a_custom_key_is_taken_over_rest_only_with_the_token_its_screen_was_served_with(): void {
		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		add_filter( 'wpp_screen_key', static fn( $k, $s ) => 'toplevel_page_mine' === $s->id ? 'my-plugin/item/7' : $k, 10, 2 );
		$config = $this->open_admin_screen( $editor, 'toplevel_page_mine' );
		$this->assertSame( 'my-plugin/item/7', $config['screenKey'] );
		$this->assertNotSame( '', $config['screenToken'] );

		foreach ( array( '/screens/stale' => 'key', '/presence/screen-revisions/stale' => 'screen_key' ) as $route => $name ) {
			$this->assertSame( 403, self::post_route( $route, array( $name => 'my-plugin/item/7' ) )->get_status(), "$route: no token" );
			$this->assertSame( 403, self::post_route( $route, array( $name => 'my-plugin/item/8', 'token' => $config['screenToken'] ) )->get_status(), "$route: the token of another key" );
			$this->assertSame( 403, self::post_route( $route, array( $name => 'anything/at-all', 'token' => $config['screenToken'] ) )->get_status(), "$route: any string" );
		}
		$this->assertSame( array(), array_keys( wpp_backend()->rooms( DAY_IN_SECONDS, WPP_SCREEN_ROOM_PREFIX ) ), 'nothing was written' );

		wp_set_current_user( self::user( 'editor' )->ID );
		$this->assertSame( 403, self::post_route( '/screens/stale', array( 'key' => 'my-plugin/item/7', 'token' => $config['screenToken'] ) )->get_status(), "another user's token" );
		wp_set_current_user( $editor->ID );
		$this->assertSame( 200, self::post_route( '/screens/stale', array( 'key' => 'my-plugin/item/7', 'token' => $config['screenToken'] ) )->get_status() );
	}

	public function test_the_feature_plugins_route(): void {
		$routes = rest_get_server()->get_routes( 'wp-presence/v1' );
		$this->assertArrayHasKey( '/wp-presence/v1/presence/screen-revisions/stale', $routes );
		$route = '/presence/screen-revisions/stale';

		$admin = self::user( 'administrator' );
		wp_set_current_user( $admin->ID );
		$done = self::post_route( $route, array( 'screen_key' => 'options/general' ) );
		$this->assertSame( 200, $done->get_status() );
		$this->assertSame( array( 'screen_key', 'rev' ), array_keys( $done->get_data() ) );
		$this->assertSame( 'options/general', $done->get_data()['screen_key'] );
		$this->assertIsInt( $done->get_data()['rev'] );
		$this->assertSame( $admin->ID, self::revision( 'options/general' )['data']['user_id'] );
		$this->assertSame( 200, self::post_route( $route, array( 'screen_key' => 'post/' . $this->post_id ) )->get_status(), 'an object key needs no token' );
		$this->assertSame( 403, self::post_route( $route, array( 'screen_key' => 'post/999999999' ) )->get_status(), 'a post that does not exist' );

		wp_set_current_user( self::user( 'editor' )->ID );
		$refused = self::post_route( $route, array( 'screen_key' => 'options/general' ) );
		$this->assertSame( 403, $refused->get_status() );
		$this->assertSame( 'rest_forbidden', $refused->get_data()['code'] );
		foreach ( array( 'Options/General', '', 'a b', str_repeat( 'a', 192 ) ) as $bad ) {
			$this->assertSame( 400, self::post_route( $route, array( 'screen_key' => $bad ) )->get_status(), wp_json_encode( $bad ) );
		}
		$this->assertSame( 'no-store', $refused->get_headers()['Cache-Control'] );
		wp_set_current_user( 0 );
		$this->assertSame( 401, self::post_route( $route, array( 'screen_key' => 'options/general' ) )->get_status() );
	}

	public function test_a_key_too_long_for_a_room_name_is_kept_under_its_digest(): void {
		$key = 'long/' . str_repeat( 'k', 180 );
		wp_set_current_user( self::user( 'editor' )->ID );
		$since = microtime( true ) - 1;
		do_action( 'wpp_mark_screen_stale', $key );
		$this->assertSame( WPP_SCREEN_ROOM_PREFIX . '=' . md5( $key ), wpp_stale_screen_room( $key ) );
		$this->assertNotNull( $this->tick( self::user( 'editor' ), $key, $since ) );
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
		$this->assertNull( wpp_stale_screen_check( 'term/category/' . $term['term_id'], microtime( true ) - 60, $reader ) );
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
		$key    = 'term/category/' . $term['term_id'];
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
		$this->assertNotNull( $read( array( 'key' => str_repeat( 'a', 191 ), 'since' => 1 ) ) );
		foreach ( array( array( 'key' => 'Post/1', 'since' => 1 ), array( 'key' => 'post/1' ), array( 'key' => 'post//1', 'since' => 1 ), array( 'key' => str_repeat( 'a', 192 ), 'since' => 1 ), array( 'key' => 'p', 'since' => -1 ), 'x' ) as $bad ) {
			$this->assertNull( $read( $bad ), wp_json_encode( $bad ) );
		}
	}
}
