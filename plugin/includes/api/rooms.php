<?php
/**
 * Room names and who may enter a room.
 *
 * Rooms are public names such as `admin/online` or `postType/post:12`. Backends namespace them
 * per site themselves; nothing here knows about the namespace.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The room of everyone who is logged in to wp-admin.
 *
 * @since 0.1.0
 */
const WPP_ADMIN_ROOM = 'admin/online';

/**
 * The room of a post: `postType/{type}:{id}`, or false when the post type does not support
 * `presence` or the post does not exist.
 *
 * @since 0.1.0
 *
 * @param int|WP_Post|null $post Post or post id.
 * @return string|false
 */
function wpp_rooms_for_post( $post ) {
	$post = get_post( $post );
	if ( ! $post instanceof WP_Post || ! post_type_supports( $post->post_type, 'presence' ) ) {
		return false;
	}
	return 'postType/' . $post->post_type . ':' . $post->ID;
}

/**
 * Parses a post room name.
 *
 * @since 0.1.0
 *
 * @param string $room Room name.
 * @return array{0:string,1:int}|null [post type, post id], or null when $room is no post room.
 */
function wpp_rooms_parse_post( string $room ): ?array {
	if ( ! preg_match( '/^postType\/([a-z0-9_\-]{1,20}):([1-9][0-9]{0,19})$/', $room, $m ) ) {
		return null;
	}
	return array( $m[1], (int) $m[2] );
}

/**
 * Whether a user may see and join a room.
 *
 * Logged-out users never may. `postType/{type}:{id}` needs `edit_post` on that post, whose type
 * must be {type}; every other room needs `edit_posts`.
 *
 * @since 0.1.0
 *
 * @param string $room    Room name.
 * @param int    $user_id User id; 0 = the current user.
 * @return bool
 */
function wpp_rooms_can_access( $room, int $user_id = 0 ): bool {
	$user_id = $user_id > 0 ? $user_id : get_current_user_id();
	// The current user's object as it is: user_can() with an id builds a new WP_User every call.
	$user = get_current_user_id() === $user_id ? wp_get_current_user() : $user_id;
	if ( $user_id <= 0 || true !== wpp_validate_name( $room, 'room' ) ) {
		$allowed = false;
	} elseif ( str_starts_with( $room, 'postType/' ) ) {
		$parsed  = wpp_rooms_parse_post( $room );
		$post    = $parsed ? get_post( $parsed[1] ) : null;
		$allowed = $post instanceof WP_Post
			&& $post->post_type === $parsed[0]
			&& user_can( $user, 'edit_post', $post->ID );
	} else {
		$allowed = user_can( $user, 'edit_posts' );
	}

	/**
	 * Filters whether a user may see and join a presence room.
	 *
	 * @since 0.1.0
	 *
	 * @param bool   $allowed Whether access is granted.
	 * @param string $room    Room name (may be invalid when $allowed is false).
	 * @param int    $user_id User id (0 when logged out).
	 */
	return (bool) apply_filters( 'wpp_can_access_room', $allowed, $room, $user_id );
}

/**
 * Adds `presence` support to posts and pages. Hooked to `init`.
 *
 * @since 0.1.0
 */
function wpp_rooms_add_post_type_support(): void {
	add_post_type_support( 'post', 'presence' );
	add_post_type_support( 'page', 'presence' );
}
