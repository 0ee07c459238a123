<?php
/**
 * Opening an admin page writes the user's entry at once (plugin/includes/ui/page-view.php), with
 * the screen and the post the page's own pings will send.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_page_view_note
 */
final class PageViewTest extends WPP_Heartbeat_TestCase {

	public function test_page_view_writes_admin_online_but_not_from_ajax(): void {
		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		wpp_page_view_note( WP_Screen::get( 'edit-post' ) );
		$entries = wpp_backend()->get_room( 'admin/online', 150 );
		$this->assertSame( 'edit-post', $entries[0]['data']['screen'] );

		wpp_page_view_note( 'not a screen' );
		wp_set_current_user( self::user( 'subscriber' )->ID );
		wpp_page_view_note( WP_Screen::get( 'profile' ) );
		$this->assertSame( 1, wpp_backend()->count_room( 'admin/online', 150 ) );
	}

	public function test_the_editors_page_view_names_the_post_before_post_php_loads_it(): void {
		$_GET['post'] = (string) $this->post_id; // current_screen fires before post.php sets $post.
		wp_set_current_user( self::user( 'editor' )->ID );
		wpp_page_view_note( WP_Screen::get( 'post' ) );
		$contributor = self::user( 'contributor' );
		wp_set_current_user( $contributor->ID );
		wpp_page_view_note( WP_Screen::get( 'post' ) );

		$posts = array_column( array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'data', 'user_id' ), 'post_id' );
		$this->assertContains( $this->post_id, $posts );
		$this->assertSame( 0, array_column( wpp_backend()->get_room( 'admin/online', 150 ), 'data', 'user_id' )[ $contributor->ID ]['post_id'], 'not a post they may not edit' );
	}
}
