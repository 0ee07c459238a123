<?php
/**
 * The crowd's roster (live/lane.php, heartbeat/write.php, surfaces/whos-online.php): each user's
 * card, written by their own heartbeat and by nothing a client reaches; the token's roster claim,
 * only for users the heartbeat gives the widget's list; and the roster a poll answers.
 *
 * @package Presence
 *
 * @covers ::wpp_whos_online_item
 * @covers ::wpp_whos_online_card
 * @covers ::wpp_whos_online_summaries
 * @covers ::wpp_write_card
 * @covers ::wpp_lane_roster_claim
 * @covers ::wpp_public_api_write
 * @covers ::wp_remove_presence
 * @covers ::wp_presence_leave
 * @covers ::wpp_leave_tab
 */
final class RosterTest extends WPP_Heartbeat_TestCase {

	protected function tearDown(): void {
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
		parent::tearDown();
	}

	private function sign_in( WP_User $user ): string {
		wp_set_current_user( $user->ID );
		$session                     = WP_Session_Tokens::get_instance( $user->ID )->create( time() + HOUR_IN_SECONDS );
		$_COOKIE[ LOGGED_IN_COOKIE ] = wp_generate_auth_cookie( $user->ID, time() + HOUR_IN_SECONDS, 'logged_in', $session );
		return $session;
	}

	private function skip_without_the_extension(): void {
		if ( ! wpp_backend() instanceof WPP_Native_Backend ) {
			$this->markTestSkipped( 'The live lane is the extension\'s (this run uses the database backend).' );
		}
	}

	/**
	 * The card stored for a user, or null.
	 */
	private static function card( int $user_id ): ?string {
		$entry = wpp_entries_find( WPP_ADMIN_ROOM, wpp_client_ids_card( $user_id ) );
		return null === $entry ? null : (string) ( $entry['data']['html'] ?? '' );
	}

	public function test_a_card_is_the_widget_item_without_where_or_you_and_escapes_the_name(): void {
		$user = array(
			'user_id'      => 42,
			'display_name' => '<img src=x onerror=alert(1)> & "Bob"',
			'avatar_url'   => 'https://example.test/a.png?x=1&y="2"',
			'status'       => 'active',
			'label'        => 'Editing “Secret launch”',
			'url'          => 'https://example.test/wp-admin/post.php?post=5&action=edit',
			'post_id'      => 5,
		);
		$card = wpp_whos_online_card( $user );
		$this->assertStringNotContainsString( 'Secret launch', $card, 'no label: it may name a post' );
		$this->assertStringNotContainsString( 'post.php', $card, 'no link to a post' );
		$this->assertStringNotContainsString( '<img src=x', $card );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Bob&quot;', $card );
		$this->assertStringNotContainsString( 'wpp-online__you', wpp_whos_online_item( $user, 0 ), 'no viewer, no "(you)"' );
		$this->assertStringContainsString( 'wpp-online__you', wpp_whos_online_item( $user, 42 ) );
		$this->assertStringStartsWith( '<li class="wpp-online__user wpp-online__user--active" data-user-id="42"', $card );
		// The widget's list is made of the same items.
		$html = wpp_whos_online_html(
			array(
				'version' => 3,
				'total'   => 1,
				'users'   => array( $user ),
			),
			self::user( 'editor' )
		);
		$this->assertStringContainsString( wpp_whos_online_item( $user, 0 ), $html );
	}

	public function test_the_widget_carries_the_summaries_of_totals_near_its_own(): void {
		$texts = wpp_whos_online_summaries( 60 );
		$this->assertSame( range( 50, 70 ), array_keys( $texts ) );
		$this->assertSame( array( '61 people online', 'See all 61 people online' ), $texts[61] );
		$this->assertSame( 'Only you are online.', wpp_whos_online_summaries( 1 )[1][0] );
		$html = wpp_whos_online_html( array( 'version' => 1, 'total' => 60, 'users' => array() ), self::user( 'editor' ) );
		$this->assertMatchesRegularExpression( '/data-wpp-summaries="([^"]*)"/', $html );
		preg_match( '/data-wpp-summaries="([^"]*)"/', $html, $m );
		$this->assertSame( $texts, json_decode( html_entity_decode( $m[1], ENT_QUOTES ), true ) );
	}

	public function test_a_ping_writes_the_users_card_and_leaving_removes_it(): void {
		$this->skip_without_the_extension();
		global $wpdb;
		$editor = self::user( 'editor' );
		// WordPress stores a display name escaped; one written around it is still only text here.
		$wpdb->update( $wpdb->users, array( 'display_name' => 'Ann <b>' ), array( 'ID' => $editor->ID ) );
		clean_user_cache( $editor->ID );
		$editor = get_userdata( $editor->ID );
		$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabone123456' ) ) );
		$card = self::card( $editor->ID );
		$this->assertNotNull( $card );
		$this->assertStringContainsString( 'data-user-id="' . $editor->ID . '"', $card );
		$this->assertStringContainsString( 'Ann &lt;b&gt;', $card );
		$this->assertStringNotContainsString( 'wpp-online__you', $card );
		$version = wpp_backend()->room_version( WPP_ADMIN_ROOM );
		$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabone123456' ) ) );
		$this->assertSame( $version, wpp_backend()->room_version( WPP_ADMIN_ROOM ), 'an unchanged card moves no version' );
		$this->assertSame( array(), array_filter( wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ), static fn( $e ) => wpp_client_ids_is_card( $e['client_id'] ) ), 'never listed' );

		wpp_leave_tab( $editor, 'tabone123456' );
		$this->assertNull( self::card( $editor->ID ), 'the card went with the entry' );
	}

	public function test_no_rest_route_or_public_function_writes_or_removes_a_card(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, $this->ping() );
		$card = self::card( $editor->ID );
		$this->assertNotNull( $card );
		$planted = array( 'html' => '<img src=x onerror=alert(1)>' );
		$client  = wpp_client_ids_card( $editor->ID );

		$this->assertFalse( wp_set_presence( WPP_ADMIN_ROOM, $client, $planted, $editor->ID ) );
		$error = wp_set_presence( WPP_ADMIN_ROOM, $client, $planted, array( 'wp_error' => true ) );
		$this->assertSame( 'wpp_client_id_reserved', $error->get_error_code() );
		$this->assertInstanceOf( WP_Error::class, wp_presence_exchange( WPP_ADMIN_ROOM, '_card-999', $planted, array( 'wp_error' => true ) ) );
		$this->assertFalse( wp_remove_presence( WPP_ADMIN_ROOM, $client ) );
		$this->assertSame( array(), wp_presence_leave( WPP_ADMIN_ROOM, $client ) );
		$this->assertSame( 'wpp_client_id_reserved', wp_presence_leave( WPP_ADMIN_ROOM, $client, array( 'wp_error' => true ) )->get_error_code() );

		wp_set_current_user( $editor->ID );
		foreach ( array( 'POST', 'DELETE' ) as $method ) {
			$this->assertSame( 400, self::rest_write( $method, $client, $planted ), $method );
		}

		$this->assertSame( $card, self::card( $editor->ID ), 'the card is the one the heartbeat wrote' );
		$this->assertNull( self::card( 999 ) );
	}

	public function test_the_roster_claim_is_for_users_who_see_the_widget_and_answers_cards(): void {
		$this->skip_without_the_extension();
		$other = self::named_user( 'author', 'Newcomer' );
		$this->heartbeat( $other, $this->ping() );

		$editor  = self::user( 'editor' );
		$session = $this->sign_in( $editor );
		$this->assertSame( WPP_WHOS_ONLINE_SHOWN, wpp_lane_roster_claim( array( 'admin/online' ) ) );
		$this->assertSame( 0, wpp_lane_roster_claim( array( 'postType/post:1', 'admin/online' ) ), 'only of admin/online' );
		// No more than the heartbeat lists, and only for users who may be in the room.
		$five = static fn() => 5;
		add_filter( 'wpp_presence_online_limit', $five );
		$this->assertSame( 5, wpp_lane_roster_claim( array( 'admin/online' ) ) );
		remove_filter( 'wpp_presence_online_limit', $five );
		add_filter( 'wpp_can_access_room', '__return_false' );
		$this->assertSame( 0, wpp_lane_roster_claim( array( 'admin/online' ) ) );
		remove_filter( 'wpp_can_access_room', '__return_false' );
		$token = wpp_lane_issue( array( 'admin/online' ) )['token'];
		list( $status, $body ) = presence_live_poll( $token, $session, '', 0 );
		$this->assertSame( 200, $status, $body );
		$roster = json_decode( $body, true )['r'];
		$this->assertSame( wpp_payload_version( (int) wpp_lane_versions( array( 'admin/online' ) )['admin/online'] ), $roster['v'] );
		list( $users, $total ) = wpp_payload_read_users( WPP_ADMIN_ROOM, WPP_WHOS_ONLINE_SHOWN, 0 );
		$this->assertSame( $total, $roster['n'] );
		$this->assertSame( array_map( 'intval', array_column( $users, 'user_id' ) ), array_column( $roster['u'], 0 ), 'the heartbeat\'s order and filter' );
		$this->assertSame( array( $other->ID, self::card( $other->ID ) ), $roster['u'][0] );
		$this->assertSame( '{"v":', substr( presence_live_poll( $token, $session, '', $roster['v'] )[1], 0, 5 ) );
		$this->assertStringNotContainsString( '"r":', presence_live_poll( $token, $session, '', $roster['v'] )[1], 'held: no roster' );

		$subscriber = self::user( 'subscriber' );
		$session    = $this->sign_in( $subscriber );
		$this->assertSame( 0, wpp_lane_roster_claim( array( 'admin/online' ) ) );
		$token = wpp_lane_issue( array( 'admin/online' ) )['token'];
		$this->assertSame( 200, presence_live_poll( $token, $session )[0], 'versions as before' );
		$this->assertSame( array( 403, '{"code":"roster_not_allowed"}' ), presence_live_poll( $token, $session, '', 0 ) );
	}

	public function test_a_rest_clients_user_x_takes_no_place_on_the_roster_nor_counts_in_its_total(): void {
		$this->skip_without_the_extension();
		$present = self::named_user( 'editor', 'Present' );
		$this->heartbeat( $present, $this->ping() );

		// An author writes entries whose client ids look like users' but name no user of theirs.
		$author = self::user( 'author' );
		wp_set_current_user( $author->ID );
		foreach ( array( 'user-x', 'user-y', 'user-' . $present->ID . 'x' ) as $client ) {
			$this->assertLessThan( 300, self::rest_write( 'POST', $client, array( 'name' => 'Mallory' ) ), $client );
		}

		$session = $this->sign_in( self::user( 'editor' ) );
		$token   = wpp_lane_issue( array( 'admin/online' ) )['token'];
		list( $status, $body ) = presence_live_poll( $token, $session, '', 0 );
		$this->assertSame( 200, $status, $body );
		$roster = json_decode( $body, true )['r'];
		$this->assertSame( array( $present->ID ), array_column( $roster['u'], 0 ), 'only the person who pinged' );
		$this->assertSame( 1, $roster['n'] );
		list( $users, $total ) = wpp_payload_read_users( WPP_ADMIN_ROOM, WPP_WHOS_ONLINE_SHOWN, 0 );
		$this->assertSame( array( $total, array_map( 'intval', array_column( $users, 'user_id' ) ) ), array( $roster['n'], array_column( $roster['u'], 0 ) ), 'as the heartbeat lists them' );
	}

	public function test_a_card_another_tab_writes_while_the_closing_tab_leaves_stays(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabone123456' ) ) );
		$this->assertNotNull( self::card( $editor->ID ) );
		// The other tab pings just after the closing tab's entry went, before its card would.
		$took_over = function ( $room, $client_id ) use ( $editor, &$took_over ) {
			if ( WPP_ADMIN_ROOM === $room && wpp_client_ids_user( $editor->ID ) === $client_id ) {
				remove_action( 'removed_presence', $took_over );
				usleep( 2000 );
				$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabtwo123456' ) ) );
			}
		};
		add_action( 'removed_presence', $took_over, 10, 2 );
		$this->assertSame( 1, wpp_leave_tab( $editor, 'tabone123456' ) );
		remove_action( 'removed_presence', $took_over );
		$this->assertSame( 'tabtwo123456', wpp_entries_find( WPP_ADMIN_ROOM, wpp_client_ids_user( $editor->ID ) )['data']['tab'] ?? null );
		$this->assertNotNull( self::card( $editor->ID ), 'the other tab\'s card stays with its entry' );

		wpp_leave_tab( $editor, 'tabtwo123456' );
		$this->assertNull( self::card( $editor->ID ), 'then it goes with it' );
	}

	public function test_a_card_goes_only_when_the_users_admin_entry_went(): void {
		$this->skip_without_the_extension();
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabone123456' ) ) );
		usleep( 2000 );
		$this->heartbeat( $editor, $this->ping( array( 'tab' => 'tabtwo123456' ) ) );
		$this->assertSame( 0, wpp_leave_tab( $editor, 'tabone123456' ), 'the newer tab\'s entry stays' );
		$this->assertNotNull( self::card( $editor->ID ) );
	}

	/**
	 * The status of a REST request of the current user that writes (POST) or removes (DELETE)
	 * `$client` in `admin/online`.
	 */
	private static function rest_write( string $method, string $client, array $data ): int {
		$request = new WP_REST_Request( $method, '/wp-presence/v1/presence' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body(
			wp_json_encode(
				array(
					'room'      => WPP_ADMIN_ROOM,
					'client_id' => $client,
					'data'      => $data,
				)
			)
		);
		return rest_get_server()->dispatch( $request )->get_status();
	}
}
