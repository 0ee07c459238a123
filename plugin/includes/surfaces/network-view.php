<?php
/**
 * The network view: which sites of a multisite network have people online, and who, for
 * Network Admin (the Who's online widget, the Sites and Users lists), the network REST routes
 * and `wp presence network`.
 *
 * Every site's heartbeat already writes its people into the site's own `admin/online` room. The
 * view reads those rooms for every site at once (WPP_Backend::network_room(): one read of the
 * extension's store, no database query; one query per 500 sites on the database fallback) and
 * writes nothing: no summary table, nothing a site's heartbeat has to keep current. On shared
 * memory the store is one machine's, so a network served by several machines sees there only
 * the people whose requests that machine served; with the extension on Redis, the whole fleet's.
 *
 * What it tells is which sites and who (the name and avatar each user's own heartbeat wrote),
 * never where on a site someone is: wpp_network_view_site_where() builds that for one site, on
 * that site, for the current user, through the privacy rule.
 *
 * Collecting only; the surfaces render.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The feature switch of the Network Admin screens: a network-only feature
 * (WPP_SWITCHES_NETWORK_FEATURES).
 *
 * @since 0.2.0
 */
const WPP_NETWORK_VIEW_FEATURE = 'network-admin';

/**
 * Client ids the view reads: the heartbeat's own entries (wpp_client_ids_user()).
 *
 * @since 0.2.0
 */
const WPP_NETWORK_VIEW_CLIENT_PREFIX = 'user-';

/**
 * The capability that lets a user see who is online across the network.
 *
 * @since 0.2.0
 *
 * @return string
 */
function wpp_network_view_capability(): string {
	/**
	 * Filters the capability needed to see presence across the network: the Network Admin
	 * widget and list columns, the network REST routes and `wp presence network --user=…`.
	 *
	 * @since 0.2.0
	 *
	 * @param string $capability Default 'manage_network'.
	 */
	$capability = apply_filters( 'wp_presence_network_capability', 'manage_network' );
	return is_string( $capability ) && '' !== $capability ? $capability : 'manage_network';
}

/**
 * Whether the current user may see who is online across the network.
 *
 * @since 0.2.0
 *
 * @return bool False on a single site.
 */
function wpp_network_view_can_see(): bool {
	return is_multisite() && current_user_can( wpp_network_view_capability() );
}

/**
 * Whether the network view is built at all.
 *
 * @since 0.2.0
 *
 * @return bool False on a single site; by default false on a large network (wp_is_large_network()).
 */
function wpp_network_view_aggregating(): bool {
	if ( ! is_multisite() ) {
		return false;
	}
	/**
	 * Filters whether who is online is gathered across the network. Nothing is written for it
	 * (the view reads every site's own entries when it is shown), so the cost is the read.
	 *
	 * @since 0.2.0
	 *
	 * @param bool $enabled Default true, but false on a large network (wp_is_large_network()).
	 */
	return (bool) apply_filters( 'wp_presence_network_aggregation_enabled', ! wp_is_large_network() );
}

/**
 * Whether the Network Admin screens show presence: the network-only feature `network-admin`
 * (Network Admin › Settings › Presence; site option `wp_presence_network_features`, a missing
 * choice is on), then the `wp_presence_feature_enabled` filter, as wpp_switches_feature_enabled()
 * reads them. The REST routes and WP-CLI do not depend on it.
 *
 * @since 0.2.0
 * @since 0.3.0 Read through wpp_switches_feature_enabled().
 *
 * @return bool
 */
function wpp_network_view_screens_enabled(): bool {
	return wpp_switches_feature_enabled( WPP_NETWORK_VIEW_FEATURE );
}

/**
 * Ids of the sites of this network whose people count: not archived, spam or deleted. One query
 * (WP_Site_Query caches it for the request, and across requests with a persistent object cache).
 *
 * @since 0.2.0
 *
 * @return int[]
 */
function wpp_network_view_blog_ids(): array {
	$ids = get_sites(
		array(
			'fields'     => 'ids',
			'number'     => 0,
			'network_id' => get_current_network_id(),
			'archived'   => 0,
			'spam'       => 0,
			'deleted'    => 0,
		)
	);
	return array_map( 'intval', (array) $ids );
}

/**
 * The network view, read once per request.
 *
 * - `aggregating`: wpp_network_view_aggregating(); when false, nothing else is read.
 * - `sites`: blog id => its users online (user id => `user_id`, `display_name`, `avatar_url`,
 *   `updated_at`), lowest ids first; sites busiest first (most users, then lowest blog id).
 * - `people`: distinct users online anywhere on the network.
 * - `users_online`: users summed per site (someone on two sites counts twice).
 * - `user_sites`: user id => the blog ids they are online on, busiest first.
 *
 * @since 0.2.0
 *
 * @param bool $fresh True to read the store again.
 * @return array{aggregating:bool,sites:array<int,array<int,array>>,people:int,users_online:int,user_sites:array<int,int[]>}
 */
function wpp_network_view_read( bool $fresh = false ): array {
	static $view = null;
	if ( null !== $view && ! $fresh ) {
		return $view;
	}
	$view = array(
		'aggregating'  => wpp_network_view_aggregating(),
		'sites'        => array(),
		'people'       => 0,
		'users_online' => 0,
		'user_sites'   => array(),
	);
	if ( ! $view['aggregating'] ) {
		return $view;
	}

	$rooms = wpp_backend()->network_room( wpp_network_view_blog_ids(), WPP_ADMIN_ROOM, wpp_entries_default_ttl(), WPP_NETWORK_VIEW_CLIENT_PREFIX );
	foreach ( $rooms as $blog_id => $entries ) {
		$users = array();
		foreach ( $entries as $entry ) {
			// The heartbeat's own entries only (as wpp_client_ids_user_entries(), inline: this
			// runs for every person on the network).
			$user_id = (int) $entry['user_id'];
			if ( $user_id > 0 && 'user-' . $user_id === $entry['client_id'] ) {
				$users[ $user_id ] = wpp_network_view_user( $entry );
			}
		}
		if ( $users ) {
			ksort( $users );
			$view['sites'][ (int) $blog_id ] = $users;
		}
	}
	$counts = array_map( 'count', $view['sites'] );
	uksort( $view['sites'], static fn( int $a, int $b ): int => ( $counts[ $b ] <=> $counts[ $a ] ) ?: $a <=> $b );
	foreach ( $view['sites'] as $blog_id => $users ) {
		$view['users_online'] += count( $users );
		foreach ( array_keys( $users ) as $user_id ) {
			$view['user_sites'][ $user_id ][] = $blog_id;
		}
	}
	$view['people'] = count( $view['user_sites'] );
	return $view;
}

/**
 * What the view keeps of a user's entry: who they are, never where (the entry's screen and post
 * stay behind).
 *
 * @since 0.2.0
 *
 * @param array $entry A `user-{id}` entry of `admin/online`.
 * @return array{user_id:int,display_name:string,avatar_url:string,updated_at:float}
 */
function wpp_network_view_user( array $entry ): array {
	$name   = $entry['data']['display_name'] ?? '';
	$avatar = $entry['data']['avatar_url'] ?? '';
	return array(
		'user_id'      => (int) $entry['user_id'],
		'display_name' => is_string( $name ) ? $name : '',
		'avatar_url'   => is_string( $avatar ) ? $avatar : '',
		'updated_at'   => (float) $entry['updated_at'],
	);
}

/**
 * A site's users as a list to show: at most $limit of them (the lowest user ids, so the faces
 * shown do not change with every heartbeat), by name.
 *
 * @since 0.2.0
 *
 * @param array<int,array> $users Users of one site of the view.
 * @param int              $limit Most users; 0 for all.
 * @return array[] `user_id`, `display_name`, `avatar_url`.
 */
function wpp_network_view_named_users( array $users, int $limit ): array {
	$named = $limit > 0 ? array_slice( $users, 0, $limit, true ) : $users;
	$out   = array();
	foreach ( $named as $user ) {
		$out[] = array(
			'user_id'      => (int) $user['user_id'],
			'display_name' => (string) $user['display_name'],
			'avatar_url'   => (string) $user['avatar_url'],
		);
	}
	usort( $out, static fn( array $a, array $b ): int => strnatcasecmp( $a['display_name'], $b['display_name'] ) ?: $a['user_id'] <=> $b['user_id'] );
	return $out;
}

/**
 * Sites of the view as the REST API and WP-CLI give them: `blog_id`, `domain`, `path`, `url`,
 * `user_count` (every user online there) and `users` (wpp_network_view_named_users()). The
 * sites are loaded in one query.
 *
 * @since 0.2.0
 *
 * @param int[] $blog_ids       Sites of the view, in the order wanted.
 * @param int   $users_per_site Most users named per site; 0 for all.
 * @return array[]
 */
function wpp_network_view_items( array $blog_ids, int $users_per_site ): array {
	$view = wpp_network_view_read();
	_prime_site_caches( array_map( 'intval', $blog_ids ), false );
	$items = array();
	foreach ( $blog_ids as $blog_id ) {
		$site = get_site( (int) $blog_id );
		if ( ! $site instanceof WP_Site ) {
			continue;
		}
		$users   = $view['sites'][ (int) $blog_id ] ?? array();
		$items[] = array(
			'blog_id'    => (int) $site->blog_id,
			'domain'     => (string) $site->domain,
			'path'       => (string) $site->path,
			'url'        => wpp_network_view_site_url( $site ),
			'user_count' => count( $users ),
			'users'      => wpp_network_view_named_users( $users, $users_per_site ),
		);
	}
	return $items;
}

/**
 * A site's address, built from its domain and path (no query).
 *
 * @since 0.2.0
 *
 * @param WP_Site $site Site.
 * @return string URL with a trailing slash.
 */
function wpp_network_view_site_url( WP_Site $site ): string {
	return set_url_scheme( 'http://' . $site->domain . $site->path );
}

/**
 * A site's name to show: its title, or its domain and path when it has none. A site's title is
 * one of its options, loaded with its other autoloaded options: a query per site (none with a
 * persistent object cache), so only for the few sites a widget names.
 *
 * @since 0.2.0
 *
 * @param WP_Site $site Site.
 * @return string Text.
 */
function wpp_network_view_site_name( WP_Site $site ): string {
	// Not $site->blogname: WP_Site::get_details() also counts the site's posts (one more query).
	$name = trim( html_entity_decode( (string) get_blog_option( (int) $site->blog_id, 'blogname' ), ENT_QUOTES | ENT_HTML5, 'UTF-8' ) );
	return '' !== $name ? $name : untrailingslashit( $site->domain . $site->path );
}

/**
 * Where the current user may go for a site: its page in Network Admin for those who may manage
 * sites, else the site itself.
 *
 * @since 0.2.0
 *
 * @param WP_Site $site Site.
 * @return string URL.
 */
function wpp_network_view_site_link( WP_Site $site ): string {
	return current_user_can( 'manage_sites' ) ? network_admin_url( 'site-info.php?id=' . (int) $site->blog_id ) : wpp_network_view_site_url( $site );
}

/**
 * Where the current user may go for a user: their profile in Network Admin when they may edit
 * it, else '' (no link).
 *
 * @since 0.2.0
 *
 * @param int $user_id User.
 * @return string URL or ''.
 */
function wpp_network_view_user_link( int $user_id ): string {
	return current_user_can( 'edit_user', $user_id ) ? network_admin_url( 'user-edit.php?user_id=' . $user_id ) : '';
}

/**
 * Loads the users whose links are checked, in one batch, for viewers whose `edit_user` check
 * looks at the other user (all but super admins); nothing for a super admin.
 *
 * @since 0.2.0
 *
 * @param int[] $user_ids Users.
 */
function wpp_network_view_prime_users( array $user_ids ): void {
	if ( $user_ids && ! is_super_admin() ) {
		cache_users( array_values( array_unique( array_map( 'intval', $user_ids ) ) ) );
	}
}

/**
 * Where each user online on one site is, as the current user may see it there: built on that
 * site (one switch_to_blog(), the posts named loaded in one query), through
 * wpp_privacy_entries_for_viewer() and wpp_screens_where(), so a post the current user may not
 * edit on that site reads "Editing a post", with no title, id or link.
 *
 * @since 0.2.0
 *
 * @param int $blog_id Site.
 * @return array<int,array{label:string,url:string}> User id => where.
 */
function wpp_network_view_site_where( int $blog_id ): array {
	$where = array();
	switch_to_blog( $blog_id );
	try {
		$viewer  = wp_get_current_user(); // switch_to_blog() gave it this site's roles.
		$entries = wpp_client_ids_user_entries( wpp_backend()->get_room( WPP_ADMIN_ROOM, wpp_entries_default_ttl() ) );
		wpp_privacy_prime_posts( $entries );
		foreach ( wpp_privacy_entries_for_viewer( $entries, $viewer ) as $entry ) {
			$place                            = wpp_screens_where( (array) $entry['data'], $viewer );
			$where[ (int) $entry['user_id'] ] = array(
				'label' => $place['label'],
				'url'   => $place['url'],
			);
		}
	} finally {
		restore_current_blog();
	}
	return $where;
}

/**
 * Says on the Sites and Users screens of Network Admin, to those who may see presence there,
 * that the network view is off. Hooked to `network_admin_notices`.
 *
 * @since 0.2.0
 */
function wpp_network_view_notice(): void {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	// The dashboard's widget says it itself.
	if ( ! $screen instanceof WP_Screen || ! in_array( $screen->id, array( 'sites-network', 'users-network' ), true )
		|| ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() || wpp_network_view_aggregating() ) {
		return;
	}
	printf(
		'<div class="notice notice-info"><p>%s</p></div>',
		esc_html__( 'Presence is not gathered across this network, so who is online cannot be shown here.', 'presence' )
	);
}

/**
 * Loads the Network Admin stylesheet on the screens that show the network view. Hooked to
 * `admin_enqueue_scripts` after wpp_assets_register() and wpp_assets_enqueue_admin(), whose client
 * shows the avatar images and keeps the widget current (its `network-widget` surface).
 *
 * @since 0.2.0
 */
function wpp_network_view_enqueue(): void {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( ! $screen instanceof WP_Screen || ! in_array( $screen->id, array( 'dashboard-network', 'sites-network', 'users-network' ), true )
		|| ! wpp_network_view_screens_enabled() || ! wpp_network_view_can_see() ) {
		return;
	}
	$url = plugins_url( 'assets/', WPP_FILE );
	// The client's surfaces script (enqueued with the client) shows the avatars and swaps in the
	// widget's fragment: only the network's stylesheet is added here.
	wp_enqueue_style( 'wpp-presence-network', $url . 'css/presence-network.css', array( 'wpp-presence' ), WPP_VERSION );
}
