<?php
/**
 * The `heartbeat_received` callbacks: the presence ping (admin/online and the editor's post
 * room, with the answers of every surface on the page) and the post-lock bridge. Registered in
 * hooks.php.
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
 * with `presence-online` and, in the editor, `presence-editors` and the feature plugin's
 * `presence-heartbeat-collaborators` (the post room's editor count); and what the page's surfaces
 * ask: `presence-active-posts`, `presence-post-rows`, `presence-screen` (answered as
 * `presence-stale` when someone else saved the screen since the page was served).
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
function wpp_handlers_heartbeat( $response, $data, $screen_id = '' ) {
	if ( ! is_array( $response ) || ! is_array( $data ) ) {
		return $response;
	}
	$ping        = wpp_ping_read( $data, is_string( $screen_id ) ? $screen_id : '' );
	$editor_post = wpp_ping_read_editor( $data );
	$active      = wpp_ping_read_active_posts( $data );
	$rows        = wpp_ping_read_post_rows( $data );
	$screen      = wpp_ping_read_screen( $data );
	if ( null === $ping && 0 === $editor_post && null === $active && null === $rows && null === $screen ) {
		return $response;
	}

	$user = wp_get_current_user();
	if ( ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return $response;
	}

	try {
		$now    = microtime( true );
		$editor = $editor_post > 0 ? wpp_write_editor_exchange( $user, $editor_post, $ping['tab'] ?? '', wpp_ping_read_post_lock( $data ) === $editor_post, is_string( $screen_id ) ? $screen_id : '' ) : false;
		$room   = false !== $editor ? $editor['room'] : false;
		if ( null !== $ping ) {
			// The online entry names the post only when the user may be in its room (checked
			// just above); any other post id the browser sent is dropped.
			$post_id = false !== $room && $ping['post_id'] === $editor_post ? $editor_post : 0;
			wpp_write_online( $user, $ping['screen'], $post_id, $ping['tab'], $ping['away'] );
		}
		if ( false !== $editor ) {
			$known   = null !== $ping ? $ping['versions']['editors'] : null;
			$written = is_wp_error( $editor['result'] ) ? null : $editor['result'];
			$response['presence-editors'] = wpp_editor_payload( $room, $editor_post, $user->ID, $known, $now, $written );
			// The room's editor count after this tick's write, as the feature plugin answers it.
			$response['presence-heartbeat-collaborators'] = null !== $written
				? $written['count']
				: wpp_backend()->count_room( $room, null, WPP_EDITOR_PREFIX );
		}

		// Every surface reads its rooms first; the posts they name are then loaded in one query
		// (none when every answer is unchanged); each answer is built for this user after that.
		$reads = array_filter(
			array(
				'presence-online'       => null !== $ping ? wpp_payload_online_read( $ping['versions']['online'] ) : null,
				'presence-active-posts' => null !== $active ? wpp_active_posts_read( $active['version'] ) : null,
				'presence-post-rows'    => null !== $rows ? wpp_posts_list_read( $rows, $user ) : null,
			)
		);
		$entries  = array();
		$post_ids = array();
		foreach ( $reads as $read ) {
			$entries  = array_merge( $entries, $read['entries'] ?? array() );
			$post_ids = array_merge( $post_ids, $read['post_ids'] ?? array() );
		}
		wpp_privacy_prime_posts( $entries, $post_ids );
		$builders = array(
			'presence-online'       => 'wpp_payload_online_build',
			'presence-active-posts' => 'wpp_active_posts_build',
			'presence-post-rows'    => 'wpp_posts_list_build',
		);
		foreach ( $reads as $key => $read ) {
			$response[ $key ] = isset( $read['unchanged'] ) ? $read : call_user_func( $builders[ $key ], $read, $now, $user );
		}

		$stale = null !== $screen ? wpp_stale_screen_check( $screen['key'], $screen['since'], $user ) : null;
		if ( null !== $stale ) {
			$response['presence-stale'] = $stale;
		}
	} catch ( Throwable $error ) {
		wpp_handlers_log_error( $error );
	}
	return $response;
}

/**
 * The post-lock bridge: core's editors (block and classic) send `wp-refresh-post-lock` with
 * every tick, including from tabs that send no presence ping. That keeps the user's entry in the
 * post's room alive; it is the same entry the editor ping writes (one per user per post), so a
 * tick that carries an editor ping for the same post is left to wpp_handlers_heartbeat().
 *
 * Hooked to `heartbeat_received` after core's wp_refresh_post_lock() (see hooks.php).
 *
 * @since 0.1.0
 *
 * @param array|mixed $response  Heartbeat response being built.
 * @param array|mixed $data      Data the browser sent.
 * @param string      $screen_id Screen id of the tick.
 * @return array|mixed The response, unchanged.
 */
function wpp_handlers_post_lock( $response, $data, $screen_id = '' ) {
	if ( ! is_array( $data ) ) {
		return $response;
	}
	$post_id = wpp_ping_read_post_lock( $data );
	if ( 0 === $post_id || wpp_ping_read_editor( $data ) === $post_id ) {
		return $response;
	}

	$user = wp_get_current_user();
	if ( ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return $response;
	}

	try {
		// Keeps the tab a ping wrote; this page sends the lock refresh, so it holds the lock.
		wpp_write_editor_exchange( $user, $post_id, null, true, is_string( $screen_id ) ? $screen_id : '', false );
	} catch ( Throwable $error ) {
		wpp_handlers_log_error( $error );
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
function wpp_handlers_log_error( Throwable $error ): void {
	if ( defined( 'WP_DEBUG' ) && WP_DEBUG ) {
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
		error_log( 'Presence heartbeat: ' . get_class( $error ) . ': ' . $error->getMessage() );
	}
}
