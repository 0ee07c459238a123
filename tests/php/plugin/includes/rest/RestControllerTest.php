<?php
/**
 * REST API `wp-presence/v1` (plugin/includes/rest/), through rest_get_server()->dispatch(),
 * on the backend of this run.
 *
 * @package Presence
 */

/**
 * @covers WPP_REST_Controller
 * @covers ::wpp_routes_register
 * @covers ::wpp_routes_no_store
 */
class RestControllerTest extends WPP_TestCase {

	/**
	 * Dispatches a request to the presence routes.
	 *
	 * @param string $method HTTP method.
	 * @param string $path   Path below /wp-presence/v1.
	 * @param array  $params Query (GET) or JSON body (other methods).
	 */
	private function request( string $method, string $path, array $params = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/wp-presence/v1' . $path );
		if ( 'GET' === $method ) {
			$request->set_query_params( $params );
		} else {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( wp_json_encode( $params ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Asserts an error response: status, code and the no-store header.
	 */
	private function assertError( int $status, string $code, WP_REST_Response $response ): void {
		$this->assertSame( $status, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( $code, $response->get_data()['code'] );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );
	}

	public function test_routes_are_registered_in_the_namespace(): void {
		$routes = rest_get_server()->get_routes( 'wp-presence/v1' );
		$this->assertArrayHasKey( '/wp-presence/v1/presence', $routes );
		$this->assertArrayHasKey( '/wp-presence/v1/presence/rooms', $routes );
	}

	public function test_arguments_declare_type_pattern_and_required(): void {
		$endpoints = rest_get_server()->get_routes( 'wp-presence/v1' )['/wp-presence/v1/presence'];
		foreach ( $endpoints as $endpoint ) {
			foreach ( array( 'room', 'client_id' ) as $name ) {
				if ( isset( $endpoint['args'][ $name ] ) ) {
					$this->assertSame( 'string', $endpoint['args'][ $name ]['type'] );
					$this->assertSame( WPP_NAME_PATTERN, $endpoint['args'][ $name ]['pattern'] );
					$this->assertTrue( $endpoint['args'][ $name ]['required'] );
				}
			}
		}
	}

	public function test_post_then_get_with_display_name_avatar_and_no_store(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );

		$created = $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'tab-1', 'data' => array( 'screen' => 'dashboard' ) ) );
		$this->assertSame( 201, $created->get_status() );
		$this->assertSame( 'no-store', $created->get_headers()['Cache-Control'] );
		$this->assertSame( $editor->ID, $created->get_data()['user_id'] );

		$again = $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'tab-1', 'data' => array( 'screen' => 'edit' ) ) );
		$this->assertSame( 200, $again->get_status(), 'an update is 200' );

		$list = $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) );
		$this->assertSame( 200, $list->get_status() );
		$this->assertSame( 'no-store', $list->get_headers()['Cache-Control'] );
		$this->assertSame( '1', $list->get_headers()['X-WP-Total'] );
		$this->assertSame( '1', $list->get_headers()['X-WP-TotalPages'] );
		$item = $list->get_data()[0];
		$this->assertSame( 'admin/online', $item['room'] );
		$this->assertSame( 'tab-1', $item['client_id'] );
		$this->assertSame( $editor->ID, $item['user_id'] );
		$this->assertEquals( (object) array( 'screen' => 'edit' ), $item['data'] );
		$this->assertSame( $editor->display_name, $item['display_name'] );
		$this->assertStringStartsWith( 'http', $item['avatar_url'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $item['date_gmt'] );
	}

	public function test_get_is_paginated(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		foreach ( range( 1, 5 ) as $i ) {
			wpp_entries_set( 'admin/online', "c$i", array(), $editor->ID );
			usleep( 1500 );
		}
		$page1 = $this->request( 'GET', '/presence', array( 'room' => 'admin/online', 'per_page' => 2 ) );
		$page3 = $this->request( 'GET', '/presence', array( 'room' => 'admin/online', 'per_page' => 2, 'page' => 3 ) );
		$this->assertSame( '5', $page1->get_headers()['X-WP-Total'] );
		$this->assertSame( '3', $page1->get_headers()['X-WP-TotalPages'] );
		$this->assertSame( array( 'c5', 'c4' ), array_column( $page1->get_data(), 'client_id' ) );
		$this->assertSame( array( 'c1' ), array_column( $page3->get_data(), 'client_id' ) );
		$this->assertError( 400, 'rest_invalid_param', $this->request( 'GET', '/presence', array( 'room' => 'admin/online', 'per_page' => 101 ) ) );
		$this->assertError( 400, 'rest_invalid_param', $this->request( 'GET', '/presence', array( 'room' => 'admin/online', 'page' => 0 ) ) );
	}

	public function test_a_page_far_past_the_end_is_empty_not_an_error(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		wpp_entries_set( 'admin/online', 'c1', array(), $editor->ID );
		// page * per_page overflows a PHP int: it must not reach the backend's ?int $limit.
		foreach ( array( 1000000, PHP_INT_MAX ) as $page ) {
			$response = $this->request( 'GET', '/presence', array( 'room' => 'admin/online', 'per_page' => 100, 'page' => $page ) );
			$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
			$this->assertSame( array(), $response->get_data() );
			$this->assertSame( '1', $response->get_headers()['X-WP-Total'] );
		}
	}

	public function test_logged_out_requests_are_401(): void {
		$this->assertError( 401, 'rest_not_logged_in', $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) ) );
		$this->assertError( 401, 'rest_not_logged_in', $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'c' ) ) );
		$this->assertError( 401, 'rest_not_logged_in', $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online', 'client_id' => 'c' ) ) );
		$this->assertError( 401, 'rest_not_logged_in', $this->request( 'GET', '/presence/rooms' ) );
	}

	public function test_room_access_is_checked_on_read_and_write(): void {
		$subscriber  = self::user( 'subscriber' );
		$contributor = self::user( 'contributor' );
		$post        = self::post( array( 'post_author' => self::user( 'editor' )->ID ) );

		self::log_in( $subscriber );
		$this->assertError( 403, 'wpp_room_forbidden', $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) ) );
		$this->assertError( 403, 'wpp_room_forbidden', $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'c' ) ) );

		self::log_in( $contributor );
		$room = 'postType/post:' . $post->ID;
		$this->assertError( 403, 'wpp_room_forbidden', $this->request( 'GET', '/presence', array( 'room' => $room ) ) );
		$this->assertError( 403, 'wpp_room_forbidden', $this->request( 'POST', '/presence', array( 'room' => $room, 'client_id' => 'c' ) ) );
		$this->assertSame( 200, $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) )->get_status() );
	}

	/**
	 * @dataProvider bad_posts
	 */
	public function test_bad_input_is_400( array $body ): void {
		self::log_in( self::user( 'editor' ) );
		$response = $this->request( 'POST', '/presence', $body );
		$this->assertSame( 400, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$this->assertSame( array(), wpp_backend()->rooms( 86400 ) );
	}

	public static function bad_posts(): array {
		return array(
			'no room'            => array( array( 'client_id' => 'c' ) ),
			'no client id'       => array( array( 'room' => 'admin/online' ) ),
			'room not a string'  => array( array( 'room' => array( 1 ), 'client_id' => 'c' ) ),
			'room too long'      => array( array( 'room' => str_repeat( 'r', 161 ), 'client_id' => 'c' ) ),
			'room 161 bytes'     => array( array( 'room' => str_repeat( 'é', 80 ) . 'r', 'client_id' => 'c' ) ),
			'control character'  => array( array( 'room' => "admin/online\n", 'client_id' => 'c' ) ),
			'room ends in space' => array( array( 'room' => 'admin/online ', 'client_id' => 'c' ) ),
			'client id in space' => array( array( 'room' => 'admin/online', 'client_id' => 'c ' ) ),
			'client id too long' => array( array( 'room' => 'admin/online', 'client_id' => str_repeat( 'c', 129 ) ) ),
			'data not an object' => array( array( 'room' => 'admin/online', 'client_id' => 'c', 'data' => 'x' ) ),
			'data too deep'      => array( array( 'room' => 'admin/online', 'client_id' => 'c', 'data' => array( 'a' => array( 'b' => array( 'c' => array( 'd' => 1 ) ) ) ) ) ),
			'data over 10 KB'    => array( array( 'room' => 'admin/online', 'client_id' => 'c', 'data' => array( 'x' => str_repeat( 'x', 10240 ) ) ) ),
		);
	}

	public function test_a_client_id_of_another_user_is_409(): void {
		$alice = self::user( 'editor' );
		$bob   = self::user( 'editor' );
		wpp_entries_set( 'admin/online', 'shared', array( 'who' => 'alice' ), $alice->ID );

		self::log_in( $bob );
		$this->assertError( 409, 'wpp_client_id_taken', $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'shared' ) ) );
		$this->assertSame( array( 'who' => 'alice' ), wpp_entries_find( 'admin/online', 'shared' )['data'] );
	}

	public function test_the_heartbeat_entries_cannot_be_written_over_rest(): void {
		// `user-{id}` entries carry the display name and avatar every other editor is shown; over
		// REST an editor could otherwise appear to the others under any name and picture.
		$alice = self::user( 'editor' );
		$bob   = self::user( 'editor' );
		$post  = self::post( array( 'post_author' => $alice->ID ) );
		self::log_in( $alice );
		$fake = array( 'display_name' => 'Administrator', 'avatar_url' => 'https://example.com/a.png', 'screen' => 'dashboard' );
		foreach ( array( 'admin/online', 'postType/post:' . $post->ID ) as $room ) {
			foreach ( array( $alice->ID, $bob->ID ) as $owner ) {
				foreach ( array( 'user-', 'editor-', 'agent-' ) as $kind ) {
					$response = $this->request( 'POST', '/presence', array( 'room' => $room, 'client_id' => $kind . $owner, 'data' => $fake ) );
					$this->assertError( 403, 'wpp_client_id_reserved', $response );
				}
			}
		}
		$this->assertSame( array(), wpp_backend()->rooms( 86400 ) );
		$this->assertSame( 201, $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'user-tab' ) )->get_status(), 'other ids are fine' );
	}

	public function test_a_name_ending_in_a_space_is_refused_as_the_database_takes_it_for_another(): void {
		// MySQL compares VARCHARs without their trailing spaces (PAD SPACE, utf8mb4_bin too): in the
		// database backend `user-{id} ` is the heartbeat's own `user-{id}`, and writing it would set
		// the name and avatar every other editor is shown for that user.
		$editor = self::user( 'editor' );
		wpp_write_online( $editor, 'dashboard' );
		self::log_in( $editor );
		$fake = array( 'display_name' => 'Site Administrator', 'avatar_url' => 'https://tracker.example/p.png' );
		foreach ( array( array( 'admin/online', 'user-' . $editor->ID . ' ' ), array( 'admin/online ', 'user-' . $editor->ID ) ) as list( $room, $client ) ) {
			$response = $this->request( 'POST', '/presence', array( 'room' => $room, 'client_id' => $client, 'data' => $fake ) );
			$this->assertSame( 400, $response->get_status(), wp_json_encode( $response->get_data() ) );
		}
		$online = wpp_entries_find( 'admin/online', 'user-' . $editor->ID );
		$this->assertSame( $editor->ID, $online['user_id'] );
		$this->assertSame( $editor->display_name, $online['data']['display_name'] );
		$this->assertSame( array( 'admin/online' ), array_keys( wpp_backend()->rooms( 86400 ) ) );
		$this->assertSame( 1, wpp_backend()->count_room( 'admin/online', 86400 ) );
	}

	public function test_more_than_50_live_entries_per_user_is_429(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		for ( $i = 1; $i <= WPP_REST_Controller::MAX_ENTRIES_PER_USER; $i++ ) {
			$this->assertTrue( wpp_entries_set( "room-$i", 'c', array(), $editor->ID ) );
		}
		$this->assertError( 429, 'wpp_too_many_entries', $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'c51' ) ) );
		$this->assertSame( 200, $this->request( 'POST', '/presence', array( 'room' => 'room-1', 'client_id' => 'c' ) )->get_status(), 'refreshing an own entry is fine' );
	}

	public function test_delete_own_entry_others_need_manage_options(): void {
		$alice = self::user( 'editor' );
		$bob   = self::user( 'editor' );
		$admin = self::user( 'administrator' );
		wpp_entries_set( 'admin/online', 'a', array(), $alice->ID );
		wpp_entries_set( 'admin/online', 'b', array(), $bob->ID );

		self::log_in( $alice );
		$this->assertError( 403, 'wpp_cannot_delete', $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online', 'client_id' => 'b' ) ) );
		$own = $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online', 'client_id' => 'a' ) );
		$this->assertSame( 200, $own->get_status() );
		$this->assertTrue( $own->get_data()['deleted'] );
		$this->assertSame( 'admin/online', $own->get_data()['room'] );
		$this->assertSame( 'a', $own->get_data()['previous']['client_id'] );
		$this->assertSame( 'no-store', $own->get_headers()['Cache-Control'] );
		$again = $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online', 'client_id' => 'a' ) );
		$this->assertSame( 200, $again->get_status(), 'an entry that is not there: 200 for a caller allowed in the room' );
		$this->assertSame( array( 'deleted' => false, 'room' => 'admin/online' ), $again->get_data() );

		self::log_in( $admin );
		$this->assertSame( 200, $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online', 'client_id' => 'b' ) )->get_status() );
		$this->assertSame( array(), wpp_backend()->get_room( 'admin/online', 150 ) );
		$this->assertError( 400, 'rest_missing_callback_param', $this->request( 'DELETE', '/presence', array( 'room' => 'admin/online' ) ) );
	}

	public function test_delete_does_not_reveal_entries_of_rooms_the_user_may_not_see(): void {
		// 403 for an existing entry but 404 for a missing one would tell a contributor who is
		// editing a post they cannot open (postType/post:{id}, client user-{id}).
		$editor      = self::user( 'editor' );
		$contributor = self::user( 'contributor' );
		$room        = 'postType/post:' . self::post( array( 'post_author' => $editor->ID ) )->ID;
		wpp_entries_set( $room, 'user-' . $editor->ID, array(), $editor->ID );

		self::log_in( $contributor );
		$this->assertError( 404, 'wpp_not_found', $this->request( 'DELETE', '/presence', array( 'room' => $room, 'client_id' => 'user-' . $editor->ID ) ) );
		$this->assertError( 404, 'wpp_not_found', $this->request( 'DELETE', '/presence', array( 'room' => $room, 'client_id' => 'user-1234567' ) ) );
		$this->assertNotNull( wpp_entries_find( $room, 'user-' . $editor->ID ) );

		// Whoever may use the room learns that an entry is not there (it could see it anyway).
		self::log_in( $editor );
		$this->assertSame( array( 'deleted' => false, 'room' => $room ), $this->request( 'DELETE', '/presence', array( 'room' => $room, 'client_id' => 'user-1234567' ) )->get_data() );
		self::log_in( $contributor );

		// An own entry in a room the user may no longer see can still be removed.
		wpp_entries_set( $room, 'mine', array(), $contributor->ID );
		$this->assertSame( 200, $this->request( 'DELETE', '/presence', array( 'room' => $room, 'client_id' => 'mine' ) )->get_status() );
	}

	public function test_rooms_lists_only_accessible_rooms_with_their_users(): void {
		$editor      = self::user( 'editor' );
		$contributor = self::user( 'contributor' );
		$post        = self::post( array( 'post_author' => $editor->ID ) );
		$post_room   = 'postType/post:' . $post->ID;
		wpp_entries_set( 'admin/online', 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( 'admin/online', 'user-' . $contributor->ID, array(), $contributor->ID );
		wpp_entries_set( 'admin/online', 'tab-2', array(), $contributor->ID );
		wpp_entries_set( 'admin/online', 'gone', array(), 987654321 ); // A user who no longer exists.
		wpp_entries_set( $post_room, 'user-' . $editor->ID, array(), $editor->ID );

		self::log_in( $editor );
		$rooms = $this->request( 'GET', '/presence/rooms' );
		$this->assertSame( 200, $rooms->get_status() );
		$this->assertSame( 'no-store', $rooms->get_headers()['Cache-Control'] );
		$this->assertSame( '2', $rooms->get_headers()['X-WP-Total'] );
		$this->assertSame( '1', $rooms->get_headers()['X-WP-TotalPages'] );
		$user = static fn( WP_User $u ) => array(
			'user_id'      => $u->ID,
			'display_name' => $u->display_name,
			'avatar_url'   => get_avatar_url( $u->ID, array( 'size' => 32 ) ),
		);
		$this->assertSame(
			array(
				// Busiest first; users by id, the deleted one left out; `entries` counts every entry.
				array( 'room' => 'admin/online', 'user_count' => 2, 'users' => array( $user( $editor ), $user( $contributor ) ), 'entries' => 4 ),
				array( 'room' => $post_room, 'user_count' => 1, 'users' => array( $user( $editor ) ), 'entries' => 1 ),
			),
			$rooms->get_data()
		);

		self::log_in( $contributor );
		$this->assertSame( array( 'admin/online' ), array_column( $this->request( 'GET', '/presence/rooms' )->get_data(), 'room' ) );
	}

	public function test_rooms_is_403_without_edit_posts(): void {
		wpp_entries_set( 'admin/online', 'c', array(), 1 );
		self::log_in( self::user( 'subscriber' ) );
		$this->assertError( 403, 'wpp_rooms_forbidden', $this->request( 'GET', '/presence/rooms' ) );
	}

	public function test_rooms_are_paginated(): void {
		$editor = self::user( 'editor' );
		foreach ( range( 1, 5 ) as $i ) {
			foreach ( range( 1, $i ) as $c ) {
				wpp_entries_set( "room-$i", "c$c", array(), $editor->ID );
			}
		}
		self::log_in( $editor );
		$page1 = $this->request( 'GET', '/presence/rooms', array( 'per_page' => 2 ) );
		$page3 = $this->request( 'GET', '/presence/rooms', array( 'per_page' => 2, 'page' => 3 ) );
		$this->assertSame( '5', $page1->get_headers()['X-WP-Total'] );
		$this->assertSame( '3', $page1->get_headers()['X-WP-TotalPages'] );
		$this->assertSame( array( 'room-5', 'room-4' ), array_column( $page1->get_data(), 'room' ) );
		$this->assertSame( array( 'room-1' ), array_column( $page3->get_data(), 'room' ) );
		$this->assertSame( array(), $this->request( 'GET', '/presence/rooms', array( 'per_page' => 2, 'page' => PHP_INT_MAX ) )->get_data() );
		$this->assertError( 400, 'rest_invalid_param', $this->request( 'GET', '/presence/rooms', array( 'per_page' => 101 ) ) );
		$this->assertSame( 50, rest_get_server()->get_routes( 'wp-presence/v1' )['/wp-presence/v1/presence/rooms'][0]['args']['per_page']['default'] );
	}

	public function test_entries_show_the_current_display_name_and_a_32px_avatar(): void {
		$editor = self::user( 'editor' );
		wpp_entries_set( 'admin/online', 'tab', array( 'display_name' => 'What the entry says' ), $editor->ID );
		wpp_entries_set( 'admin/online', 'gone', array(), 987654321 );
		wp_update_user( array( 'ID' => $editor->ID, 'display_name' => 'Renamed Editor' ) );

		self::log_in( $editor );
		$items = array_column( $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) )->get_data(), null, 'client_id' );
		$this->assertSame( 'Renamed Editor', $items['tab']['display_name'] );
		$this->assertSame( get_avatar_url( $editor->ID, array( 'size' => 32 ) ), $items['tab']['avatar_url'] );
		$this->assertStringContainsString( 's=32', $items['tab']['avatar_url'] );
		$this->assertSame( '', $items['gone']['display_name'], 'a user who no longer exists' );
		$this->assertSame( '', $items['gone']['avatar_url'] );
	}

	public function test_per_page_defaults_to_100(): void {
		$editor = self::user( 'editor' );
		foreach ( range( 1, 101 ) as $i ) {
			wpp_entries_set( 'admin/online', "c$i", array(), $editor->ID );
		}
		self::log_in( $editor );
		$list = $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) );
		$this->assertCount( 100, $list->get_data() );
		$this->assertSame( '101', $list->get_headers()['X-WP-Total'] );
		$this->assertSame( '2', $list->get_headers()['X-WP-TotalPages'] );
	}

	public function test_reserved_client_ids_are_refused_for_writes_and_deletes(): void {
		$alice = self::user( 'editor' );
		$post  = self::post( array( 'post_author' => $alice->ID ) );
		$room  = 'postType/post:' . $post->ID;
		wp_set_presence( $room, '_lock', array(), $alice->ID );
		self::log_in( $alice );
		foreach ( array( '_lock', '_collab', '_anything' ) as $client ) {
			$this->assertError( 400, 'rest_invalid_param', $this->request( 'POST', '/presence', array( 'room' => $room, 'client_id' => $client ) ) );
			$response = $this->request( 'DELETE', '/presence', array( 'room' => $room, 'client_id' => $client ) );
			$this->assertError( 400, 'rest_invalid_param', $response );
			$this->assertSame( 'rest_presence_reserved_client_id', $response->get_data()['data']['details']['client_id']['code'] );
		}
		$this->assertNotNull( wpp_entries_find( $room, '_lock' ), 'the lock is still there' );
		$this->assertSame( array(), $this->request( 'GET', '/presence', array( 'room' => $room ) )->get_data(), 'and never listed' );
	}

	public function test_entries_carry_an_integer_user_id_and_count_until_their_own_expiry(): void {
		$alice = self::user( 'editor' );
		wp_set_presence( 'admin/online', 'gse-old', array(), $alice->ID, gmdate( 'Y-m-d H:i:s', time() - 600 ), 900 );
		self::log_in( $alice );
		$items = $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) )->get_data();
		$this->assertSame( array( 'gse-old' ), array_column( $items, 'client_id' ), 'dated 10 minutes ago, yet present for 15' );
		$this->assertSame( $alice->ID, $items[0]['user_id'], 'an integer over REST, as the feature plugin answers' );
		$this->assertSame( (string) $alice->ID, wp_get_presence( 'admin/online' )[0]->user_id, 'a string in PHP' );
	}

	public function test_with_recording_off_a_write_is_501_and_reads_go_on(): void {
		self::log_in( self::user( 'editor' ) );
		$this->assertSame( 201, $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'tab-1' ) )->get_status() );
		update_option( 'wp_presence_recording', '0' );
		$this->assertError( 501, 'rest_presence_recording_disabled', $this->request( 'POST', '/presence', array( 'room' => 'admin/online', 'client_id' => 'tab-2' ) ) );
		$this->assertCount( 1, $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) )->get_data() );
	}

	public function test_every_get_answer_is_no_store(): void {
		self::log_in( self::user( 'editor' ) );
		$gets = array(
			array( '/presence', array( 'room' => 'admin/online' ) ),
			array( '/presence', array( 'room' => 'postType/post:999999' ) ), // 403.
			array( '/presence', array() ), // 400.
			array( '/presence/rooms', array() ),
		);
		foreach ( $gets as list( $path, $query ) ) {
			$response = $this->request( 'GET', $path, $query );
			$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null, $path . ' ' . wp_json_encode( $query ) . ' ' . $response->get_status() );
		}
		wp_set_current_user( 0 );
		$this->assertSame( 'no-store', $this->request( 'GET', '/presence', array( 'room' => 'admin/online' ) )->get_headers()['Cache-Control'] ?? null, 'logged out (401)' );
	}

	/**
	 * What WP_REST_Server::serve_request() does after dispatching: an unknown route of ours (404,
	 * before any route callback) and the namespace index also get no-store.
	 */
	public function test_unknown_routes_and_the_index_of_our_namespace_are_no_store_too(): void {
		self::log_in( self::user( 'editor' ) );
		foreach ( array( '/wp-presence/v1/presence/nope', '/wp-presence/v1' ) as $route ) {
			$request  = new WP_REST_Request( 'GET', $route );
			$response = apply_filters( 'rest_post_dispatch', rest_get_server()->dispatch( $request ), rest_get_server(), $request );
			$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null, $route );
		}
		$this->assertSame( 404, rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/wp-presence/v1/presence/nope' ) )->get_status() );
	}

	public function test_other_namespaces_get_no_header_from_us(): void {
		self::log_in( self::user( 'editor' ) );
		$response = rest_get_server()->dispatch( new WP_REST_Request( 'GET', '/wp/v2/types' ) );
		$this->assertArrayNotHasKey( 'Cache-Control', $response->get_headers() );
	}
}
