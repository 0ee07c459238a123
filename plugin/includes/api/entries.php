<?php
/**
 * Reading and writing entries through the active backend, with validation, and how long an entry
 * lives.
 *
 * The public wp_* API, REST, WP-CLI and the lifecycle come through here, so input is checked once
 * (validate.php) and the same way whichever backend is active, and the actions fire on every path.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The default TTL of an entry and the default `$timeout` of wp_get_presence().
 *
 * @since 0.1.0
 *
 * @return int Seconds, 1..86400.
 */
function wpp_entries_default_ttl(): int {
	/**
	 * Filters the time in seconds an entry stays live without being refreshed.
	 *
	 * Keep it above 120: WordPress slows the heartbeat of unfocused tabs to 120 s.
	 *
	 * @since 0.1.0
	 *
	 * @param int $ttl Seconds. Default WP_PRESENCE_DEFAULT_TTL (150).
	 */
	$ttl = (int) apply_filters( 'wp_presence_default_ttl', defined( 'WP_PRESENCE_DEFAULT_TTL' ) ? WP_PRESENCE_DEFAULT_TTL : 150 );
	return max( 1, min( 86400, $ttl ) );
}

/**
 * Live entries of a room, newest first.
 *
 * @since 0.1.0
 *
 * @param mixed    $room    Room name.
 * @param mixed    $timeout Only entries updated within this many seconds (1..86400).
 * @param int|null $limit   At most this many entries.
 * @return array[]|WP_Error Entries (see WPP_Backend), or WP_Error for an invalid room.
 */
function wpp_entries_get( $room, $timeout = null, ?int $limit = null ) {
	$valid = wpp_validate_name( $room, 'room' );
	if ( is_wp_error( $valid ) ) {
		return $valid;
	}
	return wpp_backend()->get_room( $room, wpp_validate_clamp_age( $timeout ?? wpp_entries_default_ttl() ), $limit );
}

/**
 * Writes (inserts or refreshes) an entry.
 *
 * @since 0.1.0
 * @since 0.3.0 The `$may_evict` parameter.
 *
 * @param mixed    $room      Room name.
 * @param mixed    $client_id Client id, unique within the room.
 * @param mixed    $state     Array of scalars/arrays (see wpp_validate_state()).
 * @param int      $user_id   Owner; 0 = no user.
 * @param int|null $ttl       Seconds until it expires; null = wpp_entries_default_ttl().
 * @param bool     $may_evict False for a low-priority write (REST): a full store refuses it
 *                            rather than evict anyone (WPP_Backend::set()).
 * @return true|WP_Error
 */
function wpp_entries_set( $room, $client_id, $state, int $user_id = 0, ?int $ttl = null, bool $may_evict = true ) {
	foreach ( array(
		wpp_validate_name( $room, 'room' ),
		wpp_validate_name( $client_id, 'client_id' ),
		wpp_validate_state( $state ),
	) as $valid ) {
		if ( is_wp_error( $valid ) ) {
			return $valid;
		}
	}
	if ( $user_id < 0 ) {
		return new WP_Error( 'wpp_invalid_user_id', __( 'user_id must not be negative.', 'presence' ), array( 'status' => 400 ) );
	}
	$backend = wpp_backend();
	if ( ! $backend->set( $room, $client_id, $state, $user_id, wpp_validate_clamp_age( $ttl ?? wpp_entries_default_ttl() ), $may_evict ) ) {
		return wpp_entries_store_error( __( 'The presence entry could not be stored.', 'presence' ), wpp_backend_last_error( $backend ) );
	}

	/**
	 * Fires after a presence entry was written.
	 *
	 * @since 0.1.0
	 *
	 * @param string $room      Room name.
	 * @param string $client_id Client id.
	 * @param array  $state     Stored state.
	 * @param int    $user_id   Owner (0 = none).
	 */
	do_action( 'wpp_entry_set', $room, $client_id, $state, $user_id );
	return true;
}

/**
 * Removes one entry.
 *
 * @since 0.1.0
 * @since 0.2.0 A store failure is a WP_Error, no longer false.
 *
 * @param mixed $room      Room name.
 * @param mixed $client_id Client id.
 * @return bool|WP_Error True when an entry was removed, false when there was none, WP_Error for
 *                       bad input or when the store failed.
 */
function wpp_entries_remove( $room, $client_id ) {
	foreach ( array( wpp_validate_name( $room, 'room' ), wpp_validate_name( $client_id, 'client_id' ) ) as $valid ) {
		if ( is_wp_error( $valid ) ) {
			return $valid;
		}
	}
	$backend = wpp_backend();
	$removed = $backend->remove( $room, $client_id );
	$failed  = wpp_backend_last_error( $backend );
	if ( '' !== $failed ) {
		return wpp_entries_store_error( __( 'The presence entry could not be removed.', 'presence' ), $failed );
	}
	if ( $removed ) {
		/**
		 * Fires after a presence entry was removed.
		 *
		 * @since 0.1.0
		 *
		 * @param string $room      Room name.
		 * @param string $client_id Client id.
		 */
		do_action( 'wpp_entry_removed', $room, $client_id );
	}
	return $removed;
}

/**
 * Removes every entry of a user on this site.
 *
 * @since 0.1.0
 * @since 0.2.0 A store failure is a WP_Error.
 *
 * @param mixed $user_id User id.
 * @return int|WP_Error Number of entries removed; WP_Error for bad input or a store failure.
 */
function wpp_entries_remove_user( $user_id ) {
	if ( ! is_numeric( $user_id ) || (int) $user_id <= 0 ) {
		return new WP_Error( 'wpp_invalid_user_id', __( 'user_id must be a positive integer.', 'presence' ), array( 'status' => 400 ) );
	}
	$backend = wpp_backend();
	$removed = $backend->remove_user( (int) $user_id );
	$failed  = wpp_backend_last_error( $backend );
	if ( '' !== $failed ) {
		return wpp_entries_store_error( __( 'The presence entries of the user could not be removed.', 'presence' ), $failed );
	}

	/**
	 * Fires after the entries of a user were removed from this site.
	 *
	 * @since 0.1.0
	 *
	 * @param int $user_id User id.
	 * @param int $removed Number of entries removed.
	 */
	do_action( 'wpp_user_entries_removed', (int) $user_id, $removed );
	return $removed;
}

/**
 * Finds the live entry of a client in a room.
 *
 * @since 0.1.0
 *
 * @param string $room      Room name (valid).
 * @param string $client_id Client id (valid).
 * @return array|null The entry or null.
 */
function wpp_entries_find( string $room, string $client_id ): ?array {
	foreach ( wpp_backend()->get_room( $room, 86400 ) as $entry ) {
		if ( $entry['client_id'] === $client_id ) {
			return $entry;
		}
	}
	return null;
}

/**
 * A 500 WP_Error for a store failure, with the backend's reason appended.
 *
 * @since 0.2.0
 *
 * @param string $message What could not be done.
 * @param string $why     The backend's reason ('' when unknown).
 * @return WP_Error
 */
function wpp_entries_store_error( string $message, string $why ): WP_Error {
	return new WP_Error( 'wpp_store_failed', trim( $message . ' ' . $why ), array( 'status' => 500 ) );
}
