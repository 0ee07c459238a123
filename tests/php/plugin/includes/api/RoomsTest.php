<?php
/**
 * Room names and the post types that have them (plugin/includes/api/rooms.php). Who may enter a
 * room is tested through the public API (WpFunctionsTest) and on every surface (PrivacyTest).
 *
 * @package Presence
 */

/**
 * @covers ::wpp_rooms_parse_post
 * @covers ::wpp_rooms_add_post_type_support
 */
class RoomsTest extends WPP_TestCase {

	public function test_post_rooms_parse(): void {
		$this->assertSame( array( 'post', 12 ), wpp_rooms_parse_post( 'postType/post:12' ) );
		$this->assertSame( array( 'wpp_book', 3 ), wpp_rooms_parse_post( 'postType/wpp_book:3' ) );
		$this->assertNull( wpp_rooms_parse_post( 'postType/post:012' ) );
		$this->assertNull( wpp_rooms_parse_post( 'postType/post:12/x' ) );
		$this->assertNull( wpp_rooms_parse_post( 'admin/online' ) );
	}

	public function test_post_and_page_support_presence(): void {
		$this->assertTrue( post_type_supports( 'post', 'presence' ) );
		$this->assertTrue( post_type_supports( 'page', 'presence' ) );
		$this->assertFalse( post_type_supports( 'attachment', 'presence' ) );
	}
}
