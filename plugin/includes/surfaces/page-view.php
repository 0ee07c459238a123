<?php
/**
 * Opening an admin page counts as being there: the user's entries are written when the page
 * loads (others see them at their next tick, not a minute later after this page's first tick),
 * and the surfaces get the rooms as they are now, in the heartbeat's own format.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * What the surfaces show before the first tick answers, in the heartbeat's own format.
 *
 * Opening a page counts as being there: the user's entries are written first, so others see
 * them at their next tick rather than after this page's first tick (up to a minute later).
 *
 * @since 0.1.0
 *
 * @param bool $dashboard Whether this is the dashboard (which shows `admin/online`).
 * @param int  $post_id   Post being edited, 0 if none.
 * @return array `{online?, editors?}`.
 */
function wpp_surfaces_initial_state( bool $dashboard, int $post_id ): array {
	$user    = wp_get_current_user();
	$initial = array();
	try {
		$now = microtime( true );
		if ( $dashboard ) {
			$initial['online'] = wpp_heartbeat_online_payload( null, $now );
		}
		if ( $post_id > 0 ) {
			$room = wpp_heartbeat_write_editor( $user, $post_id );
			if ( false !== $room ) {
				$initial['editors'] = wpp_heartbeat_editors_payload( $room, $post_id, $user->ID, null, $now );
			}
		}
	} catch ( Throwable $error ) {
		wpp_heartbeat_log_error( $error );
	}
	return $initial;
}

/**
 * Writes the user's `admin/online` entry when an admin page is opened. Hooked to `current_screen`.
 *
 * @since 0.1.0
 *
 * @param WP_Screen|mixed $screen Screen being loaded.
 */
function wpp_surfaces_note_page_view( $screen ): void {
	$user = wp_get_current_user();
	if ( ! $screen instanceof WP_Screen || wp_doing_ajax() || ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return;
	}
	try {
		wpp_heartbeat_write_online(
			$user,
			array(
				'screen' => wpp_heartbeat_clean_key( $screen->id ),
				// The title the client script sends from this page (its config `title`), so the
				// first tick does not change the entry again.
				'title'  => wpp_heartbeat_clean_text( wp_strip_all_tags( (string) get_admin_page_title() ), WPP_PING_TITLE_CHARS ),
			)
		);
	} catch ( Throwable $error ) {
		wpp_heartbeat_log_error( $error );
	}
}
