<?php
/**
 * The wp_* Presence API functions. Included by public-api.php only when no other code declared
 * them.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Live entries of a room, newest first.
 *
 * @since 0.1.0
 *
 * @param string $room    Room name, e.g. 'admin/online' or 'postType/post:12'.
 * @param int    $timeout Only entries updated within this many seconds. Default WP_PRESENCE_DEFAULT_TTL.
 * @return object[] Objects with room, client_id, user_id (int), data (array), date_gmt (UTC);
 *                  empty for an invalid room.
 */
function wp_get_presence( $room, $timeout = WP_PRESENCE_DEFAULT_TTL ) {
	$entries = wpp_entries_get( $room, $timeout );
	if ( is_wp_error( $entries ) ) {
		return array();
	}
	return array_map(
		static fn( array $entry ) => (object) array(
			'room'      => $entry['room'],
			'client_id' => $entry['client_id'],
			'user_id'   => $entry['user_id'],
			'data'      => $entry['data'],
			'date_gmt'  => $entry['date_gmt'],
		),
		$entries
	);
}

/**
 * Writes an entry (insert or refresh); it stays live for wp_presence_default_ttl seconds.
 *
 * @since 0.1.0
 *
 * @param string $room      Room name (1..160 bytes, no control characters, no space at the end).
 * @param string $client_id Client id, unique within the room (1..128 bytes).
 * @param array  $state     Data: scalars and arrays, at most 10 KB as JSON, 3 levels deep.
 * @param int    $user_id   Owner. Default 0 = the current user.
 * @return bool False on invalid input or a storage error.
 */
function wp_set_presence( $room, $client_id, $state, $user_id = 0 ) {
	$user_id = is_numeric( $user_id ) && (int) $user_id > 0 ? (int) $user_id : get_current_user_id();
	return true === wpp_entries_set( $room, $client_id, $state, $user_id );
}

/**
 * Removes one entry.
 *
 * @since 0.1.0
 * @since 0.2.0 True also when there was no such entry, as in the Presence API feature plugin.
 *
 * @param string $room      Room name.
 * @param string $client_id Client id.
 * @return bool True when the entry is gone afterwards (also when it never existed); false when
 *              the store failed, or for an invalid room or client id.
 */
function wp_remove_presence( $room, $client_id ) {
	return ! is_wp_error( wpp_entries_remove( $room, $client_id ) );
}

/**
 * Removes every entry of a user on this site.
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
 * Whether a user may see and join a room (see wpp_rooms_can_access()).
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
 * @param int|WP_Post $post Post or post id.
 * @return string|false
 */
function wp_presence_post_room( $post ) {
	return wpp_rooms_for_post( $post );
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
