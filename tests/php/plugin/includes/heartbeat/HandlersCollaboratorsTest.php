<?php
/**
 * What the editor's heartbeat writes and answers as the feature plugin does
 * (plugin/includes/heartbeat/handlers.php and write.php): the `editor-{id}` entry with its editor
 * state (and the `wp_presence_editor_state` filter), the room's editor count in
 * `presence-heartbeat-collaborators`, the collaboration actions as ticks and leaves cross 2
 * editors, and set_presence only when something changed.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

final class HandlersCollaboratorsTest extends WPP_Heartbeat_TestCase {

	/** @var array<string,int> hook => calls. */
	private array $fired = array();

	/** @var string[] Client ids set_presence was fired for. */
	private array $announced = array();

	protected function setUp(): void {
		parent::setUp();
		add_action(
			'set_presence',
			function ( $room, $client_id ) {
				$this->announced[] = $client_id;
			},
			10,
			2
		);
		foreach ( array( 'wp_presence_collaboration_started', 'wp_presence_collaboration_ended' ) as $hook ) {
			add_action(
				$hook,
				function () use ( $hook ) {
					$this->fired[ $hook ] = ( $this->fired[ $hook ] ?? 0 ) + 1;
				}
			);
		}
	}

	private function fired( string $hook ): int {
		return $this->fired[ $hook ] ?? 0;
	}

	public function test_the_editor_entry_holds_the_feature_plugins_editor_state(): void {
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, $this->editor_data( $this->post_id ), 'post' );
		$entry = wpp_entries_find( $this->post_room(), 'editor-' . $editor->ID );
		$this->assertSame( array( 'editing', 'post', true ), array( $entry['data']['action'], $entry['data']['screen'], $entry['data']['locked'] ) );
		$this->assertSame( $editor->ID, $entry['user_id'] );

		$data = $this->editor_data( $this->post_id );
		unset( $data['wp-refresh-post-lock'] ); // A tab that does not hold the lock.
		$this->heartbeat( $editor, $data, 'page' );
		$entry = wpp_entries_find( $this->post_room(), 'editor-' . $editor->ID );
		$this->assertSame( array( 'page', false ), array( $entry['data']['screen'], $entry['data']['locked'] ) );
	}

	public function test_the_editor_state_filter_adds_data_but_cannot_pose_as_someone_else(): void {
		$editor = self::named_user( 'editor', 'Real Name' );
		$seen   = array();
		add_filter(
			'wp_presence_editor_state',
			static function ( $state, $post_id, $user_id ) use ( &$seen ) {
				$seen = array( $post_id, $user_id, $state );
				return $state + array(
					'selection'    => array( 'block' => 'abc' ),
					'display_name' => 'Someone Else',
				);
			},
			10,
			3
		);
		$this->heartbeat( $editor, $this->editor_data( $this->post_id ), 'post' );
		$this->assertSame( array( $this->post_id, $editor->ID, array( 'action' => 'editing', 'screen' => 'post', 'locked' => true ) ), $seen );
		$data = wpp_entries_find( $this->post_room(), 'editor-' . $editor->ID )['data'];
		$this->assertSame( array( 'block' => 'abc' ), $data['selection'] );
		$this->assertSame( 'Real Name', $data['display_name'], 'the plugin\'s own fields win' );

		remove_all_filters( 'wp_presence_editor_state' );
		add_filter( 'wp_presence_editor_state', static fn() => array( 'huge' => str_repeat( 'x', 20000 ) ) );
		$this->heartbeat( $editor, $this->editor_data( $this->post_id ), 'post' );
		$data = wpp_entries_find( $this->post_room(), 'editor-' . $editor->ID )['data'];
		$this->assertArrayNotHasKey( 'huge', $data, 'what does not fit is left out' );
		$this->assertSame( 'editing', $data['action'] );
	}

	public function test_the_answer_carries_the_rooms_editor_count_after_the_write(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'editor' );
		wp_set_presence( $this->post_room(), 'gse-1', array(), $one->ID );
		$this->assertSame( 1, $this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' )['presence-heartbeat-collaborators'] );
		$this->assertSame( 2, $this->heartbeat( $two, $this->editor_data( $this->post_id ), 'post' )['presence-heartbeat-collaborators'] );

		$this->assertArrayNotHasKey( 'presence-heartbeat-collaborators', $this->heartbeat( $one, $this->ping() ), 'only the editor handler answers it' );
		$this->assertArrayNotHasKey( 'presence-heartbeat-collaborators', $this->heartbeat( self::user( 'contributor' ), $this->editor_data( $this->post_id ), 'post' ), 'nor for a post the user may not edit' );

		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		$this->assertSame( 2, $this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' )['presence-heartbeat-collaborators'], 'recording off: the count as stored' );
	}

	public function test_ticks_start_a_collaboration_once_and_a_closed_tab_ends_it(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'editor' );
		for ( $i = 0; $i < 3; $i++ ) {
			$this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' );
		}
		$this->assertSame( 0, $this->fired( 'wp_presence_collaboration_started' ) );
		$this->assertSame( array( 'editor-' . $one->ID, 'user-' . $one->ID ), $this->announced, 'each entry announced once: steady ticks change nothing' );

		$two_data                          = $this->editor_data( $this->post_id );
		$two_data['presence-ping']['tab'] = 'tabTwo';
		for ( $i = 0; $i < 3; $i++ ) {
			$this->heartbeat( $two, $two_data, 'post' );
			$this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' );
		}
		$this->assertSame( 1, $this->fired( 'wp_presence_collaboration_started' ) );

		wpp_leave_tab( $two, 'tabTwo' );
		$this->assertSame( 1, $this->fired( 'wp_presence_collaboration_ended' ), 'the other editor closed the tab: ended at once' );
		$this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' );
		$this->assertSame( 1, $this->fired( 'wp_presence_collaboration_ended' ) );
	}

	public function test_with_recording_off_ticks_write_nothing_and_what_is_stored_fades_out(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'editor' );
		$reader = $this->editor_data( $this->post_id );
		unset( $reader['wp-refresh-post-lock'] ); // One reads along; two will hold the lock.
		$this->heartbeat( $one, $reader, 'post' );
		update_option( 'wp_presence_recording', '0' );
		$response = $this->heartbeat( $two, $this->editor_data( $this->post_id ), 'post' );
		$this->assertNull( wpp_entries_find( $this->post_room(), 'editor-' . $two->ID ), 'no editor entry' );
		$this->assertNull( wpp_entries_find( 'admin/online', 'user-' . $two->ID ), 'no online entry' );
		$this->assertSame( array( $one->ID ), $this->ids( $response['presence-editors'] ), 'what is stored is shown until it expires' );
		$this->assertSame( array( $one->ID ), array_column( $response['presence-online']['users'], 'user_id' ) );
		$this->assertArrayHasKey( 'new_lock', $response['wp-refresh-post-lock'], 'the lock is kept all the same' );
		$this->assertNotNull( wpp_entries_find( $this->post_room(), '_lock' ) );
	}
}
