<?php
/**
 * What `wp presence network` reports (plugin/includes/cli/cli-network.php), on the backend of
 * this run; the command class around it runs through the real WP-CLI in tests/php/wp-cli/.
 *
 * @package Presence
 */

require_once dirname( __DIR__, 2 ) . '/support/class-wpp-network-testcase.php';

/**
 * @covers ::wpp_cli_network_report
 * @covers ::wpp_cli_network_rows
 * @group multisite
 */
final class CliNetworkTest extends WPP_Network_TestCase {

	/**
	 * Three people on the third site, one on the second (also on the third).
	 */
	private function crowd(): void {
		list( , $second, $third ) = $this->blogs;
		foreach ( array( 'Cid', 'Ann', 'Bob' ) as $name ) {
			$this->online( $this->member( $name, array( $third ) ), $third );
		}
		$both = $this->member( 'Dee', array( $second, $third ) );
		$this->online( $both, $second );
		wp_set_current_user( 0 ); // WP-CLI runs as nobody unless told.
		wpp_network_view_read( true );
	}

	public function test_the_report_and_its_rows(): void {
		$this->crowd();
		list( , $second, $third ) = $this->blogs;
		$report                   = wpp_cli_network_report( array() );

		$this->assertTrue( $report['aggregating'] );
		$this->assertSame( 2, $report['total_sites_online'] );
		$this->assertSame( 4, $report['total_users_online'] );
		$this->assertSame( 4, $report['people_online'] );
		$this->assertSame( array( $third, $second ), array_column( $report['sites'], 'blog_id' ) );
		$this->assertSame(
			array(
				array(
					'blog_id'    => $third,
					'url'        => $report['sites'][0]['url'],
					'user_count' => 3,
					'users'      => 'Ann, Bob, Cid',
				),
				array(
					'blog_id'    => $second,
					'url'        => $report['sites'][1]['url'],
					'user_count' => 1,
					'users'      => 'Dee',
				),
			),
			wpp_cli_network_rows( $report )
		);
		$this->assertSame( WPP_CLI_NETWORK_FIELDS, array_keys( wpp_cli_network_rows( $report )[0] ) );
	}

	public function test_site_sites_and_users_per_site(): void {
		$this->crowd();
		list( $main, $second, $third ) = $this->blogs;

		$one = wpp_cli_network_report( array( 'site' => (string) $second ) );
		$this->assertSame( array( $second ), array_column( $one['sites'], 'blog_id' ) );
		$this->assertSame( 2, $one['total_sites_online'], 'the totals stay the network\'s' );

		$empty = wpp_cli_network_report( array( 'site' => (string) $main ) );
		$this->assertSame( 0, $empty['sites'][0]['user_count'], 'a site with nobody' );

		$this->assertSame( array( $third ), array_column( wpp_cli_network_report( array( 'sites' => '1' ) )['sites'], 'blog_id' ) );
		$capped = wpp_cli_network_report( array( 'users-per-site' => '2' ) )['sites'][0];
		$this->assertCount( 2, $capped['users'] );
		$this->assertSame( 3, $capped['user_count'] );
	}

	public function test_bad_options_and_users_are_refused(): void {
		$this->crowd();
		$cases = array(
			array( array( 'site' => '999999' ), 'Invalid site ID.' ),
			array( array( 'site' => 'two' ), '--site must be a whole number of at least 1.' ),
			array( array( 'sites' => '0' ), '--sites must be a whole number of at least 1.' ),
			array( array( 'users-per-site' => '-1' ), '--users-per-site must be a whole number of at least 0.' ),
		);
		foreach ( $cases as list( $args, $message ) ) {
			$error = wpp_cli_network_report( $args );
			$this->assertWPError( $error );
			$this->assertSame( $message, $error->get_error_message() );
		}

		wp_set_current_user( $this->member( 'Site Admin', array( $this->blogs[1] ), 'administrator' )->ID ); // --user=…
		$this->assertSame( 'Sorry, you are not allowed to view network presence.', wpp_cli_network_report( array() )->get_error_message() );
		wp_set_current_user( $this->super_admin()->ID );
		$this->assertIsArray( wpp_cli_network_report( array() ) );
	}

	public function test_not_gathered_reports_nothing(): void {
		$this->crowd();
		add_filter( 'wp_presence_network_aggregation_enabled', '__return_false' );
		wpp_network_view_read( true );
		$report = wpp_cli_network_report( array() );
		$this->assertFalse( $report['aggregating'] );
		$this->assertSame( array(), $report['sites'] );
		$this->assertSame( 0, $report['total_sites_online'] );
	}

	/**
	 * Asserts a WP_Error.
	 *
	 * @param mixed $value Value.
	 */
	private function assertWPError( $value ): void {
		$this->assertInstanceOf( WP_Error::class, $value );
	}
}
