<?php
/**
 * The Users list (plugin/includes/surfaces/users-list.php): the "Online (n)" view works from a
 * plain link (a query argument and the list's own query), and the Status column says active,
 * idle, or when the user was last seen (kept past the logout that removes their entries).
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';
require_once dirname( __DIR__, 2 ) . '/support/trait-wpp-surfaces-render.php';

/**
 * @covers ::wpp_users_list_views
 * @covers ::wpp_users_list_query_args
 * @covers ::wpp_users_list_column
 */
final class UsersListTest extends WPP_Heartbeat_TestCase {
	use WPP_Surfaces_Render;

	protected function tearDown(): void {
		unset( $_GET['presence'] );
		parent::tearDown();
	}

	public function test_the_online_view_counts_and_lists_the_users_online_now(): void {
		$admin = self::user( 'administrator' );
		$one   = self::user( 'editor' );
		$two   = self::user( 'author' );
		$this->heartbeat( $one, $this->ping() );
		$this->heartbeat( $two, $this->ping() );
		self::user( 'editor' ); // Offline.

		$html = $this->render_users_list( $admin, array() );
		$this->assertStringContainsString( '<a href="' . esc_url( admin_url( 'users.php?presence=online' ) ) . '">Online <span class="count">(2)</span></a>', $html );
		$this->assertStringContainsString( 'class="current"', $html, '"All" stays current outside the view' );

		// The view itself: a plain GET of users.php?presence=online, no JavaScript.
		$_GET['presence'] = 'online';
		$html             = $this->render_users_list( $admin, array() );
		$this->assertStringContainsString( 'class="current" aria-current="page">Online', $html );
		$this->assertStringNotContainsString( 'class="current" aria-current="page">All', $html );

		$args = wpp_users_list_query_args( array( 'number' => 20 ) );
		$ids  = $args['include'];
		sort( $ids );
		$this->assertSame( array( $one->ID, $two->ID ), $ids );
		$this->assertSame( 20, $args['number'] );
		$found = wp_list_pluck( ( new WP_User_Query( $args ) )->get_results(), 'ID' );
		sort( $found );
		$this->assertSame( array( $one->ID, $two->ID ), array_map( 'intval', $found ) );
	}

	public function test_nobody_online_lists_nobody_not_everyone(): void {
		wp_set_current_user( self::user( 'administrator' )->ID );
		wpp_users_list_presence( true );
		$_GET['presence'] = 'online';
		$args             = wpp_users_list_query_args( array() );
		$this->assertSame( array( 0 ), $args['include'] );
		$this->assertSame( array(), ( new WP_User_Query( $args ) )->get_results() );
	}

	public function test_users_who_may_not_list_users_get_neither_view_nor_column_nor_filter(): void {
		$this->heartbeat( self::user( 'editor' ), $this->ping() );
		wp_set_current_user( self::user( 'editor' )->ID );
		$this->assertSame( array( 'all' => 'x' ), wpp_users_list_views( array( 'all' => 'x' ) ) );
		$this->assertSame( array( 'name' => 'Name' ), wpp_users_list_columns( array( 'name' => 'Name' ) ) );
		$_GET['presence'] = 'online';
		$this->assertSame( array( 'number' => 5 ), wpp_users_list_query_args( array( 'number' => 5 ) ) );
	}

	public function test_the_status_column_says_active_idle_last_seen_or_nothing(): void {
		$clock = new WPP_Test_Memory_Backend( microtime( true ) - 100 );
		wpp_backend_use( $clock );
		$idle = self::user( 'editor' );
		$this->heartbeat( $idle, $this->ping() );
		$clock->now = microtime( true ) - 600;
		$gone       = self::user( 'editor' );
		wpp_users_list_note_last_seen( $gone->ID ); // Ten minutes ago.
		$clock->now = microtime( true );
		$active     = self::user( 'author' );
		$this->heartbeat( $active, $this->ping() );
		$never = self::user( 'editor' );

		$admin = self::user( 'administrator' );
		wp_set_current_user( $admin->ID );
		$this->assertSame( array( 'username' => 'U', 'wpp_status' => 'Status' ), wpp_users_list_columns( array( 'username' => 'U' ) ) );
		wpp_users_list_presence( true );
		$cell = static fn( WP_User $user ) => wpp_users_list_column( '', 'wpp_status', $user->ID );
		$this->assertStringContainsString( 'wpp-status--active', $cell( $active ) );
		$this->assertStringContainsString( 'wpp-status--idle', $cell( $idle ) );
		// The moment it was: the browser writes "10 minutes ago" from it.
		$this->assertMatchesRegularExpression( '#^<span class="wpp-last-seen">Last seen <time class="wpp-ago" datetime="([^"]+)">[^<]+</time></span>$#', $cell( $gone ) );
		preg_match( '#datetime="([^"]+)"#', $cell( $gone ), $seen );
		$this->assertEqualsWithDelta( microtime( true ) - 600, strtotime( $seen[1] ), 5 );
		$this->assertStringContainsString( 'Not seen today', $cell( $never ) );
		$this->assertSame( 'other', wpp_users_list_column( 'other', 'email', $never->ID ), 'other columns untouched' );
	}

	public function test_last_seen_survives_the_logout_that_removes_the_entries(): void {
		$editor = self::user( 'editor' );
		$this->heartbeat( $editor, $this->ping() );
		do_action( 'wp_logout', $editor->ID );
		$this->assertSame( array(), wpp_backend()->user_entries( $editor->ID, 150 ), 'logged out: nothing left of the user' );

		wp_set_current_user( self::user( 'administrator' )->ID );
		$presence = wpp_users_list_presence( true );
		$this->assertSame( 'seen', $presence[ $editor->ID ]['status'] );
		$this->assertEqualsWithDelta( microtime( true ), $presence[ $editor->ID ]['time'], 5 );
	}

	public function test_opening_a_page_notes_the_visit(): void {
		$editor = self::user( 'editor' );
		wp_set_current_user( $editor->ID );
		wpp_page_view_note( WP_Screen::get( 'edit-post' ) );
		wpp_backend()->remove_user( $editor->ID );
		$this->assertSame( 'seen', wpp_users_list_presence( true )[ $editor->ID ]['status'] );
	}
}
