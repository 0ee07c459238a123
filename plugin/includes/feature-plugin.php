<?php
/**
 * Living beside the Presence API feature plugin, and switching from it.
 *
 * The feature plugin keeps its entries in `{prefix}presence` (columns room, client_id, user_id,
 * data, date_gmt and, in later versions, expires_gmt), declares the wp_*_presence() functions when
 * its files are included and registers `wp-presence/v1/presence` and `/presence/rooms`. While it
 * is active:
 * - its functions are the ones declared (api/public-api.php declares ours only when none exists),
 * - Presence registers neither of these routes (wpp_routes_register()), so no route is served
 *   by both: the feature plugin serves the PHP and REST contract, consistently,
 * - Presence never writes, alters or drops its table, and keeps feeding its own store from the
 *   heartbeat for its own screens,
 * - administrators see one notice saying so and how to switch.
 * Its live entries are copied into Presence's store when Presence is activated, and again when
 * the feature plugin is deactivated, so the switch loses nobody who is online.
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * File name of the feature plugin's main file (in its own directory).
 *
 * @since 0.2.0
 */
const WPP_FEATURE_PLUGIN_FILE = 'presence-api.php';

/**
 * Whether the Presence API feature plugin is loaded in this request (found by its REST controller
 * class or its route registration function).
 *
 * @since 0.2.0
 *
 * @return bool
 */
function wpp_feature_plugin_active(): bool {
	return class_exists( 'WP_REST_Presence_Controller', false ) || function_exists( 'wp_presence_register_rest_routes' );
}

/**
 * Turns one live row of the feature plugin's table into the entry Presence stores, or null for a
 * row Presence does not take over: its other bookkeeping (`_collab`, …), or a row that would
 * pose as one of Presence's own entries (below).
 *
 * The feature plugin's heartbeat entries become Presence's own, so they show at once in Presence's
 * screens: `user-{id}` in `admin/online` keeps its screen and the post it names when the user may
 * edit it (never its browser-sent title) and gets the user's display name and avatar;
 * `editor-{id}` in a post's room keeps its editor state (`action`, `screen`, `locked`) and gets
 * the display name and avatar. A post's `_lock` keeps its holder and its time, so a lock taken
 * under the feature plugin holds until it expires. Any other entry is copied as it is, except
 * those that would pose as Presence's own: another `user-`, `editor-` or `agent-{id}` (the
 * surfaces show such an entry with the name and avatar its data holds, and the feature plugin
 * lets any editor write one over REST), and entries of Presence's internal rooms (screen
 * revisions, last seen).
 *
 * @since 0.2.0
 * @since 0.3.0 `editor-{id}` stays `editor-{id}`; `_lock` is taken over, dated its own time.
 *
 * @param object $row     Row with room, client_id, user_id, data (JSON text).
 * @param int    $expires Unix time at which the row expires.
 * @param int    $now     Current unix time.
 * @return array{room:string,client_id:string,data:array,user_id:int,ttl:int,written_at?:int}|null
 *         `ttl` counts from `written_at` when given (the lock's time), else from now.
 */
function wpp_feature_plugin_entry( object $row, int $expires, int $now ): ?array {
	$room      = (string) ( $row->room ?? '' );
	$client_id = (string) ( $row->client_id ?? '' );
	$user_id   = max( 0, (int) ( $row->user_id ?? 0 ) );
	$data      = json_decode( (string) ( $row->data ?? '' ), true );
	$data      = is_array( $data ) ? $data : array();
	if ( $expires <= $now ) {
		return null;
	}
	if ( WPP_LOCK_CLIENT === $client_id && false !== wpp_rooms_parse( $room ) ) {
		$dated = (int) strtotime( (string) ( $row->date_gmt ?? '' ) . ' UTC' );
		$dated = $dated > 0 ? min( $dated, $now ) : $now;
		return array(
			'room'       => $room,
			'client_id'  => WPP_LOCK_CLIENT,
			'data'       => array(),
			'user_id'    => $user_id,
			'ttl'        => max( 1, $expires - $dated ),
			'written_at' => $dated,
		);
	}
	if ( wpp_client_ids_is_reserved( $client_id ) ) {
		return null;
	}

	$user = $user_id > 0 ? get_userdata( $user_id ) : false;
	if ( $user && WPP_ADMIN_ROOM === $room && 'user-' . $user_id === $client_id ) {
		// As Presence's heartbeat writes it: no title a browser sent (others are shown the server's
		// post title, and only when they may edit it), a post only when this user may edit it.
		$post_id   = wpp_ping_clean_id( $data['post_id'] ?? 0 );
		$post_room = $post_id > 0 ? wpp_rooms_for_post( $post_id ) : false;
		$data      = wpp_write_user_fields( $user ) + array(
			'screen'  => wpp_ping_clean_key( $data['screen'] ?? '' ),
			'post_id' => false !== $post_room && wpp_rooms_can_access( $post_room, $user_id ) ? $post_id : 0,
			'tab'     => '',
		);
	} elseif ( $user && null !== wpp_rooms_parse_post( $room ) && wpp_client_ids_editor( $user_id ) === $client_id ) {
		$data = array(
			'action' => 'editing',
			'screen' => wpp_ping_clean_key( $data['screen'] ?? 'post' ),
			'locked' => ! empty( $data['locked'] ),
		) + wpp_write_user_fields( $user ) + array( 'tab' => '' );
	} elseif ( wpp_client_ids_is_user( $client_id ) || str_starts_with( $room, WPP_SCREEN_ROOM_PREFIX ) || WPP_LAST_SEEN_ROOM === $room ) {
		return null;
	}
	return array(
		'room'      => $room,
		'client_id' => $client_id,
		'data'      => $data,
		'user_id'   => $user_id,
		'ttl'       => $expires - $now,
	);
}

/**
 * Copies the live entries of the feature plugin's table on the current site into Presence's store
 * (whichever backend is active). Rows Presence refuses (an empty room, a name over its limits)
 * are skipped and counted. Reads the table only: it is never written, altered or dropped.
 *
 * @since 0.2.0
 *
 * @return array{imported:int,skipped:int} How many entries were copied, and how many refused.
 */
function wpp_feature_plugin_import(): array {
	global $wpdb;
	$result = array(
		'imported' => 0,
		'skipped'  => 0,
	);
	$owner = wpp_table_legacy_owner();
	if ( 'presence-api' !== $owner && 'shared' !== $owner ) {
		return $result;
	}
	$table   = wpp_table_legacy_name();
	$now     = time();
	$ttl     = wpp_entries_default_ttl();
	$expires = in_array( 'expires_gmt', wpp_table_columns( $table ), true );
	// Later versions store each row's expiry; the first ones only date_gmt, live for the TTL.
	$sql  = $expires
		? $wpdb->prepare( "SELECT room, client_id, user_id, data, date_gmt, expires_gmt FROM {$table} WHERE expires_gmt > %s", gmdate( 'Y-m-d H:i:s', $now ) )
		: $wpdb->prepare( "SELECT room, client_id, user_id, data, date_gmt FROM {$table} WHERE date_gmt > %s", gmdate( 'Y-m-d H:i:s', $now - $ttl ) );
	$rows = (array) $wpdb->get_results( $sql );
	cache_users( array_filter( array_map( 'intval', wp_list_pluck( $rows, 'user_id' ) ) ) );

	foreach ( $rows as $row ) {
		$until = $expires ? (int) strtotime( $row->expires_gmt . ' UTC' ) : (int) strtotime( $row->date_gmt . ' UTC' ) + $ttl;
		$entry = wpp_feature_plugin_entry( $row, $until, $now );
		if ( null === $entry ) {
			continue;
		}
		$stored = wpp_entries_set( $entry['room'], $entry['client_id'], $entry['data'], $entry['user_id'], $entry['ttl'], isset( $entry['written_at'] ) ? (float) $entry['written_at'] : null );
		++$result[ true === $stored ? 'imported' : 'skipped' ];
	}
	return $result;
}

/**
 * When the feature plugin is deactivated, copies the entries it still holds (written since
 * Presence was activated) into Presence's store, on every site when it was network-active.
 * Hooked to `deactivated_plugin`; the feature plugin's table is still there at that point.
 *
 * @since 0.2.0
 *
 * @param string $plugin       Basename of the deactivated plugin.
 * @param bool   $network_wide Whether it was deactivated for the whole network.
 */
function wpp_feature_plugin_deactivated( $plugin, $network_wide = false ): void {
	if ( WPP_FEATURE_PLUGIN_FILE !== basename( (string) $plugin ) ) {
		return;
	}
	if ( is_multisite() && $network_wide ) {
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
			switch_to_blog( (int) $blog_id );
			wpp_feature_plugin_import();
			restore_current_blog();
		}
		return;
	}
	wpp_feature_plugin_import();
}

/**
 * While the feature plugin is active too: one notice, for users who can switch plugins, saying
 * which plugin serves presence and how to switch. Hooked to `admin_notices` and
 * `network_admin_notices`.
 *
 * @since 0.2.0
 */
function wpp_feature_plugin_notice(): void {
	if ( ! wpp_feature_plugin_active() || ! current_user_can( 'activate_plugins' ) ) {
		return;
	}
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( ! $screen || ! in_array( $screen->id, WPP_NOTICE_SCREENS, true ) ) {
		return;
	}
	printf(
		'<div class="notice notice-warning"><p>%s</p><p><a href="%s">%s</a></p></div>',
		esc_html__( 'Presence and the Presence API plugin are both active. Presence API serves presence: the wp_*_presence() functions and the wp-presence/v1 REST routes are its own, and its table is left alone. Presence only keeps its Who’s online widget and editor avatars up to date. To switch to Presence, deactivate Presence API: the people it shows online are copied into Presence as it is deactivated, and Presence serves the functions and routes from the next request on.', 'presence' ),
		esc_url( is_network_admin() ? network_admin_url( 'plugins.php' ) : admin_url( 'plugins.php' ) ),
		esc_html__( 'Go to Plugins', 'presence' )
	);
}
