<?php
/**
 * Network Admin's "Who's online" widget (plugin/includes/surfaces/network-dashboard.php): only
 * for those who may see presence across the network; the busiest sites first with their counts,
 * people and links; the people online network-wide; never a post; the heartbeat's
 * `network-widget` fragment.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers ::wpp_network_dashboard_add_widget
 * @covers ::wpp_network_dashboard_state
 * @covers ::wpp_network_dashboard_html
 * @covers ::wpp_network_dashboard_fragment
 * @group multisite
 */
final class NetworkDashboardTest extends WPP_Network_TestCase {

	public static function setUpBeforeClass(): void {
		parent::setUpBeforeClass();
		require_once ABSPATH . 'wp-admin/includes/dashboard.php';
	}

	protected function tearDown(): void {
		unset( $GLOBALS['wp_meta_boxes'] );
		parent::tearDown();
	}

	/**
	 * Whether the widget is on the Network Admin dashboard of $viewer.
	 */
	private function has_widget( WP_User $viewer ): bool {
		unset( $GLOBALS['wp_meta_boxes'] );
		wp_set_current_user( $viewer->ID );
		set_current_screen( 'dashboard-network' );
		wpp_network_dashboard_add_widget();
		return isset( $GLOBALS['wp_meta_boxes']['dashboard-network']['normal']['high']['wpp_network_whos_online'] );
	}

	/**
	 * The widget as $viewer sees it, read afresh.
	 */
	private function widget_as( WP_User $viewer ): string {
		$this->view_as( $viewer );
		ob_start();
		wpp_network_dashboard_render();
		return (string) ob_get_clean();
	}

	public function test_only_those_who_may_see_the_network_get_the_widget(): void {
		$this->assertTrue( $this->has_widget( $this->super_admin() ) );

		$site_admin = $this->member( 'Site Admin', array( $this->blogs[1] ), 'administrator' );
		switch_to_blog( $this->blogs[1] );
		wp_set_current_user( $site_admin->ID );
		$this->assertTrue( current_user_can( 'manage_options' ), 'an administrator of their site' );
		restore_current_blog();
		$this->assertFalse( $this->has_widget( $site_admin ), 'a site admin without manage_network' );

		update_site_option( 'wp_presence_network_features', array( 'network-admin' => 0 ) );
		$this->assertFalse( $this->has_widget( $this->super_admin( 'Second Super' ) ), 'switched off on the network' );
	}

	public function test_busiest_sites_first_with_their_people_counts_and_links(): void {
		list( $main, $second, $third ) = $this->blogs;
		$people                        = array();
		foreach ( array( 'Ann', 'Bob', 'Cid', 'Dee', 'Eve' ) as $name ) {
			$people[ $name ] = $this->member( $name, array( $third ) );
			$this->online( $people[ $name ], $third );
		}
		$people['Fay'] = $this->member( 'Fay', array( $second, $third ) );
		$this->online( $people['Fay'], $second );
		$admin = $this->super_admin();
		$html  = $this->widget_as( $admin );

		$this->assertStringContainsString( '6 people online on the network', $html );
		$this->assertLessThan( strpos( $html, 'data-blog-id="' . $second . '"' ), strpos( $html, 'data-blog-id="' . $third . '"' ), 'busiest first' );
		$this->assertStringNotContainsString( 'data-blog-id="' . $main . '"', $html, 'nobody on the main site' );
		$this->assertStringContainsString( '>Presence third site</a> <span class="wpp-network__count">5 people</span>', $html );
		$this->assertStringContainsString( '>Presence second site</a> <span class="wpp-network__count">1 person</span>', $html );
		$this->assertStringContainsString( esc_url( network_admin_url( 'site-info.php?id=' . $third ) ), $html );
		$this->assertStringContainsString( esc_url( network_admin_url( 'user-edit.php?user_id=' . $people['Ann']->ID ) ), $html );
		$this->assertStringContainsString( esc_url( wpp_network_users_list_online_url() ), $html );
		foreach ( array( 'Ann', 'Bob', 'Cid', 'Dee' ) as $name ) {
			$this->assertStringContainsString( '<span class="wpp-network__name">' . $name . '</span>', $html );
		}
		$this->assertStringNotContainsString( '>Eve<', $html, 'four faces a site' );
		$this->assertStringContainsString( '+1 other', $html );
		$this->assertStringContainsString( 'id="presence-network-widget-list"', $html );
	}

	public function test_links_only_where_the_viewer_may_go(): void {
		$person = $this->member( 'Ann', array( $this->blogs[1] ) );
		$this->online( $person, $this->blogs[1] );
		add_filter( 'wp_presence_network_capability', static fn() => 'edit_posts' );
		$editor = $this->member( 'Plain Editor', array( $this->blogs[0] ) );
		$html   = $this->widget_as( $editor );
		$this->assertStringContainsString( '<span class="wpp-network__name">Ann</span>', $html );
		$this->assertStringNotContainsString( 'user-edit.php', $html, 'may not edit Ann' );
		$this->assertStringNotContainsString( 'site-info.php', $html, 'may not manage sites' );
		$site = get_site( $this->blogs[1] );
		$this->assertStringContainsString( 'href="' . esc_url( wpp_network_view_site_url( $site ) ) . '"', $html, 'the site itself' );
	}

	public function test_it_never_says_which_post_someone_edits(): void {
		$editor = $this->member( 'Drafting Editor', array( $this->blogs[1] ) );
		$post   = $this->post_on(
			$this->blogs[1],
			array(
				'post_title'  => 'Secret merger plan',
				'post_status' => 'draft',
				'post_author' => $editor->ID,
			)
		);
		$this->online( $editor, $this->blogs[1], $post->ID );
		$html = $this->widget_as( $this->super_admin() );
		$this->assertStringContainsString( 'Drafting Editor', $html );
		$this->assertStringNotContainsString( 'Secret merger plan', $html );
		$this->assertStringNotContainsString( 'post=' . $post->ID, $html );
	}

	public function test_names_are_text(): void {
		global $wpdb;
		$person = $this->member( 'Ann', array( $this->blogs[1] ) );
		$wpdb->update( $wpdb->users, array( 'display_name' => '<img src=x onerror=alert(1)>' ), array( 'ID' => $person->ID ) );
		clean_user_cache( $person->ID );
		$this->online( get_userdata( $person->ID ), $this->blogs[1] );
		$html = $this->widget_as( $this->super_admin() );
		$this->assertStringNotContainsString( '<img src=x', $html );
		$this->assertStringContainsString( '&lt;img src=x onerror=alert(1)&gt;', $html );
	}

	public function test_nobody_online_and_not_gathered_say_so(): void {
		$admin = $this->super_admin();
		$this->assertStringContainsString( 'Nobody is online anywhere on the network.', $this->widget_as( $admin ) );
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		$this->assertStringContainsString( 'Presence is not gathered across this network', $this->widget_as( $admin ) );
	}

	public function test_more_sites_than_listed_link_to_the_sites_list(): void {
		$html = wpp_network_dashboard_list_html(
			array(
				'aggregating'  => true,
				'people'       => 9,
				'sites_online' => 7,
				'sites'        => array(
					array(
						'blog_id'    => 2,
						'name'       => 'Two',
						'url'        => 'http://example.org/two/',
						'user_count' => 1,
						'users'      => array(),
					),
				),
				'more'         => 6,
				'sites_url'    => 'http://example.org/wp-admin/network/sites.php',
				'online_url'   => '',
			)
		);
		$this->assertStringContainsString( '<a href="http://example.org/wp-admin/network/sites.php">6 more sites with people online</a>', $html );
		$this->assertStringContainsString( '<p class="wpp-network__summary">9 people online on the network</p>', $html, 'no link without the right to list users' );
	}

	public function test_the_heartbeat_answers_the_widget_fragment_when_asked(): void {
		$person = $this->member( 'Ann', array( $this->blogs[1] ) );
		$this->online( $person, $this->blogs[1] );
		$admin = $this->super_admin();

		$response = $this->heartbeat( $admin, array( 'presence-fragments' => array( 'network-widget' => true ) ) + $this->ping() );
		$this->assertArrayHasKey( 'network-widget', $response['presence-fragments'] ?? array() );
		wpp_network_view_read( true );
		$this->assertSame( wpp_network_dashboard_list_html( wpp_network_dashboard_state() ), $response['presence-fragments']['network-widget'] );
		$this->assertStringContainsString( '>Ann</span>', $response['presence-fragments']['network-widget'] );

		$this->assertArrayNotHasKey( 'presence-fragments', $this->heartbeat( $admin, $this->ping() ), 'not asked' );
		$editor = $this->member( 'Plain Editor', array( $this->blogs[0] ) );
		$this->assertArrayNotHasKey( 'presence-fragments', $this->heartbeat( $editor, array( 'presence-fragments' => array( 'network-widget' => true ) ) + $this->ping() ), 'not allowed' );
	}

	public function test_network_admin_pages_keep_the_heartbeat_pace_without_the_lane(): void {
		$admin   = $this->super_admin();
		$session = WP_Session_Tokens::get_instance( $admin->ID )->create( time() + HOUR_IN_SECONDS );
		$_COOKIE[ LOGGED_IN_COOKIE ] = wp_generate_auth_cookie( $admin->ID, time() + HOUR_IN_SECONDS, 'logged_in', $session );
		$network = $this->open_admin_screen( $admin, 'dashboard-network' );
		$site    = $this->open_admin_screen( $admin, 'dashboard' );
		unset( $_COOKIE[ LOGGED_IN_COOKIE ] );

		// The lane follows one site's rooms; the widget shows every site's, at the heartbeat's pace.
		$this->assertFalse( $network['live'] );
		$this->assertSame( wpp_lane_enabled(), false !== $site['live'], 'a site\'s own dashboard has the lane where the site has one' );
	}
}
