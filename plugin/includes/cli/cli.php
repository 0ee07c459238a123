<?php
/**
 * What `wp presence` does, as plain functions the command class calls (and PHPUnit tests):
 * argument parsing and the rows it prints. Nothing here needs WP-CLI.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Columns of `wp presence list`.
 *
 * @since 0.2.0
 */
const WPP_CLI_ENTRY_FIELDS = array( 'room', 'client_id', 'user_id', 'data', 'date_gmt' );

/**
 * Entries as rows to print: the five fields of the public API, data as JSON.
 *
 * @since 0.2.0
 *
 * @param array[] $entries Entries (see WPP_Backend).
 * @return array[]
 */
function wpp_cli_entry_rows( array $entries ): array {
	$rows = array();
	foreach ( $entries as $entry ) {
		$rows[] = array(
			'room'      => (string) $entry['room'],
			'client_id' => (string) $entry['client_id'],
			'user_id'   => (int) $entry['user_id'],
			'data'      => (string) wp_json_encode( (object) $entry['data'] ),
			'date_gmt'  => (string) $entry['date_gmt'],
		);
	}
	return $rows;
}

/**
 * The rooms of this site with live entries, by name: `{room, entries, users}` each, `users`
 * counting distinct user ids (0, no user, included).
 *
 * @since 0.2.0
 *
 * @return array[]
 */
function wpp_cli_rooms_summary(): array {
	$rows = array();
	foreach ( wpp_backend()->rooms( wpp_entries_default_ttl() ) as $room => $counts ) {
		$rows[] = array(
			'room'    => (string) $room,
			'entries' => (int) $counts['entries'],
			'users'   => (int) $counts['users'],
		);
	}
	usort( $rows, static fn( $a, $b ) => strcmp( $a['room'], $b['room'] ) );
	return $rows;
}

/**
 * The state given with --data: a JSON object (or array).
 *
 * @since 0.2.0
 *
 * @param string|null $json JSON text; null or '' for an empty state.
 * @return array|WP_Error
 */
function wpp_cli_parse_state( ?string $json ) {
	if ( null === $json || '' === trim( $json ) ) {
		return array();
	}
	$state = json_decode( $json, true );
	if ( ! is_array( $state ) ) {
		return new WP_Error( 'wpp_cli_bad_data', __( '--data must be a JSON object, such as {"screen":"dashboard"}.', 'presence' ) );
	}
	return $state;
}

/**
 * The lifetime given with --ttl.
 *
 * @since 0.2.0
 *
 * @param mixed $ttl Seconds as given; null when not given.
 * @return int|null|WP_Error Seconds (1..86400), null for the default, WP_Error otherwise.
 */
function wpp_cli_parse_ttl( $ttl ) {
	if ( null === $ttl ) {
		return null;
	}
	$ttl = trim( (string) $ttl );
	if ( ! ctype_digit( $ttl ) || (int) $ttl < 1 || (int) $ttl > 86400 ) {
		return new WP_Error( 'wpp_cli_bad_ttl', __( '--ttl must be a whole number of seconds from 1 to 86400.', 'presence' ) );
	}
	return (int) $ttl;
}

/**
 * Removes every entry of this site, or those of the rooms starting with $room_prefix, expired or
 * not.
 *
 * @since 0.2.0
 *
 * @param string $room_prefix Rooms whose name starts with this; '' for every room.
 * @return int|WP_Error Entries removed.
 */
function wpp_cli_flush( string $room_prefix = '' ) {
	$backend = wpp_backend();
	if ( $backend instanceof WPP_Native_Backend || $backend instanceof WPP_Database_Backend ) {
		$removed = $backend->flush( $room_prefix );
		$failed  = wpp_backend_last_error( $backend );
		return '' === $failed ? $removed : wpp_entries_store_error( __( 'The presence entries could not be removed.', 'presence' ), $failed );
	}
	// Another backend: entry by entry, through the seam.
	$removed = 0;
	foreach ( array_keys( $backend->rooms( 86400 ) ) as $room ) {
		if ( str_starts_with( (string) $room, $room_prefix ) ) {
			foreach ( $backend->get_room( (string) $room, 86400 ) as $entry ) {
				$removed += (int) $backend->remove( (string) $room, $entry['client_id'] );
			}
		}
	}
	return $removed;
}

/**
 * The store's figures as `field`/`value` rows (WPP_Backend::stats()): for the native backend
 * those of presence_stats() (what `php --ri presence` shows) with this site's live entries and
 * rooms; for the database backend its table's.
 *
 * @since 0.2.0
 *
 * @return array[]
 */
function wpp_cli_stats(): array {
	$backend = wpp_backend();
	// The extension names its own store ('shm', 'redis'); the database backend gets its name.
	$stats = $backend->stats() + array( 'backend' => $backend->name() );
	$rows  = array();
	foreach ( $stats as $field => $value ) {
		foreach ( is_array( $value ) ? $value : array( '' => $value ) as $sub => $item ) {
			$rows[] = array(
				'field' => '' === $sub ? (string) $field : $field . '.' . $sub,
				'value' => is_bool( $item ) ? ( $item ? 'true' : 'false' ) : (string) $item,
			);
		}
	}
	return $rows;
}

/**
 * `wp presence recording get`: the stored switch, `on` or `off` (what the checkbox says; filters
 * and, for a site, the network's switch are not applied), and a note when presence is recorded
 * otherwise all the same.
 *
 * @since 0.3.0
 *
 * @param bool $network The network's switch instead of the site's.
 * @return array{state:string,note:string}|WP_Error
 */
function wpp_cli_recording_get( bool $network ) {
	if ( $network && ! is_multisite() ) {
		return new WP_Error( 'wpp_cli_not_multisite', __( 'This is not a multisite installation.', 'presence' ) );
	}
	$stored = $network ? get_site_option( 'wp_presence_network_recording', '1' ) : get_option( 'wp_presence_recording', '1' );
	$on     = '1' === wpp_settings_recording_value( $stored );
	return array(
		'state' => $on ? 'on' : 'off',
		'note'  => $network ? '' : wpp_cli_recording_note( $on ),
	);
}

/**
 * `wp presence recording set on|off`: stores the switch.
 *
 * @since 0.3.0
 *
 * @param mixed $state   'on' or 'off'; anything else is refused.
 * @param bool  $network The network's switch instead of the site's.
 * @return array{message:string,note:string}|WP_Error Nothing is stored on error.
 */
function wpp_cli_recording_set( $state, bool $network ) {
	$state = is_string( $state ) ? strtolower( trim( $state ) ) : '';
	if ( 'on' !== $state && 'off' !== $state ) {
		return new WP_Error( 'wpp_cli_bad_state', __( 'Specify on or off.', 'presence' ) );
	}
	if ( $network && ! is_multisite() ) {
		return new WP_Error( 'wpp_cli_not_multisite', __( 'This is not a multisite installation.', 'presence' ) );
	}
	$on = 'on' === $state;
	if ( $network ) {
		update_site_option( 'wp_presence_network_recording', $on ? '1' : '0' );
		return array(
			'message' => $on
				? __( 'Presence recording is on for the network (each site’s own switch still applies).', 'presence' )
				: __( 'Presence recording is off on every site of the network. Existing entries expire on their own.', 'presence' ),
			'note'    => '',
		);
	}
	update_option( 'wp_presence_recording', $on ? '1' : '0', true );
	return array(
		'message' => $on ? __( 'Presence recording is on.', 'presence' ) : __( 'Presence recording is off. Existing entries expire on their own.', 'presence' ),
		'note'    => wpp_cli_recording_note( $on ),
	);
}

/**
 * Why presence is or is not recorded on this site against its stored switch, or ''.
 *
 * @since 0.3.0
 *
 * @param bool $stored_on The site's stored switch.
 * @return string
 */
function wpp_cli_recording_note( bool $stored_on ): string {
	if ( wpp_switches_recording_enabled() === $stored_on ) {
		return '';
	}
	return $stored_on
		? __( 'Presence is not recorded on this site all the same: the network’s switch or a wp_presence_recording_enabled filter turns it off.', 'presence' )
		: __( 'Presence is recorded on this site all the same: a wp_presence_recording_enabled filter turns it on.', 'presence' );
}
