<?php
/**
 * The dashboard's "Who's online" widget (plugin/includes/surfaces/whos-online.php), rendered
 * by PHP: each person with where they are (a link the viewer may follow), active or idle, "(you)",
 * the summary link past 20 people, for every role; escaping.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';

/**
 * @covers ::wpp_whos_online_html
 * @covers ::wpp_whos_online_add_widget
 * @covers ::wpp_active_posts_add_widget
 */
final class WhosOnlineTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;

	private function widget( WP_User $viewer ): string {
		wp_set_current_user( $viewer->ID );
		set_current_screen( 'dashboard' );
		ob_start();
		wpp_whos_online_render();
		return (string) ob_get_clean();
	}

	/**
	 * The <li> of a user in the widget's HTML.
	 */
	private static function item( string $html, int $user_id ): string {
		return preg_match( '#<li class="wpp-online__user[^"]*" data-user-id="' . $user_id . '"[^>]*>.*?</li>#s', $html, $m ) ? $m[0] : '';
	}

	public function test_lists_everyone_with_where_they_are_and_marks_the_viewer(): void {
		$moderator = self::named_user( 'editor', 'Mo Derator' );
		$writer    = self::named_user( 'author', 'Wri Ter' );
		$this->heartbeat( $moderator, $this->ping( array( 'screen' => 'edit-comments' ) ), 'edit-comments' );
		$own = self::post( array( 'post_title' => 'Own draft', 'post_status' => 'draft', 'post_author' => $writer->ID ) );
		$this->heartbeat( $writer, $this->editor_data( $own->ID ), 'post' );
		$viewer = self::user( 'editor' );

		$html = $this->widget( $viewer );
		$this->assertStringContainsString( '3 people online', $html );
		$this->assertStringContainsString( '<a class="wpp-online__doing" href="' . esc_url( admin_url( 'edit-comments.php' ) ) . '">Moderating comments</a>', self::item( $html, $moderator->ID ) );
		$this->assertStringContainsString( 'Editing “Own draft”', self::item( $html, $writer->ID ) );
		$this->assertStringContainsString( 'post.php?post=' . $own->ID, self::item( $html, $writer->ID ), 'the editor may follow it' );
		$this->assertStringContainsString( '(you)', self::item( $html, $viewer->ID ) );
		$this->assertStringContainsString( 'On the dashboard', self::item( $html, $viewer->ID ) );
		$this->assertStringNotContainsString( '(you)', self::item( $html, $writer->ID ) );
		$this->assertStringContainsString( 'wpp-status--active', self::item( $html, $writer->ID ) );
		$this->assertMatchesRegularExpression( '#<div class="wpp-online" data-wpp-online data-wpp-version="[0-9]+" data-wpp-summaries="[^"]*">#', $html, 'the version it shows, for the fragments it asks' );
		$this->assertStringContainsString( 'data-name="Mo Derator"', self::item( $html, $moderator->ID ), 'names for the announcements' );
		$this->assertStringContainsString( 'class="wpp-online__more" hidden', $html, 'no summary link for three people' );
	}

	/**
	 * @dataProvider roles
	 */
	public function test_each_role_reads_the_post_only_if_it_may_edit_it( string $role, bool $sees_title ): void {
		$other = self::named_user( 'editor', 'Other Editor' );
		$this->heartbeat( $other, $this->editor_data( $this->post_id ), 'post' ); // An administrator's draft.
		$html = $this->widget( self::user( $role ) );
		$item = self::item( $html, $other->ID );
		$this->assertSame( $sees_title, str_contains( $item, 'Editing “Heartbeat test post”' ), $role );
		$this->assertSame( ! $sees_title, str_contains( $item, 'Editing a post' ), $role );
		$this->assertSame( $sees_title, str_contains( $html, 'post=' . $this->post_id ), "$role: the edit link" );
	}

	public static function roles(): array {
		return array(
			'editor'      => array( 'editor', true ),
			'author'      => array( 'author', false ),
			'contributor' => array( 'contributor', false ),
		);
	}

	public function test_a_subscriber_gets_no_widget(): void {
		global $wp_meta_boxes;
		require_once ABSPATH . 'wp-admin/includes/dashboard.php';
		wp_set_current_user( self::user( 'subscriber' )->ID );
		set_current_screen( 'dashboard' );
		$wp_meta_boxes = array();
		wpp_whos_online_add_widget();
		wpp_active_posts_add_widget();
		$this->assertEmpty( $wp_meta_boxes );

		wp_set_current_user( self::user( 'contributor' )->ID );
		wpp_whos_online_add_widget();
		wpp_active_posts_add_widget();
		$this->assertArrayHasKey( 'wpp_whos_online', $wp_meta_boxes['dashboard']['normal']['high'] );
		$this->assertArrayHasKey( 'wpp_active_posts', $wp_meta_boxes['dashboard']['side']['high'] );
	}

	public function test_past_twenty_people_a_summary_link_counts_everyone(): void {
		for ( $i = 0; $i < 21; $i++ ) {
			$this->heartbeat( self::user( 'contributor' ), $this->ping() );
		}
		$admin = self::user( 'administrator' );
		$html  = $this->widget( $admin );
		$this->assertSame( 20, substr_count( $html, 'class="wpp-online__user ' ) );
		$this->assertStringContainsString( '22 people online', $html );
		$this->assertMatchesRegularExpression( '#<p class="wpp-online__more"><a href="[^"]*users\.php\?presence=online">See all 22 people online</a></p>#', $html );

		$html = $this->widget( self::user( 'editor' ) ); // May not list users: the dashboard's own list.
		$this->assertStringContainsString( 'See all 23 people online', $html );
		$this->assertStringNotContainsString( 'users.php', $html );
	}

	public function test_idle_people_are_marked_idle(): void {
		$clock = new WPP_Test_Memory_Backend( microtime( true ) - 100 );
		wpp_backend_use( $clock );
		$away = self::user( 'editor' );
		$this->heartbeat( $away, $this->ping() );
		$clock->now = microtime( true );
		$html       = $this->widget( self::user( 'editor' ) );
		$this->assertStringContainsString( 'wpp-online__user--idle', self::item( $html, $away->ID ) );
		$this->assertStringContainsString( '>Idle<', self::item( $html, $away->ID ) );
	}

	public function test_alone_it_says_so(): void {
		$this->assertStringContainsString( 'Only you are online.', $this->widget( self::user( 'editor' ) ) );
	}

	public function test_hostile_names_and_titles_are_text(): void {
		$evil = $this->hostile_editor_of_a_hostile_post();
		$this->heartbeat( $evil, $this->editor_data( $this->post_id ), 'post' );
		$html = $this->widget( self::user( 'editor' ) );
		$this->assertStringNotContainsString( '<img src=x', $html );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt;&quot;&#039;&amp;', $html );
		$this->assertStringContainsString( 'Editing “&lt;/a&gt;&lt;script&gt;alert(2)&lt;/script&gt;”', $html );
		$this->assertStringContainsString( '>&lt;O</span>', $html, 'the initials too' );
	}

	public function test_dashboard_widget_is_added_for_editors_and_prints_its_list(): void {
		global $wp_meta_boxes;
		require_once ABSPATH . 'wp-admin/includes/dashboard.php';
		wp_set_current_user( self::user( 'editor' )->ID );
		set_current_screen( 'dashboard' );
		$wp_meta_boxes = array();
		wpp_whos_online_add_widget();
		wpp_active_posts_add_widget();
		$this->assertArrayHasKey( 'wpp_whos_online', $wp_meta_boxes['dashboard']['normal']['high'] );

		ob_start();
		wpp_whos_online_render();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'data-wpp-online', $html );
		$this->assertStringContainsString( 'wpp-online__list', $html );

		wp_set_current_user( self::user( 'subscriber' )->ID );
		$wp_meta_boxes = array();
		wpp_whos_online_add_widget();
		wpp_active_posts_add_widget();
		$this->assertEmpty( $wp_meta_boxes );
	}
}
