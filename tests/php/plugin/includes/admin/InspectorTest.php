<?php
/**
 * Tools → Presence (plugin/includes/admin/inspector.php): the backend, its figures, the rooms
 * and a room's entries for administrators, under the privacy rule; emptying a room.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-privacy-fixture.php';

/**
 * @covers ::wpp_inspector_render
 * @covers ::wpp_inspector_flush_room
 */
final class InspectorTest extends WPP_Heartbeat_TestCase {
	use WPP_Privacy_Fixture;

	protected function tearDown(): void {
		$this->tear_down_privacy_fixture();
		unset( $_GET['room'], $_GET['flushed'] );
		parent::tearDown();
	}

	private function page( WP_User $viewer, string $room = '' ): string {
		wp_set_current_user( $viewer->ID );
		if ( '' !== $room ) {
			$_GET['room'] = $room;
		}
		ob_start();
		wpp_inspector_render();
		return (string) ob_get_clean();
	}

	public function test_administrators_see_the_backend_its_figures_and_the_rooms(): void {
		$this->set_up_privacy_fixture();
		$admin = $this->people['private']; // An administrator without the book capabilities.
		$html  = $this->page( $admin );
		$this->assertStringContainsString( '<code>' . wpp_backend()->name() . '</code>', $html );
		$this->assertStringContainsString( '<code>live_entries</code>', $html );
		if ( 'native' === wpp_backend()->name() ) {
			$this->assertStringContainsString( '<code>bytes_total</code>', $html, 'the figures of php --ri presence' );
		}
		$this->assertStringContainsString( '<code>admin/online</code></a></td><td>3</td><td>3</td>', $html );
		$this->assertStringContainsString( 'postType/post:' . $this->posts['secret']->ID, $html );
		$this->assertStringNotContainsString( 'postType/wpp_book:' . $this->posts['book']->ID, $html, 'a room the administrator may not edit' );
		$this->assertStringContainsString( '1 more room is about something you may not edit.', $html );
	}

	public function test_a_rooms_entries_pass_the_privacy_rule(): void {
		$this->set_up_privacy_fixture();
		$admin = $this->people['private'];
		$html  = $this->page( $admin, 'admin/online' );
		$this->assertStringContainsString( 'user-' . $this->people['book']->ID, $html );
		$this->assertStringNotContainsString( '&quot;post_id&quot;: ' . $this->posts['book']->ID, $html, 'the book the librarian edits stays hidden' );
		$this->assertStringContainsString( '&quot;post_id&quot;: ' . $this->posts['secret']->ID, $html );
		$this->assertStringContainsString( 'name="action" value="wpp_flush_room"', $html );
		$this->assertStringContainsString( 'name="_wpnonce"', $html );

		$hidden = $this->page( $admin, 'postType/wpp_book:' . $this->posts['book']->ID );
		$this->assertStringContainsString( 'There is no such room, or you may not see it.', $hidden );
		$this->assertStringNotContainsString( 'user-' . $this->people['book']->ID, $hidden );
	}

	public function test_emptying_a_room_removes_its_entries_only(): void {
		$admin = self::user( 'administrator' );
		$this->heartbeat( self::user( 'editor' ), $this->editor_data( $this->post_id ), 'post' );
		$this->assertSame( 1, wpp_inspector_flush_room( $this->post_room(), $admin ) );
		$this->assertSame( 0, wpp_backend()->count_room( $this->post_room(), 150 ) );
		$this->assertSame( 1, wpp_backend()->count_room( 'admin/online', 150 ) );
		$this->assertInstanceOf( WP_Error::class, wpp_inspector_flush_room( "bad\nroom", $admin ) );
	}

	public function test_the_flush_handler_checks_the_nonce_and_the_capability(): void {
		$this->heartbeat( self::user( 'editor' ), $this->ping() );
		add_filter( 'wp_die_handler', static fn() => static function ( $message ) {
			throw new RuntimeException( is_string( $message ) ? $message : 'died' );
		} );
		add_filter( 'wp_redirect', static function ( $location ) {
			throw new RuntimeException( 'redirect: ' . $location );
		} );

		wp_set_current_user( self::user( 'administrator' )->ID );
		$_POST = array( 'room' => 'admin/online' );
		try {
			wpp_inspector_handle_flush();
			$this->fail( 'no nonce, no flush' );
		} catch ( RuntimeException $e ) {
			$this->assertStringNotContainsString( 'redirect', $e->getMessage() );
		}
		$this->assertSame( 1, wpp_backend()->count_room( 'admin/online', 150 ) );

		$_REQUEST['_wpnonce'] = wp_create_nonce( 'wpp_flush_room' );
		try {
			wpp_inspector_handle_flush();
		} catch ( RuntimeException $e ) {
			$this->assertStringContainsString( 'redirect: ' . admin_url( 'tools.php?page=wpp-presence&flushed=1' ), $e->getMessage() );
		}
		$this->assertSame( 0, wpp_backend()->count_room( 'admin/online', 150 ) );

		wp_set_current_user( self::user( 'editor' )->ID );
		$_REQUEST['_wpnonce'] = wp_create_nonce( 'wpp_flush_room' );
		try {
			wpp_inspector_handle_flush();
			$this->fail( 'editors may not flush' );
		} catch ( RuntimeException $e ) {
			$this->assertStringContainsString( 'not allowed', $e->getMessage() );
		}
		unset( $_REQUEST['_wpnonce'] );
	}

	public function test_only_administrators_get_the_page(): void {
		global $submenu;
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		wp_set_current_user( self::user( 'editor' )->ID );
		wpp_inspector_add_page();
		$this->assertNotContains( 'wpp-presence', array_column( $submenu['tools.php'] ?? array(), 2 ) );
		wp_set_current_user( self::user( 'administrator' )->ID );
		wpp_inspector_add_page();
		$this->assertContains( 'wpp-presence', array_column( $submenu['tools.php'] ?? array(), 2 ) );
	}
}
