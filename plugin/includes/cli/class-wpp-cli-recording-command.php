<?php
/**
 * `wp presence recording`: the recording switch from the command line.
 *
 * @package Presence
 * @since   0.3.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Shows and sets whether presence is recorded, on this site or for the whole network.
 *
 * Recording off: nothing new is written and every presence screen empties as entries expire.
 * Either switch off (the site's or the network's) wins; the `wp_presence_recording_enabled` and
 * `wp_presence_network_recording_enabled` filters have the last word.
 *
 * ## EXAMPLES
 *
 *     $ wp presence recording get
 *     on
 *
 *     $ wp presence recording set off --network
 *
 * @since 0.3.0
 */
class WPP_CLI_Recording_Command extends WP_CLI_Command {

	/**
	 * Prints the stored switch: on or off.
	 *
	 * ## OPTIONS
	 *
	 * [--network]
	 * : The network's switch instead of the site's (multisite only).
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence recording get
	 *     $ wp presence recording get --network
	 *
	 * @since 0.3.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function get( $args, $assoc_args ) {
		$got = wpp_cli_recording_get( (bool) WP_CLI\Utils\get_flag_value( $assoc_args, 'network', false ) );
		if ( is_wp_error( $got ) ) {
			WP_CLI::error( $got->get_error_message() );
		}
		WP_CLI::line( $got['state'] );
		if ( '' !== $got['note'] ) {
			WP_CLI::warning( $got['note'] );
		}
	}

	/**
	 * Switches recording on or off.
	 *
	 * ## OPTIONS
	 *
	 * [<state>]
	 * : on or off.
	 *
	 * [--network]
	 * : Every site of the network (multisite only).
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence recording set off
	 *     $ wp presence recording set on --network
	 *
	 * @since 0.3.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function set( $args, $assoc_args ) {
		$set = wpp_cli_recording_set( $args[0] ?? null, (bool) WP_CLI\Utils\get_flag_value( $assoc_args, 'network', false ) );
		if ( is_wp_error( $set ) ) {
			WP_CLI::error( $set->get_error_message() );
		}
		WP_CLI::success( $set['message'] );
		if ( '' !== $set['note'] ) {
			WP_CLI::warning( $set['note'] );
		}
	}
}
