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
 * @covers ::wpp_editor_html
 * @covers ::wpp_editor_print
 */
final class EditorTest extends WPP_Heartbeat_TestCase {

	public function test_editor_gets_the_post_and_the_other_editors(): void {
		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$config = $this->open_admin_screen( self::user( 'editor' ), 'post', get_post( $this->post_id ) );

		$this->assertSame( $this->post_id, $config['postId'] );
		$this->assertTrue( $config['isEditor'] );
		$this->assertSame( $this->post_room(), $config['editorRoom'] );
		$this->assertSame( 2, $config['initialCollaborators'], 'two editors: the feature plugin\'s collaboration has started' );
		$this->assertSame( array( $other->ID ), $this->ids( $config['initial']['editors'] ) );
		$this->assertSame( 2, wpp_backend()->count_room( $this->post_room(), 150 ), 'opening the editor writes the editor entry' );

		ob_start();
		wpp_editor_print();
		$html = (string) ob_get_clean();
		$this->assertMatchesRegularExpression( '#^<div class="wpp-editors" id="wpp-editors" role="group" aria-label="[^"]+" data-post-id="' . $this->post_id . '" data-wpp-version="[0-9]+"><span class="wpp-editors__label">Also editing:</span>#', $html );
		$this->assertStringContainsString( 'data-user-id="' . $other->ID . '"', $html );
	}

	public function test_alone_the_group_is_printed_hidden_and_agents_are_labelled(): void {
		$payload = array(
			'post_id' => 7,
			'version' => 3,
			'users'   => array(),
		);
		$this->assertStringContainsString( ' data-wpp-version="3" hidden>', wpp_editor_html( $payload ) );
		$payload['users'] = array(
			array( 'user_id' => 9, 'display_name' => 'Robo <b>', 'avatar_url' => '', 'status' => 'active', 'is_agent' => true ),
		);
		$html = wpp_editor_html( $payload );
		$this->assertStringNotContainsString( ' hidden>', $html );
		$this->assertStringContainsString( 'title="Robo &lt;b&gt; (agent) (Active)"', $html );
		$this->assertStringContainsString( '<span class="wpp-agent-badge">Agent</span>', $html );
		$this->assertStringNotContainsString( '<b>', $html );
	}

	public function test_editor_of_a_post_the_user_cannot_edit_is_not_an_editor_page(): void {
		$config = $this->open_admin_screen( self::user( 'contributor' ), 'post', get_post( $this->post_id ) );
		$this->assertSame( 0, $config['postId'] );
		$this->assertSame( '', $config['editorRoom'] );
	}
}
