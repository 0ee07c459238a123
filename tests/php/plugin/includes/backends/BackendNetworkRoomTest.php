<?php
/**
 * WPP_Backend::network_room() on the backend of this run: one room of several sites of a
 * network at once, for Network Admin, in one read — no database query on the native store, one
 * query on the database backend (a third and a fourth only when a site's table is missing).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers WPP_Native_Backend::network_room
 * @covers WPP_Database_Backend::network_room
 * @group multisite
 */
final class BackendNetworkRoomTest extends WPP_Network_TestCase {

	/**
	 * Writes with the backend of this run on a site.
	 */
	private function set_on( int $blog, string $room, string $client_id, int $user_id, array $data = array() ): void {
		switch_to_blog( $blog );
		try {
			$this->assertTrue( wpp_backend()->set( $room, $client_id, $data, $user_id, 150 ) );
		} finally {
			restore_current_blog();
		}
	}

	/**
	 * Runs $read and returns [its result, the database queries it made].
	 */
	private function counted( callable $read ): array {
		global $wpdb;
		$before = $wpdb->num_queries;
		$result = $read();
		return array( $result, $wpdb->num_queries - $before );
	}

	public function test_one_room_of_each_site_asked_newest_first_with_the_client_prefix(): void {
		list( $main, $second, $third ) = $this->blogs;
		$this->set_on( $main, 'admin/online', 'user-1', 1, array( 'n' => 1 ) );
		$this->set_on( $second, 'admin/online', 'user-2', 2, array( 'n' => 2 ) );
		usleep( 2000 ); // Newer by its write time.
		$this->set_on( $second, 'admin/online', 'user-3', 3, array( 'n' => 3 ) );
		$this->set_on( $second, 'admin/online', 'tab-9', 3 );                 // Another client id.
		$this->set_on( $second, 'postType/post:1', 'user-2', 2 );              // Another room.
		$this->set_on( $second, 'admin/online-too', 'user-4', 4 );             // A room that only starts alike.
		$this->set_on( $third, 'admin/online', 'user-5', 5 );                  // A site not asked.

		list( $rooms, $queries ) = $this->counted( fn() => wpp_backend()->network_room( array( $main, $second ), 'admin/online', 150, 'user-' ) );

		$sites = array_keys( $rooms );
		sort( $sites );
		$this->assertSame( array( $main, $second ), $sites, 'the sites asked that have the room' );
		$this->assertSame( array( 'user-3', 'user-2' ), array_column( $rooms[ $second ], 'client_id' ) );
		$this->assertSame( array( 'user-1' ), array_column( $rooms[ $main ], 'client_id' ) );
		$entry = $rooms[ $second ][0];
		$this->assertSame( 'admin/online', $entry['room'], 'the public room name' );
		$this->assertSame( 3, $entry['user_id'] );
		$this->assertSame( array( 'n' => 3 ), $entry['data'] );
		$this->assertIsFloat( $entry['updated_at'] );
		$this->assertSame( 'native' === wpp_backend()->name() ? 0 : 1, $queries, 'one read' );

		$this->assertSame( array( 'tab-9', 'user-3', 'user-2' ), array_column( wpp_backend()->network_room( array( $second ), 'admin/online', 150 )[ $second ], 'client_id' ), 'no prefix: every client' );
		$this->assertSame( array(), wpp_backend()->network_room( array(), 'admin/online', 150 ) );
	}

	public function test_a_site_whose_table_is_missing_leaves_the_others_readable(): void {
		if ( 'database' !== wpp_backend()->name() ) {
			$this->markTestSkipped( 'The native store has no tables.' );
		}
		$this->set_on( $this->blogs[1], 'admin/online', 'user-2', 2 );
		$missing                 = 999999; // No such site, so no such table.
		list( $rooms, $queries ) = $this->counted( fn() => wpp_backend()->network_room( array( $this->blogs[1], $missing ), 'admin/online', 150 ) );
		$this->assertSame( array( $this->blogs[1] ), array_keys( $rooms ) );
		$this->assertSame( 3, $queries, 'the read, the list of tables, the read again' );
	}

	public function test_only_entries_within_the_age_asked_count(): void {
		$now     = microtime( true );
		$backend = new WPP_Database_Backend( static function () use ( &$now ): float {
			return $now;
		} );
		wpp_backend_use( $backend );
		$this->set_on( $this->blogs[1], 'admin/online', 'user-2', 2 );
		$this->assertCount( 1, $backend->network_room( array( $this->blogs[1] ), 'admin/online', 150 )[ $this->blogs[1] ] );
		$now += 100;
		$this->assertSame( array(), $backend->network_room( array( $this->blogs[1] ), 'admin/online', 60 ), 'older than asked' );
		$now += 100;
		$this->assertSame( array(), $backend->network_room( array( $this->blogs[1] ), 'admin/online', 3600 ), 'expired' );
	}
}
