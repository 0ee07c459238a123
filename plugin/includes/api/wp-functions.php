<?php
/**
 * The wp_* Presence API functions, with the Presence API feature plugin's (0.16) names,
 * parameters, defaults and return shapes. Included by public-api.php only when no other code
 * declared them.
 *
 * Entries are objects with `room`, `client_id`, `user_id` (a string, "0" when none), `data`
 * (array) and `date_gmt` ('Y-m-d H:i:s' UTC), newest first. The functions that take a `$timeout`
 * or a `$user_id` also take, in that place, the array (or query string) of arguments that later
 * versions of the feature plugin use: `user_id`, `timeout`, `client_prefix`, `date_gmt`,
 * `expires_in`, `wp_error`.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Live entries of a room, newest first. Reserved entries (client id `_…`) are never listed.
 *
 * @since 0.1.0
 * @since 0.3.0 `$timeout` null by default (each entry counts until its own expiry); the
 *              `$client_prefix` parameter; `user_id` is a string; `$timeout` may be an array of
 *              arguments (`timeout`, `client_prefix`).
 *
 * @param string           $room          Room name, e.g. 'admin/online' or 'postType/post:12'.
 * @param int|null|array   $timeout       Only entries dated within this many seconds; null: every
 *                                        entry until its own expiry. Or an array of arguments.
 * @param string           $client_prefix Only client ids starting with this (literally).
 * @return object[] Entries; empty for an invalid room.
 */
function wp_get_presence( $room, $timeout = null, $client_prefix = '' ) {
	$args = wpp_public_api_args( $timeout );
	if ( null !== $args ) {
		$timeout       = $args['timeout'] ?? null;
		$client_prefix = $args['client_prefix'] ?? '';
	}
	$entries = wpp_entries_get( $room, $timeout, null, is_string( $client_prefix ) ? $client_prefix : '' );
	return is_wp_error( $entries ) ? array() : wpp_entries_public( wpp_public_api_without_reserved( $entries ) );
}

/**
 * Live entries of every room whose name starts with `$prefix` ('postType/' = who edits which
 * post), newest first; each entry carries its room. The plugin's internal rooms are left out.
 *
 * @since 0.3.0
 *
 * @param string         $prefix  Room name prefix ('' for every room).
 * @param int|null|array $timeout As in wp_get_presence().
 * @return object[]
 */
function wp_get_presence_by_room_prefix( $prefix, $timeout = null ) {
	$args    = wpp_public_api_args( $timeout );
	$timeout = wpp_validate_timeout( null !== $args ? ( $args['timeout'] ?? null ) : $timeout );
	if ( ! is_string( $prefix ) || strlen( $prefix ) > WPP_MAX_ROOM_BYTES || 0 === $timeout ) {
		return array();
	}
	$entries = array_filter(
		wpp_backend()->by_room_prefix( $prefix, $timeout ),
		static fn( array $entry ) => ! wpp_public_api_is_internal_room( (string) $entry['room'] )
	);
	return wpp_entries_public( $entries );
}

/**
 * Writes an entry (insert or update).
 *
 * A write that only dates the same state and owner again is a refresh: it succeeds and fires
 * nothing. Passing `$date_gmt` or `$expires_in` always announces the write (`set_presence`).
 *
 * @since 0.1.0
 * @since 0.3.0 `$user_id` 0 means no user (no longer the current user); the `$date_gmt` and
 *              `$expires_in` parameters; false with recording off (but for reserved client ids);
 *              `$user_id` may be an array of arguments (`user_id`, `date_gmt`, `expires_in`,
 *              `wp_error`).
 *
 * @param string           $room       Room name (1..160 bytes, no control characters, no space at the end).
 * @param string           $client_id  Client id, unique within the room (1..128 bytes).
 * @param array            $state      Data: scalars and arrays, at most 10 KB as JSON, 3 levels deep.
 * @param int|array|string $user_id    Owner, 0 for none. Or an array of arguments.
 * @param string|null      $date_gmt   The entry's date, 'Y-m-d H:i:s' UTC (a relay keeps each
 *                                     client's own time); later than now counts as now; null = now.
 * @param int|null         $expires_in Seconds after `$date_gmt` the entry counts as present (at
 *                                     least 1; trimmed to `wp_presence_max_expires_in`); null =
 *                                     `wp_presence_default_ttl`.
 * @return bool|WP_Error False on invalid input, with recording off, or when the store failed (a
 *                       WP_Error instead with `wp_error`).
 */
function wp_set_presence( $room, $client_id, $state, $user_id = 0, $date_gmt = null, $expires_in = null ) {
	$args = wpp_public_api_args( $user_id );
	if ( null !== $args ) {
		$user_id    = $args['user_id'] ?? 0;
		$date_gmt   = $args['date_gmt'] ?? null;
		$expires_in = $args['expires_in'] ?? null;
	}
	$result = wpp_public_api_write( $room, $client_id, $state, $user_id, $date_gmt, $expires_in, array( 'limit' => 0 ) );
	if ( is_wp_error( $result ) ) {
		return ! empty( $args['wp_error'] ) ? wpp_public_api_error( $result ) : false;
	}
	return true;
}

/**
 * Removes one client from a room.
 *
 * @since 0.1.0
 * @since 0.2.0 True also when there was no such entry, as in the Presence API feature plugin.
 *
 * @param string $room      Room name.
 * @param string $client_id Client id.
 * @return bool True when the entry is gone afterwards (also when it never existed); false when
 *              the store failed, or for an invalid room or client id (a card's, `_card-…`,
 *              included: only the plugin removes those).
 */
function wp_remove_presence( $room, $client_id ) {
	if ( wpp_client_ids_is_card( $client_id ) ) {
		return false;
	}
	return ! is_wp_error( wpp_entries_remove( $room, $client_id ) );
}

/**
 * Writes an entry, then returns the room as wp_get_presence() does, in one call of the store (one
 * lock on shared memory, one script on Redis). A refused write still returns the room (or the
 * WP_Error with `wp_error`).
 *
 * @since 0.3.0
 *
 * @param string           $room          Room name.
 * @param string           $client_id     Client id.
 * @param array            $state         Data (as in wp_set_presence()).
 * @param int|array|string $user_id       Owner, 0 for none. Or an array of arguments (`user_id`,
 *                                        `timeout`, `client_prefix`, `date_gmt`, `expires_in`,
 *                                        `wp_error`).
 * @param int|null         $timeout       As in wp_get_presence().
 * @param string           $client_prefix As in wp_get_presence().
 * @return object[]|WP_Error
 */
function wp_presence_exchange( $room, $client_id, $state, $user_id = 0, $timeout = null, $client_prefix = '' ) {
	$args       = wpp_public_api_args( $user_id );
	$date_gmt   = null;
	$expires_in = null;
	if ( null !== $args ) {
		$user_id       = $args['user_id'] ?? 0;
		$timeout       = $args['timeout'] ?? null;
		$client_prefix = $args['client_prefix'] ?? '';
		$date_gmt      = $args['date_gmt'] ?? null;
		$expires_in    = $args['expires_in'] ?? null;
	}
	$client_prefix = is_string( $client_prefix ) ? $client_prefix : '';
	$max_age       = wpp_validate_timeout( $timeout );
	$read          = array(
		'max_age'       => $max_age,
		'client_prefix' => $client_prefix,
		'limit'         => 0 === $max_age ? 0 : null,
	);
	$result        = wpp_public_api_write( $room, $client_id, $state, $user_id, $date_gmt, $expires_in, $read );
	if ( is_wp_error( $result ) ) {
		return ! empty( $args['wp_error'] ) ? wpp_public_api_error( $result ) : wp_get_presence( $room, $timeout, $client_prefix );
	}
	return wpp_entries_public( wpp_public_api_without_reserved( $result['entries'] ) );
}

/**
 * Removes a client from a room, then returns the room as wp_get_presence() does, in one call of
 * the store.
 *
 * @since 0.3.0
 *
 * @param string         $room          Room name.
 * @param string         $client_id     Client id (not a card's, `_card-…`: only the plugin
 *                                      removes those).
 * @param int|null|array $timeout       As in wp_get_presence(). Or an array of arguments
 *                                      (`timeout`, `client_prefix`, `wp_error`).
 * @param string         $client_prefix As in wp_get_presence().
 * @return object[]|WP_Error
 */
function wp_presence_leave( $room, $client_id, $timeout = null, $client_prefix = '' ) {
	$args = wpp_public_api_args( $timeout );
	if ( null !== $args ) {
		$timeout       = $args['timeout'] ?? null;
		$client_prefix = $args['client_prefix'] ?? '';
	}
	// A card goes only with its user's entry (heartbeat/leave.php), as wp_remove_presence() says.
	if ( wpp_client_ids_is_card( $client_id ) ) {
		return ! empty( $args['wp_error'] ) ? wpp_public_api_card_refused() : array();
	}
	$max_age = wpp_validate_timeout( $timeout );
	$result  = wpp_entries_leave(
		$room,
		$client_id,
		array(
			'max_age'       => $max_age,
			'client_prefix' => is_string( $client_prefix ) ? $client_prefix : '',
			'limit'         => 0 === $max_age ? 0 : null,
		)
	);
	if ( is_wp_error( $result ) ) {
		return ! empty( $args['wp_error'] ) ? wpp_public_api_error( $result ) : array();
	}
	return wpp_entries_public( wpp_public_api_without_reserved( $result['entries'] ) );
}

/**
 * Removes every entry of a user on this site, in every room (a post lock they hold included).
 *
 * @since 0.1.0
 * @since 0.2.0 True also when the user had no entries, as in the Presence API feature plugin.
 *
 * @param int $user_id User id.
 * @return bool True when the user has no entries afterwards; false when the store failed, or
 *              for a user id that is not a positive integer.
 */
function wp_remove_user_presence( $user_id ) {
	return ! is_wp_error( wpp_entries_remove_user( $user_id ) );
}

/**
 * Whether a user may see and join a room (see wpp_rooms_can_access()): a post's room needs
 * `edit_post` on it; any other room the right to edit posts of some type shown in the admin.
 *
 * @since 0.1.0
 *
 * @param string $room    Room name.
 * @param int    $user_id User id. Default 0 = the current user.
 * @return bool
 */
function wp_can_access_presence_room( $room, $user_id = 0 ) {
	return wpp_rooms_can_access( $room, is_numeric( $user_id ) ? (int) $user_id : 0 );
}

/**
 * The room of a post: 'postType/{type}:{id}', or false when its type lacks `presence` support.
 *
 * @since 0.1.0
 *
 * @param int|WP_Post|null $post Post or post id; null for the global post.
 * @return string|false
 */
function wp_presence_post_room( $post ) {
	return wpp_rooms_for_post( $post );
}

/**
 * The post a room is about: `array( 'post_type' => 'post', 'post_id' => 42 )`, or false for a
 * room that is not a post's.
 *
 * @since 0.3.0
 *
 * @param string $room Room name.
 * @return array|false
 */
function wp_presence_parse_room( $room ) {
	return wpp_rooms_parse( $room );
}

/**
 * The room of everyone logged in to wp-admin: 'admin/online'.
 *
 * @since 0.1.0
 *
 * @return string
 */
function wp_presence_admin_room() {
	return WPP_ADMIN_ROOM;
}

/**
 * Whether a user is an agent (filter `wp_presence_is_agent_user`, false by default; the AI
 * plugin's wpai_is_agent_user() when it is loaded).
 *
 * @since 0.3.0
 *
 * @param int $user_id User id.
 * @return bool
 */
function wp_presence_is_agent_user( $user_id ) {
	return wpp_client_ids_is_agent_user( is_numeric( $user_id ) ? (int) $user_id : 0 );
}

/**
 * Whether this site records presence: its option and, on a network, the network's (either off
 * wins; the filters `wp_presence_recording_enabled` and `wp_presence_network_recording_enabled`
 * have the last word).
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wp_presence_recording_enabled() {
	return wpp_switches_recording_enabled();
}

/**
 * Whether presence can be relied on now: the store is usable and recording is on. Integrations
 * ask it before keeping their own rows in presence.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wp_presence_is_available() {
	return wpp_switches_recording_enabled() && wpp_backend()->available();
}

// Multisite only, as in the feature plugin: callers check function_exists() first.
if ( is_multisite() ) {
	/**
	 * Whether who is online is gathered across the network (filter
	 * `wp_presence_network_aggregation_enabled`, default: not on a large network).
	 *
	 * @since 0.2.0
	 *
	 * @return bool
	 */
	function wp_presence_network_aggregation_enabled() {
		return wpp_network_view_aggregating();
	}
}
