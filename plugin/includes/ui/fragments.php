<?php
/**
 * The surfaces' markup in heartbeat answers: `presence-fragments`, as the feature plugin names it.
 *
 * Each surface is rendered by PHP only (its file in surfaces/); the page prints it once, and the
 * browser swaps in a new rendering when a heartbeat answer brings one. The page asks for each
 * surface it shows (`presence-fragments: {key: ask}`, the keys of the script's live surfaces,
 * filter `presence-api.liveSurfaces`), with the version of the data its copy was built from;
 * a surface whose data did not change is left out of the answer, so an unchanged tick carries
 * no markup and costs no query.
 *
 * Built-in surfaces, and what their ask holds:
 *   admin-bar     {v, screen, post_id}  the admin bar's node (its `<li>`)
 *   whos-online   {v}                   the dashboard's Who's online
 *   active-posts  {v}                   the dashboard's Active posts
 *   editors       {v}                   the posts list's cells: {"post-12": html, …}
 *   post-editors  {v, post_id}          "Also editing:" in the post editor
 *   stale         true                  the stale-screen warning, when there is one
 *
 * The data is the heartbeat's own (`presence-online`, `presence-active-posts`,
 * `presence-post-rows`, `presence-editors`, `presence-stale`, heartbeat/), built for this viewer
 * through the privacy rule. A tab that does not ping (a second window of the same user) gets it
 * read here instead. Fragments other code adds to the answer are kept.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds the fragments the page asked for. Hooked to `heartbeat_received` after the presence
 * handlers (see hooks.php), whose answers it renders.
 *
 * @since 0.3.0
 *
 * @param array|mixed $response Heartbeat response being built.
 * @param array|mixed $data     Data the browser sent.
 * @return array|mixed
 */
function wpp_fragments_heartbeat( $response, $data ) {
	if ( ! is_array( $response ) || ! is_array( $data ) || ! is_array( $data['presence-fragments'] ?? null ) ) {
		return $response;
	}
	$user = wp_get_current_user();
	if ( ! $user->exists() || ! $user->has_cap( 'edit_posts' ) ) {
		return $response;
	}
	$asks      = $data['presence-fragments'];
	$fragments = is_array( $response['presence-fragments'] ?? null ) ? $response['presence-fragments'] : array();
	try {
		$now = microtime( true );
		foreach ( array( 'admin-bar', 'whos-online' ) as $key ) {
			if ( ! isset( $asks[ $key ] ) ) {
				continue;
			}
			$online = wpp_fragments_pick( $response, 'presence-online', wpp_fragments_held( $asks[ $key ] ), static fn( ?int $held ) => wpp_payload_online( $held, $now, $user ) );
			if ( null === $online ) {
				continue;
			}
			$fragments[ $key ] = 'admin-bar' === $key
				? wpp_admin_bar_html( $online, $user, wpp_fragments_place( $asks[ $key ] ) )
				: wpp_whos_online_html( $online, $user );
		}
		if ( isset( $asks['active-posts'] ) ) {
			$active = wpp_fragments_pick( $response, 'presence-active-posts', wpp_fragments_held( $asks['active-posts'] ), 'wpp_fragments_active_posts' );
			if ( null !== $active ) {
				$fragments['active-posts'] = wpp_active_posts_html( $active, $user );
			}
		}
		if ( isset( $asks['editors'] ) ) {
			$rows = wpp_fragments_pick( $response, 'presence-post-rows', wpp_fragments_held( $asks['editors'] ), static fn( ?int $held ) => wpp_fragments_post_rows( $data, $held ) );
			if ( null !== $rows ) {
				$fragments['editors'] = wpp_fragments_cells( $rows );
			}
		}
		if ( isset( $asks['post-editors'] ) ) {
			$post_id = is_array( $asks['post-editors'] ) ? wpp_ping_clean_id( $asks['post-editors']['post_id'] ?? 0 ) : 0;
			$held    = wpp_fragments_held( $asks['post-editors'] );
			$mine    = is_array( $response['presence-editors'] ?? null ) && (int) ( $response['presence-editors']['post_id'] ?? 0 ) === $post_id;
			$editors = $post_id > 0 ? wpp_fragments_pick( $mine ? $response : array(), 'presence-editors', $held, static fn( ?int $known ) => wpp_fragments_editors( $post_id, $known, $now ) ) : null;
			if ( null !== $editors ) {
				$fragments['post-editors'] = wpp_editor_html( $editors );
				// A tab that did not ping gets the data too: its collaboration edges come from it.
				$response['presence-editors'] = $response['presence-editors'] ?? $editors;
			}
		}
		if ( isset( $asks['stale'] ) && is_array( $response['presence-stale'] ?? null ) ) {
			$fragments['stale'] = wpp_stale_screen_html( $response['presence-stale'] );
		}
	} catch ( Throwable $error ) {
		wpp_handlers_log_error( $error );
	}
	if ( $fragments ) {
		$response['presence-fragments'] = $fragments;
	}
	return $response;
}

/**
 * The version of the data a surface's copy shows, from its ask; null when it sent none.
 *
 * @since 0.3.0
 *
 * @param mixed $ask The surface's ask.
 * @return int|null
 */
function wpp_fragments_held( $ask ): ?int {
	return is_array( $ask ) ? wpp_ping_clean_version( $ask['v'] ?? null ) : null;
}

/**
 * The page an admin bar is on, from its ask: which people are "On this screen".
 *
 * @since 0.3.0
 *
 * @param mixed $ask `{screen, post_id}`.
 * @return array{screen:string,post_id:int}
 */
function wpp_fragments_place( $ask ): array {
	$ask = is_array( $ask ) ? $ask : array();
	return array(
		'screen'  => wpp_ping_clean_key( $ask['screen'] ?? '' ),
		'post_id' => wpp_ping_clean_id( $ask['post_id'] ?? 0 ),
	);
}

/**
 * A surface's data, when it differs from what its copy shows: the heartbeat's own answer when the
 * handlers built it for this tick, else read now. Null when the copy is current.
 *
 * @since 0.3.0
 *
 * @param array    $response The heartbeat response.
 * @param string   $key      The payload's key in it.
 * @param int|null $held     Version the surface's copy shows.
 * @param callable $read     Reads the payload: ( ?int $held ) => payload, `unchanged` when current.
 * @return array|null
 */
function wpp_fragments_pick( array $response, string $key, ?int $held, callable $read ): ?array {
	$have = $response[ $key ] ?? null;
	if ( is_array( $have ) && isset( $have['version'] ) && ( empty( $have['unchanged'] ) || (int) $have['version'] === $held ) ) {
		return (int) $have['version'] === $held ? null : $have;
	}
	$payload = $read( $held );
	return is_array( $payload ) && ! isset( $payload['unchanged'] ) ? $payload : null;
}

/**
 * `presence-active-posts` read here.
 *
 * @since 0.3.0
 *
 * @param int|null $held Version the copy shows.
 * @return array
 */
function wpp_fragments_active_posts( ?int $held ): array {
	$read = wpp_active_posts_read( $held );
	if ( isset( $read['unchanged'] ) ) {
		return $read;
	}
	wpp_privacy_prime_posts( $read['entries'] );
	return wpp_active_posts_build( $read, microtime( true ), wp_get_current_user() );
}

/**
 * `presence-post-rows` read here, from the rooms the page sent (signed for this user).
 *
 * @since 0.3.0
 *
 * @param array    $data Heartbeat data.
 * @param int|null $held Version the copy shows.
 * @return array|null Null when the page sent no signed rooms.
 */
function wpp_fragments_post_rows( array $data, ?int $held ): ?array {
	$ask = wpp_ping_read_post_rows( $data );
	if ( null === $ask ) {
		return null;
	}
	$ask['version'] = $held;
	$user           = wp_get_current_user();
	$read           = wpp_posts_list_read( $ask, $user );
	if ( null === $read || isset( $read['unchanged'] ) ) {
		return $read;
	}
	wpp_privacy_prime_posts( $read['entries'], $read['post_ids'] );
	return wpp_posts_list_build( $read, microtime( true ), $user );
}

/**
 * The posts list's cells for a `presence-post-rows` payload, by row id (`post-12`): every row
 * of the page, those nobody is in too.
 *
 * @since 0.3.0
 *
 * @param array $rows Payload `{version, rows: {room: users}}`.
 * @return array<string,string> Row id => cell HTML.
 */
function wpp_fragments_cells( array $rows ): array {
	$cells = array();
	foreach ( (array) ( $rows['rows'] ?? array() ) as $room => $users ) {
		$parsed = wpp_rooms_parse_post( (string) $room );
		if ( null !== $parsed ) {
			$cells[ 'post-' . $parsed[1] ] = wpp_posts_list_cell_html( (string) $room, (array) $users, (int) $rows['version'] );
		}
	}
	return $cells;
}

/**
 * `presence-editors` read here, for a post the user may edit.
 *
 * @since 0.3.0
 *
 * @param int      $post_id Post in the page's editor.
 * @param int|null $held    Version the copy shows.
 * @param float    $now     Current unix time.
 * @return array|null Null when the user may not be in the post's room.
 */
function wpp_fragments_editors( int $post_id, ?int $held, float $now ): ?array {
	$room = wpp_rooms_for_post( $post_id );
	if ( false === $room || ! wpp_rooms_can_access( $room ) ) {
		return null;
	}
	return wpp_editor_payload( $room, $post_id, get_current_user_id(), $held, $now );
}
