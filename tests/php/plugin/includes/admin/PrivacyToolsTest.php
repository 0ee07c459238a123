<?php
/**
 * The privacy tools (plugin/includes/admin/privacy-tools.php): the suggested policy text, and the
 * exporter and eraser run the way Tools › Export / Erase Personal Data runs them: a request made
 * with wp_create_user_request(), core's AJAX handler with its nonce and capability, then core's
 * processing of the page (the export's raw data kept on the request).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_privacy_tools_add_policy
 * @covers ::wpp_privacy_tools_policy_text
 * @covers ::wpp_privacy_tools_exporters
 * @covers ::wpp_privacy_tools_erasers
 * @covers ::wpp_privacy_tools_entries
 * @covers ::wpp_privacy_tools_export
 * @covers ::wpp_privacy_tools_entry_data
 * @covers ::wpp_privacy_tools_erase
 */
class PrivacyToolsTest extends WPP_TestCase {

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/ajax-actions.php';
		require_once ABSPATH . 'wp-admin/includes/privacy-tools.php';
		require_once ABSPATH . 'wp-admin/includes/misc.php';
		if ( ! has_filter( 'wp_privacy_personal_data_export_page', 'wp_privacy_process_personal_data_export_page' ) ) {
			add_filter( 'wp_privacy_personal_data_export_page', 'wp_privacy_process_personal_data_export_page', 10, 7 ); // As wp-admin does.
			add_filter( 'wp_privacy_personal_data_erasure_page', 'wp_privacy_process_personal_data_erasure_page', 10, 5 );
		}
		// A last exporter and eraser of the test's own, so core does not go on to build the
		// export file or send the erasure e-mail after Presence's.
		add_filter( 'wp_privacy_personal_data_exporters', static fn( $e ) => $e + array( 'wpp-test-last' => array( 'exporter_friendly_name' => 'Last', 'callback' => static fn() => array( 'data' => array(), 'done' => true ) ) ), PHP_INT_MAX );
		add_filter( 'wp_privacy_personal_data_erasers', static fn( $e ) => $e + array( 'wpp-test-last' => array( 'eraser_friendly_name' => 'Last', 'callback' => static fn() => array( 'items_removed' => false, 'items_retained' => false, 'messages' => array(), 'done' => true ) ) ), PHP_INT_MAX );
	}

	protected function tearDown(): void {
		unset( $_REQUEST['security'] );
		parent::tearDown();
	}

	/**
	 * Someone who may run the privacy tools: an administrator (a super admin on a network).
	 */
	private static function privacy_admin(): WP_User {
		$user = self::user( 'administrator' );
		if ( is_multisite() ) {
			grant_super_admin( $user->ID );
		}
		return $user;
	}

	/**
	 * Runs one of core's privacy AJAX handlers as the browser on Tools › Export / Erase Personal
	 * Data does, for Presence's exporter or eraser.
	 *
	 * @param string $kind  'export' or 'erase'.
	 * @param string $email The person's e-mail address.
	 * @param string $nonce Nonce to send; null for a valid one.
	 * @return array The JSON answer, decoded.
	 */
	private function run_request( string $kind, string $email, ?string $nonce = null ): array {
		$action  = 'export' === $kind ? 'export_personal_data' : 'remove_personal_data';
		$request = wp_create_user_request( $email, $action, array(), 'confirmed' );
		$this->assertIsInt( $request, is_wp_error( $request ) ? $request->get_error_message() : '' );
		$filter  = 'export' === $kind ? 'wp_privacy_personal_data_exporters' : 'wp_privacy_personal_data_erasers';
		$index   = array_search( 'wpp-presence', array_keys( apply_filters( $filter, array() ) ), true );
		$this->assertIsInt( $index, "Presence's $kind tool is registered" );

		$_POST = array(
			'id'                             => $request,
			'export' === $kind ? 'exporter' : 'eraser' => $index + 1,
			'page'                           => 1,
			'sendAsEmail'                    => 'false',
		);
		$_REQUEST['security'] = $nonce ?? wp_create_nonce( ( 'export' === $kind ? 'wp-privacy-export-personal-data-' : 'wp-privacy-erase-personal-data-' ) . $request );
		add_filter( 'wp_doing_ajax', '__return_true' );
		add_filter(
			'wp_die_ajax_handler',
			static fn() => static function ( $message ) {
				throw new RuntimeException( (string) $message );
			}
		);
		$died = '';
		ob_start();
		try {
			'export' === $kind ? wp_ajax_wp_privacy_export_personal_data() : wp_ajax_wp_privacy_erase_personal_data();
		} catch ( RuntimeException $e ) {
			$died = $e->getMessage(); // wp_send_json() ends the request with an empty message.
		}
		$output = (string) ob_get_clean();
		$answer = '' === $output ? array(
			'success' => false,
			'died'    => $died,
		) : json_decode( $output, true );
		$this->assertIsArray( $answer, $output );
		$answer['request_id'] = $request;
		return $answer;
	}

	/**
	 * What core kept of Presence's export on a request: the items of the group `presence`.
	 *
	 * @param int $request_id Request.
	 * @return array[]
	 */
	private static function exported( int $request_id ): array {
		$raw = (array) get_post_meta( $request_id, '_export_data_raw', true );
		return array_values( array_filter( $raw, static fn( $item ) => 'presence' === ( $item['group_id'] ?? '' ) ) );
	}

	public function test_the_policy_text_is_added_for_the_privacy_policy_guide(): void {
		require_once ABSPATH . 'wp-admin/includes/class-wp-privacy-policy-content.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		set_current_screen( 'dashboard' ); // wp_add_privacy_policy_content() works in wp-admin only...
		$actions = $GLOBALS['wp_actions']['admin_init'] ?? null;
		$GLOBALS['wp_actions']['admin_init'] = 1; // ...from admin_init on.
		try {
			wpp_privacy_tools_add_policy();
			$added = array_filter( WP_Privacy_Policy_Content::get_suggested_policy_text(), static fn( $item ) => 'Presence' === $item['plugin_name'] );
		} finally {
			if ( null === $actions ) {
				unset( $GLOBALS['wp_actions']['admin_init'] );
			} else {
				$GLOBALS['wp_actions']['admin_init'] = $actions;
			}
			$GLOBALS['current_screen'] = null;
		}
		$this->assertCount( 1, $added );
		$policy = array_values( $added )[0]['policy_text'];
		$this->assertStringContainsString( 'Suggested text:', $policy );
		$this->assertStringContainsString( 'wp_presence_recording_enabled', $policy );
	}

	public function test_the_policy_text_gives_this_sites_lifetime(): void {
		add_filter( 'wp_presence_default_ttl', static fn() => 900 );
		$this->assertStringContainsString( 'at most 900 seconds after your last activity', wpp_privacy_tools_policy_text() );
	}

	public function test_an_export_lists_what_the_store_holds_about_the_person_on_this_site(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$post   = self::post( array( 'post_title' => 'Spring edition', 'post_author' => $editor->ID ) );
		$room   = wpp_rooms_for_post( $post );
		$this->assertTrue( wpp_entries_set( 'admin/online', 'user-' . $editor->ID, array( 'screen' => 'dashboard' ), $editor->ID ) );
		$this->assertTrue( wpp_entries_set( $room, 'user-' . $editor->ID, array( 'tab' => 't' ), $editor->ID ) );
		$this->assertTrue( wpp_entries_set( 'admin/online', 'user-' . $other->ID, array( 'screen' => 'upload' ), $other->ID ) );
		wpp_users_list_note_last_seen( $editor->ID );
		wpp_stale_screen_mark( 'options/general', $editor );
		wpp_stale_screen_mark( 'options/reading', $other );

		self::log_in( self::privacy_admin() );
		$answer = $this->run_request( 'export', $editor->user_email );
		$this->assertTrue( $answer['success'], wp_json_encode( $answer ) );
		$this->assertTrue( $answer['data']['done'] );

		$items = self::exported( $answer['request_id'] );
		$this->assertSame( array( 'presence-' . $editor->ID ), array_column( $items, 'item_id' ) );
		$this->assertSame( 'Presence', $items[0]['group_label'] );
		$pairs = array_map( static fn( $p ) => $p['name'] . ': ' . $p['value'], $items[0]['data'] );
		$text  = implode( "\n", $pairs );
		$this->assertStringContainsString( 'Screen: dashboard', $text );
		$this->assertStringContainsString( 'Post being edited: Spring edition', $text );
		$this->assertStringNotContainsString( 'Screen: postType/', $text, 'a post\'s room is named by its post' );
		$this->assertMatchesRegularExpression( '/Last active: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT/', $text );
		$this->assertMatchesRegularExpression( '/Last seen: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT/', $text );
		$this->assertStringContainsString( 'Screen saved: options/general, ', $text );
		$this->assertStringNotContainsString( 'upload', $text, 'nothing of another user' );
		$this->assertStringNotContainsString( 'options/reading', $text );
		$this->assertStringStartsWith( 'Retention: ', end( $pairs ) );
	}

	public function test_an_export_for_someone_with_nothing_stored_says_so(): void {
		$editor = self::user( 'editor' );
		self::log_in( self::privacy_admin() );
		$answer = $this->run_request( 'export', $editor->user_email );
		$this->assertTrue( $answer['success'] );
		$pairs = self::exported( $answer['request_id'] )[0]['data'];
		$this->assertSame( array( 'Presence', 'Retention' ), array_column( $pairs, 'name' ) );
		$this->assertSame( 'No presence is recorded for this account.', $pairs[0]['value'] );
	}

	public function test_an_address_without_an_account_exports_nothing(): void {
		$this->assertSame( array( 'data' => array(), 'done' => true ), wpp_privacy_tools_export( 'nobody@example.org' ) );
		$this->assertSame( array( 'data' => array(), 'done' => true ), wpp_privacy_tools_export( array( 'not an address' ) ) );
	}

	public function test_an_erasure_removes_what_the_store_holds_about_the_person_and_nothing_else(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		$room   = wpp_rooms_for_post( self::post() );
		wpp_entries_set( 'admin/online', 'user-' . $editor->ID, array( 'screen' => 'dashboard' ), $editor->ID );
		wpp_entries_set( $room, 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( 'admin/online', 'user-' . $other->ID, array( 'screen' => 'upload' ), $other->ID );
		wpp_users_list_note_last_seen( $editor->ID );
		wpp_users_list_note_last_seen( $other->ID );
		wpp_stale_screen_mark( 'options/general', $editor );
		wpp_stale_screen_mark( 'options/reading', $other );

		self::log_in( self::privacy_admin() );
		$answer = $this->run_request( 'erase', $editor->user_email );
		$this->assertTrue( $answer['success'], wp_json_encode( $answer ) );
		$this->assertTrue( $answer['data']['items_removed'] );
		$this->assertFalse( $answer['data']['items_retained'] );
		$this->assertTrue( $answer['data']['done'] );

		$this->assertSame( array(), wpp_backend()->user_entries( $editor->ID, DAY_IN_SECONDS ) );
		$this->assertNull( wpp_entries_find( WPP_LAST_SEEN_ROOM, 'user-' . $editor->ID ) );
		$this->assertSame( array(), wpp_backend()->get_room( 'screens/options/general', DAY_IN_SECONDS ) );
		$this->assertCount( 1, wpp_backend()->user_entries( $other->ID, DAY_IN_SECONDS ), 'the other user keeps theirs' );
		$this->assertNotNull( wpp_entries_find( WPP_LAST_SEEN_ROOM, 'user-' . $other->ID ) );
		$this->assertCount( 1, wpp_backend()->get_room( 'screens/options/reading', DAY_IN_SECONDS ) );

		$this->assertFalse( wpp_privacy_tools_erase( $editor->user_email )['items_removed'], 'nothing left to remove' );
	}

	public function test_the_tools_need_the_nonce_and_the_capability(): void {
		$editor = self::user( 'editor' );
		wpp_entries_set( 'admin/online', 'user-' . $editor->ID, array(), $editor->ID );

		self::log_in( self::privacy_admin() );
		$forged = $this->run_request( 'erase', $editor->user_email, 'forged' );
		$this->assertSame( '-1', $forged['died'] ?? null, 'core refuses a wrong nonce' );
		_wp_privacy_completed_request( $forged['request_id'] );
		self::log_in( self::user( 'editor' ) );
		$refused = $this->run_request( 'erase', $editor->user_email );
		$this->assertFalse( $refused['success'] );
		$this->assertStringContainsString( 'not allowed', (string) $refused['data'] );
		$this->assertCount( 1, wpp_backend()->user_entries( $editor->ID, DAY_IN_SECONDS ), 'nothing removed' );
	}

	public function test_an_address_without_an_account_erases_nothing(): void {
		$this->assertSame(
			array(
				'items_removed'  => false,
				'items_retained' => false,
				'messages'       => array(),
				'done'           => true,
			),
			wpp_privacy_tools_erase( 'nobody@example.org' )
		);
	}

	public function test_a_store_that_fails_retains_the_items_and_says_so(): void {
		$editor = self::user( 'editor' );
		wpp_backend_use( new WPP_Test_Failing_Backend() );
		$result = wpp_privacy_tools_erase( $editor->user_email );
		$this->assertTrue( $result['items_retained'] );
		$this->assertSame( array( 'Presence could not be deleted.' ), $result['messages'] );
	}
}
