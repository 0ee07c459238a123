<?php
/**
 * The presence client scripts and their configuration: loaded on admin pages, and on front-end
 * pages that show the admin bar, for users who can `edit_posts`. The configuration is one JSON
 * object (`wppPresenceConfig`) printed before the client; the scripts are plain files in
 * plugin/assets/ on WordPress's own packages (wp.hooks, wp.apiFetch, wp.domReady, wp.date,
 * wp.i18n with the text domain `presence`), with no build step.
 *
 * Scripts (handle => file):
 *   wpp-presence-tabs              presence-tabs.js              one leading tab per site
 *   wpp-presence-lane              presence-lane.js              the live lane's poller
 *   wpp-presence                   presence-client.js            heartbeat, lane, live surfaces
 *   wpp-presence-surfaces          presence-surfaces.js          the built-in surfaces
 *   wp-presence                    presence-api.js               wp.presence (the feature plugin's)
 *   wpp-presence-synced-patterns   presence-synced-patterns.js   the synced-pattern notice
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers the scripts and the stylesheet (once). Hooked to `admin_enqueue_scripts` and
 * `wp_enqueue_scripts` before the enqueue callbacks; the block editor's assets, which come
 * before those, call it too.
 *
 * @since 0.1.0
 * @since 0.3.0 The client in its parts, the feature plugin's `wp-presence`, the synced-pattern notice.
 */
function wpp_assets_register(): void {
	if ( wp_script_is( 'wpp-presence', 'registered' ) ) {
		return;
	}
	$url = plugins_url( 'assets/', WPP_FILE );
	$ver = WPP_VERSION;

	wp_register_script( 'wpp-presence-tabs', $url . 'js/presence-tabs.js', array(), $ver, true );
	wp_register_script( 'wpp-presence-lane', $url . 'js/presence-lane.js', array( 'wp-api-fetch' ), $ver, true );
	wp_register_script( 'wpp-presence', $url . 'js/presence-client.js', array( 'heartbeat', 'wp-hooks', 'wp-api-fetch', 'wp-dom-ready', 'wpp-presence-tabs', 'wpp-presence-lane' ), $ver, true );
	wp_register_script( 'wpp-presence-surfaces', $url . 'js/presence-surfaces.js', array( 'wpp-presence', 'wp-hooks', 'wp-i18n', 'wp-a11y', 'wp-date', 'wp-dom-ready' ), $ver, true );
	wp_register_script( 'wp-presence', $url . 'js/presence-api.js', array( 'wpp-presence', 'wp-api-fetch', 'wp-hooks' ), $ver, true );
	wp_register_script( 'wpp-presence-synced-patterns', $url . 'js/presence-synced-patterns.js', array( 'wp-presence', 'wp-element', 'wp-components', 'wp-compose', 'wp-hooks', 'wp-i18n' ), $ver, true );
	wp_register_style( 'wpp-presence', $url . 'css/presence.css', array(), $ver );

	foreach ( array( 'wpp-presence-surfaces', 'wpp-presence-synced-patterns' ) as $handle ) {
		wp_set_script_translations( $handle, 'presence', WPP_DIR . '/languages' );
	}
}

/**
 * Enqueues the client on admin pages. Hooked to `admin_enqueue_scripts`.
 *
 * The rooms the page follows through the live lane are settled first and their versions read
 * before anything the page shows is, so a change in between is reported by the first poll.
 *
 * @since 0.1.0
 */
function wpp_assets_enqueue_admin(): void {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( ! $screen instanceof WP_Screen || ! current_user_can( 'edit_posts' ) ) {
		return;
	}

	$post_id   = wpp_editor_post_id( $screen );
	$room      = $post_id > 0 ? wpp_rooms_for_post( $post_id ) : false;
	$dashboard = 'dashboard' === $screen->id;
	$listing   = 'edit' === $screen->base && post_type_supports( (string) $screen->post_type, 'presence' );
	$rooms     = false !== $room ? array( $room ) : array();
	if ( $listing ) {
		$rooms = array_values( wpp_posts_list_page_rooms() ); // No store read before the lane's.
	}
	// Network Admin shows every site's people; the lane follows one site's rooms, and would slow
	// the heartbeat that keeps the network's pages current down to its keep-alive pace.
	$live = $screen->in_admin( 'network' ) ? false : wpp_lane_client_config( wpp_lane_page_rooms( $rooms ) );

	$initial = wpp_page_view_initial_state( $post_id );
	$key     = wpp_stale_screen_key( $screen );
	if ( $dashboard ) {
		$initial['activePosts'] = wpp_active_posts_state();
	}
	wpp_assets_enqueue_client(
		array(
			'screen'               => wpp_ping_clean_key( $screen->id ),
			'postId'               => $post_id,
			'isEditor'             => $post_id > 0,
			'blockEditor'          => $post_id > 0 && $screen->is_block_editor(),
			'siteEditor'           => 'site-editor' === $screen->id,
			'editorRoom'           => false !== $room ? $room : '',
			'initialCollaborators' => isset( $initial['editors'] ) ? (int) ( $initial['editors']['total'] ?? 0 ) + 1 : 0,
			'screenKey'            => $key,
			'screenToken'          => wpp_stale_screen_token( $key ), // Lets markScreenStale() mark a custom key.
			'activePosts'          => $dashboard,
			'postRows'             => $listing ? wpp_posts_list_client_config() : null,
			'initial'              => $initial,
			'live'                 => $live,
		)
	);
}

/**
 * Enqueues the client on front-end pages that show the admin bar. Hooked to `wp_enqueue_scripts`.
 *
 * @since 0.1.0
 */
function wpp_assets_enqueue_front(): void {
	if ( ! is_admin_bar_showing() || ! current_user_can( 'edit_posts' ) ) {
		return;
	}
	$live = wpp_lane_client_config( wpp_lane_page_rooms( array() ) );
	wpp_assets_enqueue_client(
		array(
			'screen'               => 'front',
			'postId'               => 0,
			'isEditor'             => false,
			'blockEditor'          => false,
			'siteEditor'           => false,
			'editorRoom'           => '',
			'initialCollaborators' => 0,
			'screenKey'            => '',
			'screenToken'          => '',
			'activePosts'          => false,
			'postRows'             => null,
			'initial'              => array( 'online' => wpp_page_view_online_state() ),
			'live'                 => $live,
		)
	);
}

/**
 * The feature plugin's idle back-off, for pages without the live lane: after `ticks` unchanged
 * ticks the heartbeat widens to `interval` seconds, always inside the TTL.
 *
 * @since 0.3.0
 *
 * @return array{ticks:int,interval:int}
 */
function wpp_assets_backoff(): array {
	/**
	 * Filters how many unchanged heartbeat ticks widen the interval (0: never).
	 *
	 * @since 0.3.0
	 *
	 * @param int $ticks Default 5.
	 */
	$ticks = max( 0, (int) apply_filters( 'wp_presence_heartbeat_idle_ticks', 5 ) );
	/**
	 * Filters the interval, in seconds, the heartbeat widens to after unchanged ticks. Kept
	 * inside the TTL (at most the TTL less 15 seconds), so entries never expire between ticks.
	 *
	 * @since 0.3.0
	 *
	 * @param int $seconds Default 45.
	 */
	$interval = (int) apply_filters( 'wp_presence_heartbeat_idle_interval', 45 );
	return array(
		'ticks'    => $ticks,
		'interval' => max( 0, min( $interval, wpp_lane_keepalive() ) ),
	);
}

/**
 * Enqueues the client scripts with their configuration object.
 *
 * @since 0.1.0
 *
 * @param array $page What the page contributes to the configuration.
 */
function wpp_assets_enqueue_client( array $page ): void {
	$config = $page + array(
		'userId'      => get_current_user_id(),
		'tab'         => wpp_page_view_tab_id(),
		// What the page's tabs elect a leader for: this site and this user, so a tab left open by
		// someone who logged out never leads the next user's tabs.
		'scope'       => admin_url( 'admin-ajax.php' ) . '|' . get_current_user_id(),
		'serverTime'  => microtime( true ),
		// Saves after the request started may not be in the page: the stale check starts there.
		'screenSince' => (float) ( $_SERVER['REQUEST_TIME_FLOAT'] ?? microtime( true ) ),
		'backoff'     => wpp_assets_backoff(),
	);

	wp_enqueue_script( 'wpp-presence' );
	wp_enqueue_script( 'wpp-presence-surfaces' );
	wp_enqueue_script( 'wp-presence' );
	// JSON_HEX_TAG: no `<` or `>` in the script element at all. Escaped slashes keep `</script>`
	// out, but names and titles other users wrote could still open `<!--<script>`, after which
	// the element's own end tag no longer ends it and the rest of the page is read as script.
	wp_add_inline_script( 'wpp-presence', 'var wppPresenceConfig = ' . wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP ) . ';', 'before' );
	wp_enqueue_style( 'wpp-presence' );
}
