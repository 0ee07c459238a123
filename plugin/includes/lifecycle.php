<?php
/**
 * Entries that follow a user's session: written at login, removed at logout and user deletion.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * At login, users who can edit posts appear in `admin/online` right away (client `user-{id}`,
 * the same entry their heartbeat refreshes later). Hooked to `wp_login`.
 *
 * @since 0.1.0
 *
 * @param string       $user_login Login name.
 * @param WP_User|null $user       The user who logged in.
 */
function wpp_on_login( $user_login, $user = null ): void {
	if ( ! $user instanceof WP_User || ! user_can( $user, 'edit_posts' ) ) {
		return;
	}
	wpp_entries_set(
		WPP_ADMIN_ROOM,
		'user-' . $user->ID,
		wpp_heartbeat_user_fields( $user ) + array(
			'screen' => 'login',
			'title'  => '',
		),
		$user->ID
	);
}

/**
 * At logout, the user's entries on this site go. Hooked to `wp_logout`.
 *
 * @since 0.1.0
 *
 * @param int $user_id The user who logged out (WordPress ≥ 5.5 passes it).
 */
function wpp_on_logout( $user_id = 0 ): void {
	$user_id = (int) $user_id > 0 ? (int) $user_id : get_current_user_id();
	if ( $user_id > 0 ) {
		wpp_entries_remove_user( $user_id );
	}
}

/**
 * When a user is deleted, their entries on this site go. Hooked to `deleted_user`.
 *
 * @since 0.1.0
 *
 * @param int $user_id The deleted user.
 */
function wpp_on_deleted_user( $user_id ): void {
	if ( (int) $user_id > 0 ) {
		wpp_entries_remove_user( (int) $user_id );
	}
}
