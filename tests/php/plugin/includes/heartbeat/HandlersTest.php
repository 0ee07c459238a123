<?php
/**
 * `presence-ping` / `presence-editor-ping` (plugin/includes/heartbeat/handlers.php): what is
 * written, what is answered, who may.
 * Runs on the active backend (native when the extension is loaded, the database table otherwise).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

final class HandlersTest extends WPP_Heartbeat_TestCase {

	public function test_ping_writes_the_users_admin_online_entry_with_what_readers_need(): void {
		$editor = self::named_user( 'editor', 'Ed "Itor" & Co' );
		$this->heartbeat( $editor, $this->ping( array( 'title' => 'Posts' ) ), 'edit-post' );

		$entries = wpp_backend()->get_room( 'admin/online', 150 );
		$this->assertCount( 1, $entries );
		$this->assertSame( 'user-' . $editor->ID, $entries[0]['client_id'] );
		$this->assertSame( $editor->ID, $entries[0]['user_id'] );
		$this->assertSame( 'Ed "Itor" &amp; Co', $editor->display_name, 'WordPress keeps it escaped' );
		$this->assertSame( 'Ed "Itor" & Co', $entries[0]['data']['display_name'], 'stored as text: the surfaces show it as text' );
		$this->assertStringStartsWith( 'http', $entries[0]['data']['avatar_url'] );
		$this->assertSame( 'dashboard', $entries[0]['data']['screen'] );
		$this->assertArrayNotHasKey( 'title', $entries[0]['data'], 'no text from the browser is kept for others to read' );
		$this->assertSame( 0, $entries[0]['data']['post_id'] );
	}

	public function test_response_lists_everyone_online_newest_first_with_the_contract_keys(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'author' );
		$this->heartbeat( $one, $this->ping() );
		usleep( 20000 ); // Distinct updated_at, so "newest first" is observable.
		$response = $this->heartbeat( $two, $this->ping( array( 'screen' => 'edit-post', 'title' => 'Posts' ) ) );

		$online = $response['presence-online'];
		$this->assertSame( 2, $online['total'] );
		$this->assertSame( array( $two->ID, $one->ID ), $this->ids( $online ) );
		$this->assertIsInt( $online['version'] );
		$this->assertArrayNotHasKey( 'unchanged', $online );
		$this->assertSame(
			array( 'user_id', 'display_name', 'avatar_url', 'date_gmt', 'updated_at', 'status', 'is_agent', 'screen', 'post_id', 'label', 'url' ),
			array_keys( $online['users'][0] )
		);
		$this->assertSame( 'edit-post', $online['users'][0]['screen'] );
		$this->assertSame( 'Browsing Posts', $online['users'][0]['label'] );
		$this->assertSame( admin_url( 'edit.php?post_type=post' ), $online['users'][0]['url'] );
		$this->assertSame( 'active', $online['users'][0]['status'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $online['users'][0]['date_gmt'] );
	}

	public function test_same_version_is_answered_unchanged_and_a_join_changes_it(): void {
		$one   = self::user( 'editor' );
		$first = $this->heartbeat( $one, $this->ping() )['presence-online'];

		$again = $this->heartbeat( $one, $this->ping( array( 'versions' => array( 'online' => (string) $first['version'] ) ) ) );
		$this->assertSame(
			array(
				'version'   => $first['version'],
				'unchanged' => true,
			),
			$again['presence-online'],
			'a refresh with the same state does not change the version'
		);

		$this->heartbeat( self::user( 'editor' ), $this->ping() );
		$after = $this->heartbeat( $one, $this->ping( array( 'versions' => array( 'online' => $first['version'] ) ) ) );
		$this->assertNotSame( $first['version'], $after['presence-online']['version'] );
		$this->assertSame( 2, $after['presence-online']['total'] );
	}

	public function test_versions_fit_in_a_javascript_number(): void {
		$response = $this->heartbeat( self::user( 'editor' ), $this->ping() );
		$this->assertLessThan( 2 ** 53, $response['presence-online']['version'] );
		$this->assertSame( 5, wpp_payload_version( 5 ) );
		$this->assertSame( 2 ** 53 - 1, wpp_payload_version( PHP_INT_MAX ) );
	}

	public function test_list_is_capped_by_a_filter_and_the_total_still_counts_everyone(): void {
		$users = array();
		for ( $i = 0; $i < 5; $i++ ) {
			$users[] = self::user( 'editor' );
			$this->heartbeat( end( $users ), $this->ping() );
			usleep( 5000 );
		}
		add_filter( 'wpp_presence_online_limit', static fn() => 3 );

		$online = $this->heartbeat( $users[4], $this->ping() )['presence-online'];
		$this->assertSame( 5, $online['total'] );
		$this->assertSame( array( $users[4]->ID, $users[3]->ID, $users[2]->ID ), $this->ids( $online ) );
	}

	public function test_only_entries_written_by_the_heartbeat_are_listed(): void {
		$editor = self::user( 'editor' );
		// Another writer in the same room: another client id, made-up fields.
		wpp_backend()->set( 'admin/online', 'tab-1', array( 'display_name' => 'Someone else' ), $editor->ID, 150 );
		$online = $this->heartbeat( self::user( 'editor' ), $this->ping() )['presence-online'];
		$this->assertNotContains( 'Someone else', array_column( $online['users'], 'display_name' ) );
		$this->assertCount( 1, $online['users'] );
		$this->assertSame( 1, $online['total'] );
	}

	public function test_other_writers_entries_do_not_push_users_out_of_the_capped_lists(): void {
		$one = self::user( 'editor' );
		$two = self::user( 'editor' );
		$this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' );
		usleep( 5000 );
		// One editor's REST client fills both rooms with entries newer than everyone's heartbeat
		// (50 is what the REST API lets a user hold, and the list cap).
		$spammer = self::user( 'editor' );
		for ( $i = 0; $i < 25; $i++ ) {
			wpp_backend()->set( 'admin/online', "tab-$i", array(), $spammer->ID, 150 );
			wpp_backend()->set( $this->post_room(), "tab-$i", array(), $spammer->ID, 150 );
		}
		add_filter( 'wpp_presence_online_limit', static fn() => 20 );

		$response = $this->heartbeat( $two, $this->editor_data( $this->post_id ), 'post' );
		$this->assertSame( array( $two->ID, $one->ID ), $this->ids( $response['presence-online'] ) );
		$this->assertSame( 2, $response['presence-online']['total'] );
		$this->assertSame( array( $one->ID ), $this->ids( $response['presence-editors'] ) );
		$this->assertSame( 1, $response['presence-editors']['total'] );
	}

	public function test_default_cap_is_50(): void {
		$this->assertSame( 50, wpp_payload_online_limit() );
	}

	public function test_editor_ping_answers_the_other_editors_of_that_post_only(): void {
		$one   = self::user( 'editor' );
		$two   = self::user( 'editor' );
		$other = (int) wp_insert_post( array( 'post_title' => 'Other', 'post_status' => 'draft' ) );

		$this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' );
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $other ), 'post' );
		$response = $this->heartbeat( $two, $this->editor_data( $this->post_id ), 'post' );

		$editors = $response['presence-editors'];
		$this->assertSame( $this->post_id, $editors['post_id'] );
		$this->assertSame( $this->post_room(), $editors['room'] );
		$this->assertSame( array( $one->ID ), $this->ids( $editors ), 'not the user themselves, not the other post' );
		$this->assertSame( 1, $editors['total'] );
		$this->assertSame(
			array( 'user_id', 'display_name', 'avatar_url', 'date_gmt', 'updated_at', 'status', 'is_agent' ),
			array_keys( $editors['users'][0] )
		);
		$this->assertSame( 3, $response['presence-online']['total'], 'editors are online too' );
	}

	public function test_editor_version_round_trip(): void {
		$one   = self::user( 'editor' );
		$first = $this->heartbeat( $one, $this->editor_data( $this->post_id ), 'post' )['presence-editors'];
		$again = $this->heartbeat( $one, $this->editor_data( $this->post_id, array( 'editors' => $first['version'] ) ), 'post' );
		$this->assertTrue( $again['presence-editors']['unchanged'] );
		$this->assertSame( $this->post_id, $again['presence-editors']['post_id'] );
		$this->assertArrayNotHasKey( 'users', $again['presence-editors'] );
	}

	public function test_idle_after_the_threshold_and_gone_after_the_ttl(): void {
		$clock = new WPP_Test_Memory_Backend( microtime( true ) - 100 );
		wpp_backend_use( $clock );
		$away = self::user( 'editor' );
		$this->heartbeat( $away, $this->ping() );   // 100 s ago: older than 90 s, younger than 150 s.
		$clock->now = microtime( true );

		$online = $this->heartbeat( self::user( 'editor' ), $this->ping() )['presence-online'];
		$status = array_column( $online['users'], 'status', 'user_id' );
		$this->assertSame( 'idle', $status[ $away->ID ] );
		$this->assertContains( 'active', $status );

		add_filter( 'wpp_presence_idle_after', static fn() => 200 );
		$online = $this->heartbeat( self::user( 'editor' ), $this->ping() )['presence-online'];
		$this->assertSame( 'active', array_column( $online['users'], 'status', 'user_id' )[ $away->ID ] );

		$clock->now += 60; // 160 s after the ping: past the 150 s TTL.
		$online = $this->heartbeat( self::user( 'editor' ), $this->ping() )['presence-online'];
		$this->assertNotContains( $away->ID, $this->ids( $online ) );
	}

	public function test_users_without_edit_posts_or_logged_out_get_nothing_and_write_nothing(): void {
		$this->assertSame( array(), $this->heartbeat( self::user( 'subscriber' ), $this->ping() ) );
		wp_set_current_user( 0 );
		$this->assertSame( array(), apply_filters( 'heartbeat_received', array(), $this->ping(), 'dashboard' ) );
		$this->assertSame( 0, wpp_backend()->count_room( 'admin/online', 150 ) );
	}

	public function test_editor_ping_for_a_post_the_user_cannot_edit_writes_no_editor_entry(): void {
		$contributor = self::user( 'contributor' ); // edit_posts, but not others' posts.
		$response    = $this->heartbeat( $contributor, $this->editor_data( $this->post_id ), 'post' );
		$this->assertArrayHasKey( 'presence-online', $response );
		$this->assertArrayNotHasKey( 'presence-editors', $response );
		$this->assertSame( 0, wpp_backend()->count_room( $this->post_room(), 150 ) );
	}

	public function test_editor_ping_for_a_type_without_presence_support_or_no_post(): void {
		register_post_type( 'wpp_no_presence', array( 'public' => true ) );
		$id       = (int) wp_insert_post( array( 'post_type' => 'wpp_no_presence', 'post_title' => 'x', 'post_status' => 'draft' ) );
		$response = $this->heartbeat( self::user( 'administrator' ), $this->editor_data( $id ), 'post' );
		$this->assertArrayNotHasKey( 'presence-editors', $response );
		$response = $this->heartbeat( self::user( 'administrator' ), $this->editor_data( 999999999 ), 'post' );
		$this->assertArrayNotHasKey( 'presence-editors', $response );
		unregister_post_type( 'wpp_no_presence' );
	}

	public function test_other_heartbeat_data_is_left_alone(): void {
		$response = $this->heartbeat( self::user( 'editor' ), array( 'something-else' => array( 'a' => 1 ) ) );
		$this->assertArrayNotHasKey( 'presence-online', $response );
		$this->assertSame( 0, wpp_backend()->count_room( 'admin/online', 150 ) );
	}

	public function test_a_failing_backend_leaves_the_response_as_it_was(): void {
		wpp_backend_use( new class() extends WPP_Test_Memory_Backend {
			public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '' ): array|false {
				throw new RuntimeException( 'store unavailable' );
			}
		} );
		$log = ini_set( 'error_log', '/dev/null' );
		$response = apply_filters( 'heartbeat_received', array( 'kept' => 1 ), $this->ping(), 'dashboard' );
		$this->assertSame( array( 'kept' => 1 ), $response, 'logged out: untouched' );
		$response = $this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		ini_set( 'error_log', (string) $log );
		$this->assertArrayNotHasKey( 'presence-online', $response );
		$this->assertArrayHasKey( 'wp-refresh-post-lock', $response, "core's part of the answer is still there" );
	}
}
