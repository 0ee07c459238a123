<?php
/**
 * The `heartbeat_received` callbacks: the presence ping (admin/online and the editor's post
 * room, with the response) and the post-lock bridge. Registered in hooks.php.
 *
 * Neither callback ever raises: a failing backend leaves the heartbeat response as it was.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Handles `presence-ping` and `presence-editor-ping`: writes the user's entries, then answers
 * with `presence-online` and, in the editor, `presence-editors`.
 *
 * Hooked to `heartbeat_received` after core's post-lock refresh (see hooks.php).
 *
 * @since 0.1.0
 *
 * @param array|mixed $response  Heartbeat response being built.
 * @param array|mixed $data      Data the browser sent.
 * @param string      $screen_id Screen id of the tick.
 * @return array|mixed The response, with the presence keys added.
 */
function wpp_heartbeat_received( $response, $data, $screen_id = '' ) {
	if ( ! is_array( $response ) || ! is_array( $data ) ) {
		return $response;
	}
	$ping        = wpp_heartbeat_read_ping( $data, is_string( $screen_id ) ? $screen_id : '' );
	$editor_post = wpp_heartbeat_read_editor_ping( $data );
	if ( null === $ping && 0 === $editor_post ) {
		return $response;
	}

	$user = wp_get_current_user();
	if ( ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return $response;
	}

	try {
		$now  = microtime( true );
		$room = $editor_post > 0 ? wpp_heartbeat_write_editor( $user, $editor_post ) : false;
		if ( null !== $ping ) {
			// The online entry names the post only when the user may be in its room (checked
			// just above); any other post id the browser sent is dropped.
			$post_id = false !== $room && $ping['post_id'] === $editor_post ? $editor_post : 0;
			wpp_heartbeat_write_online( $user, $ping['screen'], $post_id, $ping['tab'] );
			$response['presence-online'] = wpp_heartbeat_online_payload( $ping['versions']['online'], $now, $user );
		}
		if ( false !== $room ) {
			$known                        = null !== $ping ? $ping['versions']['editors'] : null;
			$response['presence-editors'] = wpp_heartbeat_editors_payload( $room, $editor_post, $user->ID, $known, $now );
		}
	} catch ( Throwable $error ) {
		wpp_heartbeat_log_error( $error );
	}
	return $response;
}

/**
 * The post-lock bridge: core's editors (block and classic) send `wp-refresh-post-lock` with
 * every tick, including from tabs that send no presence ping. That keeps the user's entry in the
 * post's room alive; it is the same entry the editor ping writes (one per user per post), so a
 * tick that carries an editor ping for the same post is left to wpp_heartbeat_received().
 *
 * Hooked to `heartbeat_received` after core's wp_refresh_post_lock() (see hooks.php).
 *
 * @since 0.1.0
 *
 * @param array|mixed $response  Heartbeat response being built.
 * @param array|mixed $data      Data the browser sent.
 * @param string      $screen_id Screen id of the tick (unused).
 * @return array|mixed The response, unchanged.
 */
function wpp_heartbeat_post_lock_bridge( $response, $data, $screen_id = '' ) {
	if ( ! is_array( $data ) ) {
		return $response;
	}
	$post_id = wpp_heartbeat_read_post_lock( $data );
	if ( 0 === $post_id || wpp_heartbeat_read_editor_ping( $data ) === $post_id ) {
		return $response;
	}

	$user = wp_get_current_user();
	if ( ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return $response;
	}

	try {
		wpp_heartbeat_write_editor( $user, $post_id );
	} catch ( Throwable $error ) {
		wpp_heartbeat_log_error( $error );
	}
	return $response;
}

/**
 * Logs a failure of the presence part of a heartbeat when WP_DEBUG is on.
 *
 * @since 0.1.0
 *
 * @param Throwable $error What went wrong.
 */
function wpp_heartbeat_log_error( Throwable $error ): void {
	if ( defined( 'WP_DEBUG' ) && WP_DEBUG ) {
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
		error_log( 'Presence heartbeat: ' . get_class( $error ) . ': ' . $error->getMessage() );
	}
}
