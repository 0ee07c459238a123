<?php
/**
 * The privacy rule on every path (plugin/includes/privacy.php): a viewer learns what an entry says
 * about a post — title, room, id, even that it is being edited — only when they may edit it.
 * Three posts are being edited (another author's draft, a private post, a post of a type with
 * custom capabilities); an editor, an author, a contributor, a subscriber and a librarian (who
 * holds the book capabilities) look at everything presence shows them.
 *
 * @package Presence
 */

require_once dirname( __DIR__ ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__ ) . '/support/trait-wpp-privacy-fixture.php';
require_once dirname( __DIR__ ) . '/support/trait-wpp-surfaces-render.php';

/**
 * @covers ::wpp_privacy_entry_for_viewer
 * @covers ::wpp_privacy_can_see_post
 */
final class PrivacyTest extends WPP_Heartbeat_TestCase {
	use WPP_Privacy_Fixture;
	use WPP_Surfaces_Render;

	protected function setUp(): void {
		parent::setUp();
		$this->set_up_privacy_fixture();
	}

	protected function tearDown(): void {
		$this->tear_down_privacy_fixture();
		parent::tearDown();
	}

	/**
	 * Dispatches a GET to the presence REST routes as the current user; returns status and data.
	 */
	private static function rest_get( string $path, array $query = array() ): array {
		$request = new WP_REST_Request( 'GET', '/wp-presence/v1' . $path );
		$request->set_query_params( $query );
		$response = rest_get_server()->dispatch( $request );
		return array( $response->get_status(), $response->get_data() );
	}

	/**
	 * Everything presence shows $viewer, path by path, as JSON text.
	 *
	 * @return array<string,string> path => what was shown.
	 */
	private function seen_by( WP_User $viewer ): array {
		$json = static fn( $value ) => (string) wp_json_encode( $value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		$asks = $this->ping() + array( 'presence-active-posts' => array( 'version' => '' ) );
		$seen = array(
			'heartbeat answer'  => $json( $this->heartbeat( $viewer, $asks ) ),
			'page state'        => $json( $this->open_admin_screen( $viewer, 'dashboard' ) ),
			'admin bar'         => $this->render_admin_bar( $viewer ),
			'admin bar (front)' => $this->render_admin_bar( $viewer, 'front' ),
			'dashboard widgets' => $this->render_dashboard_widgets( $viewer ),
			'posts list'        => $this->render_posts_cells( $viewer, array_values( $this->posts ) ),
			'users list'        => $this->render_users_list( $viewer, array_map( static fn( $u ) => $u->ID, $this->people ) ),
		);
		wp_set_current_user( $viewer->ID );
		$seen['REST admin/online'] = $json( self::rest_get( '/presence', array( 'room' => 'admin/online' ) ) );
		$seen['REST rooms']        = $json( self::rest_get( '/presence/rooms' ) );
		foreach ( $this->posts as $key => $post ) {
			list( $status, $data ) = self::rest_get( '/presence', array( 'room' => 'postType/' . $post->post_type . ':' . $post->ID ) );
			$seen[ "REST room of $key" ] = 200 === $status ? $json( $data ) : '';
		}
		return $seen;
	}

	/**
	 * @dataProvider viewers
	 */
	public function test_a_viewer_learns_nothing_about_posts_they_may_not_edit_on_any_path( string $viewer ): void {
		foreach ( $this->seen_by( $this->people[ $viewer ] ) as $path => $seen ) {
			if ( 'subscriber' === $viewer ) {
				$this->assertStringNotContainsString( 'display_name', $seen, "$path: a subscriber is shown nobody" );
				$this->assertStringNotContainsString( 'postType/', $seen, "$path: nor any room" );
			}
			if ( str_starts_with( $path, 'REST room of' ) || 'REST rooms' === $path ) {
				continue; // Rooms are all or nothing; see the next test.
			}
			// The posts list and the users list name no post: they show people (the list shows
			// the titles itself); the privacy check is that they say nothing about hidden ones.
			$this->assert_shows_only_allowed_posts( $viewer, $seen, $path, ! in_array( $path, array( 'posts list', 'users list' ), true ) && 'subscriber' !== $viewer );
		}
	}

	/**
	 * @dataProvider viewers
	 */
	public function test_a_posts_room_is_readable_only_by_those_who_may_edit_the_post( string $viewer ): void {
		$seen = $this->seen_by( $this->people[ $viewer ] );
		foreach ( $this->posts as $key => $post ) {
			$room = 'postType/' . $post->post_type . ':' . $post->ID;
			if ( in_array( $key, self::may_see( $viewer ), true ) ) {
				$this->assertStringContainsString( (string) $this->people[ $key ]->ID, $seen[ "REST room of $key" ], "$viewer reads who edits $key" );
				$this->assertStringContainsString( $room, $seen['REST rooms'] );
			} else {
				$this->assertSame( '', $seen[ "REST room of $key" ], "$viewer may not read the room of $key" );
				$this->assertStringNotContainsString( $room, $seen['REST rooms'], "$viewer does not see that $key has a room" );
			}
		}
	}

	public static function viewers(): array {
		return array(
			'editor'      => array( 'editor' ),
			'author'      => array( 'author' ),
			'contributor' => array( 'contributor' ),
			'subscriber'  => array( 'subscriber' ),
			'librarian'   => array( 'librarian' ),
		);
	}

	public function test_a_hidden_post_reads_editing_a_post_and_the_writer_stays_listed(): void {
		$online = $this->heartbeat( $this->people['contributor'], $this->ping() )['presence-online'];
		$where  = array_column( $online['users'], null, 'user_id' );
		foreach ( array( 'secret', 'private', 'book' ) as $key ) {
			$item = $where[ $this->people[ $key ]->ID ];
			$this->assertSame( 'Editing a post', $item['label'] );
			$this->assertSame( '', $item['url'] );
			$this->assertSame( 0, $item['post_id'] );
			$this->assertSame( 'post', $item['screen'] );
		}

		$online = $this->heartbeat( $this->people['editor'], $this->ping() )['presence-online'];
		$item   = array_column( $online['users'], null, 'user_id' )[ $this->people['secret']->ID ];
		$this->assertSame( 'Editing “Secret merger plan”', $item['label'] );
		$this->assertSame( get_edit_post_link( $this->posts['secret']->ID, 'raw' ), $item['url'] );
		$this->assertSame( $this->posts['secret']->ID, $item['post_id'] );
	}

	public function test_the_author_of_the_draft_reads_its_title(): void {
		$author = get_userdata( (int) $this->posts['secret']->post_author );
		$online = $this->heartbeat( $author, $this->ping() )['presence-online'];
		$item   = array_column( $online['users'], null, 'user_id' )[ $this->people['secret']->ID ];
		$this->assertSame( 'Editing “Secret merger plan”', $item['label'] );
	}

	public function test_the_title_is_the_servers_not_what_the_browser_sent(): void {
		$liar = self::user( 'editor' );
		$data = $this->editor_data( $this->post_id );
		$data['presence-ping']['title'] = 'Totally different title';
		$this->heartbeat( $liar, $data, 'post' );
		wp_update_post( array( 'ID' => $this->post_id, 'post_title' => 'Saved title' ) );

		$online = $this->heartbeat( $this->people['editor'], $this->ping() )['presence-online'];
		$item   = array_column( $online['users'], null, 'user_id' )[ $liar->ID ];
		$this->assertSame( 'Editing “Saved title”', $item['label'] );
		$this->assertStringNotContainsString( 'Totally different', wp_json_encode( $online ) );
	}

	public function test_a_post_id_the_browser_claims_without_editing_it_is_not_stored(): void {
		$contributor = $this->people['contributor'];
		$data        = $this->editor_data( $this->posts['secret']->ID ); // Not theirs to edit.
		$this->heartbeat( $contributor, $data, 'post' );
		$entry = array_column( wpp_backend()->get_room( 'admin/online', 150 ), null, 'user_id' )[ $contributor->ID ];
		$this->assertSame( 0, $entry['data']['post_id'] );

		$online = $this->heartbeat( $this->people['editor'], $this->ping() )['presence-online'];
		$this->assertSame( 'Editing a post', array_column( $online['users'], null, 'user_id' )[ $contributor->ID ]['label'], 'others are not told they edit the secret draft' );
	}

	public function test_the_gate_strips_every_post_key_of_other_writers_data_too(): void {
		$writer = self::user( 'editor' );
		// A REST client of an editor who may edit the draft writes its own entry naming it.
		wpp_backend()->set( 'admin/online', 'tab-1', array( 'post_id' => $this->posts['secret']->ID, 'title' => 'Secret merger plan', 'post_status' => 'draft', 'screen' => 'post', 'color' => 'red' ), $writer->ID, 150 );
		$entry = wpp_backend()->get_room( 'admin/online', 150, 1 )[0];

		$hidden = wpp_privacy_entry_for_viewer( $entry, $this->people['author'] );
		$this->assertSame( array( 'screen' => 'post', 'color' => 'red' ), $hidden['data'] );
		$shown = wpp_privacy_entry_for_viewer( $entry, $this->people['editor'] );
		$this->assertSame( $entry, $shown );

		foreach ( array( -4, 1.5, array( 1 ), 'abc' ) as $odd ) {
			$entry['data']['post_id'] = $odd;
			$this->assertArrayNotHasKey( 'title', wpp_privacy_entry_for_viewer( $entry, $this->people['editor'] )['data'], var_export( $odd, true ) );
		}
	}

	public function test_entries_of_rooms_the_viewer_may_not_enter_are_not_shown_at_all(): void {
		$room  = 'postType/post:' . $this->posts['secret']->ID;
		$entry = array_column( wpp_backend()->get_room( $room, 150 ), null, 'user_id' )[ $this->people['secret']->ID ];
		$this->assertNull( wpp_privacy_entry_for_viewer( $entry, $this->people['contributor'] ) );
		$this->assertNull( wpp_privacy_entry_for_viewer( $entry, new WP_User( 0 ) ) );
		$this->assertSame( $entry, wpp_privacy_entry_for_viewer( $entry, $this->people['editor'] ) );
	}

	public function test_internal_rooms_are_out_of_reach_of_the_rest_api(): void {
		$admin = $this->people['private'];
		$this->assertFalse( wpp_rooms_can_access( WPP_SCREEN_ROOM_PREFIX . 'post/' . $this->post_id, $admin->ID ) );
		$this->assertTrue( wpp_rooms_can_access( WPP_LAST_SEEN_ROOM, $admin->ID ) );
		$this->assertFalse( wpp_rooms_can_access( WPP_LAST_SEEN_ROOM, $this->people['editor']->ID ) );
	}

	public function test_rest_entries_hide_the_post_of_an_entry_deleted_by_an_administrator_who_may_not_edit_it(): void {
		$admin = $this->people['private']; // No book capabilities.
		wp_set_current_user( $admin->ID );
		$request = new WP_REST_Request( 'DELETE', '/wp-presence/v1/presence' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'room' => 'admin/online', 'client_id' => 'user-' . $this->people['book']->ID ) ) );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 200, $response->get_status() );
		$this->assertArrayNotHasKey( 'post_id', (array) $response->get_data()['previous']['data'] );
	}
}
