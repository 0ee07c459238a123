<?php
/**
 * The public Presence API, compatible with the Presence API feature plugin.
 *
 * - WP_PRESENCE_DEFAULT_TTL                                 150 seconds
 * - wp_get_presence( $room, $timeout = WP_PRESENCE_DEFAULT_TTL ): object[]
 * - wp_set_presence( $room, $client_id, $state, $user_id = 0 ): bool
 * - wp_remove_presence( $room, $client_id ): bool
 * - wp_remove_user_presence( $user_id ): bool
 * - wp_can_access_presence_room( $room, $user_id = 0 ): bool
 * - wp_presence_post_room( $post ): string|false
 * - wp_presence_admin_room(): string
 * - wp_presence_network_aggregation_enabled(): bool          multisite only
 * - filter wp_presence_default_ttl
 *
 * The functions themselves are in wp-functions.php, which wpp_public_api_declare() includes
 * only when none of them exists yet: when another plugin (or core) already defines any of them,
 * none of ours is declared (mixing two implementations would split entries between two stores)
 * and an admin notice says so; see wpp_public_api_conflicts(). It runs first thing on
 * plugins_loaded, once every plugin file is loaded, so a plugin loaded after this one that
 * declares the API without a function_exists() guard wins instead of dying on a redeclared
 * function. (They cannot live in this file behind a `return`: PHP declares a file's top-level
 * functions when it compiles the file.) The plugin's own code never calls the wp_* functions.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Names of the public API functions.
 *
 * @since 0.1.0
 */
const WPP_API_FUNCTIONS = array(
	'wp_get_presence',
	'wp_set_presence',
	'wp_remove_presence',
	'wp_remove_user_presence',
	'wp_can_access_presence_room',
	'wp_presence_post_room',
	'wp_presence_admin_room',
);

/**
 * The API functions some other code declared before Presence declared its own (computed once, by
 * wpp_public_api_declare()).
 *
 * @since 0.1.0
 *
 * @return string[] Function names; empty when ours are in use.
 */
function wpp_public_api_conflicts(): array {
	static $conflicts = null;
	if ( null === $conflicts ) {
		$conflicts = array_values( array_filter( WPP_API_FUNCTIONS, 'function_exists' ) );
	}
	return $conflicts;
}

/**
 * Declares WP_PRESENCE_DEFAULT_TTL and the wp_* functions, unless other code already did.
 * Hooked first on plugins_loaded (see hooks.php), or called directly when the plugin is loaded
 * after that action (the request that activates it).
 *
 * @since 0.1.0
 */
function wpp_public_api_declare(): void {
	if ( ! defined( 'WP_PRESENCE_DEFAULT_TTL' ) ) {
		define( 'WP_PRESENCE_DEFAULT_TTL', 150 );
	}
	if ( array() === wpp_public_api_conflicts() ) {
		require_once __DIR__ . '/wp-functions.php';
	}
}
