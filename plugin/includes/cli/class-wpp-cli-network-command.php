<?php
/**
 * `wp presence network`: who is online across a multisite network.
 *
 * @package Presence
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Lists the sites of the network with people online, busiest first, and who is on each.
 *
 * With the presence extension on shared memory, WP-CLI sees the store of the machine it runs
 * on (run it with the php-fpm workers' `presence.shm_path`); on Redis, the whole fleet's.
 *
 * @since 0.2.0
 */
class WPP_CLI_Network_Command extends WP_CLI_Command {

	/**
	 * Lists the sites of the network with people online, busiest first, and who is on each.
	 *
	 * ## OPTIONS
	 *
	 * [--site=<blog_id>]
	 * : Only this site (the totals stay the network's).
	 *
	 * [--sites=<number>]
	 * : At most this many sites. Default: all.
	 *
	 * [--users-per-site=<number>]
	 * : Name at most this many users per site (user_count still counts everyone). Default: all.
	 *
	 * [--format=<format>]
	 * : Output format. table prints the totals first; csv only the sites; json the whole report
	 * as one document.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence network
	 *     $ wp presence network --sites=10 --users-per-site=3
	 *     $ wp presence network --site=2 --format=json
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function __invoke( $args, $assoc_args ) {
		$report = wpp_cli_network_report( $assoc_args );
		if ( is_wp_error( $report ) ) {
			WP_CLI::error( $report->get_error_message() );
		}
		$format = $assoc_args['format'] ?? 'table';
		if ( 'json' === $format ) {
			WP_CLI::line( (string) wp_json_encode( $report ) );
			return;
		}
		if ( ! $report['aggregating'] ) {
			WP_CLI::warning( __( 'Presence is not gathered across this network, so who is online cannot be reported.', 'presence' ) );
			return;
		}
		if ( 'csv' === $format ) { // Only the rows: CSV is read by programs.
			WP_CLI\Utils\format_items( $format, wpp_cli_network_rows( $report ), WPP_CLI_NETWORK_FIELDS );
			return;
		}
		/* translators: %d: number of sites. */
		WP_CLI::log( sprintf( __( 'Sites online: %d', 'presence' ), $report['total_sites_online'] ) );
		/* translators: %d: number of users, counted once per site. */
		WP_CLI::log( sprintf( __( 'Users online: %d', 'presence' ), $report['total_users_online'] ) );
		if ( ! $report['sites'] ) {
			WP_CLI::log( __( 'No presence data.', 'presence' ) );
			return;
		}
		WP_CLI::log( '' );
		WP_CLI\Utils\format_items( $format, wpp_cli_network_rows( $report ), WPP_CLI_NETWORK_FIELDS );
	}
}
