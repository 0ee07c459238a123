<?php
/**
 * The public wp_* API (plugin/includes/api/wp-functions.php) on the backend of this run
 * (PRESENCE_TEST_BACKEND): the same tests pass on native and on database.
 *
 * @package Presence
 */

/**
 * @covers ::wp_get_presence
 * @covers ::wp_set_presence
 * @covers ::wp_remove_presence
 * @covers ::wp_remove_user_presence
 * @covers ::wp_can_access_presence_room
 * @covers ::wp_presence_post_room
 * @covers ::wp_presence_admin_room
 */
class WpFunctionsTest extends WPP_TestCase {

	public function test_the_run_uses_the_requested_backend(): void {
		$this->assertSame( WPP_TEST_BACKEND, wpp_backend()->name() );
		$this->assertSame( array(), wpp_public_api_conflicts() );
		foreach ( WPP_API_FUNCTIONS as $function ) {
			$this->assertSame( realpath( WPP_DIR . '/includes/api/wp-functions.php' ), ( new ReflectionFunction( $function ) )->getFileName(), $function );
		}
	}

	public function test_default_ttl_constant_and_filter(): void {
		$this->assertSame( 150, WP_PRESENCE_DEFAULT_TTL );
		$this->assertSame( 150, wpp_entries_default_ttl() );
		add_filter( 'wp_presence_default_ttl', static fn() => 300 );
		$this->assertSame( 300, wpp_entries_default_ttl() );
		add_filter( 'wp_presence_default_ttl', static fn() => 0 );
		$this->assertSame( 1, wpp_entries_default_ttl(), 'clamped to 1..86400' );
	}

	public function test_set_then_get_returns_objects_with_the_five_fields(): void {
		$this->assertTrue( wp_set_presence( 'admin/online', 'user-3', array( 'screen' => 'edit-post' ), 3 ) );
		$entries = wp_get_presence( 'admin/online' );
		$this->assertCount( 1, $entries );
		$this->assertInstanceOf( stdClass::class, $entries[0] );
		$this->assertSame( array( 'room', 'client_id', 'user_id', 'data', 'date_gmt' ), array_keys( get_object_vars( $entries[0] ) ) );
		$this->assertSame( 'admin/online', $entries[0]->room );
		$this->assertSame( 'user-3', $entries[0]->client_id );
		$this->assertSame( '3', $entries[0]->user_id, 'a string, as the feature plugin returns it' );
		$this->assertSame( array( 'screen' => 'edit-post' ), $entries[0]->data );
		$this->assertEqualsWithDelta( time(), strtotime( $entries[0]->date_gmt . ' UTC' ), 5 );
	}

	public function test_user_id_zero_is_no_owner_even_when_logged_in(): void {
		self::log_in( self::user( 'editor' ) );
		wp_set_presence( 'r', 'c', array() );
		$this->assertSame( '0', wp_get_presence( 'r' )[0]->user_id, 'as in the feature plugin: 0 is nobody, not the current user' );
	}

	public function test_get_is_newest_first(): void {
		wp_set_presence( 'r', 'first', array(), 1 );
		usleep( 2000 );
		wp_set_presence( 'r', 'second', array(), 1 );
		$this->assertSame( array( 'second', 'first' ), wp_list_pluck( wp_get_presence( 'r' ), 'client_id' ) );
	}

	public function test_timeout_accepts_numeric_strings_and_reads_nothing_for_zero_or_nonsense(): void {
		wp_set_presence( 'r', 'c', array(), 1 );
		$this->assertCount( 1, wp_get_presence( 'r', '60' ) );
		$this->assertCount( 1, wp_get_presence( 'r', 999999 ) );
		$this->assertCount( 1, wp_get_presence( 'r' ), 'null: until each entry expires' );
		$this->assertSame( array(), wp_get_presence( 'r', 0 ), 'a window of 0 s holds nothing' );
		$this->assertSame( array(), wp_get_presence( 'r', 'nonsense' ), 'as (int) of it: 0' );
	}

	public function test_remove_presence_is_true_when_the_entry_is_gone_afterwards(): void {
		wp_set_presence( 'r', 'a', array(), 1 );
		wp_set_presence( 'r', 'b', array(), 1 );
		$this->assertTrue( wp_remove_presence( 'r', 'a' ) );
		$this->assertSame( array( 'b' ), wp_list_pluck( wp_get_presence( 'r' ), 'client_id' ) );
		$this->assertTrue( wp_remove_presence( 'r', 'a' ), 'already gone: still true' );
		$this->assertTrue( wp_remove_presence( 'never-used', 'x' ), 'never existed: true' );
		$this->assertSame( array( 'b' ), wp_list_pluck( wp_get_presence( 'r' ), 'client_id' ) );
	}

	public function test_remove_user_presence_is_true_when_the_users_entries_are_gone(): void {
		wp_set_presence( 'r1', 'a', array(), 5 );
		wp_set_presence( 'r2', 'a', array(), 5 );
		wp_set_presence( 'r2', 'b', array(), 6 );
		$this->assertTrue( wp_remove_user_presence( 5 ) );
		$this->assertTrue( wp_remove_user_presence( 5 ), 'nothing left to remove: still true' );
		$this->assertSame( array(), wp_get_presence( 'r1' ) );
		$this->assertSame( array( '6' ), wp_list_pluck( wp_get_presence( 'r2' ), 'user_id' ) );
	}

	public function test_removals_are_false_only_when_the_store_fails(): void {
		wp_set_presence( 'r', 'a', array(), 5 );
		wpp_backend_use( new WPP_Test_Failing_Backend() );
		$this->assertFalse( wp_remove_presence( 'r', 'a' ) );
		$this->assertFalse( wp_remove_user_presence( 5 ) );
		$this->assertSame( 'wpp_store_failed', wpp_entries_remove( 'r', 'a' )->get_error_code() );
		$this->assertStringContainsString( 'disk on fire', wpp_entries_remove_user( 5 )->get_error_message() );
	}

	public function test_a_database_that_refuses_the_delete_is_a_failure(): void {
		if ( 'database' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'database backend runs only' );
		}
		global $wpdb;
		wp_set_presence( 'r', 'a', array(), 5 );
		// A table the database will not write to: a trigger that refuses every DELETE.
		$this->assertNotFalse( $wpdb->query( 'CREATE TRIGGER wpp_test_refuse BEFORE DELETE ON ' . wpp_table_name() . " FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'" ) );
		try {
			$this->assertFalse( wp_remove_presence( 'r', 'a' ) );
			$this->assertFalse( wp_remove_user_presence( 5 ) );
			$this->assertStringContainsString( 'refused by test', wpp_entries_remove( 'r', 'a' )->get_error_message() );
		} finally {
			$wpdb->query( 'DROP TRIGGER wpp_test_refuse' );
			$wpdb->query( 'START TRANSACTION' );
		}
	}

	/**
	 * @dataProvider bad_set_arguments
	 */
	public function test_bad_input_is_refused_and_stores_nothing( $room, $client_id, $state, $user_id = 1 ): void {
		$this->assertFalse( wp_set_presence( $room, $client_id, $state, $user_id ) );
		$this->assertSame( array(), wpp_backend()->rooms( 86400 ) );
	}

	public static function bad_set_arguments(): array {
		$deep  = array( 'a' => array( 'b' => array( 'c' => array( 'd' => 1 ) ) ) );
		$cycle = array( 1 );
		$cycle[] = &$cycle;
		return array(
			'empty room'            => array( '', 'c', array() ),
			'room not a string'     => array( array( 'r' ), 'c', array() ),
			'room null'             => array( null, 'c', array() ),
			'room too long'         => array( str_repeat( 'r', WPP_MAX_ROOM_BYTES + 1 ), 'c', array() ),
			'room invalid UTF-8'    => array( "r\xff", 'c', array() ),
			'room control char'     => array( "r\n1", 'c', array() ),
			'room final newline'    => array( "r\n", 'c', array() ),
			'empty client id'       => array( 'r', '', array() ),
			'client id too long'    => array( 'r', str_repeat( 'c', WPP_MAX_CLIENT_ID_BYTES + 1 ), array() ),
			'client id NUL'         => array( 'r', "c\0", array() ),
			'state 4 levels deep'   => array( 'r', 'c', $deep ),
			'state too large'       => array( 'r', 'c', array( 'x' => str_repeat( 'x', WPP_MAX_STATE_BYTES ) ) ),
			'object inside state'   => array( 'r', 'c', array( 'o' => new stdClass() ) ),
			'NAN inside state'      => array( 'r', 'c', array( 'n' => NAN ) ),
			'invalid UTF-8 in data' => array( 'r', 'c', array( 's' => "\xff" ) ),
			'cyclic state'          => array( 'r', 'c', $cycle ),
		);
	}

	public function test_limits_are_inclusive(): void {
		$room  = str_repeat( 'r', WPP_MAX_ROOM_BYTES );
		$state = array( 'a' => array( 'b' => array( 'c' => 1 ) ) );
		$this->assertTrue( wp_set_presence( $room, str_repeat( 'c', WPP_MAX_CLIENT_ID_BYTES ), $state, 1 ) );
		$this->assertSame( $state, wp_get_presence( $room )[0]->data );
		$big = array( 'x' => str_repeat( 'x', WPP_MAX_STATE_BYTES - 8 ) ); // {"x":"…"} = 8 + n bytes.
		if ( 'native' === wpp_backend()->name() && WPP_Native_Backend::max_state_bytes() < strlen( wp_json_encode( $big ) ) + 16 ) {
			// The extension's own limit (presence.max_state_bytes, 8K by default) is lower than the
			// plugin's: the write is refused cleanly, with the extension's reason, and Site Health
			// asks for 32K (AdminTest).
			$this->assertFalse( wp_set_presence( 'r', 'big', $big, 1 ) );
			$this->assertStringContainsString( 'max_state_bytes', wpp_entries_set( 'r', 'big', $big, 1 )->get_error_message() );
			return;
		}
		$this->assertTrue( wp_set_presence( 'r', 'big', $big, 1 ) );
		$this->assertSame( $big, wp_get_presence( 'r' )[0]->data );
	}

	public function test_bad_input_to_readers_and_removers_is_harmless(): void {
		$this->assertSame( array(), wp_get_presence( '' ) );
		$this->assertSame( array(), wp_get_presence( array() ) );
		$this->assertSame( array(), wp_get_presence( str_repeat( 'r', 500 ) ) );
		// Refused, as an empty or too long room is everywhere (one of the documented differences).
		$this->assertFalse( wp_remove_presence( '', 'c' ) );
		$this->assertFalse( wp_remove_presence( 'r', null ) );
		$this->assertFalse( wp_remove_user_presence( 0 ) );
		$this->assertFalse( wp_remove_user_presence( -3 ) );
		$this->assertFalse( wp_remove_user_presence( 'abc' ) );
		$this->assertFalse( wp_can_access_presence_room( null ) );
		$this->assertFalse( wp_presence_post_room( 0 ) );
		$this->assertFalse( wp_presence_post_room( 'nope' ) );
	}

	public function test_admin_room(): void {
		$this->assertSame( 'admin/online', wp_presence_admin_room() );
	}

	public function test_post_room_needs_presence_support(): void {
		$post = self::post();
		$page = self::post( array( 'post_type' => 'page' ) );
		$this->assertSame( 'postType/post:' . $post->ID, wp_presence_post_room( $post ) );
		$this->assertSame( 'postType/post:' . $post->ID, wp_presence_post_room( $post->ID ) );
		$this->assertSame( 'postType/page:' . $page->ID, wp_presence_post_room( $page ) );

		register_post_type( 'wpp_book', array( 'public' => true ) );
		$book = self::post( array( 'post_type' => 'wpp_book' ) );
		try {
			$this->assertFalse( wp_presence_post_room( $book ) );
			add_post_type_support( 'wpp_book', 'presence' );
			$this->assertSame( 'postType/wpp_book:' . $book->ID, wp_presence_post_room( $book ) );
		} finally {
			unregister_post_type( 'wpp_book' );
		}
	}

	public function test_room_access_rules(): void {
		$editor      = self::user( 'editor' );
		$author      = self::user( 'author' );
		$contributor = self::user( 'contributor' );
		$subscriber  = self::user( 'subscriber' );
		$own_draft   = self::post( array( 'post_author' => $contributor->ID, 'post_status' => 'draft' ) );
		$others      = self::post( array( 'post_author' => $editor->ID ) );
		$page        = self::post( array( 'post_type' => 'page', 'post_author' => $editor->ID ) );

		$this->assertFalse( wp_can_access_presence_room( 'admin/online' ), 'logged out' );
		$this->assertTrue( wp_can_access_presence_room( 'admin/online', $contributor->ID ) );
		$this->assertTrue( wp_can_access_presence_room( 'some/other-room', $author->ID ) );
		$this->assertFalse( wp_can_access_presence_room( 'admin/online', $subscriber->ID ) );

		$own_room    = 'postType/post:' . $own_draft->ID;
		$others_room = 'postType/post:' . $others->ID;
		$this->assertTrue( wp_can_access_presence_room( $own_room, $contributor->ID ) );
		$this->assertFalse( wp_can_access_presence_room( $others_room, $contributor->ID ) );
		$this->assertFalse( wp_can_access_presence_room( $others_room, $author->ID ) );
		$this->assertTrue( wp_can_access_presence_room( $others_room, $editor->ID ) );

		$this->assertTrue( wp_can_access_presence_room( 'postType/page:' . $page->ID, $editor->ID ) );
		$this->assertFalse( wp_can_access_presence_room( 'postType/post:' . $page->ID, $editor->ID ), 'type must match' );
		$this->assertFalse( wp_can_access_presence_room( 'postType/page:' . $others->ID, $editor->ID ), 'type must match' );
		$this->assertFalse( wp_can_access_presence_room( 'postType/post:999999999', $editor->ID ), 'no such post' );
		$this->assertFalse( wp_can_access_presence_room( 'postType/post:abc', $editor->ID ), 'malformed post room' );
		$this->assertFalse( wp_can_access_presence_room( 'postType/post:0', $editor->ID ) );

		self::log_in( $editor );
		$this->assertTrue( wp_can_access_presence_room( $others_room ), '0 = current user' );
		self::log_in( $contributor );
		$this->assertFalse( wp_can_access_presence_room( $others_room ) );
	}

	public function test_access_can_be_filtered(): void {
		$subscriber = self::user( 'subscriber' );
		add_filter( 'wpp_can_access_room', static fn( $allowed, $room ) => $allowed || 'lobby' === $room, 10, 2 );
		$this->assertTrue( wp_can_access_presence_room( 'lobby', $subscriber->ID ) );
		$this->assertFalse( wp_can_access_presence_room( 'admin/online', $subscriber->ID ) );
	}

	public function test_the_deprecated_actions_fire_with_the_feature_plugins(): void {
		$seen = array();
		add_filter( 'deprecated_hook_trigger_error', '__return_false' );
		add_action( 'wpp_entry_set', function ( ...$args ) use ( &$seen ) { $seen[] = array( 'set', $args ); }, 10, 4 );
		add_action( 'wpp_entry_removed', function ( ...$args ) use ( &$seen ) { $seen[] = array( 'removed', $args ); }, 10, 2 );
		add_action( 'wpp_user_entries_removed', function ( ...$args ) use ( &$seen ) { $seen[] = array( 'user', $args ); }, 10, 2 );
		wp_set_presence( 'r', 'c', array( 'a' => 1 ), 4 );
		wp_set_presence( 'r', 'c', array( 'a' => 1 ), 4 ); // A refresh: nothing.
		wp_remove_presence( 'r', 'c' );
		wp_remove_presence( 'r', 'c' ); // Nothing there: nothing.
		wp_set_presence( 'r', 'd', array(), 4 );
		wp_remove_user_presence( 4 );
		wp_remove_user_presence( 4 ); // Nothing left: nothing.
		$this->assertSame(
			array(
				array( 'set', array( 'r', 'c', array( 'a' => 1 ), 4 ) ),
				array( 'removed', array( 'r', 'c' ) ),
				array( 'set', array( 'r', 'd', array(), 4 ) ),
				array( 'user', array( 4, 1 ) ),
			),
			$seen
		);
	}
}
