<?php
/**
 * The client script and its configuration object (plugin/includes/ui/assets.php): who gets it,
 * what each page puts in it, and that nothing in it can end the script element early.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-heartbeat-testcase.php';

/**
 * @covers ::wpp_assets_register
 * @covers ::wpp_assets_enqueue_admin
 * @covers ::wpp_assets_enqueue_front
 * @covers ::wpp_assets_enqueue_client
 * @covers ::wpp_assets_backoff
 */
final class AssetsTest extends WPP_Heartbeat_TestCase {

	public function test_dashboard_gets_the_client_on_wordpress_packages_and_the_initial_list(): void {
		$editor = self::user( 'editor' );
		$config = $this->open_admin_screen( $editor, 'dashboard' );

		foreach ( array( 'wpp-presence', 'wpp-presence-surfaces', 'wp-presence' ) as $handle ) {
			$this->assertTrue( wp_script_is( $handle, 'enqueued' ), $handle );
		}
		$registered = wp_scripts()->registered;
		foreach ( array( 'heartbeat', 'wp-hooks', 'wp-api-fetch', 'wp-dom-ready', 'wpp-presence-tabs', 'wpp-presence-lane' ) as $dep ) {
			$this->assertContains( $dep, $registered['wpp-presence']->deps, "the client needs $dep" );
		}
		$this->assertNotContains( 'jquery', $registered['wpp-presence']->deps, 'jQuery comes only with core\'s heartbeat' );
		$this->assertContains( 'wp-date', $registered['wpp-presence-surfaces']->deps );
		$this->assertSame( 'presence', $registered['wpp-presence-surfaces']->textdomain );
		$this->assertSame( 'dashboard', $config['screen'] );
		$this->assertSame( $editor->ID, $config['userId'] );
		$this->assertFalse( $config['isEditor'] );
		$this->assertSame( '', $config['editorRoom'] );
		$this->assertSame( admin_url( 'admin-ajax.php' ) . '|' . get_current_user_id(), $config['scope'], 'tabs elect one leader per site and user' );
		$this->assertSame( array( 'ticks' => 5, 'interval' => 45 ), $config['backoff'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{12}$/', $config['tab'] );
		$this->assertSame( $config['tab'], wpp_backend()->get_room( 'admin/online', 150 )[0]['data']['tab'], 'the page view is this tab' );
		$this->assertSame( array( $editor->ID ), $this->ids( $config['initial']['online'] ), 'the page view was written first' );
		$this->assertArrayHasKey( 'activePosts', $config['initial'] );
	}

	public function test_the_back_off_filters_are_kept_inside_the_ttl(): void {
		$editor = self::user( 'editor' );
		add_filter( 'wp_presence_heartbeat_idle_ticks', static fn() => 3 );
		add_filter( 'wp_presence_heartbeat_idle_interval', static fn() => 600 );
		$config = $this->open_admin_screen( $editor, 'dashboard' );
		$this->assertSame( array( 'ticks' => 3, 'interval' => 135 ), $config['backoff'], 'the TTL (150 s) less 15 s' );
	}

	public function test_users_without_edit_posts_get_no_script(): void {
		$this->assertSame( array(), $this->open_admin_screen( self::user( 'subscriber' ), 'profile' ) );
		$this->assertFalse( wp_script_is( 'wpp-presence', 'enqueued' ) );
	}

	public function test_config_json_cannot_break_out_of_the_script_tag(): void {
		$editor = self::named_user( 'editor', 'x</script><script>alert(1)</script>' );
		$this->heartbeat( $editor, $this->ping( array( 'title' => '</script><b>t</b>' ) ) );
		wp_set_current_user( $editor->ID );
		set_current_screen( 'dashboard' );
		wpp_assets_register();
		wpp_assets_enqueue_admin();
		$this->assertStringNotContainsString( '</script>', implode( '', $this->inline_before() ) );
	}

	public function test_config_json_cannot_open_a_comment_that_swallows_the_end_tag(): void {
		// Inside a script element, `<!--` then `<script` puts the HTML parser in a state where the
		// element's own `</script>` no longer ends it: the rest of the page is read as script. A
		// title anyone who writes posts may type (it decodes to `<!--<script>`) and the editors
		// who may edit that post get it in their page's configuration.
		$author = self::user( 'author' );
		$post   = self::post( array( 'post_title' => '&lt;!--&lt;script&gt;', 'post_status' => 'draft', 'post_author' => $author->ID ) );
		$this->heartbeat( $author, $this->editor_data( $post->ID ), 'post' );

		$config = $this->open_admin_screen( self::user( 'editor' ), 'dashboard' );
		$inline = implode( '', $this->inline_before() );
		$this->assertContains( 'Editing “<!--<script>”', array_column( $config['initial']['online']['users'], 'label' ), 'the title still reads as typed' );
		$this->assertStringNotContainsString( '<!--', $inline );
		$this->assertStringNotContainsString( '<script', $inline );
	}

	public function test_front_end_with_the_admin_bar(): void {
		wp_set_current_user( self::user( 'editor' )->ID );
		add_filter( 'show_admin_bar', '__return_true' );
		wpp_assets_register();
		wpp_assets_enqueue_front();
		remove_filter( 'show_admin_bar', '__return_true' );
		$this->assertTrue( wp_script_is( 'wpp-presence', 'enqueued' ) );
		$this->assertStringContainsString( '"screen":"front"', $this->inline_before()[0] );
	}
}
