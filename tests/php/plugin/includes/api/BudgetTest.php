<?php
/**
 * One write budget per user (plugin/includes/api/budget.php), on every path that writes: floods
 * of REST entries, heartbeat post rooms and stale marks (both routes) stop at the budget with a
 * 429 and `Retry-After`, the store grows by the budget at most, and nothing of anyone else's goes
 * (on shared memory: no live entry is evicted). On the backend of the run, so on shared memory,
 * Redis and the database.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_budget_check_entry
 * @covers ::wpp_budget_charge_mark
 * @covers ::wpp_budget_response
 */
final class BudgetTest extends WPP_Heartbeat_TestCase {

	/**
	 * Someone else, present everywhere a flood could reach: online, in a post, with a REST entry
	 * and a revision of a screen they saved.
	 */
	private WP_User $other;

	/**
	 * Live entries of the store on this site, by room.
	 */
	private static function store(): array {
		return wpp_backend()->rooms( DAY_IN_SECONDS );
	}

	/**
	 * How many live entries the store holds on this site.
	 */
	private static function entries(): int {
		return (int) array_sum( array_column( self::store(), 'entries' ) );
	}

	/**
	 * The shared-memory segment's count of live entries evicted to make room (null on other stores).
	 */
	private static function evicted(): ?int {
		if ( ! wpp_backend() instanceof WPP_Native_Backend || 'shm' !== ( presence_stats()['backend'] ?? '' ) ) {
			return null;
		}
		return (int) ( presence_stats()['evictions']['lru'] ?? 0 );
	}

	protected function setUp(): void {
		parent::setUp();
		$this->other = self::user( 'editor' );
		$this->heartbeat( $this->other, $this->editor_data( $this->post_id ), 'post' );
		$this->assertTrue( wpp_entries_set( 'integration/doc-1', 'tab-1', array( 'x' => 1 ), $this->other->ID ) );
		wp_set_current_user( $this->other->ID );
		$this->assertIsInt( wpp_stale_screen_mark( 'their-plugin/settings' ) );
		wp_set_current_user( 0 );
	}

	/**
	 * Everything of the other user is still there.
	 */
	private function assert_the_other_user_keeps_everything(): void {
		$client = wpp_client_ids_user( $this->other->ID );
		$this->assertNotNull( wpp_entries_find( WPP_ADMIN_ROOM, $client ), 'their online entry' );
		$this->assertNotNull( wpp_entries_find( $this->post_room(), wpp_client_ids_editor( $this->other->ID ) ), 'their post room entry' );
		$this->assertNotNull( wpp_entries_find( 'integration/doc-1', 'tab-1' ), 'their REST entry' );
		$this->assertSame( $this->other->ID, wpp_backend()->get_room( wpp_stale_screen_room( 'their-plugin/settings' ), DAY_IN_SECONDS )[0]['data']['user_id'] ?? null, 'their revision' );
	}

	private static function dispatch( string $method, string $route, array $body ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/wp-presence/v1' . $route );
		if ( 'GET' === $method ) {
			$request->set_query_params( $body );
		} else {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( wp_json_encode( $body ) );
		}
		return rest_get_server()->dispatch( $request );
	}

	/**
	 * Asserts a 429 with a `Retry-After` of whole seconds between $min and $max.
	 */
	private function assert_over_budget( WP_REST_Response $response, string $code, int $min, int $max ): void {
		$this->assertSame( 429, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( $code, $response->get_data()['code'] );
		$retry = $response->get_headers()['Retry-After'] ?? '';
		$this->assertMatchesRegularExpression( '/^[0-9]+$/', $retry );
		$this->assertGreaterThanOrEqual( $min, (int) $retry );
		$this->assertLessThanOrEqual( $max, (int) $retry );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );
	}

	public function test_a_rest_flood_stops_at_the_entries_budget(): void {
		$limit   = wpp_budget_limits()['entries'];
		$before  = self::entries();
		$evicted = self::evicted();
		$flooder = self::user( 'editor' );
		self::log_in( $flooder );

		$statuses = array();
		$last     = null;
		for ( $i = 1; $i <= 300; $i++ ) {
			$last       = self::dispatch( 'POST', '/presence', array( 'room' => "flood/room-$i", 'client_id' => "c$i" ) );
			$statuses[] = $last->get_status();
		}
		$this->assertSame( array( 201 => $limit, 429 => 300 - $limit ), array_count_values( $statuses ) );
		$this->assert_over_budget( $last, 'wpp_too_many_entries', 1, wpp_entries_default_ttl() );
		$this->assertSame( $before + $limit, self::entries(), 'the store grew by the budget' );
		$this->assertSame( 200, self::dispatch( 'POST', '/presence', array( 'room' => 'flood/room-1', 'client_id' => 'c1', 'data' => array( 'again' => true ) ) )->get_status(), 'refreshing an own entry still works' );
		$this->assert_the_other_user_keeps_everything();
		$this->assertSame( $evicted, self::evicted() );
	}

	public function test_heartbeats_naming_many_posts_stop_at_the_entries_budget_and_are_answered(): void {
		$limit   = wpp_budget_limits()['entries'];
		$evicted = self::evicted();
		$flooder = self::user( 'editor' );
		$posts   = array();
		for ( $i = 0; $i < $limit + 10; $i++ ) {
			$posts[] = self::post( array( 'post_title' => "Flooded $i", 'post_status' => 'draft' ) )->ID;
		}
		foreach ( $posts as $post_id ) {
			$answer = $this->heartbeat( $flooder, $this->editor_data( $post_id ), 'post' );
			$this->assertArrayHasKey( 'presence-editors', $answer, 'every tick is answered' );
		}
		$held = wpp_backend()->user_entries( $flooder->ID, DAY_IN_SECONDS );
		$this->assertCount( $limit, $held, 'their online entry and a post room each, up to the budget' );
		$this->assertNotNull( wpp_entries_find( WPP_ADMIN_ROOM, wpp_client_ids_user( $flooder->ID ) ) );
		$this->assertNull( wpp_entries_find( $this->post_room( end( $posts ) ), wpp_client_ids_editor( $flooder->ID ) ), 'no room past the budget' );
		$this->assertNotNull( wpp_entries_find( $this->post_room( $posts[0] ), wpp_client_ids_editor( $flooder->ID ) ), 'the first rooms are kept fresh' );
		$this->assert_the_other_user_keeps_everything();
		$this->assertSame( $evicted, self::evicted() );
	}

	public function test_a_user_at_the_budget_is_still_online(): void {
		$user = self::user( 'editor' );
		self::log_in( $user );
		for ( $i = 1; $i <= wpp_budget_limits()['entries']; $i++ ) {
			$this->assertTrue( wpp_entries_set( "room-$i", 'c', array(), $user->ID ) );
		}
		$this->assertInstanceOf( WP_Error::class, wpp_budget_check_entry( $user->ID, 'room-x', 'c' ) );
		$this->heartbeat( $user, $this->ping() );
		$this->assertNotNull( wpp_entries_find( WPP_ADMIN_ROOM, wpp_client_ids_user( $user->ID ) ), 'one online entry per user always passes' );
		$this->assertTrue( wpp_budget_check_entry( 0, 'room-x', 'c' ), 'writes of the site itself (no user) are not budgeted' );
	}

	public function test_stale_mark_floods_on_both_routes_add_a_few_dozen_entries(): void {
		$limit       = wpp_budget_limits()['marks'];
		$before      = self::entries();
		$evicted     = self::evicted();
		$contributor = self::user( 'contributor' );
		self::log_in( $contributor );

		// Keys no screen declared to them: refused, nothing written.
		for ( $i = 1; $i <= 30; $i++ ) {
			$this->assertSame( 403, self::dispatch( 'POST', '/screens/stale', array( 'key' => "flood/$i" ) )->get_status() );
			$this->assertSame( 403, self::dispatch( 'POST', '/presence/screen-revisions/stale', array( 'screen_key' => "flood/$i" ) )->get_status() );
		}
		$this->assertSame( $before, self::entries() );

		// 300 keys their screens did declare (a token each), half on each route.
		$statuses = array();
		$last     = null;
		for ( $i = 1; $i <= 300; $i++ ) {
			$key        = "flood/$i";
			$last       = 0 === $i % 2
				? self::dispatch( 'POST', '/screens/stale', array( 'key' => $key, 'token' => wpp_stale_screen_token( $key ) ) )
				: self::dispatch( 'POST', '/presence/screen-revisions/stale', array( 'screen_key' => $key, 'token' => wpp_stale_screen_token( $key ) ) );
			$statuses[] = $last->get_status();
		}
		$this->assertSame( array( 200 => $limit, 429 => 300 - $limit ), array_count_values( $statuses ) );
		$this->assert_over_budget( $last, 'wpp_too_many_marks', DAY_IN_SECONDS - 120, DAY_IN_SECONDS );
		$added = self::entries() - $before;
		$this->assertSame( 2 * $limit, $added, 'a revision and a ledger entry per screen' );
		$this->assertLessThanOrEqual( 48, $added, 'a few dozen at most' );
		$this->assertSame( $limit, wpp_backend()->count_room( WPP_BUDGET_ROOM_PREFIX . $contributor->ID, DAY_IN_SECONDS ), 'their ledger' );
		$this->assert_the_other_user_keeps_everything();
		$this->assertSame( $evicted, self::evicted() );

		$this->assertSame( 200, self::dispatch( 'POST', '/screens/stale', array( 'key' => 'flood/2', 'token' => wpp_stale_screen_token( 'flood/2' ) ) )->get_status(), 'a screen already counted may be marked again' );
	}

	public function test_marking_one_screen_again_and_again_holds_one_revision(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		$before = self::entries();
		$first  = self::dispatch( 'POST', '/screens/stale', array( 'key' => 'one/screen', 'token' => wpp_stale_screen_token( 'one/screen' ) ) )->get_data()['rev'];
		$room   = wpp_stale_screen_room( 'one/screen' );
		$at     = wpp_backend()->get_room( $room, DAY_IN_SECONDS )[0]['updated_at'];
		for ( $i = 0; $i < 50; $i++ ) {
			$again = self::dispatch( 'POST', '/screens/stale', array( 'key' => 'one/screen', 'token' => wpp_stale_screen_token( 'one/screen' ) ) );
			$this->assertSame( 200, $again->get_status() );
			$this->assertSame( $first, $again->get_data()['rev'], 'within seconds, the others were told already' );
		}
		$this->assertSame( $before + 2, self::entries(), 'one revision, one ledger entry' );
		$this->assertSame( $at, wpp_backend()->get_room( $room, DAY_IN_SECONDS )[0]['updated_at'], 'not rewritten' );

		wp_set_current_user( self::user( 'editor' )->ID );
		$other = self::dispatch( 'POST', '/screens/stale', array( 'key' => 'one/screen', 'token' => wpp_stale_screen_token( 'one/screen' ) ) )->get_data()['rev'];
		$this->assertGreaterThan( $first, $other, "someone else's mark is a new revision" );
	}

	public function test_saves_past_their_budget_are_kept_without_a_warning(): void {
		add_filter( 'wpp_budget_limits', static fn( $limits ) => array( 'saves' => 3 ) + $limits );
		$admin = self::user( 'administrator' );
		self::log_in( $admin );
		$terms = array();
		for ( $i = 0; $i < 5; $i++ ) {
			$terms[] = wp_insert_term( "Budget term $i", 'category' )['term_id'];
		}
		foreach ( $terms as $term_id ) {
			$this->assertIsArray( wp_update_term( $term_id, 'category', array( 'name' => "Renamed $term_id" ) ) );
		}
		$marked = array_filter( $terms, static fn( $id ) => array() !== wpp_backend()->get_room( wpp_stale_screen_room( "term/category/$id" ), DAY_IN_SECONDS ) );
		$this->assertSame( array_slice( $terms, 0, 3 ), array_values( $marked ) );
		$this->assertSame( 'Renamed ' . $terms[4], get_term( $terms[4] )->name, 'the save itself is kept' );
		$this->assertSame( 'wpp_too_many_marks', wpp_stale_screen_mark( 'term/category/' . $terms[4] )->get_error_code() );
	}

	public function test_logging_out_does_not_reset_the_budget(): void {
		add_filter( 'wpp_budget_limits', static fn( $limits ) => array( 'marks' => 2 ) + $limits );
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		$mark = static fn( string $key ) => self::dispatch( 'POST', '/screens/stale', array( 'key' => $key, 'token' => wpp_stale_screen_token( $key ) ) )->get_status();
		$this->assertSame( array( 200, 200, 429 ), array( $mark( 'a/1' ), $mark( 'a/2' ), $mark( 'a/3' ) ) );
		do_action( 'wp_logout', $editor->ID );
		self::log_in( $editor );
		$this->assertSame( 429, $mark( 'a/4' ) );
	}

	public function test_ledgers_are_out_of_reach_of_the_rest_api(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		$this->assertSame( 200, self::dispatch( 'POST', '/screens/stale', array( 'key' => 'a/1', 'token' => wpp_stale_screen_token( 'a/1' ) ) )->get_status() );
		$ledger = WPP_BUDGET_ROOM_PREFIX . $editor->ID;
		$this->assertSame( 403, self::dispatch( 'GET', '/presence', array( 'room' => $ledger ) )->get_status() );
		$this->assertSame( 403, self::dispatch( 'POST', '/presence', array( 'room' => $ledger, 'client_id' => 'mark-' . md5( 'a/1' ) ) )->get_status() );
		wp_set_current_user( self::user( 'administrator' )->ID );
		$this->assertNotContains( $ledger, array_column( self::dispatch( 'GET', '/presence/rooms', array() )->get_data(), 'room' ) );
	}
}
