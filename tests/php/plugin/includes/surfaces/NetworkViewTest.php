<?php
/**
 * The network view (plugin/includes/surfaces/network-view.php): every site's people from one
 * read of the store, busiest site first, each person under the sites they are on; names and
 * faces, never where; the switches that turn it off; where on one site as the viewer may see it.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers ::wpp_network_view_read
 * @covers ::wpp_network_view_items
 * @covers ::wpp_network_view_site_where
 * @group multisite
 */
final class NetworkViewTest extends WPP_Network_TestCase {

	/**
	 * Six people over the three sites: the third site busiest (3), then the second (2), then the
	 * main site (1); Both is on the second and the third.
	 *
	 * @return WP_User[] By name.
	 */
	private function crowd(): array {
		list( $main, $second, $third ) = $this->blogs;
		$people                        = array(
			'Main Only'   => $this->member( 'Main Only', array( $main ) ),
			'Second Only' => $this->member( 'Second Only', array( $second ) ),
			'Both'        => $this->member( 'Both', array( $second, $third ) ),
			'Third One'   => $this->member( 'Third One', array( $third ) ),
			'Third Two'   => $this->member( 'Third Two', array( $third ) ),
		);
		$this->online( $people['Main Only'], $main );
		$this->online( $people['Second Only'], $second );
		$this->online( $people['Both'], $second );
		$this->online( $people['Both'], $third );
		$this->online( $people['Third One'], $third );
		$this->online( $people['Third Two'], $third, 0, 'edit-post' );
		return $people;
	}

	public function test_each_site_is_listed_with_its_people_busiest_first(): void {
		$people = $this->crowd();
		list( $main, $second, $third ) = $this->blogs;
		$view = $this->view_as( $this->super_admin() );

		$this->assertTrue( $view['aggregating'] );
		$this->assertSame( array( $third, $second, $main ), array_keys( $view['sites'] ) );
		$ids = static fn( string ...$names ) => array_map( static fn( $n ) => $people[ $n ]->ID, $names );
		$this->assertSame( $ids( 'Both', 'Third One', 'Third Two' ), array_keys( $view['sites'][ $third ] ), 'lowest ids first' );
		$this->assertSame( $ids( 'Second Only', 'Both' ), array_keys( $view['sites'][ $second ] ) );
		$this->assertSame( $ids( 'Main Only' ), array_keys( $view['sites'][ $main ] ) );
		$this->assertSame( 5, $view['people'], 'each person once' );
		$this->assertSame( 6, $view['users_online'], 'each person once per site' );
		$this->assertSame( array( $third, $second ), $view['user_sites'][ $people['Both']->ID ], 'busiest site first' );
		$this->assertSame( 'Third Two', $view['sites'][ $third ][ $people['Third Two']->ID ]['display_name'] );
	}

	public function test_a_member_of_one_site_only_appears_under_that_site_only(): void {
		$people = $this->crowd();
		$view   = $this->view_as( $this->super_admin() );
		$this->assertSame( array( $this->blogs[1] ), $view['user_sites'][ $people['Second Only']->ID ] );
		foreach ( array( $this->blogs[0], $this->blogs[2] ) as $other ) {
			$this->assertArrayNotHasKey( $people['Second Only']->ID, $view['sites'][ $other ] );
		}

		// Their heartbeat on a site they do not belong to writes nothing there.
		$this->online( $people['Second Only'], $this->blogs[2] );
		$this->assertSame( array( $this->blogs[1] ), $this->view_as( $this->super_admin() )['user_sites'][ $people['Second Only']->ID ] );
	}

	public function test_the_view_names_people_but_never_where_they_are(): void {
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
		$view = $this->view_as( $this->super_admin() );

		$user = $view['sites'][ $this->blogs[1] ][ $editor->ID ];
		$this->assertSame( array( 'user_id', 'display_name', 'avatar_url', 'updated_at' ), array_keys( $user ) );
		$items = wpp_network_view_items( array( $this->blogs[1] ), 0 );
		$text  = wp_json_encode( array( $view, $items ) );
		$this->assertStringNotContainsString( 'Secret merger plan', $text );
		$this->assertStringNotContainsString( 'post_id', $text );
		$this->assertStringNotContainsString( 'postType/', $text );
	}

	public function test_where_on_one_site_follows_the_privacy_rule_there(): void {
		list( , $second ) = $this->blogs;
		$author           = $this->member( 'Drafting Author', array( $second ), 'author' );
		$draft            = $this->post_on(
			$second,
			array(
				'post_title'  => 'Secret merger plan',
				'post_status' => 'draft',
				'post_author' => $author->ID,
			)
		);
		$this->online( $author, $second, $draft->ID );

		// A super admin may edit the draft: its title and edit link.
		wp_set_current_user( $this->super_admin()->ID );
		$where = wpp_network_view_site_where( $second )[ $author->ID ];
		$this->assertSame( 'Editing “Secret merger plan”', $where['label'] );
		$this->assertStringContainsString( 'post=' . $draft->ID, $where['url'] );
		$this->assertSame( get_current_blog_id(), $this->blogs[0], 'back on the main site' );

		// Another author of that site, given the network view by the capability filter, may not
		// edit it: "Editing a post", no title, no link.
		add_filter( 'wp_presence_network_capability', static fn() => 'edit_posts' );
		wp_set_current_user( $this->member( 'Other Author', array( $second ), 'author' )->ID );
		$where = wpp_network_view_site_where( $second )[ $author->ID ];
		$this->assertSame( 'Editing a post', $where['label'] );
		$this->assertSame( '', $where['url'] );

		// Someone who cannot edit posts on that site learns nothing of where anyone is there.
		wp_set_current_user( $this->member( 'Elsewhere Editor', array( $this->blogs[2] ) )->ID );
		$this->assertSame( array(), wpp_network_view_site_where( $second ) );
	}

	public function test_sites_archived_spam_or_deleted_are_left_out(): void {
		$this->crowd();
		update_blog_status( $this->blogs[2], 'archived', '1' );
		$view = $this->view_as( $this->super_admin() );
		$this->assertSame( array( $this->blogs[1], $this->blogs[0] ), array_keys( $view['sites'] ) );
		$this->assertSame( 3, $view['people'] );
	}

	public function test_nothing_is_read_while_the_network_view_is_off(): void {
		$this->crowd();
		$this->assertTrue( wp_presence_network_aggregation_enabled() );

		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		$this->assertFalse( wp_presence_network_aggregation_enabled() );
		$view = $this->view_as( $this->super_admin() );
		$this->assertFalse( $view['aggregating'] );
		$this->assertSame( array(), $view['sites'] );
		$this->assertSame( 0, $view['people'] );
	}

	public function test_a_large_network_is_not_gathered_unless_a_filter_says_so(): void {
		$this->crowd();
		add_filter( 'wp_is_large_network', '__return_true' );
		$this->assertFalse( $this->view_as( $this->super_admin() )['aggregating'] );

		add_filter( 'wp_presence_network_aggregation_enabled', '__return_true' );
		$this->assertCount( 3, $this->view_as( $this->super_admin() )['sites'] );
	}

	public function test_the_capability_is_manage_network_unless_filtered(): void {
		$admin = $this->member( 'Site Admin', array( $this->blogs[1] ), 'administrator' );
		wp_set_current_user( $admin->ID );
		$this->assertSame( 'manage_network', wpp_network_view_capability() );
		$this->assertFalse( wpp_network_view_can_see() );
		wp_set_current_user( $this->super_admin()->ID );
		$this->assertTrue( wpp_network_view_can_see() );

		add_filter( 'wp_presence_network_capability', static fn() => 'list_users' );
		wp_set_current_user( $admin->ID );
		switch_to_blog( $this->blogs[1] );
		$this->assertTrue( wpp_network_view_can_see() );
		restore_current_blog();
	}

	public function test_the_network_switch_turns_the_screens_off_not_the_view(): void {
		$this->assertTrue( wpp_network_view_screens_enabled() );
		update_site_option( 'wp_presence_network_features', array( 'network-admin' => 0 ) );
		$this->assertFalse( wpp_network_view_screens_enabled() );
		add_filter( 'wp_presence_feature_enabled', static fn( $on, $feature ) => 'network-admin' === $feature ? true : $on, 10, 2 );
		$this->assertTrue( wpp_network_view_screens_enabled(), 'the filter has the last word' );
	}

	public function test_items_cap_the_names_but_count_everyone(): void {
		$this->crowd();
		$this->view_as( $this->super_admin() );
		$item = wpp_network_view_items( array( $this->blogs[2] ), 2 )[0];
		$this->assertSame( 3, $item['user_count'] );
		$this->assertSame( array( 'Both', 'Third One' ), array_column( $item['users'], 'display_name' ) );
		$site = get_site( $this->blogs[2] );
		$this->assertSame( set_url_scheme( 'http://' . $site->domain . $site->path ), $item['url'] );
	}
}
