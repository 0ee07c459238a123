<?php
/**
 * Agents (plugin/includes/agents.php): an agent's save writes `agent-{id}` into the post's room
 * and into admin/online; a person's save, trashing and auto-drafts write nothing; the surfaces'
 * data carries `is_agent`; nobody can pose as an agent over REST.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_agents_post_saved
 * @covers ::wpp_agents_is_entry
 * @covers ::wpp_client_ids_is_agent_user
 * @covers ::wpp_client_ids_defer_agent_check
 * @covers ::wpp_client_ids_user_entries
 * @covers ::wpp_payload_user_item
 */
class AgentsTest extends WPP_TestCase {

	/**
	 * An editor account the site counts as an AI agent.
	 */
	private static function agent(): WP_User {
		$agent = self::user( 'editor' );
		add_filter( 'wp_presence_is_agent_user', static fn( $is, $user_id ) => $user_id === $agent->ID ? true : $is, 20, 2 );
		return $agent;
	}

	/**
	 * Updates a post over REST as the current user, as an agent's tool does.
	 */
	private function rest_update( WP_Post $post, array $fields ): void {
		$request = new WP_REST_Request( 'POST', '/wp/v2/posts/' . $post->ID );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( $fields ) );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
	}

	/**
	 * Client ids in a room.
	 */
	private static function clients( string $room ): array {
		return array_column( wpp_backend()->get_room( $room, DAY_IN_SECONDS ), 'client_id' );
	}

	public function test_a_rest_save_by_an_agent_writes_its_entries(): void {
		$agent = self::agent();
		$post  = self::post( array( 'post_author' => $agent->ID, 'post_status' => 'draft' ) );
		self::log_in( $agent );
		$this->rest_update( $post, array( 'title' => 'Drafted by the agent' ) );

		$room  = 'postType/post:' . $post->ID;
		$entry = wpp_entries_find( $room, 'agent-' . $agent->ID );
		$this->assertNotNull( $entry, 'the post\'s room' );
		$this->assertSame( $agent->ID, $entry['user_id'] );
		$this->assertSame( $agent->display_name, $entry['data']['display_name'] );
		$online = wpp_entries_find( 'admin/online', 'agent-' . $agent->ID );
		$this->assertNotNull( $online, 'admin/online' );
		$this->assertSame( array( 'post', $post->ID ), array( $online['data']['screen'], $online['data']['post_id'] ) );
		$this->assertSame( array( 'agent-' . $agent->ID ), self::clients( $room ), 'one entry per agent, nothing else' );
	}

	public function test_a_persons_save_writes_nothing(): void {
		$editor = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID, 'post_status' => 'draft' ) );
		self::log_in( $editor );
		$this->rest_update( $post, array( 'title' => 'Written by a person' ) );
		$this->assertSame( array(), wpp_backend()->rooms( DAY_IN_SECONDS ) );
	}

	public function test_trashing_an_auto_draft_and_a_type_without_presence_write_nothing(): void {
		$agent = self::agent();
		self::log_in( $agent );
		$post = self::post( array( 'post_author' => $agent->ID ) );
		wpp_backend()->flush();
		wp_trash_post( $post->ID );
		self::post( array( 'post_author' => $agent->ID, 'post_status' => 'auto-draft' ) );
		register_post_type( 'wpp_no_presence', array( 'public' => true ) );
		try {
			self::post( array( 'post_author' => $agent->ID, 'post_type' => 'wpp_no_presence' ) );
		} finally {
			unregister_post_type( 'wpp_no_presence' );
		}
		$this->assertSame( array(), wpp_backend()->rooms( DAY_IN_SECONDS ) );
	}

	public function test_with_recording_off_an_agents_save_writes_nothing(): void {
		$agent = self::agent();
		self::log_in( $agent );
		add_filter( 'wp_presence_recording_enabled', '__return_false' );
		self::post( array( 'post_author' => $agent->ID ) );
		$this->assertSame( array(), wpp_backend()->rooms( DAY_IN_SECONDS ) );
	}

	public function test_a_save_without_a_user_writes_nothing(): void {
		add_filter( 'wp_presence_is_agent_user', '__return_true' );
		self::post();
		$this->assertSame( array(), wpp_backend()->rooms( DAY_IN_SECONDS ) );
	}

	public function test_nobody_is_an_agent_by_default(): void {
		$this->assertFalse( wpp_client_ids_is_agent_user( self::user( 'editor' )->ID ) );
		$this->assertTrue( wpp_client_ids_defer_agent_check( true, 5 ), 'without wpai_is_agent_user(), the answer so far stands' );
		$this->assertFalse( wpp_client_ids_defer_agent_check( false, 5 ) );
	}

	public function test_the_ai_plugin_decides_who_is_an_agent_when_loaded(): void {
		list( $out, $err ) = self::run_child( 'agents-wpai-child.php' );
		$this->assertSame( '{"agent":true,"person":false,"filtered_after":true}', $out, $err );
	}

	public function test_the_surfaces_data_says_which_entries_are_agents(): void {
		$agent  = self::agent();
		$editor = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID ) );
		self::log_in( $agent );
		wp_update_post( array( 'ID' => $post->ID, 'post_title' => 'Retitled by the agent' ) );
		self::log_in( $editor );
		wpp_write_online( $editor, 'edit-post' );
		wpp_write_editor( $editor, $post->ID );
		$now = microtime( true );

		$expected = array( $agent->ID => true, $editor->ID => false );
		$online   = array_column( wpp_payload_online( null, $now, $editor )['users'], 'is_agent', 'user_id' );
		ksort( $online );
		$this->assertSame( $expected, $online, 'presence-online' );

		$active = array_column( wpp_active_posts_build( wpp_active_posts_read( null ), $now, $editor )['posts'][0]['users'], 'is_agent', 'user_id' );
		ksort( $active );
		$this->assertSame( $expected, $active, 'Active posts' );

		$rows = wpp_posts_list_people( array( $post->ID => 'postType/post:' . $post->ID ), $editor, $now )['rows'];
		$this->assertSame( array( $agent->ID => true ), array_column( $rows[ 'postType/post:' . $post->ID ], 'is_agent', 'user_id' ), 'the posts list (the viewer left out)' );
	}

	public function test_an_agent_with_a_heartbeat_of_its_own_is_listed_once(): void {
		$agent = self::agent();
		$post  = self::post( array( 'post_author' => $agent->ID ) );
		self::log_in( $agent );
		wp_update_post( array( 'ID' => $post->ID, 'post_title' => 'Saved' ) );
		wpp_write_editor( $agent, $post->ID );
		$entries = wpp_client_ids_user_entries( wpp_backend()->get_room( 'postType/post:' . $post->ID, 150 ) );
		$this->assertSame( array( $agent->ID ), array_column( $entries, 'user_id' ), 'one item: its heartbeat entry' );
		$this->assertFalse( wpp_agents_is_entry( $entries[0] ) );
	}

	public function test_an_agent_client_id_of_another_user_is_not_an_agent(): void {
		$this->assertTrue( wpp_agents_is_entry( array( 'client_id' => 'agent-7', 'user_id' => 7 ) ) );
		$this->assertFalse( wpp_agents_is_entry( array( 'client_id' => 'agent-7', 'user_id' => 8 ) ) );
		$this->assertFalse( wpp_agents_is_entry( array( 'client_id' => 'agent-0', 'user_id' => 0 ) ) );
		$this->assertFalse( wpp_agents_is_entry( array( 'client_id' => 'user-7', 'user_id' => 7 ) ) );
	}

	public function test_nobody_can_pose_as_an_agent_over_rest(): void {
		$editor = self::user( 'editor' );
		self::log_in( $editor );
		$request = new WP_REST_Request( 'POST', '/wp-presence/v1/presence' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( wp_json_encode( array( 'room' => 'admin/online', 'client_id' => 'agent-' . $editor->ID, 'data' => array( 'display_name' => 'Robot' ) ) ) );
		$response = rest_get_server()->dispatch( $request );
		$this->assertSame( 403, $response->get_status() );
		$this->assertSame( 'wpp_client_id_reserved', $response->get_data()['code'] );
		$this->assertSame( array(), wpp_backend()->rooms( DAY_IN_SECONDS ) );
	}
}
