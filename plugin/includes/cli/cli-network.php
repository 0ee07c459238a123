<?php
/**
 * What `wp presence network` does, as plain functions the command class calls (and PHPUnit
 * tests): checking the options, the report, and the rows it prints. Nothing here needs WP-CLI.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Columns of `wp presence network` in table and CSV.
 *
 * @since 0.2.0
 */
const WPP_CLI_NETWORK_FIELDS = array( 'blog_id', 'url', 'user_count', 'users' );

/**
 * A whole-number option of at least $min, or null when it was not given.
 *
 * @since 0.2.0
 *
 * @param array  $assoc_args Options as WP-CLI parsed them.
 * @param string $name       Option name, without the dashes.
 * @param int    $min        Least value.
 * @return int|null|WP_Error
 */
function wpp_cli_network_number( array $assoc_args, string $name, int $min ) {
	if ( ! array_key_exists( $name, $assoc_args ) ) {
		return null;
	}
	$value = trim( (string) $assoc_args[ $name ] );
	if ( ! ctype_digit( $value ) || (int) $value < $min ) {
		/* translators: 1: option name, such as --sites, 2: least value. */
		return new WP_Error( 'wpp_cli_bad_number', sprintf( __( '%1$s must be a whole number of at least %2$d.', 'presence' ), '--' . $name, $min ) );
	}
	return (int) $value;
}

/**
 * Who is online across the network, for `wp presence network`:
 * `{aggregating, total_sites_online, total_users_online (summed per site), people_online
 * (distinct), sites: [{blog_id, domain, path, url, user_count, users: [{user_id, display_name,
 * avatar_url}]}]}`, busiest first; with `site` only that site (totals stay the network's).
 *
 * WP-CLI runs as nobody unless told (`--user`); a user given must hold the network presence
 * capability.
 *
 * @since 0.2.0
 *
 * @param array $assoc_args `site`, `sites`, `users-per-site` as given on the command line.
 * @return array|WP_Error
 */
function wpp_cli_network_report( array $assoc_args ) {
	if ( ! is_multisite() ) {
		return new WP_Error( 'wpp_cli_not_multisite', __( 'This is not a multisite installation.', 'presence' ) );
	}
	if ( is_user_logged_in() && ! wpp_network_view_can_see() ) {
		return new WP_Error( 'wpp_cli_forbidden', __( 'Sorry, you are not allowed to view network presence.', 'presence' ) );
	}
	$site           = wpp_cli_network_number( $assoc_args, 'site', 1 );
	$sites          = wpp_cli_network_number( $assoc_args, 'sites', 1 );
	$users_per_site = wpp_cli_network_number( $assoc_args, 'users-per-site', 0 );
	foreach ( array( $site, $sites, $users_per_site ) as $value ) {
		if ( is_wp_error( $value ) ) {
			return $value;
		}
	}
	if ( null !== $site ) {
		$found = get_site( $site );
		if ( ! $found instanceof WP_Site || (int) $found->network_id !== get_current_network_id() ) {
			return new WP_Error( 'wpp_cli_invalid_site', __( 'Invalid site ID.', 'presence' ) );
		}
	}

	$view = wpp_network_view_read();
	$ids  = null !== $site ? array( $site ) : array_slice( array_keys( $view['sites'] ), 0, $sites );
	return array(
		'aggregating'        => $view['aggregating'],
		'total_sites_online' => count( $view['sites'] ),
		'total_users_online' => $view['users_online'],
		'people_online'      => $view['people'],
		'sites'              => $view['aggregating'] ? wpp_network_view_items( $ids, (int) $users_per_site ) : array(),
	);
}

/**
 * The report's sites as rows to print: `blog_id`, `url`, `user_count`, and `users` (names joined
 * by ", ").
 *
 * @since 0.2.0
 *
 * @param array $report wpp_cli_network_report().
 * @return array[]
 */
function wpp_cli_network_rows( array $report ): array {
	$rows = array();
	foreach ( $report['sites'] as $site ) {
		$rows[] = array(
			'blog_id'    => (int) $site['blog_id'],
			'url'        => (string) $site['url'],
			'user_count' => (int) $site['user_count'],
			'users'      => implode( ', ', array_column( $site['users'], 'display_name' ) ),
		);
	}
	return $rows;
}
