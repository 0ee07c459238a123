<?php
/**
 * The dashboard's "Active posts" widget: one row per post being edited now that the viewer may
 * edit, with its editors' avatars (each person once), "N people" and the time of the latest
 * activity. Newest activity first.
 *
 * Collected from the post rooms (every room of a post with live heartbeat entries, in one
 * get_rooms() read), filtered through wpp_privacy_entry_for_viewer(); rendered here only, for the
 * first paint and as the fragment `active-posts` of every heartbeat answer that brings a new
 * `presence-active-posts` (ui/fragments.php). Agents are named "Name (agent)".
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Most posts listed.
 *
 * @since 0.2.0
 *
 * @return int
 */
function wpp_active_posts_limit(): int {
	/**
	 * Filters how many posts the Active posts widget lists (most recent activity first).
	 *
	 * @since 0.2.0
	 *
	 * @param int $limit Default 20.
	 */
	return max( 1, min( 200, (int) apply_filters( 'wpp_active_posts_limit', 20 ) ) );
}

/**
 * First half of `presence-active-posts`: the people in every post room, and a version that
 * changes when one of them joins, leaves or changes (not when they only tick). No database query
 * with the native backend.
 *
 * The version covers every post room, also those the viewer may not see: it tells a viewer only
 * that something changed somewhere, which the online list tells them too; what changed is built
 * for them after the privacy check.
 *
 * @since 0.2.0
 *
 * @param int|null $known_version Version the browser holds, null if none.
 * @return array `{version, unchanged: true}` or `{version, rooms: room => entries, entries}`.
 */
function wpp_active_posts_read( ?int $known_version ): array {
	$backend = wpp_backend();
	$ttl     = wpp_entries_default_ttl();
	// Only post rooms are read (on the database backend, one index range): screen revisions,
	// ledgers and other rooms, however many, cost nothing here.
	$rooms   = array_values( array_filter( array_map( 'strval', array_keys( $backend->rooms( $ttl, 'postType/' ) ) ), static fn( string $room ) => null !== wpp_rooms_parse_post( $room ) ) );

	$read    = wpp_payload_rooms_people( $rooms ? $backend->get_rooms( $rooms, $ttl ) : array() );
	$version = $read['version'];
	if ( null !== $known_version && $known_version === $version ) {
		return array(
			'version'   => $version,
			'unchanged' => true,
		);
	}
	return array(
		'version' => $version,
		'rooms'   => $read['people'],
		'entries' => $read['people'] ? array_merge( ...array_values( $read['people'] ) ) : array(),
	);
}

/**
 * Second half of `presence-active-posts`: the posts the viewer may edit. The posts must be loaded
 * already (wpp_privacy_prime_posts()).
 *
 * @since 0.2.0
 *
 * @param array   $read   What wpp_active_posts_read() returned (not unchanged).
 * @param float   $now    Current unix time.
 * @param WP_User $viewer The person who reads it.
 * @return array `{version, total, posts: [{post_id, title, url, total, latest, users}]}`.
 */
function wpp_active_posts_build( array $read, float $now, WP_User $viewer ): array {
	$posts = array();
	foreach ( $read['rooms'] as $room => $entries ) {
		$users = array();
		foreach ( wpp_privacy_entries_for_viewer( $entries, $viewer ) as $visible ) {
			$users[] = wpp_payload_user_item( $visible, $now );
		}
		$parsed = wpp_rooms_parse_post( (string) $room );
		$post   = $parsed ? get_post( $parsed[1] ) : null;
		if ( ! $users || ! $post instanceof WP_Post ) {
			continue;
		}
		$posts[] = array(
			'post_id' => $post->ID,
			'title'   => wpp_screens_post_title( $post ),
			'url'     => (string) get_edit_post_link( $post, 'raw' ),
			'total'   => count( $users ),
			'latest'  => max( array_column( $users, 'updated_at' ) ),
			'users'   => $users,
		);
	}
	usort( $posts, static fn( array $a, array $b ) => $b['latest'] <=> $a['latest'] ?: $a['post_id'] <=> $b['post_id'] );
	return array(
		'version' => $read['version'],
		'total'   => count( $posts ),
		'posts'   => array_slice( $posts, 0, wpp_active_posts_limit() ),
	);
}

/**
 * `presence-active-posts` for the current user as the page starts.
 *
 * @since 0.2.0
 *
 * @return array Payload.
 */
function wpp_active_posts_state(): array {
	$read = wpp_active_posts_read( null );
	wpp_privacy_prime_posts( $read['entries'] );
	return wpp_active_posts_build( $read, microtime( true ), wp_get_current_user() );
}

/**
 * Adds the widget for users who can `edit_posts`. Hooked to `wp_dashboard_setup`.
 *
 * @since 0.2.0
 */
function wpp_active_posts_add_widget(): void {
	if ( ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	wp_add_dashboard_widget( 'wpp_active_posts', __( 'Active posts', 'presence' ), 'wpp_active_posts_render', null, null, 'side', 'high' );
}

/**
 * Prints the Active posts widget.
 *
 * @since 0.2.0
 */
function wpp_active_posts_render(): void {
	echo wpp_active_posts_html( wpp_active_posts_state(), wp_get_current_user() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped piece by piece.
}

/**
 * The widget's markup for a `presence-active-posts` payload.
 *
 * @since 0.2.0
 * @since 0.3.0 No `$now` (the browser writes "2 minutes ago"); the version on the root; agents labelled.
 *
 * @param array   $active Payload (wpp_active_posts_build()).
 * @param WP_User $viewer The person who reads it.
 * @return string HTML.
 */
function wpp_active_posts_html( array $active, WP_User $viewer ): string {
	$rows = '';
	foreach ( $active['posts'] ?? array() as $post ) {
		$avatars = '';
		foreach ( $post['users'] as $user ) {
			$name = wpp_render_name( $user );
			if ( (int) $user['user_id'] === $viewer->ID ) {
				/* translators: %s: display name. */
				$name = sprintf( __( '%s (you)', 'presence' ), $name );
			}
			$avatars .= sprintf(
				'<li class="wpp-avatars__item"%1$s title="%2$s">%3$s</li>',
				wpp_render_person_attributes( $user ),
				esc_attr( $name ),
				wpp_render_avatar( $user, 24, $name )
			);
		}
		$rows .= sprintf(
			'<li class="wpp-active-posts__post" data-post-id="%1$d"><a class="wpp-active-posts__title" href="%2$s">%3$s</a><ul class="wpp-avatars">%4$s</ul><span class="wpp-active-posts__meta">%5$s · %6$s</span></li>',
			(int) $post['post_id'],
			esc_url( (string) $post['url'] ),
			esc_html( (string) $post['title'] ),
			$avatars,
			/* translators: %d: number of people editing the post. */
			esc_html( sprintf( _n( '%d person', '%d people', (int) $post['total'], 'presence' ), (int) $post['total'] ) ),
			wpp_render_time( (float) $post['latest'] )
		);
	}
	$summary = $rows ? '' : __( 'Nobody is editing a post you can edit.', 'presence' );
	return sprintf(
		'<div class="wpp-active-posts" data-wpp-active-posts data-wpp-version="%4$d"><p class="wpp-active-posts__summary"%1$s>%2$s</p><ul class="wpp-active-posts__list">%3$s</ul></div>',
		'' === $summary ? ' hidden' : '',
		esc_html( $summary ),
		$rows,
		(int) ( $active['version'] ?? 0 )
	);
}
