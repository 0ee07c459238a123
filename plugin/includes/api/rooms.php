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
 * Parses a post room name as the Presence API feature plugin does: `postType/` + a post type
 * (one or more characters, no colon) + `:` + digits. Looser than wpp_rooms_parse_post(), which
 * the plugin's own surfaces use: `postType/post:0` and `postType/post:007` parse here.
 *
 * @since 0.3.0
 *
 * @param mixed $room Room name.
 * @return array{post_type:string,post_id:int}|false
 */
function wpp_rooms_parse( $room ) {
	if ( ! is_string( $room ) || 1 !== preg_match( '/^postType\/([^:]+):([0-9]+)$/D', $room, $m ) ) {
		return false;
	}
	return array(
		'post_type' => $m[1],
		'post_id'   => (int) $m[2],
	);
}

/**
 * Whether a user may edit posts of some type shown in the admin (`show_ui`): what every room but
 * a post's own asks, so a role that edits only pages, or only a custom type, is in.
 *
 * @since 0.3.0
 *
 * @param WP_User|int $user User or user id.
 * @return bool
 */
function wpp_rooms_can_edit_some_type( $user ): bool {
	if ( user_can( $user, 'edit_posts' ) ) {
		return true; // The usual case, without walking the post types.
	}
	foreach ( get_post_types( array( 'show_ui' => true ), 'objects' ) as $type ) {
		if ( isset( $type->cap->edit_posts ) && user_can( $user, $type->cap->edit_posts ) ) {
			return true;
		}
	}
	return false;
}

/**
 * Whether a user may see and join a room.
 *
 * Logged-out users never may. `postType/{type}:{id}` needs `edit_post` on that post, whose type
 * must be {type}; every other room needs the right to edit posts of some type shown in the admin
 * (wpp_rooms_can_edit_some_type()).
 *
 * @since 0.1.0
 * @since 0.3.0 Any post type's `edit_posts`, as in the Presence API feature plugin.
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
		$allowed = wpp_rooms_can_edit_some_type( $user );
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
