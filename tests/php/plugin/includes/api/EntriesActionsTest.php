<?php
/**
 * The actions every write and removal fires (plugin/includes/api/entries.php), with the feature
 * plugin's names and arguments, on the backend of this run: when each fires and when it must not
 * (a refresh of the same state, a refused write, a reserved row, a removal of nothing), the
 * admin room's change, and the collaboration edges as the store counts them — also between two
 * processes racing.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_entries_exchange
 * @covers ::wpp_entries_leave
 * @covers ::wpp_entries_remove_user
 * @covers ::wpp_entries_collaboration
 */
class EntriesActionsTest extends WPP_TestCase {

	/** @var array<string,array[]> hook => the arguments of each call. */
	private array $fired = array();

	protected function setUp(): void {
		parent::setUp();
		$this->fired = array();
		foreach ( array( 'set_presence' => 4, 'removed_presence' => 2, 'removed_user_presence' => 1, 'wp_presence_admin_room_changed' => 0, 'wp_presence_collaboration_started' => 2, 'wp_presence_collaboration_ended' => 2 ) as $hook => $args ) {
			add_action(
				$hook,
				function ( ...$given ) use ( $hook ) {
					$this->fired[ $hook ][] = $given;
				},
				10,
				$args
			);
		}
	}

	private function calls( string $hook ): array {
		return $this->fired[ $hook ] ?? array();
	}

	private function forget(): void {
		$this->fired = array();
	}

	public function test_set_presence_fires_once_with_what_was_written(): void {
		wp_set_presence( 'test/room', 'client-1', array( 'action' => 'editing' ), 7 );
		$this->assertSame( array( array( 'test/room', 'client-1', array( 'action' => 'editing' ), 7 ) ), $this->calls( 'set_presence' ) );
	}

	public function test_set_presence_fires_when_the_state_or_owner_changes_and_not_for_a_refresh(): void {
		wp_set_presence( 'r', 'c', array( 'action' => 'editing' ), 7 );
		$this->forget();
		$this->assertTrue( wp_set_presence( 'r', 'c', array( 'action' => 'editing' ), 7 ), 'a refresh succeeds' );
		$this->assertSame( array(), $this->calls( 'set_presence' ), 'nothing changed, nothing to react to' );
		wp_set_presence( 'r', 'c', array( 'action' => 'idle' ), 7 );
		wp_set_presence( 'r', 'c', array( 'action' => 'idle' ), 8 );
		$this->assertSame( array( array( 'action' => 'idle' ), array( 'action' => 'idle' ) ), array_column( $this->calls( 'set_presence' ), 2 ) );
		$this->assertSame( array( 7, 8 ), array_column( $this->calls( 'set_presence' ), 3 ) );
	}

	public function test_a_writers_date_or_window_always_announces_the_write(): void {
		wp_set_presence( 'r', 'gse-1', array( 'c' => 1 ), 7 );
		$this->forget();
		wp_set_presence( 'r', 'gse-1', array( 'c' => 1 ), 7, gmdate( 'Y-m-d H:i:s' ) );
		wp_set_presence( 'r', 'gse-1', array( 'c' => 1 ), 7, null, 60 );
		$this->assertCount( 2, $this->calls( 'set_presence' ) );
		wp_set_presence( 'r', 'gse-1', array( 'c' => 1 ), 7, gmdate( 'Y-m-d H:i:s', time() - 100 ), 10 );
		$this->assertCount( 2, $this->calls( 'set_presence' ), 'a write already expired stores nothing live: nothing to announce' );
	}

	public function test_refused_writes_and_reserved_rows_fire_nothing(): void {
		$this->assertFalse( wp_set_presence( 'r', 'c', array(), 7, 'not a date' ) );
		$this->assertFalse( wp_set_presence( 'r', 'c', array(), 7, null, 0 ) );
		$this->assertFalse( wp_set_presence( '', 'c', array(), 7 ) );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$this->assertFalse( wp_set_presence( 'r', 'c', array(), 7 ) );
		remove_all_filters( 'wp_presence_recording_enabled' );

		$this->assertTrue( wp_set_presence( 'postType/post:1', '_lock', array(), 7 ) );
		$this->assertTrue( wp_set_presence( 'admin/online', '_mark', array(), 0 ) );
		$this->assertTrue( wp_remove_presence( 'postType/post:1', '_lock' ) );
		$this->assertSame( array(), $this->calls( 'set_presence' ) );
		$this->assertSame( array(), $this->calls( 'removed_presence' ) );
	}

	public function test_exchange_fires_set_presence_once_and_leave_removed_presence_once(): void {
		wp_presence_exchange( 'postType/post:1', 'gse-1', array( 'cursor' => 1 ), 7 );
		$this->assertCount( 1, $this->calls( 'set_presence' ) );
		wp_presence_leave( 'postType/post:1', 'gse-1' );
		$this->assertSame( array( array( 'postType/post:1', 'gse-1' ) ), $this->calls( 'removed_presence' ) );
		wp_presence_leave( 'postType/post:1', 'gse-1' );
		$this->assertCount( 1, $this->calls( 'removed_presence' ), 'nothing there the second time' );
	}

	public function test_removed_presence_fires_only_when_a_row_was_there(): void {
		wp_set_presence( 'test/room', 'client-1', array(), 7 );
		$this->assertTrue( wp_remove_presence( 'test/room', 'nobody' ) );
		$this->assertSame( array(), $this->calls( 'removed_presence' ) );
		wp_remove_presence( 'test/room', 'client-1' );
		$this->assertSame( array( array( 'test/room', 'client-1' ) ), $this->calls( 'removed_presence' ) );
	}

	public function test_removed_user_presence_fires_once_however_many_rooms_and_not_for_nobody(): void {
		wp_set_presence( 'test/room', 'client-1', array(), 7 );
		wp_set_presence( 'postType/post:1', 'client-1', array(), 7 );
		wp_set_presence( 'postType/post:1', '_lock', array(), 7 );
		wp_remove_user_presence( 7 );
		$this->assertSame( array( array( 7 ) ), $this->calls( 'removed_user_presence' ) );
		$this->assertSame( array(), $this->calls( 'removed_presence' ), 'one action for the user, none per row' );
		$this->assertNull( wpp_entries_find( 'postType/post:1', '_lock' ), 'the lock they held is released' );
		$this->assertTrue( wp_remove_user_presence( 7 ) );
		$this->assertCount( 1, $this->calls( 'removed_user_presence' ) );
	}

	public function test_the_admin_room_changes_on_arrivals_moves_and_departures_only(): void {
		wp_set_presence( 'admin/online', 'user-7', array( 'screen' => 'dashboard' ), 7 );
		$this->assertCount( 1, $this->calls( 'wp_presence_admin_room_changed' ), 'arrival' );
		wp_set_presence( 'admin/online', 'user-7', array( 'screen' => 'dashboard' ), 7 );
		$this->assertCount( 1, $this->calls( 'wp_presence_admin_room_changed' ), 'a refresh is no change' );
		wp_set_presence( 'admin/online', 'user-7', array( 'screen' => 'edit-post' ), 7 );
		$this->assertCount( 2, $this->calls( 'wp_presence_admin_room_changed' ), 'a move' );
		wp_set_presence( 'other/room', 'user-7', array(), 7 );
		wp_remove_presence( 'other/room', 'user-7' );
		wp_remove_presence( 'admin/online', 'nobody' );
		$this->assertCount( 2, $this->calls( 'wp_presence_admin_room_changed' ), 'other rooms, a removal of nothing' );
		wp_remove_presence( 'admin/online', 'user-7' );
		$this->assertCount( 3, $this->calls( 'wp_presence_admin_room_changed' ), 'a departure' );
		wp_set_presence( 'postType/post:1', 'editor-7', array(), 7 );
		wp_remove_user_presence( 7 );
		$this->assertCount( 4, $this->calls( 'wp_presence_admin_room_changed' ), 'a user\'s rows removed, whatever the rooms' );
		wp_remove_user_presence( 7 );
		$this->assertCount( 4, $this->calls( 'wp_presence_admin_room_changed' ) );
	}

	public function test_collaboration_starts_at_the_second_editor_and_ends_back_at_one_once_each(): void {
		$room = 'postType/post:77';
		wp_set_presence( $room, 'gse-1', array(), 1 );
		wp_set_presence( $room, 'agent-9', array(), 9 );
		wp_set_presence( $room, 'editor-1', array( 'action' => 'editing' ), 1 );
		$this->assertSame( array(), $this->calls( 'wp_presence_collaboration_started' ), 'one editor; agents and integrations do not count' );

		wp_set_presence( $room, 'editor-2', array( 'action' => 'editing' ), 2 );
		$started = $this->calls( 'wp_presence_collaboration_started' );
		$this->assertCount( 1, $started );
		$this->assertSame( $room, $started[0][0] );
		$this->assertEqualsCanonicalizing( array( 'gse-1', 'agent-9', 'editor-1', 'editor-2' ), wp_list_pluck( $started[0][1], 'client_id' ), 'the room\'s entries, as wp_get_presence() gives them' );
		$this->assertIsString( $started[0][1][0]->user_id );

		wp_set_presence( $room, 'editor-2', array( 'action' => 'editing' ), 2 );
		wp_set_presence( $room, 'editor-3', array(), 3 );
		wp_remove_presence( $room, 'editor-3' );
		wp_set_presence( $room, 'editor-1', array( 'action' => 'idle' ), 1 );
		$this->assertCount( 1, $this->calls( 'wp_presence_collaboration_started' ), '2 → 3 → 2 and ticks fire nothing' );
		$this->assertSame( array(), $this->calls( 'wp_presence_collaboration_ended' ) );

		wp_presence_leave( $room, 'editor-2' );
		$ended = $this->calls( 'wp_presence_collaboration_ended' );
		$this->assertCount( 1, $ended );
		$this->assertEqualsCanonicalizing( array( 'gse-1', 'agent-9', 'editor-1' ), wp_list_pluck( $ended[0][1], 'client_id' ) );
		wp_set_presence( $room, 'editor-1', array(), 1 );
		wp_remove_presence( $room, 'editor-1' );
		$this->assertCount( 1, $this->calls( 'wp_presence_collaboration_ended' ), '1 → 0 is no end' );

		wp_set_presence( $room, 'editor-4', array(), 4 );
		wp_set_presence( $room, 'editor-5', array(), 5 );
		$this->assertCount( 2, $this->calls( 'wp_presence_collaboration_started' ), 'a new pair is a new start' );
	}

	public function test_only_post_rooms_have_collaborations(): void {
		wp_set_presence( 'some/room', 'editor-1', array(), 1 );
		wp_set_presence( 'some/room', 'editor-2', array(), 2 );
		wp_set_presence( 'postType/post:8', 'editor-1', array(), 1 );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		wp_set_presence( 'postType/post:8', 'editor-2', array(), 2 );
		$this->assertSame( array(), $this->calls( 'wp_presence_collaboration_started' ), 'nor a write that was refused' );
	}

	/**
	 * Two processes write their editor entry into the same rooms at the same moment, then leave
	 * at the same moment: for each room exactly one of them sees the collaboration start, and
	 * exactly one sees it end. On the native store (one lock, or one Redis script, per call); the
	 * database runs cannot let other connections write while this test's transaction holds the
	 * table.
	 *
	 * @group slow
	 */
	public function test_two_processes_racing_see_each_edge_exactly_once(): void {
		if ( 'native' !== WPP_TEST_BACKEND ) {
			$this->markTestSkipped( 'The native store only: this test\'s own transaction keeps other connections from writing the table.' );
		}
		$rooms  = 20;
		$prefix = (string) wp_rand( 100000, 999999 ) . '0';
		$start  = microtime( true ) + 3.0; // Both children have loaded WordPress by then.
		$children = array();
		foreach ( array( 901, 902 ) as $user ) {
			$pipes      = array();
			$process    = proc_open(
				array( PHP_BINARY, '-d', 'display_errors=stderr', dirname( __DIR__, 2 ) . '/support/collaboration-race-child.php', $prefix, (string) $rooms, (string) $user, sprintf( '%.6F', $start ) ),
				array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ),
				$pipes
			);
			$children[] = array( $process, $pipes );
		}
		$started = array();
		$ended   = array();
		foreach ( $children as list( $process, $pipes ) ) {
			$out = stream_get_contents( $pipes[1] );
			$err = stream_get_contents( $pipes[2] );
			fclose( $pipes[1] );
			fclose( $pipes[2] );
			proc_close( $process );
			$lines = explode( "\n", trim( (string) $out ) );
			$seen  = json_decode( (string) end( $lines ), true );
			$this->assertIsArray( $seen, $out . $err );
			$started = array_merge( $started, $seen['started'] );
			$ended   = array_merge( $ended, $seen['ended'] );
		}
		$expected = array();
		for ( $i = 0; $i < $rooms; $i++ ) {
			$expected[] = "postType/post:$prefix$i";
		}
		sort( $started );
		sort( $ended );
		sort( $expected );
		$this->assertSame( $expected, $started, 'each room started exactly once, in one of the two processes' );
		$this->assertSame( $expected, $ended, 'and ended exactly once' );
	}
}
