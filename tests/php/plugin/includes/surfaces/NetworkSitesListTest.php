<?php
/**
 * Network Admin's Sites list (plugin/includes/surfaces/network-sites-list.php), rendered by core's
 * own WP_MS_Sites_List_Table: an Online column with each site's faces and count, a dash for a
 * site with nobody, and no column for those who may not see the network.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers ::wpp_network_sites_list_columns
 * @covers ::wpp_network_sites_list_column
 * @group multisite
 */
final class NetworkSitesListTest extends WPP_Network_TestCase {

	/**
	 * network/sites.php's table as $viewer sees it.
	 */
	private function sites_list_as( WP_User $viewer ): string {
		$this->view_as( $viewer );
		set_current_screen( 'sites-network' );
		$table = _get_list_table( 'WP_MS_Sites_List_Table', array( 'screen' => 'sites-network' ) );
		$table->prepare_items();
		ob_start();
		$table->display();
		return (string) ob_get_clean();
	}

	/**
	 * The Online cell of a site's row.
	 */
	private function cell( string $html, int $blog_id ): string {
		$rows = array_filter( explode( '</tr>', $html ), static fn( $row ) => str_contains( $row, 'site-info.php?id=' . $blog_id . '"' ) );
		$this->assertCount( 1, $rows, "one row of site $blog_id" );
		$this->assertMatchesRegularExpression( '#<td class=\'wpp_online column-wpp_online\'[^>]*>(.*?)</td>#s', reset( $rows ) );
		preg_match( '#<td class=\'wpp_online column-wpp_online\'[^>]*>(.*?)</td>#s', reset( $rows ), $cell );
		return $cell[1];
	}

	/**
	 * The columns the filter leaves for $viewer.
	 */
	private function columns_as( WP_User $viewer ): array {
		wp_set_current_user( $viewer->ID );
		return wpp_network_sites_list_columns( array( 'blogname' => 'URL' ) );
	}

	public function test_each_site_shows_its_faces_and_count(): void {
		list( $main, $second, $third ) = $this->blogs;
		foreach ( array( 'Ann', 'Bob', 'Cid', 'Dee', 'Eve' ) as $name ) {
			$this->online( $this->member( $name, array( $third ) ), $third );
		}
		$this->online( $this->member( 'Fay', array( $second ) ), $second );
		$html = $this->sites_list_as( $this->super_admin() );

		$this->assertStringContainsString( '>Online<', $html, 'the column header' );
		$third_cell = $this->cell( $html, $third );
		$this->assertStringContainsString( '5 people', $third_cell );
		$this->assertSame( 4, substr_count( $third_cell, 'class="wpp-avatars__item"' ), 'four faces' );
		foreach ( array( 'Ann', 'Bob', 'Cid', 'Dee' ) as $name ) {
			$this->assertStringContainsString( 'aria-label="' . $name . '"', $third_cell );
		}
		$this->assertStringContainsString( '1 person', $this->cell( $html, $second ) );
		$this->assertStringContainsString( 'Nobody online', $this->cell( $html, $main ) );
	}

	public function test_no_column_for_a_site_admin_nor_when_switched_off(): void {
		$this->online( $this->member( 'Ann', array( $this->blogs[1] ) ), $this->blogs[1] );
		$site_admin = $this->member( 'Site Admin', array( $this->blogs[1] ), 'administrator' );
		$this->assertSame( array( 'blogname' => 'URL' ), $this->columns_as( $site_admin ) );

		$admin = $this->super_admin();
		$this->assertArrayHasKey( 'wpp_online', $this->columns_as( $admin ) );
		update_site_option( 'wp_presence_network_features', array( 'network-admin' => 0 ) );
		$this->assertArrayNotHasKey( 'wpp_online', $this->columns_as( $admin ) );
		update_site_option( 'wp_presence_network_features', array() );
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		$this->assertArrayNotHasKey( 'wpp_online', $this->columns_as( $admin ), 'nothing gathered: the notice says why' );
	}
}

