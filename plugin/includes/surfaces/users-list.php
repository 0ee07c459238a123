<?php
/**
 * The Users list (users.php): an "Online (n)" view — a plain link, `users.php?presence=online`,
 * that lists the users online now without any JavaScript — and a Status column: active or idle
 * now, else when they were last seen.
 *
 * "Last seen" comes from the presence store too (the internal room WPP_LAST_SEEN_ROOM, written
 * when a page is opened, left, or the user logs out; never a user meta write per tick), so it
 * reaches back as far as an entry may live: one day.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Query argument of the Users list's Online view (`users.php?presence=online`).
 *
 * @since 0.2.0
 */
const WPP_ONLINE_VIEW_ARG = 'presence';

/**
 * Seconds a last-seen entry lives: the longest any backend keeps an entry.
 *
 * @since 0.2.0
 */
const WPP_LAST_SEEN_TTL = DAY_IN_SECONDS;

/**
 * Notes that a user was here just now. Its entry has no owner (user_id 0), so removing a user's
 * entries at logout does not remove when they were last seen.
 *
 * @since 0.2.0
 *
 * @param int $user_id User.
 */
function wpp_users_list_note_last_seen( int $user_id ): void {
	if ( $user_id > 0 ) {
		wpp_backend()->set( WPP_LAST_SEEN_ROOM, wpp_client_ids_user( $user_id ), array(), 0, WPP_LAST_SEEN_TTL );
	}
}

/**
 * At logout, after the user's entries are gone, when they were last seen. Hooked to `wp_logout`
 * after wpp_lifecycle_logout().
 *
 * @since 0.2.0
 *
 * @param int $user_id The user who logged out.
 */
function wpp_users_list_note_last_seen_at_logout( $user_id = 0 ): void {
	$user_id = (int) $user_id > 0 ? (int) $user_id : get_current_user_id();
	if ( $user_id > 0 && user_can( $user_id, 'edit_posts' ) ) {
		wpp_users_list_note_last_seen( $user_id );
	}
}

/**
 * Everyone online and everyone seen within a day, for the Users list: user id => `active` or
 * `idle` (online now) or `seen` (offline), with the time of their last tick or visit. Read once
 * per request.
 *
 * @since 0.2.0
 *
 * @param bool $fresh True to read the store again.
 * @return array<int,array{status:string,time:float}>
 */
function wpp_users_list_presence( bool $fresh = false ): array {
	static $cache = null;
	if ( null !== $cache && ! $fresh ) {
		return $cache;
	}
	$backend = wpp_backend();
	$now     = microtime( true );
	$cache   = array();
	foreach ( $backend->get_room( WPP_LAST_SEEN_ROOM, WPP_LAST_SEEN_TTL ) as $entry ) {
		if ( preg_match( '/^user-([0-9]+)$/D', (string) $entry['client_id'], $m ) ) {
			$cache[ (int) $m[1] ] = array(
				'status' => 'seen',
				'time'   => (float) $entry['updated_at'],
			);
		}
	}
	foreach ( wpp_client_ids_user_entries( $backend->get_room( WPP_ADMIN_ROOM, wpp_entries_default_ttl() ) ) as $entry ) {
		$cache[ (int) $entry['user_id'] ] = array(
			'status' => wpp_payload_user_item( $entry, $now )['status'],
			'time'   => (float) $entry['updated_at'],
		);
	}
	return $cache;
}

/**
 * Ids of the users online now.
 *
 * @since 0.2.0
 *
 * @param bool $fresh True to read the store again.
 * @return int[]
 */
function wpp_users_list_online_ids( bool $fresh = false ): array {
	$ids = array();
	foreach ( wpp_users_list_presence( $fresh ) as $user_id => $presence ) {
		if ( 'seen' !== $presence['status'] ) {
			$ids[] = (int) $user_id;
		}
	}
	return $ids;
}

/**
 * Whether the Users list is showing its Online view. Not in Network Admin, whose list of every
 * user has an Online view of its own (network-users-list.php).
 *
 * @since 0.2.0
 *
 * @return bool
 */
function wpp_users_list_is_online_view(): bool {
	// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a view of a list, nothing changes.
	return ! is_network_admin() && isset( $_GET[ WPP_ONLINE_VIEW_ARG ] ) && 'online' === $_GET[ WPP_ONLINE_VIEW_ARG ];
}

/**
 * Adds "Online (n)" to the views of the Users list. Hooked to `views_users`.
 *
 * @since 0.2.0
 *
 * @param string[] $views View links (HTML).
 * @return string[]
 */
function wpp_users_list_views( $views ) {
	if ( ! is_array( $views ) || ! current_user_can( 'list_users' ) ) {
		return $views;
	}
	$count   = count( wpp_users_list_online_ids() );
	$current = wpp_users_list_is_online_view();
	if ( $current ) {
		// The "All" view is not the current one while this one is.
		$views = array_map( static fn( $view ) => str_replace( array( ' class="current"', ' aria-current="page"' ), '', (string) $view ), $views );
	}
	$views['wpp_online'] = sprintf(
		'<a href="%1$s"%2$s>%3$s <span class="count">(%4$s)</span></a>',
		esc_url( admin_url( 'users.php?' . WPP_ONLINE_VIEW_ARG . '=online' ) ),
		$current ? ' class="current" aria-current="page"' : '',
		esc_html__( 'Online', 'presence' ),
		esc_html( number_format_i18n( $count ) )
	);
	return $views;
}

/**
 * Limits the Users list to the users online now in its Online view. Hooked to
 * `users_list_table_query_args`.
 *
 * @since 0.2.0
 *
 * @param array $args WP_User_Query arguments.
 * @return array
 */
function wpp_users_list_query_args( $args ) {
	if ( ! is_array( $args ) || ! wpp_users_list_is_online_view() || ! current_user_can( 'list_users' ) ) {
		return $args;
	}
	$ids             = wpp_users_list_online_ids();
	$args['include'] = $ids ? $ids : array( 0 ); // Nobody online: an empty list, not everyone.
	return $args;
}

/**
 * Adds the Status column. Hooked to `manage_users_columns`.
 *
 * @since 0.2.0
 *
 * @param string[] $columns Columns.
 * @return string[]
 */
function wpp_users_list_columns( $columns ) {
	if ( ! is_array( $columns ) || ! current_user_can( 'list_users' ) ) {
		return $columns;
	}
	$columns['wpp_status'] = __( 'Status', 'presence' );
	return $columns;
}

/**
 * The Status cell: "Active" or "Idle" now, else "Last seen 3 hours ago", else a dash. Hooked to
 * `manage_users_custom_column`.
 *
 * @since 0.2.0
 *
 * @param string $output  Cell HTML so far.
 * @param string $column  Column name.
 * @param int    $user_id User of the row.
 * @return string HTML.
 */
function wpp_users_list_column( $output, $column, $user_id ) {
	if ( 'wpp_status' !== $column ) {
		return $output;
	}
	$presence = wpp_users_list_presence()[ (int) $user_id ] ?? null;
	if ( null === $presence ) {
		return '<span aria-hidden="true">—</span><span class="screen-reader-text">' . esc_html__( 'Not seen today', 'presence' ) . '</span>';
	}
	if ( 'seen' !== $presence['status'] ) {
		return wpp_render_status( $presence['status'] );
	}
	return sprintf(
		'<span class="wpp-last-seen">%1$s</span>',
		/* translators: %s: e.g. "3 hours ago", in a <time> element. */
		sprintf( esc_html__( 'Last seen %s', 'presence' ), wpp_render_time( $presence['time'] ) )
	);
}

/**
 * Where to see everyone online: the Users list's "Online" view for those who may list users,
 * else the dashboard (its "Who's online" widget).
 *
 * @since 0.2.0
 *
 * @return string URL.
 */
function wpp_users_list_online_url(): string {
	return current_user_can( 'list_users' ) ? admin_url( 'users.php?' . WPP_ONLINE_VIEW_ARG . '=online' ) : admin_url( 'index.php#wpp_whos_online' );
}
