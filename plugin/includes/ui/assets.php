<?php
/**
 * The presence client script and its configuration: loaded on admin pages, and on front-end
 * pages that show the admin bar, for users who can `edit_posts`. The configuration is one JSON
 * object (`wppPresenceConfig`) printed before the script; the scripts themselves are files in
 * plugin/assets/ and translate their strings with wp.i18n (text domain `presence`).
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The surfaces' scripts: handle => file in assets/js/. Each needs the client and presence-ui.js.
 *
 * @since 0.2.0
 */
const WPP_SURFACE_SCRIPTS = array(
	'wpp-presence-online'       => 'presence-online.js',
	'wpp-presence-editors'      => 'presence-editors.js',
	'wpp-presence-admin-bar'    => 'presence-admin-bar.js',
	'wpp-presence-active-posts' => 'presence-active-posts.js',
	'wpp-presence-posts-list'   => 'presence-posts-list.js',
	'wpp-presence-stale'        => 'presence-stale.js',
);

/**
 * Registers the scripts and the stylesheet. Hooked to `admin_enqueue_scripts` and
 * `wp_enqueue_scripts` before the enqueue callbacks.
 *
 * @since 0.1.0
 */
function wpp_assets_register(): void {
	$url = plugins_url( 'assets/', WPP_FILE );
	$ver = WPP_VERSION;

	wp_register_script( 'wpp-presence', $url . 'js/presence-client.js', array( 'jquery', 'heartbeat' ), $ver, true );
	wp_register_script( 'wpp-presence-ui', $url . 'js/presence-ui.js', array( 'wpp-presence', 'wp-a11y', 'wp-i18n' ), $ver, true );
	foreach ( WPP_SURFACE_SCRIPTS as $handle => $file ) {
		wp_register_script( $handle, $url . 'js/' . $file, array( 'wpp-presence-ui', 'wp-i18n' ), $ver, true );
	}
	wp_register_style( 'wpp-presence', $url . 'css/presence.css', array(), $ver );

	foreach ( array_merge( array( 'wpp-presence-ui' ), array_keys( WPP_SURFACE_SCRIPTS ) ) as $handle ) {
		wp_set_script_translations( $handle, 'presence', WPP_DIR . '/languages' );
	}
}

/**
 * Enqueues the client on admin pages, and the surfaces where they appear. Hooked to
 * `admin_enqueue_scripts`.
 *
 * @since 0.1.0
 */
function wpp_assets_enqueue_admin(): void {
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( ! $screen instanceof WP_Screen || ! current_user_can( 'edit_posts' ) ) {
		return;
	}

	$post_id   = wpp_editor_post_id( $screen );
	$dashboard = 'dashboard' === $screen->id;
	$rows      = 'edit' === $screen->base && post_type_supports( (string) $screen->post_type, 'presence' ) ? wpp_posts_list_client_config() : null;
	$initial   = wpp_page_view_initial_state( $post_id );
	$key       = wpp_stale_screen_key( $screen );
	if ( $dashboard ) {
		$initial['activePosts'] = wpp_active_posts_state();
	}
	wpp_assets_enqueue_client(
		array(
			'screen'      => wpp_ping_clean_key( $screen->id ),
			'postId'      => $post_id,
			'isEditor'    => $post_id > 0,
			'blockEditor' => $post_id > 0 && $screen->is_block_editor(),
			'screenKey'   => $key,
			'screenToken' => wpp_stale_screen_token( $key ), // Lets markScreenStale() mark a custom key.
			'activePosts' => $dashboard,
			'postRows'    => $rows,
			'initial'     => $initial,
		)
	);
	wp_enqueue_script( 'wpp-presence-stale' );
	if ( $dashboard ) {
		wp_enqueue_script( 'wpp-presence-online' );
		wp_enqueue_script( 'wpp-presence-active-posts' );
	}
	if ( $post_id > 0 ) {
		wp_enqueue_script( 'wpp-presence-editors' );
	}
	if ( null !== $rows ) {
		wp_enqueue_script( 'wpp-presence-posts-list' );
	}
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
	wpp_assets_enqueue_client(
		array(
			'screen'      => 'front',
			'postId'      => 0,
			'isEditor'    => false,
			'blockEditor' => false,
			'screenKey'   => '',
			'screenToken' => '',
			'activePosts' => false,
			'postRows'    => null,
			'initial'     => array( 'online' => wpp_page_view_online_state() ),
		)
	);
}

/**
 * Enqueues the client script with its configuration object.
 *
 * @since 0.1.0
 *
 * @param array $page What the page contributes to the configuration.
 */
function wpp_assets_enqueue_client( array $page ): void {
	$config = $page + array(
		'userId'       => get_current_user_id(),
		'tab'          => wpp_page_view_tab_id(),
		'idleAfter'    => wpp_payload_idle_after(),
		// Room versions older than this are not sent back, so the timestamps the browser holds
		// (from which it re-evaluates active/idle) are at most this old plus one tick.
		'refreshAfter' => 30,
		'serverTime'   => microtime( true ),
		// Saves after the request started may not be in the page: the stale check starts there.
		'screenSince'  => (float) ( $_SERVER['REQUEST_TIME_FLOAT'] ?? microtime( true ) ),
		'restUrl'      => esc_url_raw( rest_url( 'wp-presence/v1/' ) ),
		'restNonce'    => wp_create_nonce( 'wp_rest' ),
		'onlineUrl'    => wpp_users_list_online_url(),
	);

	wp_enqueue_script( 'wpp-presence' );
	// JSON_HEX_TAG: no `<` or `>` in the script element at all. Escaped slashes keep `</script>`
	// out, but names and titles other users wrote could still open `<!--<script>`, after which
	// the element's own end tag no longer ends it and the rest of the page is read as script.
	wp_add_inline_script( 'wpp-presence', 'var wppPresenceConfig = ' . wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP ) . ';', 'before' );
	wp_enqueue_style( 'wpp-presence' );
	if ( is_admin_bar_showing() ) {
		wp_enqueue_script( 'wpp-presence-admin-bar' );
	}
}
