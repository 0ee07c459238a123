<?php
/**
 * Leaving a page (plugin/includes/heartbeat/leave.php and POST /wp-presence/v1/leave): the entries
 * the page (tab) wrote go at once; entries a newer page of the same user wrote stay; nothing of
 * anyone else's is touched.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_leave_tab
 * @covers WPP_REST_Surfaces_Controller
 */
final class LeaveTest extends WPP_Heartbeat_TestCase {

	private function editor_tick( WP_User $user, string $tab ): void {
		$data                         = $this->editor_data( $this->post_id );
		$data['presence-ping']['tab'] = $tab;
		$this->heartbeat( $user, $data, 'post' );
	}

	private function leave_over_rest( string $tab ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/wp-presence/v1/leave' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'tab' => $tab ) ) );
		return rest_get_server()->dispatch( $request );
	}

	private function rooms_of( WP_User $user ): array {
		$rooms = array_column( wpp_backend()->user_entries( $user->ID, 150 ), 'room' );
		sort( $rooms );
		return $rooms;
	}

	public function test_closing_the_editor_removes_its_entries_at_once(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabA1' );
		$this->editor_tick( $other, 'tabB1' );
		$this->assertSame( array( 'admin/online', $this->post_room() ), $this->rooms_of( $editor ) );

		wp_set_current_user( $editor->ID );
		$response = $this->leave_over_rest( 'tabA1' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'removed' => 2 ), $response->get_data() );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
		$this->assertSame( array(), $this->rooms_of( $editor ) );

		$editors = $this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' )['presence-editors'];
		$this->assertSame( array(), $editors['users'], 'gone from the other editor’s list on their next tick' );
		$this->assertSame( array( 'admin/online', $this->post_room() ), $this->rooms_of( $other ), 'the others stay' );
	}

	public function test_a_page_the_user_opened_since_keeps_its_entries(): void {
		$editor = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabOld' );
		// Navigating: the next page (another tab id) is served before the old page's leave arrives.
		wp_set_current_user( $editor->ID );
		wpp_write_online( $editor, 'edit-post', 0, 'tabNew' );
		$this->assertSame( 1, wpp_leave_tab( $editor, 'tabOld' ), 'only the post room entry was the old page’s' );
		$this->assertSame( array( 'admin/online' ), $this->rooms_of( $editor ) );
		$this->assertSame( 'tabNew', wpp_backend()->get_room( 'admin/online', 150 )[0]['data']['tab'] );
	}

	public function test_a_tab_that_takes_over_while_the_closing_tabs_leave_runs_keeps_its_entry(): void {
		$editor = self::user( 'editor' );
		wpp_write_online( $editor, 'dashboard', 0, 'tabClosing' );
		// The tab that takes the lead pings as the closing one's leave arrives: its write lands
		// after the leave read the user's entries and before it removes them.
		$left = $this->leave_with_a_write_after_its_read(
			$editor,
			'tabClosing',
			static function () use ( $editor ) {
				wpp_write_online( $editor, 'dashboard', 0, 'tabLeading' );
			}
		);
		$this->assertSame( 0, $left );
		$this->assertSame( array( 'tabLeading' ), array_column( array_column( wpp_backend()->user_entries( $editor->ID, 150 ), 'data' ), 'tab' ), 'still listed' );
	}

	public function test_the_closing_tabs_own_heartbeat_landing_during_its_leave_is_removed_too(): void {
		$editor = self::user( 'editor' );
		wpp_write_online( $editor, 'dashboard', 0, 'tabClosing' );
		// The closing tab's last heartbeat, sent before its leave, finishes between the leave's read
		// and its removal: its write still names the closing tab.
		$left = $this->leave_with_a_write_after_its_read(
			$editor,
			'tabClosing',
			static function () use ( $editor ) {
				wpp_write_online( $editor, 'edit-comments', 0, 'tabClosing' );
			}
		);
		$this->assertSame( 1, $left );
		$this->assertSame( array(), wpp_backend()->user_entries( $editor->ID, 150 ), 'not listed' );
	}

	public function test_reloading_the_editor_keeps_the_reloaded_pages_entries(): void {
		$editor = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabFirst' );
		$this->editor_tick( $editor, 'tabReload' ); // The reloaded page's first write.
		$this->assertSame( 0, wpp_leave_tab( $editor, 'tabFirst' ) );
		$this->assertSame( array( 'admin/online', $this->post_room() ), $this->rooms_of( $editor ) );
	}

	public function test_the_post_lock_keeps_the_tab_of_the_entry(): void {
		$editor = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabLock' );
		$version = wpp_backend()->room_version( $this->post_room() );
		$this->heartbeat( $editor, array( 'wp-refresh-post-lock' => array( 'post_id' => (string) $this->post_id ) ), 'post' );
		$this->assertSame( $version, wpp_backend()->room_version( $this->post_room() ), 'a hidden tab’s lock refresh changes nothing' );
		$this->assertSame( 2, wpp_leave_tab( $editor, 'tabLock' ) );
	}

	public function test_other_writers_entries_and_bad_tabs_are_left_alone(): void {
		$editor = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabC' );
		wpp_backend()->set( 'admin/online', 'rest-client', array( 'tab' => 'tabC' ), $editor->ID, 150 );
		$this->assertSame( 2, wpp_leave_tab( $editor, 'tabC' ) );
		$this->assertSame( array( 'rest-client' ), array_column( wpp_backend()->user_entries( $editor->ID, 150 ), 'client_id' ) );
		$this->assertSame( 0, wpp_leave_tab( $editor, '' ) );
		$this->assertSame( 0, wpp_leave_tab( new WP_User( 0 ), 'tabC' ) );

		wp_set_current_user( $editor->ID );
		$this->assertSame( 400, $this->leave_over_rest( 'no spaces!' )->get_status() );
		wp_set_current_user( 0 );
		$this->assertSame( 401, $this->leave_over_rest( 'tabC' )->get_status() );
	}

	public function test_leaving_fires_an_action_and_notes_the_visit(): void {
		$editor = self::user( 'editor' );
		$this->editor_tick( $editor, 'tabD' );
		$seen = array();
		add_action(
			'wpp_tab_left',
			static function ( $user_id, $tab, $removed ) use ( &$seen ) {
				$seen[] = array( $user_id, $tab, $removed );
			},
			10,
			3
		);
		wpp_leave_tab( $editor, 'tabD' );
		$this->assertSame( array( array( $editor->ID, 'tabD', 2 ) ), $seen );
		wp_set_current_user( self::user( 'administrator' )->ID );
		$this->assertSame( 'seen', wpp_users_list_presence( true )[ $editor->ID ]['status'] );
	}

	/**
	 * Leaves `$tab` of `$user` with `$write` run between the leave's read of the user's entries
	 * and its removal, as another request landing there would.
	 *
	 * @return int What wpp_leave_tab() answered.
	 */
	private function leave_with_a_write_after_its_read( WP_User $user, string $tab, callable $write ): int {
		$racing = new class( wpp_backend() ) extends WPP_Test_Counting_Backend {
			/** @var callable|null */
			public $after_read = null;

			public function user_entries( int $user_id, int $max_age ): array {
				$entries = parent::user_entries( $user_id, $max_age );
				if ( $this->after_read ) {
					usleep( 2000 ); // A write time after the one read.
					( $this->after_read )();
					$this->after_read = null;
				}
				return $entries;
			}
		};
		$racing->after_read = $write;
		$store = wpp_backend();
		wpp_backend_use( $racing );
		try {
			return wpp_leave_tab( $user, $tab );
		} finally {
			wpp_backend_use( $store );
		}
	}
}
