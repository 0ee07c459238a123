<?php
/**
 * The live lane's PHP side (plugin/includes/live/lane.php): which rooms a page follows, the token
 * it gets with the page and from the heartbeat — bound to the site, the user, those rooms and the
 * session — what a heartbeat answers an editor, an author and a contributor about rooms a script
 * asked to follow, and the revocation when a session ends.
 *
 * The tokens are the extension's; their checks (tag, expiry, session) are its own tests'. Here
 * they are polled through presence_live_poll(), as plugin/live.php does (LiveTest polls it over
 * HTTP).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_lane_enabled
 * @covers ::wpp_lane_page_rooms
 * @covers ::wpp_lane_client_config
 * @covers ::wpp_lane_issue
 * @covers ::wpp_lane_versions
 * @covers ::wpp_lane_read_ask
 * @covers ::wpp_lane_heartbeat
 * @covers ::wpp_lane_sessions_changed
 * @covers ::wpp_lane_revoke
 * @covers ::wpp_lane_poll_settings
 */
final class LaneTest extends WPP_Heartbeat_TestCase {

	protected function tearDown(): void {
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
		parent::tearDown();
	}

	/**
	 * Signs $user in as a browser is: a session, and its logged-in cookie in this request.
	 *
	 * @return string The session token.
	 */
	private function sign_in( WP_User $user ): string {
		wp_set_current_user( $user->ID );
		$session                     = WP_Session_Tokens::get_instance( $user->ID )->create( time() + HOUR_IN_SECONDS );
		$_COOKIE[ LOGGED_IN_COOKIE ] = wp_generate_auth_cookie( $user->ID, time() + HOUR_IN_SECONDS, 'logged_in', $session );
		return $session;
	}

	/**
	 * What plugin/live.php answers a token from a session: [status, decoded body].
	 */
	private static function poll( string $token, string $session ): array {
		list( $status, $body ) = presence_live_poll( $token, $session );
		return array( $status, json_decode( $body, true ) );
	}

	private function skip_without_the_extension(): void {
		if ( ! wpp_backend() instanceof WPP_Native_Backend ) {
			$this->assertFalse( wpp_lane_enabled(), 'no lane on the database backend' );
			$this->markTestSkipped( 'The live lane is the extension\'s (this run uses the database backend).' );
		}
	}

	public function test_a_page_follows_admin_online_first_then_its_own_rooms_at_most_32(): void {
		$this->assertSame( array( 'admin/online' ), wpp_lane_page_rooms( array() ) );
		$this->assertSame( array( 'admin/online', 'postType/post:3' ), wpp_lane_page_rooms( array( 'postType/post:3', 'admin/online', 'postType/post:3', array( 'x' ), "bad\x01room" ) ) );
		$many = array_map( static fn( $i ) => "postType/post:$i", range( 1, 40 ) );
		$this->assertCount( 32, wpp_lane_page_rooms( $many ) );
	}

	public function test_the_poll_timing_stays_in_its_bounds(): void {
		$this->assertSame( array( 'interval' => 1500, 'idleAfter' => 30000, 'alone' => 4000, 'max' => 15000, 'crowd' => 50, 'crowdInterval' => 4000 ), wpp_lane_poll_settings() );
		add_filter( 'wpp_live_poll_settings', static fn() => array( 'interval' => 100, 'alone' => 10, 'max' => 99999999, 'crowd' => 0, 'crowdInterval' => 60000 ) );
		$this->assertSame( array( 'interval' => 1000, 'idleAfter' => 30000, 'alone' => 1000, 'max' => 120000, 'crowd' => 1, 'crowdInterval' => 8000 ), wpp_lane_poll_settings() );
	}

	public function test_without_the_extension_pages_have_no_lane_and_the_heartbeat_says_so(): void {
		wpp_backend_use( new WPP_Database_Backend() );
		$editor = self::user( 'editor' );
		$this->sign_in( $editor );
		$this->assertFalse( wpp_lane_enabled() );
		$config = $this->open_admin_screen( $editor, 'dashboard' );
		$this->assertFalse( $config['live'] );
		$rooms  = array( 'admin/online' );
		$answer = $this->heartbeat( $editor, array( 'presence-live' => array( 'rooms' => $rooms, 'sig' => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ) ) ) );
		$this->assertSame( array( 'off' => true ), $answer['presence-live'] );
		$this->assertSame( 90, wpp_payload_idle_after(), 'idle after 90 s: pages tick every minute' );
	}

	public function test_an_editors_page_gets_a_token_for_its_rooms_and_their_versions(): void {
		$this->skip_without_the_extension();
		$editor  = self::user( 'editor' );
		$session = $this->sign_in( $editor );
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		$config = $this->open_admin_screen( $editor, 'post', get_post( $this->post_id ) );
		$live   = $config['live'];

		$this->assertSame( array( 'admin/online', $this->post_room() ), $live['rooms'] );
		$this->assertStringEndsWith( '/presence/live.php', $live['url'] );
		$this->assertSame( LOGGED_IN_COOKIE, $live['cookie'] );
		$this->assertSame( 135, $live['keepalive'], 'the TTL (150 s) less 15 s' );
		$this->assertEqualsWithDelta( time() + HOUR_IN_SECONDS, $live['expires'], 5 );
		$this->assertSame( 1, wp_verify_nonce( $live['sig'], wpp_lane_nonce_action( $live['rooms'] ) ) );
		$this->assertSame( 145, wpp_payload_idle_after(), 'idle after the lane\'s heartbeat interval' );

		list( $status, $body ) = self::poll( $live['token'], $session );
		$this->assertSame( 200, $status );
		// Opening the editor wrote after the versions were read: the page's first poll sees it.
		$this->assertSame( array_values( wpp_lane_versions( $live['rooms'] ) ), array_map( 'strval', $body['v'] ) );
		$this->assertSame( array_keys( $live['versions'] ), $live['rooms'] );
		$this->assertMatchesRegularExpression( '/^[0-9]+$/', $live['versions']['admin/online'] );
	}

	public function test_a_token_is_bound_to_the_session_it_was_issued_to(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->sign_in( $editor );
		$token = wpp_lane_issue( array( 'admin/online' ) )['token'];

		$this->assertSame( 403, self::poll( $token, 'another-session' )[0] );
		$this->assertSame( 'token_session', self::poll( $token, '' )[1]['code'], 'no cookie, no session' );
		$other = $this->sign_in( self::user( 'editor' ) );
		$this->assertSame( 'token_session', self::poll( $token, $other )[1]['code'], 'another user\'s session' );
		$this->assertNull( wpp_lane_issue( array() ), 'no rooms, no token' );
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
		$this->assertNull( wpp_lane_issue( array( 'admin/online' ) ), 'no session, no token' );
	}

	public function test_ending_a_session_revokes_the_users_tokens(): void {
		$this->skip_without_the_extension();
		$editor  = self::user( 'editor' );
		$session = $this->sign_in( $editor );
		$kept    = $this->sign_in( $editor ); // A second browser of the same user.
		$token   = wpp_lane_issue( array( 'admin/online' ) )['token'];
		$this->assertSame( 200, self::poll( $token, $kept )[0] );

		WP_Session_Tokens::get_instance( $editor->ID )->destroy( $session ); // Logging out in the first.
		$this->assertSame( 'token_revoked', self::poll( $token, $kept )[1]['code'], 'every token of the user: the others renew with their next heartbeat' );
		usleep( 2000 ); // Issued after the revocation, not in the same microsecond.
		$this->assertSame( 200, self::poll( wpp_lane_issue( array( 'admin/online' ) )['token'], $kept )[0] );

		$other = self::user( 'editor' );
		$this->sign_in( $other );
		$theirs = wpp_lane_issue( array( 'admin/online' ) );
		WP_Session_Tokens::get_instance( $editor->ID )->destroy_all();
		$this->assertSame( 200, self::poll( $theirs['token'], wp_get_session_token() )[0], 'other users keep theirs' );
	}

	public function test_the_heartbeat_renews_the_token_past_half_its_life_and_answers_every_version(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->sign_in( $editor );
		$rooms = array( 'admin/online', $this->post_room() );
		$ask   = function ( int $expires, bool $renew = false ) use ( $rooms ) {
			return array(
				'presence-live' => array(
					'rooms'   => $rooms,
					'sig'     => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
					'expires' => (string) $expires,
					'renew'   => $renew ? 'true' : 'false',
				),
			);
		};

		$fresh = $this->heartbeat( $editor, $ask( time() + 3000 ) )['presence-live'];
		$this->assertSame( array( 'versions' ), array_keys( $fresh ), 'a fresh token is kept' );
		$this->assertSame( wpp_lane_versions( $rooms ), $fresh['versions'] );

		$old = $this->heartbeat( $editor, $ask( time() + 600 ) )['presence-live'];
		$this->assertArrayHasKey( 'token', $old );
		$this->assertSame( $rooms, $old['rooms'] );
		$this->assertSame( 200, self::poll( $old['token'], wp_get_session_token() )[0] );

		$refused = $this->heartbeat( $editor, $ask( time() + 3000, true ) )['presence-live'];
		$this->assertArrayHasKey( 'token', $refused, 'a page whose token was refused asks for another' );
	}

	public function test_a_user_whose_role_changes_loses_their_tokens_and_without_edit_posts_follows_nothing(): void {
		$this->skip_without_the_extension();
		$user = self::user( 'editor' );
		$this->sign_in( $user );
		$rooms = array( 'admin/online' );
		$token = wpp_lane_issue( $rooms )['token'];
		$this->assertSame( 200, self::poll( $token, wp_get_session_token() )[0] );

		$user->set_role( 'subscriber' );
		$this->assertSame( 'token_revoked', self::poll( $token, wp_get_session_token() )[1]['code'], 'the next poll is refused' );
		$ask = array(
			'presence-live' => array(
				'rooms'   => $rooms,
				'sig'     => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
				'expires' => (string) ( time() + 3000 ),
				'renew'   => 'true',
			),
		);
		wp_set_current_user( 0 ); // The next request loads the user afresh, with the new role.
		$this->assertSame( array( 'off' => true ), $this->heartbeat( $user, $ask )['presence-live'], 'no versions and no new token for a subscriber' );
	}

	public function test_renewing_a_token_drops_the_rooms_its_user_may_no_longer_see(): void {
		$this->skip_without_the_extension();
		$author = self::user( 'author' );
		$this->sign_in( $author );
		$own   = self::post( array( 'post_title' => 'Own', 'post_status' => 'draft', 'post_author' => $author->ID ) );
		$rooms = array( 'admin/online', 'postType/post:' . $own->ID );
		$old   = wpp_lane_issue( $rooms )['token'];
		$ask   = static function () use ( $rooms ) {
			return array(
				'presence-live' => array(
					'rooms'   => $rooms,
					'sig'     => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
					'expires' => (string) ( time() + 600 ), // Past half its life: renewed.
				),
			);
		};
		$kept = $this->heartbeat( $author, $ask() )['presence-live'];
		$this->assertArrayNotHasKey( 'sig', $kept, 'rooms still allowed: the list stands' );
		$this->assertSame( $rooms, $kept['rooms'] );

		wp_update_post( array( 'ID' => $own->ID, 'post_author' => self::user( 'editor' )->ID ) );
		clean_post_cache( $own->ID );
		$answer = $this->heartbeat( $author, $ask() )['presence-live'];
		$this->assertSame( array( 'admin/online' ), $answer['rooms'], 'a draft now someone else\'s' );
		$this->assertSame( array( 'admin/online' ), array_keys( $answer['versions'] ) );
		$this->assertSame( 1, wp_verify_nonce( $answer['sig'], wpp_lane_nonce_action( $answer['rooms'] ) ) );
		$this->assertSame( 'token_revoked', self::poll( $old, wp_get_session_token() )[1]['code'], 'tokens naming the room end' );
		list( $status, $body ) = self::poll( $answer['token'], wp_get_session_token() );
		$this->assertSame( 200, $status );
		$this->assertCount( 1, $body['v'] );
	}

	public function test_a_room_list_signed_for_someone_else_gets_no_answer(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->sign_in( $editor );
		$rooms = array( 'admin/online', $this->post_room() );
		$sig   = wp_create_nonce( wpp_lane_nonce_action( $rooms ) );
		$this->assertArrayNotHasKey( 'presence-live', $this->heartbeat( $editor, array( 'presence-live' => array( 'rooms' => array( 'admin/online', 'postType/post:999' ), 'sig' => $sig ) ) ), 'another list' );
		$this->sign_in( self::user( 'editor' ) );
		$this->assertArrayNotHasKey( 'presence-live', $this->heartbeat( wp_get_current_user(), array( 'presence-live' => array( 'rooms' => $rooms, 'sig' => $sig ) ) ), 'another user' );
		foreach ( array( array( 'rooms' => 'admin/online', 'sig' => $sig ), array( 'rooms' => array_fill( 0, 33, 'admin/online' ), 'sig' => $sig ), array( 'rooms' => $rooms, 'sig' => str_repeat( 'a', 65 ) ), array( 'rooms' => $rooms ) ) as $bad ) {
			$this->assertNull( wpp_lane_read_ask( array( 'presence-live' => $bad ) ) );
		}
	}

	/**
	 * What a page's scripts may add to its rooms (wp.presence.usePresenceUsers()): only rooms the
	 * heartbeat would tell this user about — and so what the lane's answers may hold.
	 *
	 * @dataProvider roles
	 */
	public function test_scripts_follow_only_rooms_their_user_may_see( string $role, bool $may ): void {
		$this->skip_without_the_extension();
		$user = self::user( $role );
		$this->sign_in( $user );
		$own    = self::post( array( 'post_title' => 'Own', 'post_status' => 'draft', 'post_author' => $user->ID ) );
		$rooms  = array( 'admin/online' );
		$answer = $this->heartbeat(
			$user,
			array(
				'presence-live' => array(
					'rooms' => $rooms,
					'sig'   => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
					'extra' => array( $this->post_room(), 'postType/post:' . $own->ID, 'screens/post/' . $this->post_id ),
				),
			)
		)['presence-live'];

		$expected = array_merge( $rooms, $may ? array( $this->post_room() ) : array(), array( 'postType/post:' . $own->ID ) );
		$this->assertSame( $expected, $answer['rooms'], "$role: an administrator's draft, their own draft, an internal room" );
		$this->assertSame( $expected, array_keys( $answer['versions'] ) );
		$this->assertSame( 1, wp_verify_nonce( $answer['sig'], wpp_lane_nonce_action( $expected ) ), 'signed: the page sends this list from now on' );
		list( $status, $body ) = self::poll( $answer['token'], wp_get_session_token() );
		$this->assertSame( 200, $status );
		$this->assertCount( count( $expected ), $body['v'], 'the token names those rooms and no other' );
	}

	public static function roles(): array {
		return array(
			'editor'      => array( 'editor', true ),
			'author'      => array( 'author', false ),
			'contributor' => array( 'contributor', false ),
		);
	}

	public function test_an_unchanged_tick_with_the_lane_costs_no_query(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->sign_in( $editor );
		$rooms = array( 'admin/online', $this->post_room() );
		$data  = $this->editor_data( $this->post_id ) + array(
			'presence-live' => array(
				'rooms'   => $rooms,
				'sig'     => wp_create_nonce( wpp_lane_nonce_action( $rooms ) ),
				'expires' => (string) ( time() + 3000 ),
			),
		);
		$first = $this->heartbeat( $editor, $data, 'post' );
		$data['presence-ping']['versions'] = array(
			'online'  => (string) $first['presence-online']['version'],
			'editors' => (string) $first['presence-editors']['version'],
		);
		$this->heartbeat( $editor, $data, 'post' );
		remove_filter( 'heartbeat_received', 'wp_refresh_post_lock', 10 ); // Core's own queries.
		global $wpdb;
		$before = $wpdb->num_queries;
		$answer = $this->heartbeat( $editor, $data, 'post' );
		add_filter( 'heartbeat_received', 'wp_refresh_post_lock', 10, 3 );
		$this->assertSame( 0, $wpdb->num_queries - $before );
		$this->assertArrayHasKey( 'versions', $answer['presence-live'] );
	}
}
