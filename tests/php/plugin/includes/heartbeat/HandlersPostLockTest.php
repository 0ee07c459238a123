<?php
/**
 * The post-lock bridge (plugin/includes/heartbeat/handlers.php): core's `wp-refresh-post-lock`
 * keeps the editor entry alive, and it is the same entry the editor ping writes (one per user per
 * post).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

final class HandlersPostLockTest extends WPP_Heartbeat_TestCase {

	public function test_post_lock_alone_writes_the_editor_entry(): void {
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, array( 'wp-refresh-post-lock' => array( 'post_id' => (string) $this->post_id ) ), 'post' );

		$entries = wpp_backend()->get_room( $this->post_room(), 150 );
		$this->assertCount( 1, $entries );
		$this->assertSame( 'editor-' . $editor->ID, $entries[0]['client_id'] );
		$this->assertTrue( $entries[0]['data']['locked'], 'the page that refreshes the lock holds it' );
		$this->assertSame( $editor->display_name, $entries[0]['data']['display_name'] );
		$this->assertSame( 0, wpp_backend()->count_room( 'admin/online', 150 ), 'no ping: not written to admin/online' );
	}

	public function test_post_lock_and_editor_ping_give_one_entry_per_user_and_a_stable_version(): void {
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, array( 'wp-refresh-post-lock' => array( 'post_id' => $this->post_id ) ), 'post' );
		$version = wpp_backend()->room_version( $this->post_room() );

		$this->heartbeat( $editor, $this->editor_data( $this->post_id ), 'post' );
		$this->heartbeat( $editor, array( 'wp-refresh-post-lock' => array( 'post_id' => $this->post_id ) ), 'post' );

		$this->assertSame( 1, wpp_backend()->count_room( $this->post_room(), 150 ) );
		$this->assertSame( $version, wpp_backend()->room_version( $this->post_room() ), 'both sources write the same state' );
	}

	public function test_post_lock_seen_by_another_editor(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'editor' );
		$this->heartbeat( $one, array( 'wp-refresh-post-lock' => array( 'post_id' => $this->post_id ) ), 'post' ); // A hidden tab.
		$editors = $this->heartbeat( $two, $this->editor_data( $this->post_id ), 'post' )['presence-editors'];
		$this->assertSame( array( $one->ID ), $this->ids( $editors ) );
	}

	public function test_post_lock_for_a_post_the_user_cannot_edit_or_garbage_writes_nothing(): void {
		$this->heartbeat( self::user( 'contributor' ), array( 'wp-refresh-post-lock' => array( 'post_id' => $this->post_id ) ), 'post' );
		$this->heartbeat( self::user( 'editor' ), array( 'wp-refresh-post-lock' => array( 'post_id' => '12abc' ) ), 'post' );
		// Core's own wp_refresh_post_lock() raises on a non-array, so call the bridge alone.
		wp_set_current_user( self::user( 'editor' )->ID );
		$this->assertSame( array(), wpp_handlers_post_lock( array(), array( 'wp-refresh-post-lock' => 'nope' ), 'post' ) );
		$this->assertSame( 'x', wpp_handlers_post_lock( 'x', 'not an array', 'post' ) );
		$this->heartbeat( self::user( 'subscriber' ), array( 'wp-refresh-post-lock' => array( 'post_id' => $this->post_id ) ), 'post' );
		$this->assertSame( array(), wpp_backend()->rooms( 150 ) );
	}

	public function test_core_lock_answer_is_untouched(): void {
		$editor   = self::user( 'editor' );
		$response = $this->heartbeat( $editor, $this->editor_data( $this->post_id ), 'post' );
		$this->assertArrayHasKey( 'new_lock', $response['wp-refresh-post-lock'] );
	}
}
