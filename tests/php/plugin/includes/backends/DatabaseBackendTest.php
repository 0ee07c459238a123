<?php
/**
 * WPP_Database_Backend: the shared contract, plus what only the table has (clock, gc, repair).
 *
 * Runs in both runs: the table is there whether or not the extension is loaded.
 *
 * @package Presence
 */

/**
 * @covers WPP_Database_Backend
 */
class DatabaseBackendTest extends WPP_Backend_Contract_TestCase {

	/**
	 * The test clock (unix seconds) read by backends made with clocked().
	 *
	 * @var float
	 */
	private float $now = 0.0;

	protected function backend(): WPP_Backend {
		return new WPP_Database_Backend();
	}

	/**
	 * A database backend whose clock the test moves.
	 */
	private function clocked(): WPP_Database_Backend {
		$this->now = 1_800_000_000.0;
		return new WPP_Database_Backend( fn() => $this->now );
	}

	public function test_name(): void {
		$this->assertSame( 'database', $this->backend()->name() );
	}

	public function test_expiry_and_max_age_follow_the_clock(): void {
		$b = $this->clocked();
		$b->set( 'r', 'a', array(), 1, 150 );
		$this->now += 100;
		$b->set( 'r', 'b', array(), 1, 150 );

		$this->assertSame( array( 'b', 'a' ), array_column( $b->get_room( 'r', 150 ), 'client_id' ) );
		$this->assertSame( array( 'b' ), array_column( $b->get_room( 'r', 60 ), 'client_id' ), 'max_age' );
		$this->assertSame( 1, $b->count_room( 'r', 60 ) );

		$v = $b->room_version( 'r' );
		$this->now += 60; // a: 160 s old, past its TTL.
		$this->assertSame( array( 'b' ), array_column( $b->get_room( 'r', 150 ), 'client_id' ) );
		$this->assertNotSame( $v, $b->room_version( 'r' ) );
		$this->assertSame( array( 'r' => array( 'entries' => 1, 'users' => 1 ) ), $b->rooms( 150 ) );
		$this->assertSame( 0, $b->remove_user( 2 ) );
		$this->assertSame( '2027-01-15 08:01:40', $b->get_room( 'r', 150 )[0]['date_gmt'] );
	}

	public function test_an_entry_lives_at_least_its_ttl_whatever_the_fraction_of_a_second(): void {
		$b          = $this->clocked();
		$this->now += 0.9;
		$b->set( 'r', 'a', array(), 1, 1 );
		$this->now += 0.2; // Past the whole second it was written in, well within its 1 s.
		$this->assertSame( array( 'a' ), array_column( $b->get_room( 'r', 150 ), 'client_id' ) );
		$this->now += 0.9; // 1.1 s after it was written: gone (whole seconds, at most one more).
		$this->assertSame( array(), $b->get_room( 'r', 150 ) );
	}

	public function test_gc_deletes_exactly_the_expired_rows(): void {
		global $wpdb;
		$b = $this->clocked();
		$b->set( 'r', 'old', array(), 1, 10 );
		$b->set( 'r', 'new', array(), 1, 150 );
		$this->now += 11;
		$this->assertSame( 1, $b->gc() );
		$this->assertSame( array( 'new' ), $wpdb->get_col( 'SELECT client_id FROM ' . wpp_table_name() ) );
	}

	public function test_an_upsert_keeps_one_row_per_room_and_client(): void {
		global $wpdb;
		$b = $this->backend();
		$b->set( 'r', 'c', array( 'v' => 1 ), 1, 150 );
		$b->set( 'r', 'c', array( 'v' => 2 ), 1, 150 );
		$this->assertSame( '1', $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . wpp_table_name() . ' WHERE room = %s', 'r' ) ) );
	}

	public function test_get_rooms_is_one_query_whatever_the_number_of_rooms(): void {
		global $wpdb;
		$b     = $this->backend();
		$rooms = array();
		for ( $i = 1; $i <= 20; $i++ ) {
			$rooms[] = "postType/post:$i";
			$b->set( "postType/post:$i", 'a', array(), $i, 150 );
		}
		$before = $wpdb->num_queries;
		$read   = $b->get_rooms( $rooms, 150 );
		$this->assertSame( 1, $wpdb->num_queries - $before );
		$this->assertCount( 20, array_filter( $read ) );
	}

	public function test_get_rooms_and_stats_follow_the_clock(): void {
		$b = $this->clocked();
		$b->set( 'r', 'a', array(), 1, 10 );
		$this->now += 5;
		$b->set( 'r', 'b', array(), 1, 150 );
		$this->assertSame( array( 'b' ), array_column( $b->get_rooms( array( 'r' ), 3 )['r'], 'client_id' ), 'max_age' );
		$this->now += 10; // a expired, not yet deleted.
		$this->assertSame( array( 'b' ), array_column( $b->get_rooms( array( 'r' ), 150 )['r'], 'client_id' ) );
		$stats = $b->stats();
		$this->assertSame( 1, $stats['live_entries'] );
		$this->assertSame( 1, $stats['expired_entries'] );
		$this->assertSame( wpp_table_name(), $stats['table'] );
	}

	public function test_a_refresh_does_not_change_the_version_even_as_time_passes(): void {
		$b = $this->clocked();
		$b->set( 'r', 'a', array( 'x' => 1 ), 1, 150 );
		$v = $b->room_version( 'r' );
		$this->now += 30;
		$b->set( 'r', 'a', array( 'x' => 1 ), 1, 150 );
		$this->assertSame( $v, $b->room_version( 'r' ) );
	}
}
