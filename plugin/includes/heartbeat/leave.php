<?php
/**
 * Leaving a page: when a tab closes or navigates away, the client script tells the server at once
 * (`pagehide` → `fetch( …, { keepalive: true } )` to `POST /wp-presence/v1/leave`), and the
 * entries that page wrote are removed, so others see the person go within seconds instead of
 * after the TTL. A page restored from the back/forward cache pings again and comes back.
 *
 * Only the entries that still carry the page's tab id are removed: if the user opened another
 * page meanwhile (the usual case when navigating: the next page may be served before the leave
 * request), that page's entries are its own and stay. The store removes an entry only as it was
 * read: another page's write that lands between the read and the removal stays too (a tab that
 * takes over from a closing one pings at the moment the closing one sends its leave).
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Removes the heartbeat entries of a user that a tab wrote (its `admin/online` entry `user-{id}`
 * and its post room entry `editor-{id}`), and notes when the user was last seen. Removing the
 * editor entry is a leave the store counts: the post room's collaboration ends at once when the
 * other editor stays.
 *
 * @since 0.2.0
 * @since 0.3.0 The post room entry is `editor-{id}` (`user-{id}` written before 0.3.0 too).
 *
 * @param WP_User $user The user leaving.
 * @param string  $tab  Tab id of the page that is going away.
 * @return int Entries removed.
 */
function wpp_leave_tab( WP_User $user, string $tab ): int {
	if ( ! $user->exists() || '' === wpp_ping_clean_tab( $tab ) ) {
		return 0;
	}
	$clients = array( wpp_client_ids_user( $user->ID ), wpp_client_ids_editor( $user->ID ) );
	$removed = 0;
	foreach ( wpp_backend()->user_entries( $user->ID, DAY_IN_SECONDS ) as $entry ) {
		$ours = in_array( $entry['client_id'], $clients, true ) && $tab === ( $entry['data']['tab'] ?? null );
		if ( ! $ours ) {
			continue;
		}
		// The card of the user's `admin/online` entry, read before the entry goes: it goes with
		// the entry, as read, so a card another page wrote meanwhile (with its entry) stays.
		$card = wpp_leave_card_of( $user, $entry );
		$left = wpp_leave_entry_as_read( $entry );
		if ( null !== $left && ! $left['removed'] ) {
			// Written since the read: by another page (it stays), or by this page's own last
			// heartbeat, finished meanwhile (it goes, as it was written then).
			$now  = wpp_backend()->entry( $entry['room'], $entry['client_id'] );
			$card = null !== $now ? wpp_leave_card_of( $user, $now ) : null;
			$left = null !== $now && $tab === ( $now['data']['tab'] ?? null ) ? wpp_leave_entry_as_read( $now ) : null;
		}
		if ( null !== $left && $left['removed'] ) {
			++$removed;
			if ( null !== $card ) {
				wpp_leave_entry_as_read( $card );
			}
		}
	}
	if ( user_can( $user, 'edit_posts' ) ) {
		wpp_users_list_note_last_seen( $user->ID );
	}

	/**
	 * Fires after a page (tab) of a user went away and its entries were removed.
	 *
	 * @since 0.2.0
	 *
	 * @param int    $user_id User id.
	 * @param string $tab     Tab id.
	 * @param int    $removed Entries removed (0 when another page of the user had written since).
	 */
	do_action( 'wpp_tab_left', $user->ID, $tab, $removed );
	return $removed;
}

/**
 * The card (`_card-{id}`) that stands beside a user's `admin/online` entry, as it is now; null
 * for another entry, or when there is no card.
 *
 * @since 0.3.0
 *
 * @param WP_User $user  The user leaving.
 * @param array   $entry One of their entries, as the backend read it.
 * @return array|null The card's entry.
 */
function wpp_leave_card_of( WP_User $user, array $entry ): ?array {
	if ( WPP_ADMIN_ROOM !== $entry['room'] || wpp_client_ids_user( $user->ID ) !== $entry['client_id'] ) {
		return null;
	}
	return wpp_backend()->entry( WPP_ADMIN_ROOM, wpp_client_ids_card( $user->ID ) );
}

/**
 * Removes an entry as it was read: a write of it made since stays.
 *
 * @since 0.3.0
 *
 * @param array $entry An entry as the backend read it (`room`, `client_id`, `updated_at`).
 * @return array|null The store's answer, or null when it failed.
 */
function wpp_leave_entry_as_read( array $entry ): ?array {
	$left = wpp_entries_leave(
		$entry['room'],
		$entry['client_id'],
		array(
			'limit'                => 0,
			'unless_written_after' => $entry['updated_at'],
		)
	);
	return is_wp_error( $left ) ? null : $left;
}
