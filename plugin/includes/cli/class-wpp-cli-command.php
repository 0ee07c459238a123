<?php
/**
 * `wp presence`: the presence store from the command line.
 *
 * @package Presence
 * @since   0.2.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Lists, writes and removes presence entries, and shows the store's figures.
 *
 * With the presence extension, WP-CLI must use the same store as the php-fpm workers: run it as
 * the site's user and with the same `presence.shm_path` (in the php.ini or conf.d WP-CLI's PHP
 * reads, or with `WP_CLI_PHP_ARGS='-d presence.shm_path=…'`). Otherwise it reads and writes a
 * table of its own, which the site never sees.
 *
 * ## EXAMPLES
 *
 *     # Who is in wp-admin now
 *     $ wp presence list admin/online
 *
 *     # Every room with its entries and users
 *     $ wp presence summary --format=json
 *
 * @since 0.2.0
 */
class WPP_CLI_Command extends WP_CLI_Command {

	/**
	 * Lists the live entries of a room, newest first.
	 *
	 * ## OPTIONS
	 *
	 * <room>
	 * : Room name, such as admin/online or postType/post:12.
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 *   - yaml
	 *   - count
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence list admin/online
	 *     $ wp presence list postType/post:12 --format=json
	 *
	 * @subcommand list
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function list_( $args, $assoc_args ) {
		$entries = wpp_entries_get( $args[0] );
		if ( is_wp_error( $entries ) ) {
			WP_CLI::error( $entries->get_error_message() );
		}
		WP_CLI\Utils\format_items( $assoc_args['format'] ?? 'table', wpp_cli_entry_rows( $entries ), WPP_CLI_ENTRY_FIELDS );
	}

	/**
	 * Lists the rooms of this site that have live entries, with their entry and user counts.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 *   - yaml
	 *   - count
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence summary
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function summary( $args, $assoc_args ) {
		WP_CLI\Utils\format_items( $assoc_args['format'] ?? 'table', wpp_cli_rooms_summary(), array( 'room', 'entries', 'users' ) );
	}

	/**
	 * Writes (or refreshes) an entry.
	 *
	 * The entry's owner is the user given with WP-CLI's global `--user=<id|login|email>`; without
	 * it, none (user id 0).
	 *
	 * ## OPTIONS
	 *
	 * <room>
	 * : Room name.
	 *
	 * [<client_id>]
	 * : Client id, unique within the room. Default: cli-{user id}.
	 *
	 * [--data=<json>]
	 * : The entry's state, a JSON object.
	 *
	 * [--ttl=<seconds>]
	 * : Seconds until it expires (1 to 86400). Default: the site's TTL (150).
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence set admin/online
	 *     $ wp presence set postType/post:12 tab-1 --user=editor1 --data='{"screen":"post"}' --ttl=600
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function set( $args, $assoc_args ) {
		$user_id = get_current_user_id(); // WP-CLI's global --user.
		$state   = wpp_cli_parse_state( $assoc_args['data'] ?? null );
		$ttl     = wpp_cli_parse_ttl( $assoc_args['ttl'] ?? null );
		foreach ( array( $state, $ttl ) as $parsed ) {
			if ( is_wp_error( $parsed ) ) {
				WP_CLI::error( $parsed->get_error_message() );
			}
		}
		$client_id = $args[1] ?? 'cli-' . $user_id;
		$stored    = wpp_entries_set( $args[0], $client_id, $state, $user_id, $ttl );
		if ( is_wp_error( $stored ) ) {
			WP_CLI::error( $stored->get_error_message() );
		}
		/* translators: 1: client id, 2: room name. */
		WP_CLI::success( sprintf( __( 'Set %1$s in %2$s.', 'presence' ), $client_id, $args[0] ) );
	}

	/**
	 * Removes an entry.
	 *
	 * ## OPTIONS
	 *
	 * <room>
	 * : Room name.
	 *
	 * <client_id>
	 * : Client id.
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence remove admin/online cli-0
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function remove( $args, $assoc_args ) {
		$removed = wpp_entries_remove( $args[0], $args[1] );
		if ( is_wp_error( $removed ) ) {
			WP_CLI::error( $removed->get_error_message() );
		}
		/* translators: 1: client id, 2: room name. */
		WP_CLI::success( sprintf( $removed ? __( 'Removed %1$s from %2$s.', 'presence' ) : __( 'There was no live entry %1$s in %2$s.', 'presence' ), $args[1], $args[0] ) );
	}

	/**
	 * Deletes expired entries now (live ones stay). The hourly `wpp_gc` event does the same.
	 *
	 * ## OPTIONS
	 *
	 * [--yes]
	 * : Do not ask for confirmation.
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence cleanup --yes
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function cleanup( $args, $assoc_args ) {
		WP_CLI::confirm( __( 'Delete the expired presence entries?', 'presence' ), $assoc_args );
		/* translators: %d: number of entries. */
		WP_CLI::success( sprintf( __( 'Deleted %d expired entries.', 'presence' ), wpp_lifecycle_run_gc() ) );
	}

	/**
	 * Removes every entry of this site, live or not, or those of the rooms starting with a prefix.
	 *
	 * ## OPTIONS
	 *
	 * [<room-prefix>]
	 * : Only rooms whose name starts with this, such as postType/.
	 *
	 * [--yes]
	 * : Do not ask for confirmation.
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence flush postType/ --yes
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function flush( $args, $assoc_args ) {
		$prefix = $args[0] ?? '';
		WP_CLI::confirm(
			'' === $prefix
				? __( 'Remove every presence entry of this site?', 'presence' )
				/* translators: %s: room name prefix. */
				: sprintf( __( 'Remove every presence entry of the rooms starting with %s?', 'presence' ), $prefix ),
			$assoc_args
		);
		$removed = wpp_cli_flush( $prefix );
		if ( is_wp_error( $removed ) ) {
			WP_CLI::error( $removed->get_error_message() );
		}
		/* translators: %d: number of entries. */
		WP_CLI::success( sprintf( __( 'Removed %d entries.', 'presence' ), $removed ) );
	}

	/**
	 * Shows the store's figures: those `php --ri presence` shows with the extension, the table's
	 * without it.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : Output format.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - json
	 *   - csv
	 *   - yaml
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     $ wp presence stats
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $args       Positional arguments.
	 * @param array    $assoc_args Associative arguments.
	 */
	public function stats( $args, $assoc_args ) {
		WP_CLI\Utils\format_items( $assoc_args['format'] ?? 'table', wpp_cli_stats(), array( 'field', 'value' ) );
	}
}
