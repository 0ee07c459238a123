<?php
/**
 * Synced patterns (plugin/includes/surfaces/synced-patterns.php): a pattern has a room while the
 * feature is on, the notice is loaded for those who may edit patterns, and the room tells only
 * them who edits the pattern.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_synced_patterns_enabled
 * @covers ::wpp_synced_patterns_add_support
 * @covers ::wpp_synced_patterns_enqueue
 */
final class SyncedPatternsTest extends WPP_Heartbeat_TestCase {

	protected function tearDown(): void {
		remove_all_filters( 'wp_presence_feature_enabled' );
		wpp_synced_patterns_add_support();
		parent::tearDown();
	}

	public function test_patterns_have_a_room_while_the_feature_is_on(): void {
		$this->assertTrue( post_type_supports( 'wp_block', 'presence' ), 'added on init' );
		$pattern = self::post( array( 'post_type' => 'wp_block', 'post_title' => 'Footer', 'post_status' => 'publish' ) );
		$this->assertSame( 'postType/wp_block:' . $pattern->ID, wpp_rooms_for_post( $pattern ) );

		remove_post_type_support( 'wp_block', 'presence' );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'synced-patterns' === $feature ? false : $on, 10, 2 );
		wpp_synced_patterns_add_support();
		$this->assertFalse( post_type_supports( 'wp_block', 'presence' ) );
	}

	/**
	 * @dataProvider roles
	 */
	public function test_the_notice_is_loaded_for_those_who_may_edit_patterns( string $role, bool $loaded ): void {
		wp_set_current_user( self::user( $role )->ID );
		wpp_synced_patterns_enqueue();
		$this->assertSame( $loaded, wp_script_is( 'wpp-presence-synced-patterns', 'enqueued' ), $role );
		if ( $loaded ) {
			$this->assertContains( 'wp-presence', wp_scripts()->registered['wpp-presence-synced-patterns']->deps );
			$this->assertSame( 'presence', wp_scripts()->registered['wpp-presence-synced-patterns']->textdomain );
		}
	}

	public static function roles(): array {
		return array(
			'editor'     => array( 'editor', true ),
			'subscriber' => array( 'subscriber', false ),
		);
	}

	public function test_the_feature_switch_turns_the_notice_off(): void {
		wp_set_current_user( self::user( 'editor' )->ID );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'synced-patterns' === $feature ? false : $on, 10, 2 );
		wpp_synced_patterns_enqueue();
		$this->assertFalse( wp_script_is( 'wpp-presence-synced-patterns', 'enqueued' ) );
	}

	public function test_who_edits_a_pattern_is_told_only_to_those_who_may_edit_it(): void {
		$pattern = self::post( array( 'post_type' => 'wp_block', 'post_title' => 'Footer', 'post_status' => 'publish', 'post_author' => self::user( 'administrator' )->ID ) );
		$editing = self::named_user( 'editor', 'Pat Tern' );
		$this->heartbeat( $editing, $this->editor_data( $pattern->ID ), 'wp_block' );
		$room = 'postType/wp_block:' . $pattern->ID;

		$read = function ( string $role ) use ( $room ) {
			wp_set_current_user( self::user( $role )->ID );
			$request = new WP_REST_Request( 'GET', '/wp-presence/v1/presence' );
			$request->set_param( 'room', $room );
			return rest_get_server()->dispatch( $request );
		};
		$this->assertSame( array( 'Pat Tern' ), array_column( $read( 'editor' )->get_data(), 'display_name' ) );
		$this->assertSame( 403, $read( 'author' )->get_status(), 'an author may not edit an administrator\'s pattern' );
	}
}
