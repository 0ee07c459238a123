<?php
/**
 * Network Admin's Users list (plugin/includes/surfaces/network-users-list.php), rendered by core's
 * own WP_MS_Users_List_Table: the "Online (n)" view from a plain link (`?presence=online`, or the
 * feature plugin's `?presence_status=online`), which lists only the people online anywhere, and
 * the Online column naming the sites each is on.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers ::wpp_network_users_list_views
 * @covers ::wpp_network_users_list_query_args
 * @covers ::wpp_network_users_list_column
 * @group multisite
 */
final class NetworkUsersListTest extends WPP_Network_TestCase {

	/**
	 * network/users.php as $viewer sees it for the query $get: [views, table, the table]. Opening
	 * the screen puts the viewer online (on the main site: Network Admin runs there).
	 *
	 * @return array{0:string,1:string,2:WP_MS_Users_List_Table}
	 */
	private function users_list_as( WP_User $viewer, array $get ): array {
		wp_set_current_user( $viewer->ID );
		$_GET     = $get;
		$_REQUEST = $get;
		set_current_screen( 'users-network' );
		$this->assertTrue( is_network_admin() );
		$this->view_as( $viewer );
		$table = _get_list_table( 'WP_MS_Users_List_Table', array( 'screen' => 'users-network' ) );
		$table->prepare_items();
		ob_start();
		$table->views();
		$views = (string) ob_get_clean();
		ob_start();
		$table->display();
		return array( $views, (string) ob_get_clean(), $table );
	}

	/**
	 * Ids of the users of the list's rows.
	 */
	private static function row_ids( WP_MS_Users_List_Table $table ): array {
		$ids = array_map( static fn( $user ) => (int) $user->ID, $table->items );
		sort( $ids );
		return $ids;
	}

	public function test_the_online_view_lists_everyone_online_anywhere_from_a_plain_link(): void {
		list( $main, $second, $third ) = $this->blogs;
		$ann                           = $this->member( 'Ann', array( $second ) );
		$bob                           = $this->member( 'Bob', array( $second, $third ) );
		$cid                           = $this->member( 'Cid', array( $third ) );
		$this->member( 'Offline Dee', array( $main ) );
		$this->online( $ann, $second );
		$this->online( $bob, $second );
		$this->online( $bob, $third );
		$this->online( $cid, $third );
		$admin = $this->super_admin();

		list( $views ) = $this->users_list_as( $admin, array() );
		$this->assertStringContainsString( '<a href="' . esc_url( network_admin_url( 'users.php?presence=online' ) ) . '">Online <span class="count">(4)</span></a>', $views, 'each person once, the viewer too' );

		foreach ( array( array( 'presence' => 'online' ), array( 'presence_status' => 'online', '_wpnonce' => 'anything' ) ) as $get ) {
			list( $views, $html, $table ) = $this->users_list_as( $admin, $get );
			$this->assertStringContainsString( 'class="current" aria-current="page">Online', $views );
			$expected = array( $ann->ID, $bob->ID, $cid->ID, $admin->ID );
			sort( $expected );
			$this->assertSame( $expected, self::row_ids( $table ), 'only the people online: ' . wp_json_encode( $get ) );
			$this->assertStringNotContainsString( 'Offline Dee', $html );
		}

		// The Online column names the sites each is on, busiest first (a tie: the older site).
		$link = static function ( int $blog ): string {
			$site = get_site( $blog );
			return '<a href="' . esc_url( network_admin_url( 'site-info.php?id=' . $blog ) ) . '">' . esc_html( untrailingslashit( $site->domain . $site->path ) ) . '</a>';
		};
		$this->assertSame( $link( $second ), $this->online_cell( $html, $ann ) );
		$this->assertSame( $link( $second ) . wp_get_list_item_separator() . $link( $third ), $this->online_cell( $html, $bob ) );
		$this->assertSame( $link( $third ), $this->online_cell( $html, $cid ) );
	}

	/**
	 * The Online cell of a user's row.
	 */
	private function online_cell( string $html, WP_User $user ): string {
		$rows = array_filter( explode( '</tr>', $html ), static fn( $row ) => str_contains( $row, 'user_id=' . $user->ID . '&' ) || str_contains( $row, 'user_id=' . $user->ID . '"' ) );
		$this->assertCount( 1, $rows, "one row of {$user->display_name}" );
		$this->assertSame( 1, preg_match( '#<td class=\'wpp_online column-wpp_online\'[^>]*>(.*?)</td>#s', reset( $rows ), $cell ) );
		return $cell[1];
	}

	public function test_nobody_online_lists_nobody_not_everyone(): void {
		$this->member( 'Offline Dee', array( $this->blogs[1] ) );
		$admin = $this->super_admin();
		wp_set_current_user( $admin->ID );
		$_GET = array( 'presence' => 'online' );
		set_current_screen( 'users-network' );
		self::flush_network( $this->blogs ); // Not even the viewer.
		wpp_network_view_read( true );
		$args = wpp_network_users_list_query_args( array( 'blog_id' => 0 ) );
		$this->assertSame( array( 0 ), $args['include'] );
		$this->assertSame( array(), ( new WP_User_Query( $args ) )->get_results() );
	}

	public function test_the_site_online_view_stands_down_in_network_admin(): void {
		$ann = $this->member( 'Ann', array( $this->blogs[1] ) );
		$this->online( $ann, $this->blogs[1] );
		$dee = $this->member( 'Dee', array( $this->blogs[0] ) );
		$this->online( $dee, $this->blogs[0] );
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		// The main site's own Online view would list the main site's people (Dee, the viewer); the
		// network's, with nothing gathered, lists nobody.
		list( , , $table ) = $this->users_list_as( $this->super_admin(), array( 'presence' => 'online' ) );
		$this->assertSame( array(), self::row_ids( $table ) );
	}

	public function test_switched_off_for_the_network_the_list_is_untouched(): void {
		$this->online( $this->member( 'Ann', array( $this->blogs[1] ) ), $this->blogs[1] );
		update_site_option( 'wp_presence_network_features', array( 'network-admin' => 0 ) );
		wp_set_current_user( $this->super_admin()->ID );
		$_GET = array( 'presence' => 'online' );
		set_current_screen( 'users-network' );
		$this->assertSame( array( 'all' => 'All' ), wpp_network_users_list_views( array( 'all' => 'All' ) ) );
		$this->assertSame( array( 'number' => 20 ), wpp_network_users_list_query_args( array( 'number' => 20 ) ) );
	}

	public function test_without_the_capability_the_list_is_untouched(): void {
		$this->online( $this->member( 'Ann', array( $this->blogs[1] ) ), $this->blogs[1] );
		$manager = $this->member( 'User Manager', array( $this->blogs[0] ), 'administrator' );
		add_filter( 'wp_presence_network_capability', static fn() => 'do_not_allow' );
		wp_set_current_user( $manager->ID );
		$_GET = array( 'presence' => 'online' );
		set_current_screen( 'users-network' );
		$this->assertSame( array( 'all' => 'All' ), wpp_network_users_list_views( array( 'all' => 'All' ) ) );
		$this->assertSame( array( 'number' => 20 ), wpp_network_users_list_query_args( array( 'number' => 20 ) ) );
		$this->assertSame( array( 'username' => 'Username' ), wpp_network_users_list_columns( array( 'username' => 'Username' ) ) );
		$this->assertSame( 'kept', wpp_network_users_list_column( 'kept', 'wpp_online', $manager->ID ) );
	}
}
