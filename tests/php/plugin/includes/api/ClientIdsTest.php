<?php
/**
 * Client ids (plugin/includes/api/client-ids.php): the ids of the feature plugin, reserved ids,
 * who an entry stands for (one per user, the old `user-{id}` of a post room included), the
 * editor count, and agents.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_client_ids_user
 * @covers ::wpp_client_ids_editor
 * @covers ::wpp_client_ids_cli
 * @covers ::wpp_client_ids_agent
 * @covers ::wpp_client_ids_parse
 * @covers ::wpp_client_ids_user_entries
 * @covers ::wpp_client_ids_count_editors
 */
class ClientIdsTest extends WPP_TestCase {

	public function test_the_ids_are_the_feature_plugins(): void {
		$this->assertSame( 'user-7', wpp_client_ids_user( 7 ) );
		$this->assertSame( 'editor-7', wpp_client_ids_editor( 7 ) );
		$this->assertSame( 'cli-7', wpp_client_ids_cli( 7 ) );
		$this->assertSame( 'cli-0', wpp_client_ids_cli( 0 ), 'wp presence set without a user' );
		$this->assertSame( 'agent-7', wpp_client_ids_agent( 7 ) );
		$this->assertSame( array( '_lock', '_collab' ), array( WPP_LOCK_CLIENT, WPP_COLLAB_CLIENT ) );
	}

	public function test_parse_tells_the_kinds_apart(): void {
		$cases = array(
			'user-7'    => array( 'user', 7 ),
			'editor-12' => array( 'editor', 12 ),
			'agent-3'   => array( 'agent', 3 ),
			'cli-0'     => array( 'cli', 0 ),
			'_lock'     => array( 'reserved', 0 ),
			'_'         => array( 'reserved', 0 ),
			'editor-07' => array( '', 0 ),
			'editor-'   => array( '', 0 ),
			'gse-1'     => array( '', 0 ),
			"user-7\n"  => array( '', 0 ),
			'User-7'    => array( '', 0 ),
		);
		foreach ( $cases as $client => $expected ) {
			$this->assertSame( $expected, wpp_client_ids_parse( $client ), $client );
		}
		$this->assertTrue( wpp_client_ids_is_user( 'editor-4' ) );
		$this->assertTrue( wpp_client_ids_is_user( 'agent-4' ) );
		$this->assertFalse( wpp_client_ids_is_user( 'cli-4' ), 'carries no name or avatar' );
		$this->assertFalse( wpp_client_ids_is_user( 'gse-4' ) );
		$this->assertTrue( wpp_client_ids_is_reserved( '_x' ) );
		$this->assertFalse( wpp_client_ids_is_reserved( 'x_' ) );
	}

	public function test_user_entries_keep_one_entry_per_user_and_take_the_old_post_room_id(): void {
		$entry   = static fn( string $client, int $user ) => array( 'client_id' => $client, 'user_id' => $user );
		$entries = array(
			$entry( 'editor-1', 1 ),  // Newest first: the one kept for user 1.
			$entry( 'user-1', 1 ),    // Written before 0.3.0: same user, not counted twice.
			$entry( 'user-2', 2 ),    // Only the old id: still listed until it expires.
			$entry( 'agent-3', 3 ),
			$entry( 'editor-4', 5 ),  // Names another user than its owner.
			$entry( 'gse-6', 6 ),
			$entry( '_lock', 7 ),
			$entry( 'cli-8', 8 ),
			$entry( 'editor-9', 9 ),
		);
		$kept = wpp_client_ids_user_entries( $entries );
		$this->assertSame( array( 'editor-1', 'user-2', 'agent-3', 'editor-9' ), array_column( $kept, 'client_id' ) );
		$this->assertSame( array( 'user-2', 'agent-3', 'editor-9' ), array_column( wpp_client_ids_user_entries( $entries, 1 ), 'client_id' ) );
	}

	public function test_the_editor_count_counts_editor_ids_only(): void {
		$entries = array(
			array( 'client_id' => 'editor-1' ),
			(object) array( 'client_id' => 'editor-2' ),
			array( 'client_id' => 'agent-3' ),
			array( 'client_id' => 'user-4' ),
			array( 'client_id' => 'gse-editor-5' ),
		);
		$this->assertSame( 2, wpp_client_ids_count_editors( $entries ) );
	}

	public function test_the_heartbeat_writes_editor_ids_in_post_rooms_and_user_ids_in_the_admin_room(): void {
		$editor = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID, 'post_status' => 'draft' ) );
		self::log_in( $editor );
		wpp_write_online( $editor, 'post', $post->ID );
		wpp_write_editor( $editor, $post->ID, 'tab1' );
		$this->assertSame( array( 'user-' . $editor->ID ), wp_list_pluck( wp_get_presence( 'admin/online' ), 'client_id' ) );
		$this->assertSame( array( 'editor-' . $editor->ID ), wp_list_pluck( wp_get_presence( wp_presence_post_room( $post ) ), 'client_id' ) );
	}

	public function test_an_old_user_id_in_a_post_room_goes_at_the_users_next_editor_tick(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID, 'post_status' => 'draft' ) );
		$room   = wp_presence_post_room( $post );
		// As 0.2 wrote them.
		wpp_backend()->set( $room, 'user-' . $editor->ID, wpp_write_user_fields( $editor ) + array( 'tab' => '' ), $editor->ID, 150 );
		wpp_backend()->set( $room, 'user-' . $other->ID, wpp_write_user_fields( $other ) + array( 'tab' => '' ), $other->ID, 150 );
		$this->assertCount( 2, wpp_client_ids_user_entries( wpp_backend()->get_room( $room, null ) ), 'nobody vanishes after the update' );

		self::log_in( $editor );
		$written = wpp_write_editor_exchange( $editor, $post->ID, 'tab1', true, 'post' );
		$this->assertSame( array( 'editor-' . $editor->ID, 'user-' . $other->ID ), array_column( $written['result']['entries'], 'client_id' ) );
		$this->assertEqualsCanonicalizing( array( 'editor-' . $editor->ID, 'user-' . $other->ID ), wp_list_pluck( wp_get_presence( $room ), 'client_id' ), 'the old entry went' );
		$this->assertCount( 2, wpp_client_ids_user_entries( wpp_backend()->get_room( $room, null ) ), 'nobody counted twice' );
	}
}
