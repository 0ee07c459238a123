<?php
/**
 * `wp presence network` through a real WP-CLI: on the network "testms", who a php-fpm worker put
 * online, as JSON, as a table with its totals, as CSV, for one site, and the refusals; on the
 * single site "test", that there is no network. (PRESENCE_TEST_MULTISITE, from bin/test, says
 * which site this run drives; bin/test leaves out the other kind's group, and a run by hand skips
 * them.)
 *
 * @package Presence
 */

class WpPresenceNetworkTest extends WPP_WP_CLI_TestCase {

	/**
	 * Whether this run drives a network.
	 */
	private static function network(): bool {
		return '1' === (string) getenv( 'PRESENCE_TEST_MULTISITE' );
	}

	/**
	 * @group single-site
	 */
	public function test_a_single_site_has_no_network(): void {
		if ( self::network() ) {
			$this->markTestSkipped( 'This run drives the network testms; the single site test runs this.' );
		}
		list( $status, $out, $err ) = self::wp( array( 'presence', 'network' ) );
		$this->assertSame( 1, $status, $out );
		$this->assertStringContainsString( 'Error: This is not a multisite installation.', $err );
	}

	/**
	 * @group multisite
	 */
	public function test_who_a_worker_put_online_in_every_format(): void {
		if ( ! self::network() ) {
			$this->markTestSkipped( 'This run drives the single site test; the network testms runs this.' );
		}
		$editor = $this->user_id( 'editor1' );
		list( $answer ) = $this->heartbeat( 'editor1' );
		$this->assertArrayHasKey( 'presence-online', $answer, 'a php-fpm worker wrote editor1 online on the main site' );

		$report = $this->wp_json( array( 'presence', 'network' ) );
		$this->assertTrue( $report['aggregating'] );
		$this->assertGreaterThanOrEqual( 1, $report['total_sites_online'] );
		$sites = array_column( $report['sites'], null, 'blog_id' );
		$this->assertArrayHasKey( 1, $sites, 'the main site' );
		$this->assertContains( $editor, array_column( $sites[1]['users'], 'user_id' ) );
		$this->assertSame( count( $sites[1]['users'] ), $sites[1]['user_count'] );
		$this->assertSame( array( 'aggregating', 'total_sites_online', 'total_users_online', 'people_online', 'sites' ), array_keys( $report ) );

		list( $status, $table ) = self::wp( array( 'presence', 'network' ) );
		$this->assertSame( 0, $status );
		$this->assertMatchesRegularExpression( '/^Sites online: \d+\nUsers online: \d+\n\n/', $table );
		$this->assertStringContainsString( "\n\nblog_id\turl\tuser_count\tusers\n", $table, 'the table (tab-separated without a terminal)' );
		$this->assertMatchesRegularExpression( '/\n1\thttp[^\t]*\t\d+\t[^\n]*Editor One/', $table );

		list( $status, $csv ) = self::wp( array( 'presence', 'network', '--format=csv', '--site=1' ) );
		$this->assertSame( 0, $status );
		$lines = explode( "\n", trim( $csv ) );
		$this->assertSame( 'blog_id,url,user_count,users', $lines[0] );
		$this->assertCount( 2, $lines, 'one site' );
		$this->assertStringStartsWith( '1,', $lines[1] );

		$this->assertSame( 1, count( $this->wp_json( array( 'presence', 'network', '--users-per-site=1', '--site=1' ) )['sites'][0]['users'] ) );
	}

	/**
	 * @group multisite
	 */
	public function test_refusals(): void {
		if ( ! self::network() ) {
			$this->markTestSkipped( 'This run drives the single site test; the network testms runs this.' );
		}
		$cases = array(
			array( array( '--user=editor1' ), 'Sorry, you are not allowed to view network presence.' ),
			array( array( '--site=999999' ), 'Invalid site ID.' ),
			array( array( '--sites=0' ), '--sites must be a whole number of at least 1.' ),
		);
		foreach ( $cases as list( $args, $message ) ) {
			list( $status, $out, $err ) = self::wp( array_merge( array( 'presence', 'network' ), $args ) );
			$this->assertSame( 1, $status, $out );
			$this->assertStringContainsString( "Error: $message", $err );
		}
		list( $status, $out, $err ) = self::wp( array( 'presence', 'network', '--user=admin', '--format=json' ) );
		$this->assertSame( 0, $status, "a super admin may: $out $err" );
	}
}
