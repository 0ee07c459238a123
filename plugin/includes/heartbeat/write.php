<?php
/**
 * Writing the heartbeat's presence entries: one per user in `admin/online` and one per user per
 * post being edited, with who the user is (display name, avatar URL) and where (screen id, post
 * id) as the user's own request knows it, so building an answer never looks up a user.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * What every reader needs to show a user, taken from the user object the request already holds.
 *
 * The display name is stored as plain text: WordPress keeps it HTML-escaped (`&amp;`), and the
 * surfaces put it into the page as text, which would show the entities.
 *
 * @since 0.1.0
 *
 * @param WP_User $user The current user.
 * @return array{display_name:string,avatar_url:string}
 */
function wpp_write_user_fields( WP_User $user ): array {
	// Passing the WP_User (not its id) lets get_avatar_url() use the object as it is.
	$avatar = get_avatar_url( $user, array( 'size' => 64 ) );
	return array(
		'display_name' => wp_specialchars_decode( (string) $user->display_name, ENT_QUOTES ),
		'avatar_url'   => is_string( $avatar ) ? $avatar : '',
	);
}

/**
 * Writes (or refreshes) the user's `admin/online` entry: who they are, the screen they are on,
 * the post they are editing (only one the caller checked they may edit; 0 for none) and the
 * page (tab) that wrote it, so that page's leaving removes it only while it is still its own.
 *
 * @since 0.1.0
 * @since 0.2.0 Stores the post id and tab instead of a title the browser sent.
 * @since 0.3.0 `$away`: the page has no focus; the user shows as idle (stored only when true).
 *
 * @param WP_User $user    Current user.
 * @param string  $screen  Screen id (a clean key).
 * @param int     $post_id Post being edited, already checked; 0 for none.
 * @param string  $tab     Tab id of the page ('' when unknown).
 * @param bool    $away    Whether the page that pinged has no focus.
 * @return bool Whether the backend stored it.
 */
function wpp_write_online( WP_User $user, string $screen, int $post_id = 0, string $tab = '', bool $away = false ): bool {
	$data = wpp_write_user_fields( $user ) + array(
		'screen'  => $screen,
		'post_id' => max( 0, $post_id ),
		'tab'     => $tab,
	) + ( $away ? array( 'away' => true ) : array() );
	return wpp_backend()->set( WPP_ADMIN_ROOM, wpp_client_ids_user( $user->ID ), $data, $user->ID, wpp_entries_default_ttl() );
}

/**
 * Writes (or refreshes) the user's entry in a post's room. The editor ping, the editor's page load
 * and the post-lock bridge all come here, with the same client id and the same data, so one user
 * has one entry per post and a tick never flips its state (or the version).
 *
 * The entry carries the tab (page load) that has the editor open, so that page's leaving removes
 * it only while it is still its own (leave.php). The post-lock bridge does not know the
 * tab: it passes null and keeps the tab the entry has.
 *
 * @since 0.1.0
 * @since 0.2.0 The tab.
 *
 * @param WP_User     $user    Current user.
 * @param int         $post_id Post being edited.
 * @param string|null $tab     Tab id ('' when unknown); null to keep the entry's own.
 * @return string|false The post's room when the user may be in it, false otherwise.
 */
function wpp_write_editor( WP_User $user, int $post_id, ?string $tab = '' ) {
	$room = $post_id > 0 ? wpp_rooms_for_post( $post_id ) : false;
	if ( false === $room || ! wpp_rooms_can_access( $room, $user->ID ) ) {
		return false;
	}
	$client = wpp_client_ids_user( $user->ID );
	if ( null === $tab ) {
		$entry = wpp_entries_find( $room, $client );
		$tab   = (string) ( $entry['data']['tab'] ?? '' );
	}
	wpp_backend()->set( $room, $client, wpp_write_user_fields( $user ) + array( 'tab' => $tab ), $user->ID, wpp_entries_default_ttl() );
	return $room;
}
