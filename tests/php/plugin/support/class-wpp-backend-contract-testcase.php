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

	public function test_reserved_entries_are_never_read_counted_or_listed_but_by_a_reserved_prefix(): void {
		$b = $this->backend();
		$b->set( 'postType/post:1', '_lock', array(), 7, 150 );
		$b->set( 'postType/post:1', 'editor-7', array( 'a' => 1 ), 7, 150 );
		$b->set( 'postType/post:2', '_lock', array(), 8, 150 );

		$this->assertSame( array( 'editor-7' ), array_column( $b->get_room( 'postType/post:1', 150 ), 'client_id' ) );
		$this->assertSame( 1, $b->count_room( 'postType/post:1', null ) );
		$this->assertSame( array( 'postType/post:1' ), array_keys( $b->rooms( 150 ) ), 'a room holding only a reserved entry is not listed' );
		$this->assertSame( 1, $b->rooms( 150 )['postType/post:1']['entries'] );
		$this->assertSame( array( 'editor-7' ), array_column( $b->user_entries( 7, 150 ), 'client_id' ) );
		$this->assertSame( array( 'editor-7' ), array_column( $b->get_rooms( array( 'postType/post:1' ), 150 )['postType/post:1'], 'client_id' ) );
		$this->assertSame( array( 'editor-7' ), array_column( $b->by_room_prefix( 'postType/', null ), 'client_id' ) );
		$this->assertSame( 1, $b->stats()['live_entries'] );

		$this->assertSame( array( '_lock' ), array_column( $b->get_room( 'postType/post:1', 150, null, '_' ), 'client_id' ), 'a reserved prefix reads them' );
		$this->assertSame( array( '_lock', '_lock' ), array_column( $b->by_room_prefix( 'postType/', null, null, '_lock' ), 'client_id' ) );
		$this->assertSame( array( '_lock' ), array_column( $b->get_rooms( array( 'postType/post:2' ), 150, '_lock' )['postType/post:2'], 'client_id' ) );
		$this->assertSame( 8, $b->entry( 'postType/post:2', '_lock' )['user_id'], 'entry() returns them' );

		$this->assertSame( 2, $b->remove_user( 7 ), 'a user\'s removal takes their reserved entries too' );
		$this->assertNull( $b->entry( 'postType/post:1', '_lock' ) );
	}

	public function test_client_prefixes_are_literal(): void {
		$b = $this->backend();
		foreach ( array( 'a_b-1', 'axb-1', 'a%b-1', 'aXb-1', 'gse-1', 'gse-2', 'gsex' ) as $client ) {
			$b->set( 'r', $client, array(), 1, 150 );
		}
		$ids = static function ( array $entries ): array {
			$ids = array_column( $entries, 'client_id' );
			sort( $ids );
			return $ids;
		};
		$this->assertSame( array( 'a_b-1' ), $ids( $b->get_room( 'r', null, null, 'a_b-' ) ), '_ is no wildcard' );
		$this->assertSame( array( 'a%b-1' ), $ids( $b->get_room( 'r', null, null, 'a%' ) ), '% is no wildcard' );
		$this->assertSame( array( 'gse-1', 'gse-2' ), $ids( $b->get_room( 'r', null, null, 'gse-' ) ) );
		$this->assertSame( 2, $b->count_room( 'r', null, 'gse-' ) );
		$this->assertSame( array(), $b->get_room( 'r', null, null, 'GSE-' ), 'case matters' );
		$this->assertCount( 7, $b->get_room( 'r', null ) );
	}

	public function test_a_writers_date_is_kept_a_future_one_is_now_and_an_expired_write_removes_the_entry(): void {
		$b    = $this->backend();
		$past = (float) ( time() - 100 );
		$this->assertSame( 'joined', $b->exchange( 'r', 'old', array(), 1, 150, $past, null, '', 0 )['written'] );
		$entry = $b->entry( 'r', 'old' );
		$this->assertSame( gmdate( 'Y-m-d H:i:s', (int) $past ), $entry['date_gmt'], 'a relay keeps its client\'s time' );
		$this->assertEqualsWithDelta( $past, $entry['updated_at'], 0.001 );
		$this->assertSame( array(), $b->get_room( 'r', 60 ), 'max_age reads the date given' );
		$this->assertCount( 1, $b->get_room( 'r', 120 ) );

		$b->exchange( 'r', 'future', array(), 1, 150, (float) ( time() + 3600 ), null, '', 0 );
		$this->assertEqualsWithDelta( microtime( true ), $b->entry( 'r', 'future' )['updated_at'], 5, 'a date after now is now' );

		$this->assertSame( array( 'future', 'old' ), array_column( $b->get_room( 'r', null ), 'client_id' ), 'newest first by the date written' );

		$this->assertSame( 'expired', $b->exchange( 'r', 'old', array(), 1, 50, $past, null, '', 0 )['written'], 'dated 100 s ago for 50 s' );
		$this->assertNull( $b->entry( 'r', 'old' ), 'the entry of that key is gone' );
		$this->assertSame( 'expired', $b->exchange( 'r', 'never', array(), 1, 50, $past, null, '', 0 )['written'] );
		$this->assertSame( array( 'future' ), array_column( $b->get_room( 'r', null ), 'client_id' ) );
	}

	public function test_exchange_says_what_the_write_did_and_reads_the_room_after_it(): void {
		$b     = $this->backend();
		$first = $b->exchange( 'r', 'a', array( 's' => 1 ), 1, 150 );
		$this->assertSame( 'joined', $first['written'] );
		$this->assertSame( array( 'a' ), array_column( $first['entries'], 'client_id' ) );
		$this->assertSame( $b->room_version( 'r' ), $first['version'] );
		$this->assertSame( array( 0, 0 ), array( $first['count'], $first['previous_count'] ), 'no count prefix: nothing counted' );

		$again = $b->exchange( 'r', 'a', array( 's' => 1 ), 1, 150 );
		$this->assertSame( 'refreshed', $again['written'] );
		$this->assertSame( $first['version'], $again['version'], 'a refresh keeps the version' );
		$this->assertSame( 'changed', $b->exchange( 'r', 'a', array( 's' => 2 ), 1, 150 )['written'] );
		$this->assertSame( 'changed', $b->exchange( 'r', 'a', array( 's' => 2 ), 2, 150 )['written'], 'another owner' );

		$b->set( 'r', 'gse-1', array(), 3, 150 );
		$b->set( 'r', '_lock', array(), 3, 150 );
		$read = $b->exchange( 'r', 'gse-2', array( 'x' => 1 ), 3, 150, null, null, 'gse-' );
		$this->assertSame( array( 'gse-2', 'gse-1' ), array_column( $read['entries'], 'client_id' ), 'only the prefix asked, newest first, no reserved entry' );
		$this->assertSame( array( 'gse-2' ), array_column( $b->exchange( 'r', 'gse-2', array( 'x' => 1 ), 3, 150, null, null, 'gse-', 1 )['entries'], 'client_id' ), 'limited' );

		$plain = $b->exchange( 'r', 'b', array(), 1, 150, null, null, '', 0 );
		$this->assertSame( array( 'joined', array(), null ), array( $plain['written'], $plain['entries'], $plain['version'] ), 'a limit of 0 reads nothing' );
		$this->assertNotNull( $b->entry( 'r', 'b' ) );
	}

	public function test_leave_says_whether_it_removed_and_reads_the_room_after_it(): void {
		$b = $this->backend();
		$b->set( 'r', 'a', array(), 1, 150 );
		$b->set( 'r', 'b', array(), 1, 150 );
		$left = $b->leave( 'r', 'a' );
		$this->assertTrue( $left['removed'] );
		$this->assertSame( array( 'b' ), array_column( $left['entries'], 'client_id' ) );
		$this->assertSame( $b->room_version( 'r' ), $left['version'] );
		$this->assertFalse( $b->leave( 'r', 'a' )['removed'], 'not there any more' );
		$this->assertSame( array(), $b->leave( 'r', 'b', null, '', 0 )['entries'] );
		$this->assertSame( array(), $b->get_room( 'r', null ) );
	}

	public function test_leave_keeps_an_entry_written_after_the_time_it_was_given(): void {
		$b = $this->backend();
		$b->set( 'r', 'a', array( 'tab' => 'old' ), 1, 150 );
		$read = $b->entry( 'r', 'a' )['updated_at'];
		usleep( 2000 );
		$b->set( 'r', 'a', array( 'tab' => 'new' ), 1, 150 ); // Another request's write since the read.
		$left = $b->leave( 'r', 'a', null, '', null, '', $read );
		$this->assertFalse( $left['removed'] );
		$this->assertSame( array( 'new' ), array_column( array_column( $left['entries'], 'data' ), 'tab' ) );

		$read = $b->entry( 'r', 'a' )['updated_at'];
		$this->assertTrue( $b->leave( 'r', 'a', null, '', 0, '', $read )['removed'], 'the write as it was read goes' );
		$this->assertNull( $b->entry( 'r', 'a' ) );
	}

	public function test_exchange_and_leave_count_and_remember_the_count_between_calls(): void {
		$b     = $this->backend();
		$room  = 'postType/post:5';
		$count = static fn( $r ) => array( $r['count'], $r['previous_count'] );
		$this->assertSame( array( 1, 0 ), $count( $b->exchange( $room, 'editor-1', array(), 1, 150, null, null, '', 0, 'editor-' ) ), 'a new room remembered nothing' );
		$b->set( $room, 'gse-1', array(), 1, 150 );
		$b->set( $room, '_lock', array(), 1, 150 );
		$this->assertSame( array( 2, 1 ), $count( $b->exchange( $room, 'editor-2', array(), 2, 150, null, null, '', null, 'editor-' ) ), 'only editor- entries count' );
		$this->assertSame( array( 2, 2 ), $count( $b->exchange( $room, 'editor-2', array(), 2, 150, null, null, '', 0, 'editor-' ) ) );
		$this->assertSame( array( 3, 2 ), $count( $b->exchange( $room, 'editor-3', array(), 3, 150, null, 60, 'gse-', 1, 'editor-' ) ), 'whatever the read asks' );
		$this->assertSame( array( 0, 0 ), $count( $b->exchange( $room, 'editor-3', array(), 3, 150 ) ), 'no count prefix: neither counted nor remembered' );
		$this->assertSame( array( 2, 3 ), $count( $b->leave( $room, 'editor-3', null, '', 0, 'editor-' ) ) );
		$this->assertSame( array( 1, 2 ), $count( $b->leave( $room, 'editor-2', null, '', null, 'editor-' ) ) );
		$this->assertSame( array( 0, 1 ), $count( $b->leave( $room, 'editor-1', null, '', null, 'editor-' ) ) );
		$this->assertSame( array( 1, 0 ), $count( $b->exchange( $room, 'editor-4', array(), 4, 150, null, null, '', 0, 'editor-' ) ) );
	}

	public function test_by_room_prefix_reads_every_matching_room_newest_first(): void {
		$b = $this->backend();
		$b->set( 'postType/post:1', 'editor-1', array(), 1, 150 );
		usleep( 2000 );
		$b->set( 'postType/page:2', 'editor-2', array(), 2, 150 );
		usleep( 2000 );
		$b->set( 'admin/online', 'user-1', array(), 1, 150 );
		$b->set( 'postTypes/x', 'c', array(), 1, 150 );

		$entries = $b->by_room_prefix( 'postType/', null );
		$this->assertSame( array( 'postType/page:2', 'postType/post:1' ), array_column( $entries, 'room' ), 'each with its room, newest first' );
		$this->assertSame( array( 'postType/page:2' ), array_column( $b->by_room_prefix( 'postType/', null, 1 ), 'room' ) );
		$this->assertCount( 4, $b->by_room_prefix( '', null ), 'every room of this site' );
		$this->assertSame( array(), $b->by_room_prefix( 'nothing/', null ) );
		$this->assertSame( array( 'editor-2' ), array_column( $b->by_room_prefix( 'postType/', null, null, 'editor-2' ), 'client_id' ) );
	}

	public function test_entry_reads_one_live_entry(): void {
		$b = $this->backend();
		$b->set( 'r', 'a', array( 'k' => 'v' ), 4, 150 );
		$entry = $b->entry( 'r', 'a' );
		$this->assertSame( array( 'client_id', 'data', 'date_gmt', 'room', 'updated_at', 'user_id' ), self::sorted_keys( $entry ) );
		$this->assertSame( array( 'r', 'a', 4, array( 'k' => 'v' ) ), array( $entry['room'], $entry['client_id'], $entry['user_id'], $entry['data'] ) );
		$this->assertNull( $b->entry( 'r', 'b' ) );
		$this->assertNull( $b->entry( str_repeat( 'x', 300 ), 'a' ) );
		$this->assertTrue( $b->available() );
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
