<?php
/**
 * The post editor (plugin/includes/surfaces/editor.php): the editor's page names its post only
 * when the user may edit it, and starts with the other people in the post.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_editor_post_id
 * @covers ::wpp_editor_payload
 */
final class EditorTest extends WPP_Heartbeat_TestCase {

	public function test_editor_gets_the_post_and_the_other_editors(): void {
		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$config = $this->open_admin_screen( self::user( 'editor' ), 'post', get_post( $this->post_id ) );

		$this->assertTrue( wp_script_is( 'wpp-presence-editors', 'enqueued' ) );
		$this->assertSame( $this->post_id, $config['postId'] );
		$this->assertTrue( $config['isEditor'] );
		$this->assertSame( array( $other->ID ), $this->ids( $config['initial']['editors'] ) );
		$this->assertSame( 2, wpp_backend()->count_room( $this->post_room(), 150 ), 'opening the editor writes the editor entry' );
	}

	public function test_editor_of_a_post_the_user_cannot_edit_is_not_an_editor_page(): void {
		$config = $this->open_admin_screen( self::user( 'contributor' ), 'post', get_post( $this->post_id ) );
		$this->assertSame( 0, $config['postId'] );
		$this->assertFalse( wp_script_is( 'wpp-presence-editors', 'enqueued' ) );
	}
}
