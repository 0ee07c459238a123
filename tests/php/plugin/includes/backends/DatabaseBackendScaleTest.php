<?php
/**
 * The database backend at scale (plugin/includes/backends/class-wpp-database-backend.php and the
 * `room_live` index of table.php): the reads behind Active posts (post rooms) and `GET
 * /presence/rooms` (every room but the internal ones) read index ranges of the rooms they need,
 * so thousands of rows of other rooms — a flood of screen revisions, ledgers — cost them nothing.
 * Counted in rows the server read (MariaDB's Handler_read_* counters), never timed; the figures
 * at 50 000 rows are printed by benches/database-scale.php.
 *
 * Runs on every run of the suite: the table is there whichever backend the run is about.
 *
 * @package Presence
 */

/**
 * @covers WPP_Database_Backend::rooms
 * @covers ::wpp_table_schema
 */
final class DatabaseBackendScaleTest extends WPP_TestCase {

	private WPP_Database_Backend $backend;

	protected function setUp(): void {
		parent::setUp();
		$this->backend = new WPP_Database_Backend();
		wpp_backend_use( $this->backend );
	}

	/**
	 * Adds $n rows to the table in one statement (inside the test's transaction).
	 *
	 * @param int      $n   How many.
	 * @param callable $row ( i, now ) => [room, client_id, user_id, expires_at].
	 */
	private static function insert( int $n, callable $row ): void {
		global $wpdb;
		$now    = time();
		$values = array();
		for ( $i = 0; $i < $n; $i++ ) {
			list( $room, $client, $user, $expires ) = $row( $i, $now );
			$values[] = $wpdb->prepare( '(%s, %s, %d, %s, %s, %d)', $room, $client, $user, '{"display_name":"Someone"}', sprintf( '%.6F', min( $now, $expires - 150 ) ), $expires );
		}
		$wpdb->query( 'INSERT INTO ' . wpp_table_name() . ' (room, client_id, user_id, data, updated_at, expires_at) VALUES ' . implode( ', ', $values ) ); // phpcs:ignore WordPress.DB
	}

	/**
	 * Rows the server read for $read (index entries and table rows, however it reached them).
	 */
	private static function rows_read( callable $read ): int {
		global $wpdb;
		$count  = static function () use ( $wpdb ): int {
			$total = 0;
			foreach ( (array) $wpdb->get_results( "SHOW SESSION STATUS LIKE 'Handler_read%'", ARRAY_N ) as list( $name, $value ) ) {
				$total += 'Handler_read_key' === $name ? 0 : (int) $value; // Lookups, not rows.
			}
			return $total;
		};
		$before = $count();
		$read();
		return $count() - $before; // MariaDB's SHOW STATUS reads no rows itself.
	}

	public function test_the_rooms_a_reader_needs_are_read_without_the_rows_of_other_rooms(): void {
		// What a dashboard needs: a few people in post rooms, and post-room rows expired an hour ago
		// (the hourly clean-up has not run yet).
		foreach ( array( 11, 12, 13 ) as $post ) {
			$this->assertTrue( $this->backend->set( "postType/post:$post", 'user-1', array(), 1, 150 ) );
		}
		self::insert( 300, static fn( $i, $now ) => array( 'postType/post:' . ( 1000 + $i ), 'user-2', 2, $now - 3000 ) );
		$flood = static function ( int $from ): void {
			self::insert( 2000, static fn( $i, $now ) => array( 'screens/flood/' . ( $from + $i ), 'revision', 0, $now + DAY_IN_SECONDS ) );
			self::insert( 500, static fn( $i, $now ) => array( 'budget/' . ( $from + $i ), 'mark-x', 0, $now + DAY_IN_SECONDS ) );
		};
		$flood( 0 );

		$posts  = fn() => $this->backend->rooms( 150, 'postType/' );
		$public = fn() => $this->backend->rooms( 150, '', wpp_privacy_internal_prefixes() );
		$this->assertSame( array( 'postType/post:11', 'postType/post:12', 'postType/post:13' ), array_keys( $posts() ) );
		$this->assertSame( array( 'postType/post:11', 'postType/post:12', 'postType/post:13' ), array_keys( $public() ) );

		$read_posts  = self::rows_read( $posts );
		$read_public = self::rows_read( $public );
		$read_all    = self::rows_read( fn() => $this->backend->rooms( 150 ) );
		$this->assertLessThanOrEqual( 3 + 300 + 5, $read_posts, 'the post rooms, live and expired, and no other' );
		$this->assertLessThanOrEqual( 3 + 300 + 5, $read_public );
		$this->assertGreaterThanOrEqual( 2500, $read_all, 'reading every room reads the flood: what the ranges avoid' );

		$flood( 10000 );
		$this->assertSame( $read_posts, self::rows_read( $posts ), 'twice the flood, the same work' );
		$this->assertSame( $read_public, self::rows_read( $public ) );
		$this->assertGreaterThanOrEqual( 5000, self::rows_read( fn() => $this->backend->rooms( 150 ) ) );
	}

	public function test_the_room_ranges_leave_out_exactly_their_prefixes(): void {
		foreach ( array( 'budget', 'budget/~1', 'budget0', 'budgetx', 'screens/a', 'screens0', 'screens.', 'admin/online', 'postType/post:1', 'postType0' ) as $room ) {
			$this->assertTrue( $this->backend->set( $room, 'c', array(), 1, 150 ) );
		}
		$this->assertSame( array( 'admin/online', 'budget', 'budget0', 'budgetx', 'postType/post:1', 'postType0', 'screens.', 'screens0' ), array_keys( $this->backend->rooms( 150, '', array( 'budget/', 'screens/' ) ) ) );
		$this->assertSame( array( 'postType/post:1' ), array_keys( $this->backend->rooms( 150, 'postType/' ) ) );
		$this->assertSame( array( 'budget', 'budget0', 'budgetx' ), array_keys( $this->backend->rooms( 150, 'budget', array( 'budget/~' ) ) ), 'a prefix ending in the last printable byte' );
		$this->assertSame( array( 'budget', 'budget0', 'budgetx' ), array_keys( $this->backend->rooms( 150, 'budget', array( 'budget/' ) ) ) );
	}

	public function test_the_rooms_read_uses_the_room_live_index_alone(): void {
		global $wpdb;
		$this->backend->set( 'postType/post:1', 'user-1', array(), 1, 150 );
		$sql  = $wpdb->prepare( 'EXPLAIN SELECT room, COUNT(*) AS entries, COUNT(DISTINCT user_id) AS users FROM ' . wpp_table_name() . ' WHERE expires_at > %d AND updated_at >= %s AND room LIKE %s GROUP BY room ORDER BY room', time(), sprintf( '%.6F', microtime( true ) - 150 ), 'postType/%' ); // phpcs:ignore WordPress.DB
		$plan = $wpdb->get_row( $sql, ARRAY_A );
		$this->assertContains( 'room_live', explode( ',', (string) $plan['possible_keys'] ) );
		$columns = array();
		foreach ( (array) $wpdb->get_results( 'SHOW INDEX FROM ' . wpp_table_name(), ARRAY_A ) as $index ) {
			if ( 'room_live' === $index['Key_name'] ) {
				$columns[ (int) $index['Seq_in_index'] ] = $index['Column_name'];
			}
		}
		ksort( $columns );
		$this->assertSame( array( 'room', 'expires_at', 'updated_at', 'user_id', 'client_id' ), array_values( $columns ), 'every column the read needs: it never reads a row' );
	}
}
