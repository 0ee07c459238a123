<?php
/**
 * The public API against the Presence API feature plugin's 0.16 contract, row by row, on the
 * backend of this run: parameter names and defaults (PHP 8 named arguments), the entry shape,
 * client prefixes, timeouts, writers' dates and windows, exchange and leave in one store call,
 * the room parser, agents, the recording switch, availability, and the later array-of-arguments
 * call style.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-test-counting-backend.php';

/**
 * @covers ::wp_get_presence
 * @covers ::wp_get_presence_by_room_prefix
 * @covers ::wp_set_presence
 * @covers ::wp_presence_exchange
 * @covers ::wp_presence_leave
 * @covers ::wp_presence_parse_room
 * @covers ::wp_presence_is_agent_user
 * @covers ::wp_presence_recording_enabled
 * @covers ::wp_presence_is_available
 */
class WpFunctionsFeaturePluginTest extends WPP_TestCase {

	/**
	 * 'Y-m-d H:i:s' of $seconds ago.
	 */
	private static function ago( int $seconds ): string {
		return gmdate( 'Y-m-d H:i:s', time() - $seconds );
	}

	public function test_the_signatures_are_the_feature_plugins(): void {
		$expected = array(
			'wp_get_presence'                => array( 'room', 'timeout=NULL', "client_prefix=''" ),
			'wp_get_presence_by_room_prefix' => array( 'prefix', 'timeout=NULL' ),
			'wp_set_presence'                => array( 'room', 'client_id', 'state', 'user_id=0', 'date_gmt=NULL', 'expires_in=NULL' ),
			'wp_remove_presence'             => array( 'room', 'client_id' ),
			'wp_presence_exchange'           => array( 'room', 'client_id', 'state', 'user_id=0', 'timeout=NULL', "client_prefix=''" ),
			'wp_presence_leave'              => array( 'room', 'client_id', 'timeout=NULL', "client_prefix=''" ),
			'wp_remove_user_presence'        => array( 'user_id' ),
			'wp_can_access_presence_room'    => array( 'room', 'user_id=0' ),
			'wp_presence_post_room'          => array( 'post' ),
			'wp_presence_parse_room'         => array( 'room' ),
			'wp_presence_admin_room'         => array(),
			'wp_presence_is_agent_user'      => array( 'user_id' ),
			'wp_presence_recording_enabled'  => array(),
			'wp_presence_is_available'       => array(),
		);
		foreach ( $expected as $function => $params ) {
			$seen = array_map(
				static fn( ReflectionParameter $p ) => $p->getName() . ( $p->isOptional() ? '=' . var_export( $p->getDefaultValue(), true ) : '' ),
				( new ReflectionFunction( $function ) )->getParameters()
			);
			$this->assertSame( $params, $seen, $function );
		}
		$this->assertSame( WPP_API_FUNCTIONS, array_keys( array_filter( $expected, static fn( $p, $f ) => in_array( $f, WPP_API_FUNCTIONS, true ), ARRAY_FILTER_USE_BOTH ) ) );
		$this->assertSame( '_', WP_PRESENCE_RESERVED_PREFIX );
	}

	public function test_named_arguments_work_as_in_php_8_callers(): void {
		$this->assertTrue( wp_set_presence( room: 'r', client_id: 'gse-1', state: array( 'a' => 1 ), user_id: 5, expires_in: 60 ) );
		$entries = wp_get_presence( room: 'r', client_prefix: 'gse-' );
		$this->assertSame( array( 'gse-1' ), wp_list_pluck( $entries, 'client_id' ) );
		$this->assertSame( array( 'gse-1' ), wp_list_pluck( wp_presence_exchange( room: 'r', client_id: 'gse-1', state: array(), client_prefix: 'gse-' ), 'client_id' ) );
		$this->assertSame( array(), wp_presence_leave( room: 'r', client_id: 'gse-1', client_prefix: 'gse-' ) );
	}

	public function test_entries_have_exactly_the_five_fields_with_a_string_user_id(): void {
		wp_set_presence( 'r', 'c', array( 'k' => 'v' ), 12 );
		wp_set_presence( 'r', 'nobody', array(), 0 );
		foreach ( array( wp_get_presence( 'r' ), wp_get_presence_by_room_prefix( 'r' ), wp_presence_exchange( 'r', 'c', array( 'k' => 'v' ), 12 ) ) as $entries ) {
			$this->assertCount( 2, $entries );
			foreach ( $entries as $entry ) {
				$this->assertSame( array( 'room', 'client_id', 'user_id', 'data', 'date_gmt' ), array_keys( get_object_vars( $entry ) ) );
				$this->assertIsString( $entry->user_id );
				$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $entry->date_gmt );
			}
			$by_client = array_column( $entries, 'user_id', 'client_id' );
			$this->assertSame( array( 'c' => '12', 'nobody' => '0' ), array( 'c' => $by_client['c'], 'nobody' => $by_client['nobody'] ) );
		}
	}

	public function test_any_state_is_taken_as_the_feature_plugin_reads_it_back(): void {
		$this->assertTrue( wp_set_presence( 'r', 'object', (object) array( 'a' => 1, 'b' => (object) array( 'c' => true ) ), 1 ) );
		$this->assertTrue( wp_set_presence( 'r', 'null', null, 1 ) );
		$this->assertTrue( wp_set_presence( 'r', 'scalar', 'just text', 1 ) );
		$data = array_column( array_map( 'get_object_vars', wp_get_presence( 'r' ) ), 'data', 'client_id' );
		$this->assertSame( array( 'a' => 1, 'b' => array( 'c' => true ) ), $data['object'] );
		$this->assertSame( array(), $data['null'] );
		$this->assertSame( array(), $data['scalar'] );
		$this->assertFalse( wp_set_presence( 'r', 'too-big', array( 'x' => str_repeat( 'x', 20000 ) ), 1 ), 'over the limit: refused' );
	}

	public function test_a_client_prefix_reads_only_its_own_rows_literally(): void {
		foreach ( array( 'gse-1', 'gse-2', 'editor-3', 'a_b-1', 'axb-1', 'a%b-1' ) as $client ) {
			wp_set_presence( 'postType/post:9', $client, array(), 3 );
		}
		$ids = static fn( array $entries ) => wp_list_pluck( $entries, 'client_id' );
		$this->assertEqualsCanonicalizing( array( 'gse-1', 'gse-2' ), $ids( wp_get_presence( 'postType/post:9', null, 'gse-' ) ) );
		$this->assertSame( array( 'a_b-1' ), $ids( wp_get_presence( 'postType/post:9', null, 'a_b-' ) ) );
		$this->assertSame( array( 'a%b-1' ), $ids( wp_get_presence( 'postType/post:9', null, 'a%' ) ) );
		$this->assertCount( 6, wp_get_presence( 'postType/post:9' ), "'' is no filter" );
	}

	public function test_reserved_rows_are_never_listed_whatever_the_prefix(): void {
		wp_set_presence( 'postType/post:9', '_lock', array(), 3 );
		wp_set_presence( 'postType/post:9', '_collab', array( 'count' => 2 ), 0 );
		wp_set_presence( 'postType/post:9', 'editor-3', array(), 3 );
		$this->assertSame( array( 'editor-3' ), wp_list_pluck( wp_get_presence( 'postType/post:9' ), 'client_id' ) );
		$this->assertSame( array(), wp_get_presence( 'postType/post:9', null, '_' ) );
		$this->assertSame( array(), wp_get_presence( 'postType/post:9', null, '_lock' ) );
		$this->assertSame( array( 'editor-3' ), wp_list_pluck( wp_get_presence_by_room_prefix( 'postType/' ), 'client_id' ) );
		$this->assertSame( array(), wp_presence_exchange( 'postType/post:9', 'gse-1', array(), 3, null, '_' ) );
		$this->assertSame( array(), wp_presence_leave( 'postType/post:9', 'gse-1', null, '_' ) );
	}

	public function test_a_null_timeout_counts_each_row_until_its_own_expiry_and_a_given_one_ignores_the_ttl_filter(): void {
		wp_set_presence( 'r', 'sixty', array(), 1, self::ago( 60 ) );
		wp_set_presence( 'r', 'long', array(), 1, self::ago( 500 ), 3600 );
		$ids = static fn( array $entries ) => wp_list_pluck( $entries, 'client_id' );
		$this->assertSame( array( 'sixty', 'long' ), $ids( wp_get_presence( 'r' ) ), 'null: the 500 s old row with its hour-long window is present' );

		add_filter( 'wp_presence_default_ttl', static fn() => 600 );
		$this->assertSame( array(), $ids( wp_get_presence( 'r', 30 ) ), 'a 30 s window drops a 60 s old row, whatever the TTL' );
		remove_all_filters( 'wp_presence_default_ttl' );
		add_filter( 'wp_presence_default_ttl', static fn() => 10 );
		$this->assertSame( array( 'sixty' ), $ids( wp_get_presence( 'r', 120 ) ), 'a 120 s window keeps it, though the TTL is now 10' );
		$this->assertSame( array( 'sixty', 'long' ), $ids( wp_get_presence( 'r' ) ), 'a row keeps the window it was written with' );
		$this->assertSame( array(), wp_get_presence( 'r', 0 ) );
		$this->assertSame( array(), wp_get_presence( 'r', -5 ) );
	}

	public function test_a_writers_date_is_kept_a_future_one_clamped_and_an_invalid_one_refused(): void {
		$past = self::ago( 40 );
		$this->assertTrue( wp_set_presence( 'r', 'past', array(), 1, $past ) );
		$this->assertSame( $past, wp_get_presence( 'r', null, 'past' )[0]->date_gmt );
		$this->assertTrue( wp_set_presence( 'r', 'future', array(), 1, gmdate( 'Y-m-d H:i:s', time() + 86400 ) ) );
		$this->assertEqualsWithDelta( time(), strtotime( wp_get_presence( 'r', null, 'future' )[0]->date_gmt . ' UTC' ), 2 );

		wp_set_presence( 'r', 'kept', array( 'v' => 1 ), 1 );
		foreach ( array( 'not-a-date', '2026-02-30 00:00:00', '2026-01-01T00:00:00', '2026-01-01 00:00:00Z', '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00.5', '2026-01-01', '2026-01-01 24:00:00', '2026-01-01 10:60:00', time(), 1.5 ) as $bad ) {
			$this->assertFalse( wp_set_presence( 'r', 'kept', array( 'v' => 2 ), 1, $bad ), var_export( $bad, true ) );
			$error = wp_set_presence( 'r', 'kept', array( 'v' => 2 ), array( 'user_id' => 1, 'date_gmt' => $bad, 'wp_error' => true ) );
			$this->assertSame( 'presence_invalid_date_gmt', $error->get_error_code() );
		}
		$this->assertSame( array( 'v' => 1 ), wp_get_presence( 'r', null, 'kept' )[0]->data, 'nothing stored was lost' );
	}

	public function test_a_window_below_one_second_is_refused_and_one_above_the_cap_trimmed(): void {
		foreach ( array( 0, -5, 'soon', 0.5, '0', '', true ) as $bad ) {
			$this->assertFalse( wp_set_presence( 'r', 'c', array(), 1, null, $bad ), var_export( $bad, true ) );
			$this->assertSame( 'presence_invalid_expires_in', wp_set_presence( 'r', 'c', array(), array( 'expires_in' => $bad, 'wp_error' => true ) )->get_error_code() );
		}
		$this->assertSame( array(), wp_get_presence( 'r' ) );
		$this->assertTrue( wp_set_presence( 'r', 'numeric-string', array(), 1, self::ago( 100 ), '200' ) );
		$this->assertCount( 1, wp_get_presence( 'r' ) );

		add_filter( 'wp_presence_max_expires_in', static fn() => 60 );
		$this->assertTrue( wp_set_presence( 'r', 'a-week', array(), 1, self::ago( 100 ), WEEK_IN_SECONDS ), 'trimmed, not refused' );
		add_filter( 'wp_presence_default_ttl', static fn() => 7200 );
		$this->assertTrue( wp_set_presence( 'r', 'default', array(), 1, self::ago( 100 ) ) );
		$this->assertSame( array( 'numeric-string' ), wp_list_pluck( wp_get_presence( 'r' ), 'client_id' ), 'both windows were trimmed to 60 s: 100 s ago is gone' );
		$this->assertSame( 60, wpp_entries_max_expires_in() );
		remove_all_filters( 'wp_presence_max_expires_in' );
		$this->assertSame( HOUR_IN_SECONDS, wpp_entries_max_expires_in() );
	}

	/**
	 * A relay (the block editor's collaboration plugin) keeps its clients' awareness in presence:
	 * each client with its own time and a short window, read back by its own prefix, then left.
	 */
	public function test_a_relay_writes_its_clients_with_their_own_times_reads_only_its_rows_and_leaves(): void {
		$editor = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID ) );
		$room   = wp_presence_post_room( $post );
		$this->assertTrue( wp_presence_is_available() );
		wp_set_presence( $room, 'editor-' . $editor->ID, array( 'action' => 'editing' ), $editor->ID );

		$clients = array(
			'gse-a' => array( self::ago( 3 ), array( 'cursor' => 10 ) ),
			'gse-b' => array( self::ago( 1 ), array( 'cursor' => 20 ) ),
			'gse-c' => array( self::ago( 40 ), array( 'cursor' => 30 ) ), // Dated past its window: never read.
		);
		foreach ( $clients as $client => list( $date, $state ) ) {
			$this->assertTrue( wp_set_presence( $room, $client, $state, $editor->ID, $date, 30 ) );
		}
		$mine = wp_get_presence( $room, null, 'gse-' );
		$this->assertSame( array( 'gse-b', 'gse-a' ), wp_list_pluck( $mine, 'client_id' ), 'only its own rows, newest first by their own time' );
		$this->assertSame( array( $clients['gse-b'][0], $clients['gse-a'][0] ), wp_list_pluck( $mine, 'date_gmt' ) );
		$this->assertSame( array( 'cursor' => 20 ), $mine[0]->data );
		$this->assertSame( (string) $editor->ID, $mine[0]->user_id );

		$after = wp_presence_exchange( $room, 'gse-a', array( 'cursor' => 11 ), array( 'user_id' => $editor->ID, 'client_prefix' => 'gse-', 'date_gmt' => self::ago( 0 ), 'expires_in' => 30 ) );
		$this->assertSame( array( 'gse-a', 'gse-b' ), wp_list_pluck( $after, 'client_id' ) );
		$this->assertSame( array( 'cursor' => 11 ), $after[0]->data );

		$this->assertSame( array( 'gse-b' ), wp_list_pluck( wp_presence_leave( $room, 'gse-a', null, 'gse-' ), 'client_id' ) );
		$this->assertSame( array(), wp_presence_leave( $room, 'gse-b', array( 'client_prefix' => 'gse-' ) ) );
		$this->assertSame( array( 'editor-' . $editor->ID ), wp_list_pluck( wp_get_presence( $room ), 'client_id' ), 'the editor entry is untouched' );
	}

	public function test_exchange_and_leave_are_one_call_of_the_store(): void {
		$counting = new WPP_Test_Counting_Backend( wpp_backend() );
		wpp_backend_use( $counting );
		wp_set_presence( 'postType/post:3', 'editor-1', array(), 1 );
		$counting->reset();

		$entries = wp_presence_exchange( 'postType/post:3', 'gse-1', array( 'x' => 1 ), 1 );
		$this->assertSame( array( 'exchange' => 1 ), $counting->calls );
		$this->assertSame( array( 'gse-1', 'editor-1' ), wp_list_pluck( $entries, 'client_id' ), 'the room after the write' );

		$counting->reset();
		$this->assertSame( array( 'editor-1' ), wp_list_pluck( wp_presence_leave( 'postType/post:3', 'gse-1' ), 'client_id' ) );
		$this->assertSame( array( 'leave' => 1 ), $counting->calls );

		$counting->reset();
		wp_set_presence( 'postType/post:3', 'gse-2', array(), 1 );
		$this->assertSame( array( 'exchange' => 1 ), $counting->calls, 'a write alone: one call too' );
	}

	public function test_exchange_returns_the_room_when_the_write_is_refused_or_the_error_when_asked(): void {
		wp_set_presence( 'r', 'other', array(), 2 );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$this->assertSame( array( 'other' ), wp_list_pluck( wp_presence_exchange( 'r', 'me', array(), 1 ), 'client_id' ) );
		$this->assertSame( 'presence_recording_disabled', wp_presence_exchange( 'r', 'me', array(), array( 'user_id' => 1, 'wp_error' => true ) )->get_error_code() );
		$this->assertSame( array( 'other' ), wp_list_pluck( wp_presence_exchange( 'r', 'me', array(), 'user_id=1&timeout=60' ), 'client_id' ), 'a query string of arguments' );
	}

	public function test_the_array_of_arguments_takes_every_argument_and_a_positional_call_still_works(): void {
		$date = self::ago( 10 );
		$this->assertTrue( wp_set_presence( 'r', 'c', array( 'v' => 1 ), array( 'user_id' => 4, 'date_gmt' => $date, 'expires_in' => 100 ) ) );
		$entry = wp_get_presence( 'r', array( 'client_prefix' => 'c', 'timeout' => 60 ) )[0];
		$this->assertSame( array( '4', $date ), array( $entry->user_id, $entry->date_gmt ) );
		$this->assertSame( array(), wp_get_presence( 'r', array( 'timeout' => 5 ) ) );
		$this->assertSame( array( 'c' ), wp_list_pluck( wp_get_presence( 'r', 'timeout=60&client_prefix=c' ), 'client_id' ) );
		$this->assertSame( array( 'c' ), wp_list_pluck( wp_get_presence_by_room_prefix( 'r', array( 'timeout' => 60 ) ), 'client_id' ) );
		$this->assertSame( array(), wp_presence_leave( 'r', 'c', array( 'timeout' => 60 ) ) );
		$this->assertSame( 'wpp_invalid_room', wp_set_presence( '', 'c', array(), array( 'wp_error' => true ) )->get_error_code() );
		$this->assertTrue( wp_set_presence( 'r', 'positional', array(), 3, null, null ) );
	}

	public function test_a_failed_write_is_presence_write_failed_with_wp_error(): void {
		wpp_backend_use( new WPP_Test_Failing_Backend() );
		$this->assertFalse( wp_set_presence( 'r', 'c', array() ) );
		$error = wp_set_presence( 'r', 'c', array(), array( 'wp_error' => true ) );
		$this->assertSame( 'presence_write_failed', $error->get_error_code() );
		$this->assertStringContainsString( 'disk on fire', $error->get_error_message() );
		$this->assertSame( array(), wp_presence_exchange( 'r', 'c', array() ) );
		$this->assertFalse( wp_presence_is_available() );
	}

	public function test_by_room_prefix_reads_every_room_newest_first_without_internal_rooms(): void {
		wp_set_presence( 'postType/post:1', 'editor-1', array(), 1, self::ago( 20 ) );
		wp_set_presence( 'postType/page:2', 'editor-2', array(), 2, self::ago( 10 ) );
		wp_set_presence( 'admin/online', 'user-1', array(), 1 );
		wpp_backend()->set( 'users/last-seen', 'user-1', array(), 0, 600 );
		wpp_backend()->set( 'screens/options/general', 'revision', array(), 0, 600 );
		wpp_backend()->set( WPP_BUDGET_ROOM_PREFIX . '1', 'mark-1', array(), 1, 600 ); // A write budget's ledger.

		$who = wp_get_presence_by_room_prefix( 'postType/' );
		$this->assertSame( array( 'postType/page:2', 'postType/post:1' ), wp_list_pluck( $who, 'room' ), 'who edits which post, newest first' );
		$this->assertSame( array( 'postType/page:2' ), wp_list_pluck( wp_get_presence_by_room_prefix( 'postType/', 15 ), 'room' ) );
		$this->assertEqualsCanonicalizing( array( 'postType/post:1', 'postType/page:2', 'admin/online' ), wp_list_pluck( wp_get_presence_by_room_prefix( '' ), 'room' ), 'the plugin\'s internal rooms are left out' );
		$this->assertSame( array(), wp_get_presence_by_room_prefix( 'postType/', 0 ) );
		$this->assertSame( array(), wp_get_presence_by_room_prefix( array() ) );
	}

	public function test_parse_room_reads_a_post_room_as_the_feature_plugin_does(): void {
		$cases = array(
			'postType/post:42'    => array( 'post_type' => 'post', 'post_id' => 42 ),
			'postType/post:0'     => array( 'post_type' => 'post', 'post_id' => 0 ),
			'postType/post:007'   => array( 'post_type' => 'post', 'post_id' => 7 ),
			'postType/wp_block:5' => array( 'post_type' => 'wp_block', 'post_id' => 5 ),
			'postType/a/b:5'      => array( 'post_type' => 'a/b', 'post_id' => 5 ),
			'postType/a:b:1'      => false,
			'postType/post:42/x'  => false,
			'postType/post:abc'   => false,
			'postType/:1'         => false,
			"postType/post:1\n"   => false,
			'admin/online'        => false,
		);
		foreach ( $cases as $room => $expected ) {
			$this->assertSame( $expected, wp_presence_parse_room( $room ), $room );
		}
		$this->assertFalse( wp_presence_parse_room( 42 ) );
	}

	public function test_a_role_that_edits_only_pages_or_a_custom_type_may_join_rooms_that_are_not_a_posts(): void {
		register_post_type( 'wpp_book', array( 'show_ui' => true, 'capability_type' => 'book', 'map_meta_cap' => true ) );
		$librarian = self::user( 'subscriber' );
		$librarian->add_cap( 'edit_books' );
		$pages = self::user( 'subscriber' );
		$pages->add_cap( 'edit_pages' );
		try {
			$this->assertTrue( wp_can_access_presence_room( 'admin/online', $librarian->ID ) );
			$this->assertTrue( wp_can_access_presence_room( 'some/room', $pages->ID ) );
			$this->assertFalse( wp_can_access_presence_room( 'admin/online', self::user( 'subscriber' )->ID ) );
			$post = self::post();
			$this->assertFalse( wp_can_access_presence_room( 'postType/page:' . $post->ID, self::user( 'administrator' )->ID ), 'the room names another type than the post\'s' );
		} finally {
			unregister_post_type( 'wpp_book' );
		}
	}

	public function test_agents_are_whom_the_filter_names_and_the_ai_plugin_has_its_say(): void {
		$this->assertFalse( wp_presence_is_agent_user( 5 ) );
		add_filter( 'wp_presence_is_agent_user', static fn( $is, $id ) => 5 === $id, 10, 2 );
		$this->assertTrue( wp_presence_is_agent_user( 5 ) );
		$this->assertTrue( wp_presence_is_agent_user( '5' ) );
		$this->assertFalse( wp_presence_is_agent_user( 6 ) );

		list( $last, $noise ) = self::run_child( 'agent-child.php' );
		$this->assertSame( array( '7' => true, '9' => false, '8' => true, 'later' => false ), json_decode( $last, true ), $noise );
	}

	public function test_recording_follows_the_option_the_network_and_the_filters(): void {
		$this->assertTrue( wp_presence_recording_enabled(), 'on when never set' );
		update_option( 'wp_presence_recording', '0' );
		$this->assertFalse( wp_presence_recording_enabled() );
		add_filter( 'wp_presence_recording_enabled', '__return_true' );
		$this->assertTrue( wp_presence_recording_enabled(), 'the filter has the last word' );
		remove_all_filters( 'wp_presence_recording_enabled' );
		update_option( 'wp_presence_recording', '1' );
		if ( is_multisite() ) {
			update_site_option( 'wp_presence_network_recording', '0' );
			$this->assertFalse( wp_presence_recording_enabled(), 'the network off wins' );
			add_filter( 'wp_presence_network_recording_enabled', '__return_true' );
			$this->assertTrue( wp_presence_recording_enabled() );
			add_filter( 'wp_presence_recording_enabled', '__return_false' );
			$this->assertFalse( wp_presence_recording_enabled(), 'the site off wins over the network filter' );
		} else {
			add_filter( 'wp_presence_network_recording_enabled', '__return_false' );
			$this->assertTrue( wp_presence_recording_enabled(), 'no network filter on a single site' );
		}
	}

	public function test_with_recording_off_writes_stop_but_for_reserved_rows_and_reads_go_on(): void {
		wp_set_presence( 'r', 'before', array(), 1 );
		update_option( 'wp_presence_recording', '0' );
		$this->assertFalse( wp_presence_is_available() );
		$this->assertFalse( wp_set_presence( 'r', 'after', array(), 1 ) );
		$this->assertSame( 'presence_recording_disabled', wp_set_presence( 'r', 'after', array(), array( 'wp_error' => true ) )->get_error_code() );
		$this->assertTrue( wp_set_presence( 'postType/post:1', '_lock', array(), 1 ), 'a reserved row is written' );
		$this->assertNotNull( wpp_entries_find( 'postType/post:1', '_lock' ) );
		$this->assertSame( array( 'before' ), wp_list_pluck( wp_get_presence( 'r' ), 'client_id' ), 'what is stored stays until it expires' );
		$this->assertTrue( wp_remove_presence( 'r', 'before' ), 'removals go on' );
		update_option( 'wp_presence_recording', '1' );
		$this->assertTrue( wp_presence_is_available() );
	}
}
