<?php
/**
 * Login, logout and user deletion (plugin/includes/lifecycle.php), fired through the real
 * WordPress actions on the backend of this run.
 *
 * @package Presence
 */

/**
 * @covers ::wpp_on_login
 * @covers ::wpp_on_logout
 * @covers ::wpp_on_deleted_user
 */
class LifecycleTest extends WPP_TestCase {

	public function test_login_of_a_user_who_can_edit_posts_writes_admin_online(): void {
		$editor = self::user( 'editor' );
		do_action( 'wp_login', $editor->user_login, $editor );

		$entries = wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 );
		$this->assertCount( 1, $entries );
		$this->assertSame( 'user-' . $editor->ID, $entries[0]['client_id'] );
		$this->assertSame( $editor->ID, $entries[0]['user_id'] );
		$this->assertSame( $editor->display_name, $entries[0]['data']['display_name'] );
		$this->assertSame( 'login', $entries[0]['data']['screen'] );
		$this->assertStringStartsWith( 'http', $entries[0]['data']['avatar_url'] );
	}

	public function test_login_of_a_subscriber_writes_nothing(): void {
		$subscriber = self::user( 'subscriber' );
		do_action( 'wp_login', $subscriber->user_login, $subscriber );
		$this->assertSame( array(), wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ) );
	}

	public function test_a_real_sign_on_goes_through_the_hook(): void {
		$editor = self::user( 'editor' );
		wp_set_password( 'secret-pass', $editor->ID );
		add_filter( 'send_auth_cookies', '__return_false' );
		$user = wp_signon( array( 'user_login' => $editor->user_login, 'user_password' => 'secret-pass' ) );
		$this->assertInstanceOf( WP_User::class, $user );
		$this->assertSame( array( 'user-' . $editor->ID ), array_column( wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ), 'client_id' ) );
	}

	public function test_logout_removes_all_of_the_users_entries(): void {
		$editor = self::user( 'editor' );
		$other  = self::user( 'editor' );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( 'postType/post:1', 'user-' . $editor->ID, array(), $editor->ID );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $other->ID, array(), $other->ID );

		self::log_in( $editor );
		add_filter( 'send_auth_cookies', '__return_false' );
		wp_logout();

		$this->assertSame( array(), wpp_backend()->user_entries( $editor->ID, 150 ) );
		$this->assertCount( 1, wpp_backend()->user_entries( $other->ID, 150 ) );
	}

	public function test_deleting_a_user_removes_their_entries(): void {
		$editor = self::user( 'editor' );
		wpp_entries_set( WPP_ADMIN_ROOM, 'user-' . $editor->ID, array(), $editor->ID );
		$this->assertTrue( wp_delete_user( $editor->ID ) );
		$this->assertSame( array(), wpp_backend()->get_room( WPP_ADMIN_ROOM, 150 ) );
	}
}
