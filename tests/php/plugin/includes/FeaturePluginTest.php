<?php
/**
 * Beside and after the Presence API feature plugin (plugin/includes/feature-plugin.php): its live
 * entries are imported, its table is only read, and a site switches from it without losing who
 * is online and without breaking either plugin on the way.
 *
 * The feature plugin cannot be downloaded here: the switch runs against a stand-in written for
 * these tests (support/presence-api-standin/), which reproduces its table, functions, REST routes
 * and heartbeat entries, not its code.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_feature_plugin_entry
 * @covers ::wpp_feature_plugin_import
 * @covers ::wpp_feature_plugin_deactivated
 * @covers ::wpp_feature_plugin_notice
 * @covers ::wpp_routes_register
 */
class FeaturePluginTest extends WPP_TestCase {

	public function test_heartbeat_entries_become_presences_own_and_others_are_copied(): void {
		$editor = self::user( 'editor' );
		$now    = time();
		$row    = static fn( $room, $client, $user, $data = array() ) => (object) array( 'room' => $room, 'client_id' => $client, 'user_id' => $user, 'data' => wp_json_encode( $data ) );

		$online = wpp_feature_plugin_entry( $row( 'admin/online', 'user-' . $editor->ID, $editor->ID, array( 'screen' => 'edit-post', 'title' => 'Posts', 'post_status' => 'x' ) ), $now + 90, $now );
		$this->assertSame( 'user-' . $editor->ID, $online['client_id'] );
		$this->assertSame( wpp_write_user_fields( $editor ) + array( 'screen' => 'edit-post', 'post_id' => 0, 'tab' => '' ), $online['data'], 'no browser-sent title is carried over' );
		$this->assertSame( 90, $online['ttl'] );

		// A post the user may edit is kept (its title is the server's, built on read); one that
		// does not exist, or that they may not edit, is not.
		$post    = self::post( array( 'post_author' => $editor->ID, 'post_status' => 'draft' ) )->ID;
		$private = self::post( array( 'post_author' => self::user( 'administrator' )->ID, 'post_status' => 'draft' ) )->ID;
		$editing = wpp_feature_plugin_entry( $row( 'admin/online', 'user-' . $editor->ID, $editor->ID, array( 'screen' => 'post', 'post_id' => $post, 'title' => 'Sent by a browser' ) ), $now + 90, $now );
		$this->assertSame( $post, $editing['data']['post_id'] );
		$this->assertArrayNotHasKey( 'title', $editing['data'] );
		$author = self::user( 'author' );
		$denied = wpp_feature_plugin_entry( $row( 'admin/online', 'user-' . $author->ID, $author->ID, array( 'screen' => 'post', 'post_id' => $private ) ), $now + 90, $now );
		$this->assertSame( 0, $denied['data']['post_id'], 'an author may not edit an administrator\'s draft' );
		$missing = wpp_feature_plugin_entry( $row( 'admin/online', 'user-' . $editor->ID, $editor->ID, array( 'screen' => 'post', 'post_id' => 999999 ) ), $now + 90, $now );
		$this->assertSame( 0, $missing['data']['post_id'] );

		$editing = wpp_feature_plugin_entry( $row( 'postType/post:12', 'editor-' . $editor->ID, $editor->ID, array( 'locked' => true, 'screen' => 'post', 'action' => 'editing', 'extra' => '<b>' ) ), $now + 30, $now );
		$this->assertSame( 'editor-' . $editor->ID, $editing['client_id'], 'the same client id as the heartbeat writes' );
		$this->assertSame(
			array( 'action' => 'editing', 'screen' => 'post', 'locked' => true ) + wpp_write_user_fields( $editor ) + array( 'tab' => '' ),
			$editing['data']
		);

		$locked          = $row( 'postType/post:12', '_lock', $editor->ID );
		$locked->date_gmt = gmdate( 'Y-m-d H:i:s', $now - 50 );
		$lock             = wpp_feature_plugin_entry( $locked, $now + 100, $now );
		$this->assertSame( '_lock', $lock['client_id'], 'a lock taken under the feature plugin is taken over' );
		$this->assertSame( $editor->ID, $lock['user_id'] );
		$this->assertSame( $now - 50, $lock['written_at'], 'dated the lock\'s own time' );
		$this->assertSame( 150, $lock['ttl'], 'and expiring when it did' );
		$this->assertNull( wpp_feature_plugin_entry( $row( 'postType/post:12', '_collab', 0 ), $now + 30, $now ), 'its collaboration count is not' );

		$other = wpp_feature_plugin_entry( $row( 'admin/online', 'tab-1', $editor->ID, array( 'a' => array( 'b' => 1 ) ) ), $now + 30, $now );
		$this->assertSame( array( 'room' => 'admin/online', 'client_id' => 'tab-1', 'data' => array( 'a' => array( 'b' => 1 ) ), 'user_id' => $editor->ID, 'ttl' => 30 ), $other );

		$this->assertNull( wpp_feature_plugin_entry( $row( 'admin/online', '_screen-revisions', 0 ), $now + 30, $now ), 'its own bookkeeping' );
		$this->assertNull( wpp_feature_plugin_entry( $row( 'admin/online', 'tab-2', 1 ), $now, $now ), 'expired' );
	}

	/**
	 * The feature plugin lets any user who can edit posts write any client id into any room that
	 * is not a post's. Presence's surfaces show a `user-{id}` entry with the display name and
	 * avatar its data holds, and read its own internal rooms (screen revisions, last seen) as
	 * written by Presence alone: rows that would pose as either are not imported.
	 */
	public function test_rows_posing_as_presences_own_entries_are_not_imported(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$post   = self::post( array( 'post_author' => $editor->ID, 'post_status' => 'draft' ) )->ID;
		$now    = time();
		$fake   = array( 'display_name' => 'Site Administrator', 'avatar_url' => 'https://tracker.example/p.png', 'screen' => 'dashboard' );
		$row    = static fn( $room, $client, $user, $data ) => (object) array( 'room' => $room, 'client_id' => $client, 'user_id' => $user, 'data' => wp_json_encode( $data ) );
		$import = static fn( $room, $client, $user, $data = array() ) => wpp_feature_plugin_entry( $row( $room, $client, $user, $data ), $now + 60, $now );

		$this->assertNull( $import( "postType/post:$post", 'user-' . $editor->ID, $editor->ID, $fake ), 'a heartbeat id in a post room, data of its own' );
		$this->assertNull( $import( 'admin/online', 'user-' . $other->ID, $editor->ID, $fake ), 'another user\'s heartbeat id' );
		$this->assertNull( $import( 'admin/online', 'user-999999', 999999, $fake ), 'the heartbeat id of a deleted user' );
		$this->assertNull( $import( 'some/room', 'user-' . $editor->ID, $editor->ID, $fake ), 'a heartbeat id elsewhere' );
		$this->assertNull( $import( 'screens/options/general', 'revision', $editor->ID, array( 'user_id' => 1, 'display_name' => 'Site Administrator' ) ), 'a screen revision' );
		$this->assertNull( $import( 'users/last-seen', 'user-1', $editor->ID ), 'a last-seen time' );
		$this->assertSame( 'tab-9', $import( 'some/room', 'tab-9', $editor->ID, $fake )['client_id'], 'any other entry is still copied' );

		// Through the whole import: what Who's online and the editor's list then show.
		try {
			WPP_Legacy_Tables::create( 'presence-api' );
			WPP_Legacy_Tables::insert_theirs( "postType/post:$post", 'user-' . $editor->ID, $editor->ID, $fake, 100 );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'user-' . $other->ID, $editor->ID, $fake, 100 );
			WPP_Legacy_Tables::insert_theirs( 'screens/options/general', 'revision', $editor->ID, array( 'user_id' => 1 ), 100 );
			wpp_feature_plugin_import();
			$this->assertSame( array(), wpp_backend()->rooms( 86400 ) );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	/**
	 * @dataProvider layouts
	 */
	public function test_activation_imports_the_live_rows_once_and_leaves_the_table_alone( string $layout ): void {
		$editor  = self::user( 'editor' );
		$expires = 'presence-api' === $layout;
		try {
			WPP_Legacy_Tables::create( $layout );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'user-' . $editor->ID, $editor->ID, array( 'screen' => 'dashboard' ), 100, $expires );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'tab', $editor->ID, array( 'n' => 1 ), 100, $expires );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'gone', $editor->ID, array(), -5, $expires );
			WPP_Legacy_Tables::insert_theirs( '', 'empty-room', $editor->ID, array(), 100, $expires );
			WPP_Legacy_Tables::insert_theirs( str_repeat( 'r', 191 ), 'long-room', $editor->ID, array(), 100, $expires );
			$before = WPP_Legacy_Tables::definition();
			$rows   = WPP_Legacy_Tables::rows();

			do_action( 'activate_' . plugin_basename( WPP_FILE ), false );

			$entries = array_column( wpp_backend()->get_room( 'admin/online', 150 ), null, 'client_id' );
			$this->assertEqualsCanonicalizing( array( 'user-' . $editor->ID, 'tab' ), array_keys( $entries ) );
			$this->assertSame( $editor->display_name, $entries[ 'user-' . $editor->ID ]['data']['display_name'] );
			$this->assertSame( array( 'n' => 1 ), $entries['tab']['data'] );
			$this->assertSame( array( 'imported' => 2, 'skipped' => 2 ), wpp_feature_plugin_import(), 'the rooms Presence refuses are counted' );
			$this->assertSame( $before, WPP_Legacy_Tables::definition() );
			$this->assertSame( $rows, WPP_Legacy_Tables::rows() );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	public static function layouts(): array {
		return array(
			'with expires_gmt'    => array( 'presence-api' ),
			'without expires_gmt' => array( 'presence-api-v1' ),
		);
	}

	public function test_deactivating_the_feature_plugin_imports_what_it_holds_then(): void {
		try {
			WPP_Legacy_Tables::create( 'presence-api' );
			WPP_Legacy_Tables::insert_theirs( 'admin/online', 'late', 3, array(), 100 );
			do_action( 'deactivated_plugin', 'akismet/akismet.php', false );
			$this->assertSame( array(), wpp_backend()->get_room( 'admin/online', 150 ), 'another plugin: nothing' );
			do_action( 'deactivated_plugin', 'presence-api/presence-api.php', false );
			$this->assertSame( array( 'late' ), array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'client_id' ) );
		} finally {
			WPP_Legacy_Tables::clean_up();
		}
	}

	public function test_without_the_feature_plugin_there_is_no_notice_and_our_routes_are_there(): void {
		$this->assertFalse( wpp_feature_plugin_active() );
		wp_set_current_user( self::user( 'administrator' )->ID );
		$GLOBALS['current_screen'] = WP_Screen::get( 'dashboard' );
		ob_start();
		wpp_feature_plugin_notice();
		$this->assertSame( '', ob_get_clean() );
		$this->assertSame( array( 'WPP_REST_Controller' ), array_unique( array_map( static fn( $e ) => get_class( $e['callback'][0] ), rest_get_server()->get_routes( 'wp-presence/v1' )['/wp-presence/v1/presence'] ) ) );
	}

	/**
	 * The whole switch, each step a fresh PHP process on this site's database and store:
	 * the feature plugin alone, both active (Presence activated, then the feature plugin
	 * deactivated), then Presence alone.
	 */
	public function test_a_site_switches_from_the_feature_plugin_without_losing_who_is_online(): void {
		global $wpdb;
		$editor = 0;
		try {
			WPP_Legacy_Tables::drop();
			$wpdb->query( 'COMMIT' );
			self::flush_store();

			$alone  = $this->child( 'standin' );
			$editor = $alone['editor'];
			$this->assertSame( 2, $alone['their_entries'] );

			foreach ( array( 'both-ours-first', 'both' ) as $order ) {
				$both = $this->child( $order );
				$this->assertSame( 'presence-api-standin', $both['api_from'], "$order: the feature plugin's functions are the ones declared" );
				$this->assertSame(
					array(
						'/wp-presence/v1/presence'       => array( 'WP_REST_Presence_Controller', 'WP_REST_Presence_Controller' ),
						'/wp-presence/v1/presence/rooms' => array( 'WP_REST_Presence_Controller' ),
					),
					$both['routes'],
					"$order: no route is served by both"
				);
				$this->assertSame( 1, $both['switch_notices'], "$order: one notice: " . $both['notice'] );
				$this->assertFalse( $both['conflict_notice'] );
				$this->assertStringContainsString( 'To switch to Presence, deactivate Presence API', $both['notice'] );
				$this->assertTrue( $both['table_unchanged'], "$order: its table is not altered" );
				$this->assertTrue( $both['table_kept'] );
				// (The second round also finds the first round's tab-late, imported at its deactivation.)
				$this->assertSame( array(), array_diff( array( "user-$editor", 'tab-x' ), $both['online'] ), "$order: its live entries are imported" );
				$this->assertNotContains( 'expired', $both['online'] );
				$this->assertNotContains( '_bookkeeping', $both['online'] );
				$this->assertSame( 'Switch Editor', $both['online_user']['display_name'] );
				$this->assertSame( 'edit-post', $both['online_user']['screen'] );
				$this->assertSame( array( "editor-$editor" ), $both['post_room'], "$order: the editor keeps its client id" );
				$this->assertGreaterThanOrEqual( 2, $both['their_online'], "$order: the feature plugin still works" );
				$this->assertContains( 'tab-late', $both['after_deactivation'], "$order: what it held when deactivated follows" );
			}

			$after = $this->child( 'ours' );
			$this->assertSame( 'api', $after['api_from'], 'Presence declares the API once the feature plugin is gone' );
			$this->assertEqualsCanonicalizing( array( "user-$editor", 'tab-x', 'tab-late' ), $after['online'] );
			$this->assertSame( 200, $after['rest_status'] );
			$this->assertEqualsCanonicalizing( array( "user-$editor", 'tab-x', 'tab-late' ), $after['rest_items'] );
			$this->assertContains( 'admin/online', $after['rooms'] );
		} finally {
			$post = (int) get_option( 'wpp_switch_test_post' );
			if ( $post ) {
				wp_delete_post( $post, true );
				delete_option( 'wpp_switch_test_post' );
			}
			if ( $editor ) {
				is_multisite() ? wpmu_delete_user( $editor ) : wp_delete_user( $editor );
			}
			WPP_Legacy_Tables::clean_up();
		}
	}

	/** Runs one step of the switch and returns its report. */
	private function child( string $step ): array {
		list( $out, $err ) = self::run_child( 'feature-plugin-child.php', array(), array( $step ) );
		$report            = json_decode( $out, true );
		$this->assertIsArray( $report, "step $step printed: $out $err" );
		return $report;
	}
}
