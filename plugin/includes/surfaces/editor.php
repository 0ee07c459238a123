<?php
/**
 * The post editor (block and classic): "Also editing:" with the other people in the post. The
 * editor's page and its heartbeat answer `presence-editors` list the others in the post's room;
 * presence-editors.js renders it.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The post being edited on this screen (block or classic editor) when the user may edit it and
 * its type has presence support; 0 elsewhere.
 *
 * Works from `current_screen` on, before post.php has set the global `$post`: it then reads
 * the `post` query argument, as WP_Screen itself does.
 *
 * @since 0.1.0
 * @since 0.2.0 Also before the global `$post` is set.
 *
 * @param WP_Screen $screen Current screen.
 * @return int
 */
function wpp_editor_post_id( WP_Screen $screen ): int {
	if ( 'post' !== $screen->base ) {
		return 0;
	}
	$post = $GLOBALS['post'] ?? null;
	if ( ! $post instanceof WP_Post ) {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- reading which post is open.
		$post = isset( $_GET['post'] ) ? get_post( absint( $_GET['post'] ) ) : null;
	}
	if ( ! $post instanceof WP_Post || false === wpp_rooms_for_post( $post ) ) {
		return 0;
	}
	return current_user_can( 'edit_post', $post->ID ) ? (int) $post->ID : 0;
}

/**
 * The `presence-editors` payload: the other users editing a post.
 *
 * @since 0.1.0
 * @since 0.3.0 The `$read` parameter.
 *
 * @param string   $room          The post's room.
 * @param int      $post_id       Post id.
 * @param int      $user_id       Current user (left out of the list).
 * @param int|null   $known_version Version the browser already has, null if none.
 * @param float      $now           Current unix time.
 * @param array|null $read          The room as the editor's own write just read it (`version`,
 *                                  `entries`: the whole room), so it is not read again; null to read it.
 * @return array
 */
function wpp_editor_payload( string $room, int $post_id, int $user_id, ?int $known_version, float $now, ?array $read = null ): array {
	$backend = wpp_backend();
	$version = wpp_payload_version( null !== $read && null !== $read['version'] ? (int) $read['version'] : $backend->room_version( $room ) );
	$head    = array(
		'post_id' => $post_id,
		'room'    => $room,
		'version' => $version,
	);
	if ( null !== $known_version && $known_version === $version ) {
		return $head + array( 'unchanged' => true );
	}

	if ( null !== $read && null !== $read['version'] ) {
		$entries = wpp_client_ids_user_entries( $read['entries'], $user_id );
		$total   = count( $entries );
		$entries = array_slice( $entries, 0, wpp_payload_online_limit() );
	} else {
		list( $entries, $total ) = wpp_payload_read_users( $room, wpp_payload_online_limit(), $user_id );
	}
	$viewer                  = get_userdata( $user_id );
	$users                   = array();
	// The caller checked the viewer may be in this room; the gate is asked anyway, as every
	// surface asks it, so a filter on room access is honoured here too.
	foreach ( $viewer ? wpp_privacy_entries_for_viewer( $entries, $viewer ) : array() as $entry ) {
		$users[] = wpp_payload_user_item( $entry, $now );
	}

	return $head + array(
		'total' => $total,
		'users' => $users,
	);
}
