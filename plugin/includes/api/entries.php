<?php
/**
 * Reading and writing entries through the active backend, with validation, the recording switch,
 * how long an entry lives, and the actions every write and removal fires.
 *
 * The public wp_* API, the heartbeat, REST, WP-CLI, post locks and the lifecycle all write
 * through here, so input is checked once (validate.php) and the same way whichever backend is
 * active, and integrators see the Presence API feature plugin's actions on every path:
 *
 * - `set_presence( $room, $client_id, $state, $user_id )` after a write that put a client in a
 *   room or changed its state or owner — not for a refresh of the same state (which only dates
 *   the entry again), not for a refused write, never for a reserved row;
 * - `removed_presence( $room, $client_id )` after a removal that found the entry (not for
 *   reserved rows, not on expiry);
 * - `removed_user_presence( $user_id )` once per wp_remove_user_presence() that removed anything;
 * - `wp_presence_admin_room_changed()` when a write or removal changed `admin/online`, or a
 *   user's entries were removed;
 * - `wp_presence_collaboration_started( $room, $entries )` / `…_ended( $room, $entries )` when a
 *   post room's editor count goes from below 2 to 2 or more, and back, as the store counted it.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The default TTL of an entry.
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
 * The longest time an entry may live after its date, whoever wrote it: a longer `$expires_in`
 * is trimmed to it, and so is a TTL filtered above it.
 *
 * @since 0.3.0
 *
 * @return int Seconds, 1..86400.
 */
function wpp_entries_max_expires_in(): int {
	/**
	 * Filters the longest time in seconds an entry may count as present after its date.
	 *
	 * @since 0.3.0
	 *
	 * @param int $seconds Default HOUR_IN_SECONDS (3600).
	 */
	return max( 1, min( 86400, (int) apply_filters( 'wp_presence_max_expires_in', HOUR_IN_SECONDS ) ) );
}

/**
 * Live entries of a room, newest first.
 *
 * @since 0.1.0
 * @since 0.3.0 A null `$timeout` is no window; the `$client_prefix` parameter.
 *
 * @param mixed    $room          Room name.
 * @param int|null $timeout       Only entries dated within this many seconds; null: every entry
 *                                until its own expiry.
 * @param int|null $limit         At most this many entries.
 * @param string   $client_prefix Only client ids starting with this (reserved ones only when it
 *                                starts with `_`).
 * @return array[]|WP_Error Entries (see WPP_Backend), or WP_Error for an invalid room.
 */
function wpp_entries_get( $room, $timeout = null, ?int $limit = null, string $client_prefix = '' ) {
	$valid = wpp_validate_name( $room, 'room' );
	if ( is_wp_error( $valid ) ) {
		return $valid;
	}
	$timeout = wpp_validate_timeout( $timeout );
	if ( 0 === $timeout ) {
		return array();
	}
	return wpp_backend()->get_room( $room, $timeout, $limit, $client_prefix );
}

/**
 * Writes (inserts or refreshes) an entry.
 *
 * @since 0.1.0
 * @since 0.3.0 The `$written_at` and `$may_evict` parameters; refused with recording off (reserved
 *              rows excepted).
 *
 * @param mixed      $room       Room name.
 * @param mixed      $client_id  Client id, unique within the room.
 * @param mixed      $state      Array of scalars/arrays (see wpp_validate_state()).
 * @param int        $user_id    Owner; 0 = no user.
 * @param int|null   $ttl        Seconds it lives after its date; null = wpp_entries_default_ttl().
 *                               Trimmed to wpp_entries_max_expires_in().
 * @param float|null $written_at Its date as a Unix time; null = now.
 * @param bool       $may_evict  False for a low-priority write (REST): a full store refuses it
 *                               rather than evict anyone (WPP_Backend::set()).
 * @return true|WP_Error
 */
function wpp_entries_set( $room, $client_id, $state, int $user_id = 0, ?int $ttl = null, ?float $written_at = null, bool $may_evict = true ) {
	$result = wpp_entries_exchange(
		$room,
		$client_id,
		$state,
		$user_id,
		array(
			'ttl'        => $ttl,
			'written_at' => $written_at,
			'limit'      => 0,
			'may_evict'  => $may_evict,
		)
	);
	return is_wp_error( $result ) ? $result : true;
}

/**
 * Writes an entry and reads its room in one call of the store, and fires the actions.
 *
 * @since 0.3.0
 *
 * @param mixed $room      Room name.
 * @param mixed $client_id Client id.
 * @param mixed $state     State (see wpp_validate_state()).
 * @param int   $user_id   Owner; 0 = no user.
 * @param array $args {
 *     Optional.
 *
 *     @type int|null   $ttl           Seconds it lives after its date; null = the default TTL.
 *     @type float|null $written_at    Its date as a Unix time; null = now.
 *     @type bool       $announce      Announce the write even when it only refreshed the entry
 *                                     (a caller that gave a date or a window). Default false.
 *     @type int|null   $max_age       Read: entries dated within this many seconds; null = all.
 *     @type string     $client_prefix Read: client ids starting with this.
 *     @type int|null   $limit         Read: at most this many; 0 = no read. Default null (all).
 *     @type bool       $may_evict     False for a low-priority write (WPP_Backend::set()).
 *                                     Default true.
 * }
 * @return array|WP_Error The backend's answer (`written`, `version`, `entries`, `count`,
 *                        `previous_count`), or WP_Error (recording off, bad input, store failure).
 */
function wpp_entries_exchange( $room, $client_id, $state, int $user_id = 0, array $args = array() ) {
	$args = $args + array(
		'ttl'           => null,
		'written_at'    => null,
		'announce'      => false,
		'max_age'       => null,
		'client_prefix' => '',
		'limit'         => null,
		'may_evict'     => true,
	);
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
	$reserved = wpp_client_ids_is_reserved( $client_id );
	if ( ! $reserved && ! wpp_switches_recording_enabled() ) {
		return new WP_Error( 'presence_recording_disabled', __( 'Presence is not recorded on this site.', 'presence' ), array( 'status' => 501 ) );
	}

	$backend = wpp_backend();
	$ttl     = min( $args['ttl'] ?? wpp_entries_default_ttl(), wpp_entries_max_expires_in() );
	$count   = wpp_entries_count_prefix( $room, $client_id );
	$result  = $backend->exchange( $room, $client_id, $state, $user_id, wpp_validate_clamp_age( $ttl ), $args['written_at'], $args['max_age'], (string) $args['client_prefix'], $args['limit'], $count, (bool) $args['may_evict'] );
	if ( false === $result ) {
		return wpp_entries_store_error( __( 'The presence entry could not be stored.', 'presence' ), wpp_backend_last_error( $backend ) );
	}

	$written = $result['written'];
	$changed = in_array( $written, array( 'joined', 'changed' ), true ) || ( $args['announce'] && 'expired' !== $written );
	if ( $changed && ! $reserved ) {
		/**
		 * Fires after a write put a client in a room, or changed its state or owner. Not for a
		 * write that only dated the same state again, nor for a refused write or a reserved row.
		 *
		 * @since 0.3.0
		 *
		 * @param string $room      Room name.
		 * @param string $client_id Client id.
		 * @param array  $state     State written.
		 * @param int    $user_id   Owner (0 = none).
		 */
		do_action( 'set_presence', $room, $client_id, $state, $user_id );

		/**
		 * Fires with set_presence.
		 *
		 * @since 0.1.0
		 * @deprecated 0.3.0 Use set_presence.
		 *
		 * @param string $room      Room name.
		 * @param string $client_id Client id.
		 * @param array  $state     Stored state.
		 * @param int    $user_id   Owner (0 = none).
		 */
		do_action_deprecated( 'wpp_entry_set', array( $room, $client_id, $state, $user_id ), '0.3.0', 'set_presence' );
	}
	if ( $changed && WPP_ADMIN_ROOM === $room ) {
		wpp_entries_admin_room_changed();
	}
	if ( '' !== $count ) {
		wpp_entries_collaboration( $room, $result, null === $args['limit'] && null === $args['max_age'] && '' === $args['client_prefix'] );
	}
	return $result;
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
	$result = wpp_entries_leave( $room, $client_id, array( 'limit' => 0 ) );
	return is_wp_error( $result ) ? $result : $result['removed'];
}

/**
 * Removes an entry and reads its room in one call of the store, and fires the actions.
 *
 * @since 0.3.0
 *
 * @param mixed $room      Room name.
 * @param mixed $client_id Client id.
 * @param array $args      Optional. `max_age`, `client_prefix` and `limit` of the read, as in
 *                         wpp_entries_exchange(); `unless_written_after`: a Unix time (an entry's
 *                         `updated_at`), the entry stays if it was written after it.
 * @return array|WP_Error The backend's answer (`removed`, `version`, `entries`, `count`,
 *                        `previous_count`), or WP_Error (bad input, store failure).
 */
function wpp_entries_leave( $room, $client_id, array $args = array() ) {
	$args = $args + array(
		'max_age'              => null,
		'client_prefix'        => '',
		'limit'                => null,
		'unless_written_after' => null,
	);
	foreach ( array( wpp_validate_name( $room, 'room' ), wpp_validate_name( $client_id, 'client_id' ) ) as $valid ) {
		if ( is_wp_error( $valid ) ) {
			return $valid;
		}
	}
	$unless = wpp_validate_unless_written_after( $args['unless_written_after'] );
	if ( is_wp_error( $unless ) ) {
		return $unless;
	}
	$backend = wpp_backend();
	$count   = wpp_entries_count_prefix( $room, $client_id );
	$result  = $backend->leave( $room, $client_id, $args['max_age'], (string) $args['client_prefix'], $args['limit'], $count, $unless );
	if ( false === $result ) {
		return wpp_entries_store_error( __( 'The presence entry could not be removed.', 'presence' ), wpp_backend_last_error( $backend ) );
	}
	if ( $result['removed'] && ! wpp_client_ids_is_reserved( $client_id ) ) {
		/**
		 * Fires after a client was removed from a room (not when it was not there, not for a
		 * reserved row, not when an entry expires).
		 *
		 * @since 0.3.0
		 *
		 * @param string $room      Room name.
		 * @param string $client_id Client id.
		 */
		do_action( 'removed_presence', $room, $client_id );

		/**
		 * Fires with removed_presence.
		 *
		 * @since 0.1.0
		 * @deprecated 0.3.0 Use removed_presence.
		 *
		 * @param string $room      Room name.
		 * @param string $client_id Client id.
		 */
		do_action_deprecated( 'wpp_entry_removed', array( $room, $client_id ), '0.3.0', 'removed_presence' );
	}
	if ( $result['removed'] && WPP_ADMIN_ROOM === $room ) {
		wpp_entries_admin_room_changed();
	}
	if ( '' !== $count ) {
		wpp_entries_collaboration( $room, $result, null === $args['limit'] && null === $args['max_age'] && '' === $args['client_prefix'] );
	}
	return $result;
}

/**
 * Removes every entry of a user on this site, reserved rows included (a post lock the user
 * holds is released).
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
	$user_id = (int) $user_id;
	$backend = wpp_backend();
	$removed = $backend->remove_user( $user_id );
	$failed  = wpp_backend_last_error( $backend );
	if ( '' !== $failed ) {
		return wpp_entries_store_error( __( 'The presence entries of the user could not be removed.', 'presence' ), $failed );
	}
	if ( $removed > 0 ) {
		/**
		 * Fires once after the entries of a user were removed from this site (not when the user
		 * had none).
		 *
		 * @since 0.3.0
		 *
		 * @param int $user_id User id.
		 */
		do_action( 'removed_user_presence', $user_id );

		/**
		 * Fires with removed_user_presence.
		 *
		 * @since 0.1.0
		 * @deprecated 0.3.0 Use removed_user_presence.
		 *
		 * @param int $user_id User id.
		 * @param int $removed Number of entries removed.
		 */
		do_action_deprecated( 'wpp_user_entries_removed', array( $user_id, $removed ), '0.3.0', 'removed_user_presence' );
		wpp_entries_admin_room_changed();
	}
	return $removed;
}

/**
 * Finds the live entry of a client in a room, reserved rows included.
 *
 * @since 0.1.0
 * @since 0.3.0 One read of that entry.
 *
 * @param string $room      Room name (valid).
 * @param string $client_id Client id (valid).
 * @return array|null The entry or null.
 */
function wpp_entries_find( string $room, string $client_id ): ?array {
	return wpp_backend()->entry( $room, $client_id );
}

/**
 * Entries as the public API returns them: objects with `room`, `client_id`, `user_id` (a
 * string, "0" when none), `data` (array) and `date_gmt`.
 *
 * @since 0.3.0
 *
 * @param array[] $entries Backend entries.
 * @return object[]
 */
function wpp_entries_public( array $entries ): array {
	return array_map(
		static fn( array $entry ) => (object) array(
			'room'      => (string) $entry['room'],
			'client_id' => (string) $entry['client_id'],
			'user_id'   => (string) (int) $entry['user_id'],
			'data'      => is_array( $entry['data'] ?? null ) ? $entry['data'] : array(),
			'date_gmt'  => (string) $entry['date_gmt'],
		),
		array_values( $entries )
	);
}

/**
 * The prefix a write or removal asks the store to count: `editor-` for an editor entry of a
 * post room (the collaboration edges), '' otherwise.
 *
 * @since 0.3.0
 *
 * @param string $room      Room name.
 * @param string $client_id Client id.
 * @return string
 */
function wpp_entries_count_prefix( string $room, string $client_id ): string {
	return str_starts_with( $client_id, WPP_EDITOR_PREFIX ) && false !== wpp_rooms_parse( $room ) ? WPP_EDITOR_PREFIX : '';
}

/**
 * Fires the collaboration actions when a post room's editor count crossed 2, as the store
 * counted it under its lock (so of two requests racing, only one sees a given crossing).
 *
 * @since 0.3.0
 *
 * @param string $room     Post room.
 * @param array  $result   The backend's answer, with `count` and `previous_count`.
 * @param bool   $complete Whether its `entries` are the whole room (else the room is read).
 */
function wpp_entries_collaboration( string $room, array $result, bool $complete ): void {
	$count    = (int) $result['count'];
	$previous = (int) $result['previous_count'];
	$started  = $previous < 2 && $count >= 2;
	$ended    = $previous >= 2 && $count < 2;
	if ( ! $started && ! $ended ) {
		return;
	}
	$entries = wpp_entries_public( $complete ? $result['entries'] : wpp_backend()->get_room( $room, null ) );
	if ( $started ) {
		/**
		 * Fires when a post room goes from one editor (`editor-{id}` entry) to two or more.
		 *
		 * @since 0.3.0
		 *
		 * @param string   $room    Post room.
		 * @param object[] $entries The room's entries, as wp_get_presence() returns them.
		 */
		do_action( 'wp_presence_collaboration_started', $room, $entries );
	} else {
		/**
		 * Fires when a post room goes from two or more editors back to one (or none: the last
		 * editor left while the other's entry had expired).
		 *
		 * @since 0.3.0
		 *
		 * @param string   $room    Post room.
		 * @param object[] $entries The room's entries, as wp_get_presence() returns them.
		 */
		do_action( 'wp_presence_collaboration_ended', $room, $entries );
	}
}

/**
 * Announces a change of `admin/online`.
 *
 * @since 0.3.0
 */
function wpp_entries_admin_room_changed(): void {
	/**
	 * Fires when a write or removal changed `admin/online` (someone arrived, left or moved), or
	 * a user's entries were removed.
	 *
	 * @since 0.3.0
	 */
	do_action( 'wp_presence_admin_room_changed' );
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
