<?php
/**
 * Which writes win when the store is full (plugin/includes/api/budget.php and the low-priority
 * writes of the REST API and the stale marks): on a full shared-memory segment, a REST write and a
 * stale mark are refused with a 503 and `Retry-After` and evict no one, a post lock goes to post
 * meta instead, while a real user's heartbeat still gets in, making room from those low-priority
 * entries first. Run in a child
 * process on a private segment of the smallest size (support/full-store-child.php).
 *
 * Shared memory is the one store of fixed size: Redis evicts by its own policy and the table has
 * no fixed size. The child uses the extension's shared memory whichever store the run is about,
 * so this runs wherever the extension is loaded.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_budget_write
 * @covers ::wpp_budget_store_refused
 * @covers WPP_Native_Backend::set
 */
final class BudgetFullStoreTest extends WPP_TestCase {

	public function test_a_full_segment_refuses_low_priority_writes_and_takes_a_heartbeat(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this PHP.' );
		}
		$path = sys_get_temp_dir() . '/wpp-full-store-' . getmypid() . '-' . bin2hex( random_bytes( 4 ) ) . '.seg';
		try {
			list( $last, $output ) = self::run_child( 'full-store-child.php', array( '-d', 'presence.backend=shm', '-d', "presence.shm_path=$path", '-d', 'presence.shm_size=256K' ) );
		} finally {
			foreach ( glob( $path . '*' ) ?: array() as $file ) {
				unlink( $file );
			}
		}
		$r = json_decode( $last, true );
		$this->assertIsArray( $r, "the child did not report: $last $output" );
		$this->assertSame( 'shm', $r['store'] );

		$this->assertSame( array( 201, 201, 201 ), $r['rest_with_room'] );
		$this->assertSame( 200, $r['mark_with_room'] );
		$this->assertGreaterThan( 0, $r['filled'] );
		$this->assertSame( 0, $r['lru_at_full'], 'filled without evicting' );

		foreach ( array( 'rest_when_full', 'mark_when_full' ) as $write ) {
			$this->assertSame( 503, $r[ $write ]['status'], $write );
			$this->assertSame( 'wpp_store_refused', $r[ $write ]['code'], $write );
			$this->assertMatchesRegularExpression( '/^[1-9][0-9]*$/', (string) $r[ $write ]['retry_after'], $write );
		}
		$this->assertSame( 200, $r['refresh_when_full'], 'refreshing an entry in place needs no room' );
		$this->assertSame( 0, $r['lru_after_refusals'], 'no one was evicted for them' );

		$lock = $r['lock_when_full'];
		$this->assertSame( 0, $lock['lru'], 'a post lock evicts no one either' );
		$this->assertMatchesRegularExpression( '/^[0-9]+:' . $lock['writer'] . '$/', $lock['in_meta'], 'it went to post meta' );
		$this->assertSame( $lock['writer'], $lock['holder'], 'and holds for the next editor' );

		$this->assertTrue( $r['heartbeat_when_full'], "a real user's heartbeat gets in" );
		$this->assertTrue( $r['newcomer_online'] );
		$this->assertSame( 1, $r['lru_after_heartbeat'], 'by evicting one entry' );
		$this->assertSame( $r['filled'] + 1, $r['online_entries'], 'none of the other heartbeats' );
		$this->assertCount( 4, $r['low_priority_left'], 'but one of the five low-priority entries' );
	}
}
