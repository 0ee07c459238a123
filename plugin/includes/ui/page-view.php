<?php
/**
 * Opening an admin page counts as being there: the user's entries are written when the page
 * loads (others see them at their next tick, not a minute later after this page's first tick),
 * and the surfaces get the rooms as they are now, in the heartbeat's own format.
 *
 * Each page load is a "tab" with an id of its own, made here: the page's entries carry it, the
 * client script sends it back with every ping, and leaving the page (heartbeat/leave.php) removes
 * the entries only while they still carry it.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The id of this page load (12 hex digits), the same for every call in one request.
 *
 * @since 0.2.0
 *
 * @return string
 */
function wpp_page_view_tab_id(): string {
	static $tab = null;
	if ( null === $tab ) {
		$tab = bin2hex( random_bytes( 6 ) );
	}
	return $tab;
}

/**
 * What the surfaces show before the first tick answers, in the heartbeat's own format: always
 * `online` (the admin bar is on every page), `editors` in the post editor.
 *
 * Opening a page counts as being there: the user's editor entry is written first, so others see
 * it at their next tick rather than after this page's first tick (up to a minute later).
 *
 * @since 0.1.0
 * @since 0.2.0 `online` on every page, built for the current user.
 *
 * @param int $post_id Post being edited, 0 if none.
 * @return array `{online?, editors?}`.
 */
function wpp_page_view_initial_state( int $post_id ): array {
	$user    = wp_get_current_user();
	$initial = array();
	try {
		$now = microtime( true );
		if ( $post_id > 0 ) {
			$room = wpp_write_editor( $user, $post_id, wpp_page_view_tab_id() );
			if ( false !== $room ) {
				$initial['editors'] = wpp_editor_payload( $room, $post_id, $user->ID, null, $now );
			}
		}
		$initial['online'] = wpp_page_view_online_state();
	} catch ( Throwable $error ) {
		wpp_handlers_log_error( $error );
	}
	return $initial;
}

/**
 * The `presence-online` payload for the current user as this page starts, shared by the client's
 * initial state, the admin bar and the dashboard widget: built again only when the room changed
 * since the last call in this request.
 *
 * @since 0.2.0
 *
 * @return array The payload (empty users for a logged-out user).
 */
function wpp_page_view_online_state(): array {
	static $state = array();
	$user = wp_get_current_user();
	$read = wpp_payload_online_read( $state[ $user->ID ]['version'] ?? null );
	if ( ! isset( $read['unchanged'] ) ) {
		wpp_privacy_prime_posts( $read['entries'] );
		$state[ $user->ID ] = wpp_payload_online_build( $read, microtime( true ), $user );
	}
	return $state[ $user->ID ];
}

/**
 * Writes the user's `admin/online` entry when an admin page is opened. Hooked to `current_screen`.
 *
 * @since 0.1.0
 *
 * @param WP_Screen|mixed $screen Screen being loaded.
 */
function wpp_page_view_note( $screen ): void {
	$user = wp_get_current_user();
	if ( ! $screen instanceof WP_Screen || wp_doing_ajax() || ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return;
	}
	try {
		// The same screen, post and tab the client script sends from this page, so its first
		// tick does not change the entry again.
		wpp_write_online( $user, wpp_ping_clean_key( $screen->id ), wpp_editor_post_id( $screen ), wpp_page_view_tab_id() );
		wpp_users_list_note_last_seen( $user->ID );
	} catch ( Throwable $error ) {
		wpp_handlers_log_error( $error );
	}
}
