<?php
/**
 * WPP_Native_Backend: the shared contract, plus the per-site namespace inside the segment.
 *
 * Runs only when the extension is loaded (PRESENCE_TEST_BACKEND=native); the database run,
 * which has no extension by design, skips it with that reason.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-store-round-trips.php';

/**
 * @covers WPP_Native_Backend
 */
class NativeBackendTest extends WPP_Backend_Contract_TestCase {
	use WPP_Store_Round_Trips;

	protected function setUp(): void {
		if ( ! function_exists( 'presence_upsert' ) ) {
			$this->markTestSkipped( 'The presence extension is not loaded in this run (PRESENCE_TEST_BACKEND=' . WPP_TEST_BACKEND . ').' );
		}
		parent::setUp();
	}

	protected function tearDown(): void {
		if ( function_exists( 'presence_flush' ) ) {
			( new WPP_Native_Backend( 'othersite00' ) )->flush();
			presence_flush( 'netrooms00/' );
		}
		parent::tearDown();
	}

	protected function backend(): WPP_Backend {
		return new WPP_Native_Backend();
	}

	public function test_name_and_prefix(): void {
		$b = new WPP_Native_Backend();
		$this->assertSame( 'native', $b->name() );
		$this->assertSame( wpp_backend_install_key() . '/' . get_current_blog_id() . '/', $b->prefix() );
	}

	public function test_stats_carry_the_segment_figures_and_count_only_this_site(): void {
		$here  = new WPP_Native_Backend();
		$there = new WPP_Native_Backend( 'othersite00' );
		$here->set( 'admin/online', 'a', array(), 1, 150 );
		$there->set( 'admin/online', 'a', array(), 1, 150 );
		$stats = $here->stats();
		$this->assertSame( 1, $stats['live_entries'], 'this site only' );
		$this->assertGreaterThanOrEqual( 2, $stats['segment.live_entries'], 'the whole segment' );
		foreach ( array( 'capacity', 'room_capacity', 'bytes_used', 'bytes_total', 'evictions.expired', 'evictions.lru', 'lock_recoveries' ) as $figure ) {
			$this->assertArrayHasKey( $figure, $stats );
		}
	}

	public function test_get_rooms_is_one_read_of_the_extension_whatever_the_number_of_rooms(): void {
		$b     = new WPP_Native_Backend();
		$rooms = array();
		for ( $i = 1; $i <= 30; $i++ ) {
			$rooms[] = "postType/post:$i";
			if ( 0 === $i % 2 ) {
				$b->set( "postType/post:$i", "editor-$i", array( 'n' => $i ), $i, 150 );
			}
		}
		$read  = array();
		$trips = self::redis_round_trips(
			static function () use ( $b, $rooms, &$read ): void {
				$read = $b->get_rooms( $rooms, 150 );
			}
		);
		$this->assertSame( $rooms, array_keys( $read ) );
		$this->assertCount( 15, array_filter( $read ) );
		foreach ( $rooms as $room ) {
			$this->assertSame( $b->get_room( $room, 150 ), $read[ $room ], $room );
		}
		if ( null !== $trips ) {
			$this->assertSame( 1, $trips, 'one round trip to Redis for 30 rooms' );
		}
	}

	/**
	 * network_room() names each site's room from its blog id, so it reads the sites asked only:
	 * 2 000 sites per presence_rooms_read(), the extension's most.
	 */
	public function test_network_room_reads_the_sites_asked_2000_per_read(): void {
		$b = new WPP_Native_Backend( 'netrooms00' );
		foreach ( array( 1, 2000, 2001 ) as $blog ) {
			$this->assertTrue( presence_upsert( "netrooms00/$blog/admin/online", "user-$blog", array( 'n' => $blog ), $blog, 150 ) );
		}
		presence_upsert( 'netrooms00/2002/admin/online', 'user-2002', array(), 2002, 150 ); // Not asked.
		presence_upsert( 'netrooms00/1/postType/post:1', 'user-1', array(), 1, 150 );       // Another room.
		$read  = array();
		$trips = self::redis_round_trips(
			static function () use ( $b, &$read ): void {
				$read = $b->network_room( range( 1, 2001 ), 'admin/online', 150, 'user-' );
			}
		);
		$this->assertSame( array( 1, 2000, 2001 ), array_keys( $read ), 'the sites asked that have people, in the order asked' );
		$entry = $read[2001][0];
		$this->assertSame( array( 'admin/online', 'user-2001', 2001, array( 'n' => 2001 ) ), array( $entry['room'], $entry['client_id'], $entry['user_id'], $entry['data'] ) );
		if ( null !== $trips ) {
			$this->assertSame( 2, $trips, '2 001 sites: two reads' );
		}
	}

	public function test_rooms_are_stored_under_the_site_prefix(): void {
		$b = new WPP_Native_Backend();
		$b->set( 'admin/online', 'c', array(), 1, 150 );
		$raw = presence_room( $b->prefix() . 'admin/online' );
		$this->assertCount( 1, $raw );
		$this->assertSame( array(), presence_room( 'admin/online' ), 'nothing is stored under the bare room name' );
	}

	/**
	 * A second install served by the same php-fpm master has another install key (another
	 * ABSPATH, database or table prefix): it must not see, count, list or remove our entries.
	 */
	public function test_another_install_never_sees_or_touches_this_sites_entries(): void {
		$here  = new WPP_Native_Backend();
		$there = new WPP_Native_Backend( 'othersite00' );
		$here->set( 'admin/online', 'user-1', array( 'site' => 'here' ), 1, 150 );
		$there->set( 'admin/online', 'user-1', array( 'site' => 'there' ), 1, 150 );

		$this->assertSame( array( 'site' => 'here' ), $here->get_room( 'admin/online', 150 )[0]['data'] );
		$this->assertSame( array( 'site' => 'there' ), $there->get_room( 'admin/online', 150 )[0]['data'] );
		$this->assertSame( 1, $here->count_room( 'admin/online', 150 ) );
		$this->assertSame( array( 'admin/online' ), array_keys( $there->rooms( 150 ) ) );

		$this->assertSame( 1, $there->remove_user( 1 ) );
		$this->assertCount( 1, $here->get_room( 'admin/online', 150 ), 'remove_user on the other site left ours' );
		$this->assertCount( 1, $here->user_entries( 1, 150 ) );
		$this->assertSame( array(), $there->user_entries( 1, 150 ) );
	}

	/**
	 * Sites of one network share the install key and differ by blog id. On a multisite test site
	 * this switches blogs for real; on a single site it sets the blog id WordPress reports, which
	 * is all the namespace reads.
	 */
	public function test_another_blog_of_the_network_is_a_separate_namespace(): void {
		$b = new WPP_Native_Backend();
		$b->set( 'admin/online', 'user-1', array(), 1, 150 );
		$v = $b->room_version( 'admin/online' );

		$this->as_other_blog(
			function () use ( $b ) {
				$this->assertSame( array(), $b->get_room( 'admin/online', 150 ) );
				$this->assertSame( 0, $b->remove_user( 1 ) );
				$b->set( 'admin/online', 'user-2', array(), 2, 150 );
				$this->assertSame( array( 'admin/online' => array( 'entries' => 1, 'users' => 1 ) ), $b->rooms( 150 ) );
				$b->flush();
			}
		);
		$this->assertSame( array( 'user-1' ), array_column( $b->get_room( 'admin/online', 150 ), 'client_id' ) );
		$this->assertSame( $v, $b->room_version( 'admin/online' ) );
	}

	public function test_the_longest_public_room_still_fits_after_the_prefix(): void {
		$b    = new WPP_Native_Backend();
		$room = str_repeat( 'r', WPP_MAX_ROOM_BYTES );
		$this->assertTrue( $b->set( $room, 'c', array(), 1, 150 ) );
		$this->assertSame( $room, $b->get_room( $room, 150 )[0]['room'] );
		$this->assertLessThanOrEqual( 191, strlen( $b->prefix() . $room ) );
	}

	public function test_extension_errors_become_false(): void {
		$b = new WPP_Native_Backend();
		$this->assertFalse( $b->set( 'r', str_repeat( 'c', 300 ), array(), 1, 150 ), 'client_id too long for the extension' );
		$this->assertFalse( $b->set( 'r', "bad\xff", array(), 1, 150 ), 'invalid UTF-8' );
		$this->assertFalse( $b->set( 'r', 'c', array( 'o' => new stdClass() ), 1, 150 ), 'object in state' );
	}

	/**
	 * An extension that cannot attach its segment (here: presence.shm_path in a directory that
	 * does not exist) warns on every call. The backend turns that into false / empty results and a
	 * reason, and nothing reaches the output (a heartbeat or REST response would be broken by it).
	 */
	public function test_a_segment_that_cannot_be_attached_fails_quietly_with_a_reason(): void {
		$path = '/dev/shm/wpp-plugin-test-no-such-dir-' . getmypid() . '/segment';
		list( $out, $err ) = self::run_child( 'native-misconfigured-child.php', array( '-d', 'presence.backend=shm', '-d', 'presence.shm_path=' . $path ) );
		$this->assertFileDoesNotExist( dirname( $path ) );
		$res = json_decode( $out, true );
		$this->assertIsArray( $res, "child output: $out $err" );
		$this->assertSame( 'native', $res['backend'] );
		$this->assertFalse( $res['set'] );
		$this->assertStringContainsString( 'cannot attach', $res['error'] );
		$this->assertSame( array(), $res['room'] );
		$this->assertSame( 0, $res['count'] );
		$this->assertSame( '', $res['printed'], 'nothing printed' );
		$this->assertSame( 'critical', $res['health'], 'Site Health says so' );
	}

	/**
	 * An extension whose Redis does not answer warns once per request; every call of the
	 * backend still answers false / empty, nothing is printed, and Site Health (asked after the
	 * first warning of the request was spent) still sees it.
	 */
	public function test_an_unreachable_redis_fails_quietly_and_site_health_sees_it(): void {
		list( $out, $err ) = self::run_child( 'native-misconfigured-child.php', array( '-d', 'presence.backend=redis://127.0.0.1:1', '-d', 'presence.redis_timeout_ms=100' ) );
		$res = json_decode( $out, true );
		$this->assertIsArray( $res, "child output: $out $err" );
		$this->assertSame( 'native', $res['backend'] );
		$this->assertFalse( $res['set'] );
		$this->assertStringContainsString( 'redis://127.0.0.1:1 is unavailable', $res['error'] );
		$this->assertSame( array(), $res['room'] );
		$this->assertSame( 0, $res['count'] );
		$this->assertSame( '', $res['printed'], 'nothing printed' );
		$this->assertSame( 'critical', $res['health'], 'Site Health says so' );
	}

	/**
	 * Runs $test as another blog of the network.
	 */
	private function as_other_blog( callable $test ): void {
		if ( is_multisite() ) {
			$this->assertGreaterThan( 0, self::other_blog_id(), 'the bootstrap made a second site' );
			switch_to_blog( self::other_blog_id() );
			try {
				$test();
			} finally {
				restore_current_blog();
			}
			return;
		}
		$saved              = $GLOBALS['blog_id'];
		$GLOBALS['blog_id'] = (int) $saved + 1000; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		try {
			$test();
		} finally {
			$GLOBALS['blog_id'] = $saved; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		}
	}
}
