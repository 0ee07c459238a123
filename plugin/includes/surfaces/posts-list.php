<?php
/**
 * The posts list (edit.php) of every post type with presence support: an "Editing now" column
 * with the avatars of the people in each post's room, the viewer left out. The rooms of the whole
 * page are read at once (WPP_Backend::get_rooms(): one query on the database backend), only for
 * the posts the viewer may edit; a post they may not edit shows nothing, not even that someone
 * is in it.
 *
 * The page's rooms go to the client script signed with a nonce of the viewer's, so the heartbeat
 * (`presence-post-rows`) can keep the column current without loading the posts again to check
 * them: an unchanged answer costs no query. The cells are rendered here only, for the first paint
 * and as the fragment `editors` (one cell per row) of every answer that changes them
 * (ui/fragments.php). Agents are named "Name (agent)".
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Name of the column.
 *
 * @since 0.2.0
 */
const WPP_POSTS_COLUMN = 'wpp_editing';

/**
 * Most rooms one heartbeat may ask about (a list screen shows at most 999 rows, usually 20).
 *
 * @since 0.2.0
 */
const WPP_POSTS_ROWS_MAX = 200;

/**
 * Adds the column after the title, for post types with presence support. Hooked to
 * `manage_posts_columns` and `manage_pages_columns`.
 *
 * @since 0.2.0
 *
 * @param string[] $columns   Columns.
 * @param string   $post_type Post type (pages: not passed).
 * @return string[]
 */
function wpp_posts_list_columns( $columns, $post_type = 'page' ) {
	if ( ! is_array( $columns ) || ! post_type_supports( (string) $post_type, 'presence' ) || ! current_user_can( 'edit_posts' ) ) {
		return $columns;
	}
	$out = array();
	foreach ( $columns as $name => $label ) {
		$out[ $name ] = $label;
		if ( 'title' === $name ) {
			$out[ WPP_POSTS_COLUMN ] = __( 'Editing now', 'presence' );
		}
	}
	if ( ! isset( $out[ WPP_POSTS_COLUMN ] ) ) {
		$out[ WPP_POSTS_COLUMN ] = __( 'Editing now', 'presence' );
	}
	return $out;
}

/**
 * The rooms of the posts on this page that the viewer may edit: the posts of the list's query.
 *
 * @since 0.2.0
 *
 * @param WP_Post[] $posts Posts of the page.
 * @return string[] post id => room.
 */
function wpp_posts_list_rooms( array $posts ): array {
	$rooms = array();
	foreach ( $posts as $post ) {
		$post = get_post( $post );
		$room = $post instanceof WP_Post ? wpp_rooms_for_post( $post ) : false;
		// The rule every other path follows, the `wpp_can_access_room` filter included.
		if ( false !== $room && wpp_rooms_can_access( $room ) ) {
			$rooms[ $post->ID ] = $room;
		}
	}
	return array_slice( $rooms, 0, WPP_POSTS_ROWS_MAX, true );
}

/**
 * The rooms of the rows of the list being shown (the main query's posts), read from nothing but
 * the posts: the live lane settles them before anything is read from the store.
 *
 * @since 0.3.0
 *
 * @return string[] post id => room.
 */
function wpp_posts_list_page_rooms(): array {
	$posts = isset( $GLOBALS['wp_query'] ) && $GLOBALS['wp_query'] instanceof WP_Query ? (array) $GLOBALS['wp_query']->posts : array();
	return wpp_posts_list_rooms( $posts );
}

/**
 * The people in each room of the page as the viewer may see them, the viewer left out: one
 * backend read for all of them.
 *
 * @since 0.2.0
 *
 * @param string[] $rooms  Rooms (wpp_posts_list_rooms()).
 * @param WP_User  $viewer The person who reads it.
 * @param float    $now    Current unix time.
 * @return array{version:int,rows:array<string,array[]>} room => user items.
 */
function wpp_posts_list_people( array $rooms, WP_User $viewer, float $now ): array {
	$read = wpp_payload_rooms_people( $rooms ? wpp_backend()->get_rooms( array_values( $rooms ), wpp_entries_default_ttl() ) : array(), $viewer->ID );
	$rows = array();
	foreach ( $read['people'] as $room => $entries ) {
		foreach ( wpp_privacy_entries_for_viewer( $entries, $viewer ) as $visible ) {
			$rows[ $room ][] = wpp_payload_user_item( $visible, $now );
		}
	}
	return array(
		'version' => $read['version'],
		'rows'    => $rows,
	);
}

/**
 * What the list page computed once for its rows (the first call reads; later calls reuse it).
 *
 * @since 0.2.0
 *
 * @param bool $fresh True to read again.
 * @return array{rooms:string[],version:int,rows:array<string,array[]>}
 */
function wpp_posts_list_state( bool $fresh = false ): array {
	static $state = null;
	if ( null === $state || $fresh ) {
		$rooms = wpp_posts_list_page_rooms();
		$state = array( 'rooms' => $rooms ) + wpp_posts_list_people( $rooms, wp_get_current_user(), microtime( true ) );
	}
	return $state;
}

/**
 * Prints a cell of the column. Hooked to `manage_posts_custom_column` and
 * `manage_pages_custom_column`.
 *
 * @since 0.2.0
 *
 * @param string $column  Column name.
 * @param int    $post_id Post of the row.
 */
function wpp_posts_list_column( $column, $post_id ): void {
	if ( WPP_POSTS_COLUMN !== $column ) {
		return;
	}
	$state = wpp_posts_list_state();
	$room  = $state['rooms'][ (int) $post_id ] ?? null;
	if ( null === $room ) {
		// A row the page's query did not hold (a parent page shown for context), or a post the
		// viewer may not edit: its own read, or nothing.
		$rooms = wpp_posts_list_rooms( array( (int) $post_id ) );
		$room  = $rooms[ (int) $post_id ] ?? null;
		$users = null === $room ? array() : ( wpp_posts_list_people( $rooms, wp_get_current_user(), microtime( true ) )['rows'][ $room ] ?? array() );
	} else {
		$users = $state['rows'][ $room ] ?? array();
	}
	echo wpp_posts_list_cell_html( (string) $room, $users, (int) $state['version'] ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped piece by piece.
}

/**
 * A cell: the avatars and, for screen readers, the names; a dash when nobody is there.
 *
 * @since 0.2.0
 * @since 0.3.0 The `$version` parameter (on the cell, `data-wpp-version`); agents labelled.
 *
 * @param string  $room    Room of the row ('' when the viewer may not edit the post).
 * @param array[] $users   User items.
 * @param int     $version Version of the rows it was built from.
 * @return string HTML.
 */
function wpp_posts_list_cell_html( string $room, array $users, int $version = 0 ): string {
	$items = '';
	foreach ( $users as $user ) {
		$label  = sprintf( '%1$s (%2$s)', wpp_render_name( $user ), wpp_render_status_label( (string) $user['status'] ) );
		$items .= sprintf(
			'<li class="wpp-avatars__item wpp-avatars__item--%1$s"%2$s title="%3$s">%4$s</li>',
			'idle' === $user['status'] ? 'idle' : 'active',
			wpp_render_person_attributes( $user ),
			esc_attr( $label ),
			wpp_render_avatar( $user, 24, $label )
		);
	}
	return sprintf(
		'<div class="wpp-editing"%1$s data-wpp-version="%6$d"><ul class="wpp-avatars"%2$s>%3$s</ul><span class="wpp-editing__nobody"%4$s><span aria-hidden="true">—</span><span class="screen-reader-text">%5$s</span></span></div>',
		'' === $room ? '' : ' data-wpp-room="' . esc_attr( $room ) . '"',
		$items ? '' : ' hidden',
		$items,
		$items ? ' hidden' : '',
		esc_html__( 'Nobody else is editing', 'presence' ),
		$version
	);
}

/**
 * What the client script needs to keep the column current: the page's rooms, signed for this
 * user (a nonce: it also expires), and the version it shows.
 *
 * @since 0.2.0
 *
 * @return array{rooms:string[],nonce:string,version:int}|null Null when the page shows no room.
 */
function wpp_posts_list_client_config(): ?array {
	$state = wpp_posts_list_state();
	$rooms = array_values( $state['rooms'] );
	if ( ! $rooms ) {
		return null;
	}
	return array(
		'rooms'   => $rooms,
		'nonce'   => wp_create_nonce( wpp_posts_list_nonce_action( $rooms ) ),
		'version' => $state['version'],
	);
}

/**
 * The nonce action that signs a list of rooms.
 *
 * @since 0.2.0
 *
 * @param string[] $rooms Rooms.
 * @return string
 */
function wpp_posts_list_nonce_action( array $rooms ): string {
	return 'wpp_post_rows|' . md5( implode( ',', $rooms ) );
}

/**
 * First half of `presence-post-rows`: checks the signature of the rooms the browser sent back
 * (no database query) and reads them. Null when the signature is not this user's.
 *
 * @since 0.2.0
 *
 * @param array   $ask    Parsed ask (wpp_ping_read_post_rows()).
 * @param WP_User $viewer Current user.
 * @return array|null `{version, unchanged: true}` or `{version, rows, entries}`.
 */
function wpp_posts_list_read( array $ask, WP_User $viewer ): ?array {
	if ( ! $ask['rooms'] || ! wp_verify_nonce( $ask['nonce'], wpp_posts_list_nonce_action( $ask['rooms'] ) ) ) {
		return null;
	}
	$read    = wpp_payload_rooms_people( wpp_backend()->get_rooms( $ask['rooms'], wpp_entries_default_ttl() ), $viewer->ID );
	$version = $read['version'];
	if ( null !== $ask['version'] && $ask['version'] === $version ) {
		return array(
			'version'   => $version,
			'unchanged' => true,
		);
	}
	return array(
		'version'  => $version,
		'rooms'    => $ask['rooms'],
		'entries'  => $read['people'] ? array_merge( ...array_values( $read['people'] ) ) : array(),
		'post_ids' => array_map( static fn( string $room ) => wpp_rooms_parse_post( $room )[1] ?? 0, $ask['rooms'] ),
	);
}

/**
 * Second half of `presence-post-rows`: each room's people as the viewer may see them (the rooms
 * are checked again here: a signature only spares the unchanged answers the posts' query).
 *
 * @since 0.2.0
 *
 * @param array   $read   What wpp_posts_list_read() returned (not unchanged).
 * @param float   $now    Current unix time.
 * @param WP_User $viewer Current user.
 * @return array `{version, rows: {room: [user items]}}`.
 */
function wpp_posts_list_build( array $read, float $now, WP_User $viewer ): array {
	$rows = array();
	foreach ( $read['rooms'] as $room ) {
		if ( wpp_rooms_can_access( $room, $viewer->ID ) ) {
			$rows[ $room ] = array();
		}
	}
	$allowed = array_filter( $read['entries'], static fn( array $entry ) => isset( $rows[ $entry['room'] ] ) );
	foreach ( wpp_privacy_entries_for_viewer( $allowed, $viewer ) as $visible ) {
		$rows[ $visible['room'] ][] = wpp_payload_user_item( $visible, $now );
	}
	return array(
		'version' => $read['version'],
		'rows'    => (object) $rows,
	);
}
