<?php
/**
 * The admin bar's "N online" node (plugin/includes/surfaces/admin-bar.php): who gets it, the
 * count of others, the "On this screen" / "Elsewhere" split, the front end, escaping.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';

/**
 * @covers ::wpp_admin_bar_menu
 * @covers ::wpp_admin_bar_groups
 */
final class AdminBarTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;

	/**
	 * Ids of the user items of a group in rendered admin bar HTML.
	 */
	private static function group_ids( string $html, string $group ): array {
		preg_match_all( '/id=["\']wp-admin-bar-wpp-online-' . $group . '-user-(\d+)["\']/', $html, $m );
		return array_map( 'intval', $m[1] );
	}

	public function test_counts_the_others_and_splits_this_screen_from_elsewhere(): void {
		$me      = self::user( 'editor' );
		$same    = self::user( 'author' );
		$editing = self::user( 'editor' );
		$this->heartbeat( $same, $this->ping( array( 'screen' => 'edit-post' ) ), 'edit-post' );
		$this->heartbeat( $editing, $this->editor_data( $this->post_id ), 'post' );

		$html = $this->render_admin_bar( $me, 'edit-post' );
		$this->assertStringContainsString( '>2 online<', $html, 'the viewer is not counted' );
		$this->assertSame( array( $same->ID ), self::group_ids( $html, 'here' ) );
		$this->assertSame( array( $editing->ID ), self::group_ids( $html, 'elsewhere' ) );
		$this->assertStringContainsString( 'Editing “Heartbeat test post”', $html );
		$this->assertStringContainsString( 'Browsing Posts', $html );
		$this->assertStringContainsString( 'View online users', $html );
		$this->assertMatchesRegularExpression( '#class="ab-label wpp-ab-count" data-wpp-version="[0-9]+"#', $html );
		$this->assertStringNotContainsString( 'wpp-online-nobody', $html );
	}

	public function test_in_the_editor_the_others_on_that_post_are_on_this_screen(): void {
		$me    = self::user( 'editor' );
		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' );
		$html = $this->render_admin_bar( $me, 'post', get_post( $this->post_id ) );
		$this->assertSame( array( $other->ID ), self::group_ids( $html, 'here' ) );
	}

	public function test_alone_it_says_so_and_shows_zero(): void {
		$html = $this->render_admin_bar( self::user( 'editor' ) );
		$this->assertStringContainsString( '>0 online<', $html );
		$this->assertStringContainsString( 'Nobody else is online.', $html );
		$this->assertStringContainsString( 'wpp-ab-group--empty', $html );
	}

	public function test_only_users_who_can_edit_posts_get_it(): void {
		$this->heartbeat( self::user( 'editor' ), $this->ping() );
		$this->assertStringNotContainsString( 'wpp-online', $this->render_admin_bar( self::user( 'subscriber' ), 'profile' ) );
		wp_set_current_user( 0 );
		require_once ABSPATH . WPINC . '/class-wp-admin-bar.php';
		$bar = new WP_Admin_Bar();
		wpp_admin_bar_menu( $bar );
		$this->assertNull( $bar->get_node( 'wpp-online' ) );
		wpp_admin_bar_menu( 'not a bar' ); // Never fatal.
		$this->addToAssertionCount( 1 );
	}

	public function test_on_the_front_end_too(): void {
		$other = self::user( 'editor' );
		$this->heartbeat( $other, $this->ping() );
		$html = $this->render_admin_bar( self::user( 'author' ), 'front' );
		$this->assertStringContainsString( '>1 online<', $html );
		$this->assertSame( array( $other->ID ), self::group_ids( $html, 'elsewhere' ) );
	}

	public function test_view_online_users_goes_to_the_users_list_or_the_dashboard(): void {
		$this->assertStringContainsString( 'users.php?presence=online', $this->render_admin_bar( self::user( 'administrator' ) ) );
		$html = $this->render_admin_bar( self::user( 'editor' ) );
		$this->assertStringNotContainsString( 'users.php?presence=online', $html );
		$this->assertStringContainsString( 'index.php#wpp_whos_online', $html );
	}

	public function test_hostile_names_and_titles_are_escaped(): void {
		$evil = $this->hostile_editor_of_a_hostile_post();
		$this->heartbeat( $evil, $this->editor_data( $this->post_id ), 'post' );

		$html = $this->render_admin_bar( self::user( 'editor' ) );
		$this->assertStringNotContainsString( '<img src=x', $html );
		$this->assertStringNotContainsString( '<script>alert(2)', $html );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt;', $html );
		$this->assertStringContainsString( '&lt;/a&gt;&lt;script&gt;alert(2)&lt;/script&gt;', $html );
	}
}
