<?php
/**
 * The behaviour every WPP_Backend must have. Concrete classes say which backend to test:
 * tests/php/plugin/includes/backends/{Native,Database}BackendTest.php.
 *
 * @package Presence
 */

/**
 * Contract tests shared by both backends.
 */
abstract class WPP_Backend_Contract_TestCase extends WPP_TestCase {

	/**
	 * The backend under test.
	 */
	abstract protected function backend(): WPP_Backend;

	public function test_set_then_get_room_returns_the_entry_with_every_key_and_type(): void {
		$b      = $this->backend();
		$before = microtime( true );
		$this->assertTrue( $b->set( 'admin/online', 'user-7', array( 'screen' => 'dashboard', 'n' => 3, 'ok' => true, 'list' => array( 1, 2 ) ), 7, 150 ) );

		$entries = $b->get_room( 'admin/online', 150 );
		$this->assertCount( 1, $entries );
		$e = $entries[0];
		$this->assertSame( array( 'client_id', 'data', 'date_gmt', 'room', 'updated_at', 'user_id' ), self::sorted_keys( $e ) );
		$this->assertSame( 'admin/online', $e['room'] );
		$this->assertSame( 'user-7', $e['client_id'] );
		$this->assertSame( 7, $e['user_id'] );
		$this->assertSame( array( 'screen' => 'dashboard', 'n' => 3, 'ok' => true, 'list' => array( 1, 2 ) ), $e['data'] );
		$this->assertIsFloat( $e['updated_at'] );
		$this->assertEqualsWithDelta( $before, $e['updated_at'], 5.0 );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $e['date_gmt'] );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', (int) $e['updated_at'] ), $e['date_gmt'] );
	}

	public function test_set_replaces_data_and_user_of_the_same_client(): void {
		$b = $this->backend();
		$b->set( 'r', 'c', array( 'v' => 1 ), 1, 150 );
		$b->set( 'r', 'c', array( 'v' => 2 ), 2, 150 );
		$entries = $b->get_room( 'r', 150 );
		$this->assertCount( 1, $entries );
		$this->assertSame( array( 'v' => 2 ), $entries[0]['data'] );
		$this->assertSame( 2, $entries[0]['user_id'] );
	}

	public function test_get_room_is_newest_first_and_honours_the_limit(): void {
		$b = $this->backend();
		foreach ( array( 'a', 'b', 'c' ) as $client ) {
			$b->set( 'r', $client, array(), 1, 150 );
			usleep( 2000 ); // Distinct write times; ordering, not expiry, is under test.
		}
		$b->set( 'r', 'a', array( 'again' => 1 ), 1, 150 ); // Refreshing moves it to the front.
		$this->assertSame( array( 'a', 'c', 'b' ), array_column( $b->get_room( 'r', 150 ), 'client_id' ) );
		$this->assertSame( array( 'a', 'c' ), array_column( $b->get_room( 'r', 150, 2 ), 'client_id' ) );
		$this->assertSame( 3, $b->count_room( 'r', 150 ) );
	}

	public function test_rooms_are_separate_and_compared_byte_for_byte(): void {
		$b = $this->backend();
		$b->set( 'Room', 'c', array(), 1, 150 );
		$b->set( 'room', 'c', array(), 2, 150 );
		$b->set( 'room/sub', 'c', array(), 3, 150 );
		$this->assertSame( array( 1 ), array_column( $b->get_room( 'Room', 150 ), 'user_id' ) );
		$this->assertSame( array( 2 ), array_column( $b->get_room( 'room', 150 ), 'user_id' ) );
		$this->assertSame( array(), $b->get_room( 'nobody-here', 150 ) );
		$this->assertSame( 0, $b->count_room( 'nobody-here', 150 ) );
	}

	public function test_unicode_rooms_client_ids_and_data_round_trip(): void {
		$b = $this->backend();
		$this->assertTrue( $b->set( 'räume/ü:1', 'klient-ß', array( 'title' => 'Grüße – 日本' ), 1, 150 ) );
		$entries = $b->get_room( 'räume/ü:1', 150 );
		$this->assertSame( 'klient-ß', $entries[0]['client_id'] );
		$this->assertSame( 'räume/ü:1', $entries[0]['room'] );
		$this->assertSame( array( 'title' => 'Grüße – 日本' ), $entries[0]['data'] );
	}

	public function test_room_version_changes_on_join_state_user_and_leave_but_not_on_refresh(): void {
		$b  = $this->backend();
		$v0 = $b->room_version( 'r' );
		$b->set( 'r', 'a', array( 's' => 1 ), 1, 150 );
		$v1 = $b->room_version( 'r' );
		$this->assertNotSame( $v0, $v1, 'join' );

		$b->set( 'r', 'a', array( 's' => 1 ), 1, 150 );
		$this->assertSame( $v1, $b->room_version( 'r' ), 'refresh with the same state and user' );

		$b->set( 'r', 'a', array( 's' => 2 ), 1, 150 );
		$v2 = $b->room_version( 'r' );
		$this->assertNotSame( $v1, $v2, 'state change' );

		$b->set( 'r', 'a', array( 's' => 2 ), 5, 150 );
		$v3 = $b->room_version( 'r' );
		$this->assertNotSame( $v2, $v3, 'user change' );

		$b->set( 'r', 'b', array(), 1, 150 );
		$v4 = $b->room_version( 'r' );
		$this->assertNotSame( $v3, $v4, 'second join' );

		$b->remove( 'r', 'b' );
		$this->assertNotSame( $v4, $b->room_version( 'r' ), 'leave' );

		$other = $b->room_version( 'other' );
		$b->set( 'other', 'x', array(), 1, 150 );
		$this->assertNotSame( $other, $b->room_version( 'other' ) );
	}

	public function test_remove_reports_whether_an_entry_went(): void {
		$b = $this->backend();
		$b->set( 'r', 'a', array(), 1, 150 );
		$this->assertTrue( $b->remove( 'r', 'a' ) );
		$this->assertFalse( $b->remove( 'r', 'a' ) );
		$this->assertFalse( $b->remove( 'never', 'a' ) );
		$this->assertSame( array(), $b->get_room( 'r', 150 ) );
	}

	public function test_remove_user_removes_only_that_users_entries(): void {
		$b = $this->backend();
		$b->set( 'r1', 'a', array(), 1, 150 );
		$b->set( 'r2', 'b', array(), 1, 150 );
		$b->set( 'r1', 'c', array(), 2, 150 );
		$this->assertSame( 2, $b->remove_user( 1 ) );
		$this->assertSame( 0, $b->remove_user( 1 ) );
		$this->assertSame( 0, $b->remove_user( 0 ) );
		$this->assertSame( array( 'c' ), array_column( $b->get_room( 'r1', 150 ), 'client_id' ) );
		$this->assertSame( array(), $b->get_room( 'r2', 150 ) );
	}

	public function test_user_entries_lists_a_users_live_entries_newest_first(): void {
		$b = $this->backend();
		$b->set( 'r1', 'a', array(), 3, 150 );
		usleep( 2000 );
		$b->set( 'r2', 'b', array(), 3, 150 );
		$b->set( 'r2', 'c', array(), 4, 150 );
		$this->assertSame( array( 'r2', 'r1' ), array_column( $b->user_entries( 3, 150 ), 'room' ) );
		$this->assertSame( array(), $b->user_entries( 99, 150 ) );
		$this->assertSame( array(), $b->user_entries( 0, 150 ) );
	}

	public function test_rooms_counts_entries_and_distinct_users(): void {
		$b = $this->backend();
		$b->set( 'r1', 'a', array(), 1, 150 );
		$b->set( 'r1', 'b', array(), 1, 150 );
		$b->set( 'r1', 'c', array(), 2, 150 );
		$b->set( 'r2', 'a', array(), 3, 150 );
		$b->set( 'r3', 'a', array(), 0, 150 );
		$b->set( 'r3', 'b', array(), 0, 150 );
		$rooms = $b->rooms( 150 );
		ksort( $rooms );
		$this->assertSame(
			array(
				'r1' => array( 'entries' => 3, 'users' => 2 ),
				'r2' => array( 'entries' => 1, 'users' => 1 ),
				'r3' => array( 'entries' => 2, 'users' => 1 ), // User 0 (no user) counts once.
			),
			$rooms
		);
	}

	public function test_gc_returns_a_count_and_keeps_live_entries(): void {
		$b = $this->backend();
		$b->set( 'r', 'a', array(), 1, 150 );
		$this->assertGreaterThanOrEqual( 0, $b->gc() );
		$this->assertCount( 1, $b->get_room( 'r', 150 ) );
	}

	public function test_bad_input_returns_false_or_empty_and_never_throws(): void {
		$b = $this->backend();
		$this->assertFalse( $b->set( str_repeat( 'x', 300 ), 'c', array(), 1, 150 ) );
		$this->assertFalse( $b->set( '', 'c', array(), 1, 150 ) );
		$this->assertSame( array(), $b->get_room( str_repeat( 'x', 300 ), 150 ) );
		$this->assertSame( array(), $b->get_room( 'r', 150, 0 ) );
		$this->assertSame( 0, $b->count_room( str_repeat( 'x', 300 ), 150 ) );
		$this->assertFalse( $b->remove( str_repeat( 'x', 300 ), 'c' ) );
	}

	public function test_get_rooms_reads_each_room_asked_in_order_newest_first(): void {
		$b = $this->backend();
		$b->set( 'postType/post:1', 'a', array( 'n' => 1 ), 1, 150 );
		usleep( 2000 );
		$b->set( 'postType/post:1', 'b', array( 'n' => 2 ), 2, 150 );
		$b->set( 'postType/post:12', 'a', array(), 1, 150 );
		$b->set( 'postType/post:3', 'a', array(), 3, 150 );

		$rooms = $b->get_rooms( array( 'postType/post:12', 'postType/post:1', 'postType/post:99', str_repeat( 'x', 300 ), '' ), 150 );
		$this->assertSame( array( 'postType/post:12', 'postType/post:1', 'postType/post:99', str_repeat( 'x', 300 ), '' ), array_keys( $rooms ) );
		$this->assertSame( $b->get_room( 'postType/post:1', 150 ), $rooms['postType/post:1'], 'the same entries as one room read' );
		$this->assertSame( array( 'b', 'a' ), array_column( $rooms['postType/post:1'], 'client_id' ) );
		$this->assertSame( array( 1 ), array_column( $rooms['postType/post:12'], 'user_id' ), 'a room is not a prefix of another' );
		$this->assertSame( array(), $rooms['postType/post:99'] );
		$this->assertSame( array(), $rooms[''] );
		$this->assertSame( array(), $b->get_rooms( array(), 150 ) );
	}

	public function test_stats_count_this_sites_live_entries_and_rooms_as_scalars(): void {
		$b = $this->backend();
		$b->set( 'r1', 'a', array(), 1, 150 );
		$b->set( 'r1', 'b', array(), 2, 150 );
		$b->set( 'r2', 'a', array(), 1, 150 );
		$stats = $b->stats();
		$this->assertSame( 3, $stats['live_entries'] );
		$this->assertSame( 2, $stats['rooms'] );
		foreach ( $stats as $name => $value ) {
			$this->assertIsString( $name );
			$this->assertTrue( is_scalar( $value ), "$name is a scalar" );
		}
	}

	/**
	 * Real expiry with a one-second TTL. The database backend also has a clock-driven test; the
	 * extension's clock cannot be moved from PHP, so this one waits.
	 *
	 * @group slow
	 */
	public function test_entries_expire_after_their_ttl(): void {
		$b = $this->backend();
		$b->set( 'r', 'short', array(), 1, 1 );
		$b->set( 'r', 'long', array(), 1, 150 );
		$version = $b->room_version( 'r' );
		usleep( 2_100_000 );
		$this->assertSame( array( 'long' ), array_column( $b->get_room( 'r', 150 ), 'client_id' ) );
		$this->assertSame( 1, $b->count_room( 'r', 150 ) );
		$this->assertNotSame( $version, $b->room_version( 'r' ), 'an expiry is a leave' );
		$this->assertFalse( $b->remove( 'r', 'short' ) );
	}

	/**
	 * Keys of an array, sorted.
	 */
	protected static function sorted_keys( array $a ): array {
		$keys = array_keys( $a );
		sort( $keys );
		return $keys;
	}
}
