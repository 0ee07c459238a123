<?php
/**
 * The public Presence API, compatible with the Presence API feature plugin.
 *
 * The Presence API feature plugin's stable API as of 0.16, same names, parameters and defaults:
 *
 * - WP_PRESENCE_DEFAULT_TTL (150 seconds), WP_PRESENCE_RESERVED_PREFIX ('_')
 * - wp_get_presence( $room, $timeout = null, $client_prefix = '' ): object[]
 * - wp_get_presence_by_room_prefix( $prefix, $timeout = null ): object[]
 * - wp_set_presence( $room, $client_id, $state, $user_id = 0, $date_gmt = null, $expires_in = null ): bool
 * - wp_remove_presence( $room, $client_id ): bool
 * - wp_presence_exchange( $room, $client_id, $state, $user_id = 0, $timeout = null, $client_prefix = '' ): object[]
 * - wp_presence_leave( $room, $client_id, $timeout = null, $client_prefix = '' ): object[]
 * - wp_remove_user_presence( $user_id ): bool
 * - wp_can_access_presence_room( $room, $user_id = 0 ): bool
 * - wp_presence_post_room( $post ): string|false
 * - wp_presence_parse_room( $room ): array|false
 * - wp_presence_admin_room(): string
 * - wp_presence_is_agent_user( $user_id ): bool
 * - wp_presence_recording_enabled(): bool
 * - wp_presence_is_available(): bool
 * - wp_presence_network_aggregation_enabled(): bool          multisite only
 *
 * Later versions' array of arguments (`user_id`, `timeout`, `client_prefix`, `date_gmt`,
 * `expires_in`, `wp_error`) is accepted in the place of `$user_id` or `$timeout`. The hooks they
 * fire are documented in entries.php; filters: wp_presence_default_ttl,
 * wp_presence_max_expires_in, wp_presence_is_agent_user, wp_presence_recording_enabled,
 * wp_presence_network_recording_enabled, wp_presence_feature_enabled.
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
	'wp_get_presence_by_room_prefix',
	'wp_set_presence',
	'wp_remove_presence',
	'wp_presence_exchange',
	'wp_presence_leave',
	'wp_remove_user_presence',
	'wp_can_access_presence_room',
	'wp_presence_post_room',
	'wp_presence_parse_room',
	'wp_presence_admin_room',
	'wp_presence_is_agent_user',
	'wp_presence_recording_enabled',
	'wp_presence_is_available',
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
	if ( ! defined( 'WP_PRESENCE_RESERVED_PREFIX' ) ) {
		define( 'WP_PRESENCE_RESERVED_PREFIX', WPP_RESERVED_PREFIX );
	}
	if ( array() === wpp_public_api_conflicts() ) {
		require_once __DIR__ . '/wp-functions.php';
	}
}

/**
 * The array of arguments a caller passed in the place of a positional parameter (an array, or a
 * query string such as 'timeout=60&client_prefix=gse-'), or null for a positional value.
 *
 * @since 0.3.0
 *
 * @param mixed $value What the caller passed.
 * @return array|null
 */
function wpp_public_api_args( $value ): ?array {
	if ( is_array( $value ) ) {
		return $value;
	}
	if ( is_string( $value ) && str_contains( $value, '=' ) ) {
		return wp_parse_args( $value );
	}
	return null;
}

/**
 * The write half of wp_set_presence() and wp_presence_exchange(): the caller's owner, date and
 * window checked, then one call of the store.
 *
 * @since 0.3.0
 *
 * @param mixed $room       Room name.
 * @param mixed $client_id  Client id.
 * @param mixed $state      State.
 * @param mixed $user_id    Owner, 0 (or anything not a positive number) for none.
 * @param mixed $date_gmt   Date, or null.
 * @param mixed $expires_in Window, or null.
 * @param array $read       `max_age`, `client_prefix`, `limit` of the read.
 * @return array|WP_Error The store's answer, or why the write was refused.
 */
function wpp_public_api_write( $room, $client_id, $state, $user_id, $date_gmt, $expires_in, array $read ) {
	// A card is markup other users' dashboards insert: only the user's own heartbeat writes one.
	if ( wpp_client_ids_is_card( $client_id ) ) {
		return wpp_public_api_card_refused();
	}
	$written_at = null;
	if ( null !== $date_gmt ) {
		$written_at = wpp_validate_date_gmt( $date_gmt );
		if ( is_wp_error( $written_at ) ) {
			return $written_at;
		}
	}
	$ttl = null;
	if ( null !== $expires_in ) {
		$ttl = wpp_validate_expires_in( $expires_in );
		if ( is_wp_error( $ttl ) ) {
			return $ttl;
		}
	}
	return wpp_entries_exchange(
		$room,
		$client_id,
		wpp_public_api_state( $state ),
		is_numeric( $user_id ) ? max( 0, (int) $user_id ) : 0,
		$read + array(
			'ttl'        => $ttl,
			'written_at' => $written_at,
			'announce'   => null !== $date_gmt || null !== $expires_in,
		)
	);
}

/**
 * The error for a write or removal of a card (`_card-{id}`) through the public functions.
 *
 * @since 0.3.0
 *
 * @return WP_Error
 */
function wpp_public_api_card_refused(): WP_Error {
	return new WP_Error( 'wpp_client_id_reserved', __( 'Client IDs beginning with _card- are written by the user’s own pages only.', 'presence' ), array( 'status' => 403 ) );
}

/**
 * A caller's state as the feature plugin keeps it: an object by its fields (as its JSON decodes),
 * and anything that is no array or object (null, a scalar) as an empty array, which is how the
 * feature plugin reads such a state back.
 *
 * @since 0.3.0
 *
 * @param mixed $state State given by the caller.
 * @return mixed An array, or what the caller gave when it cannot be encoded (refused later).
 */
function wpp_public_api_state( $state ) {
	if ( is_object( $state ) ) {
		$json    = wp_json_encode( $state );
		$decoded = false === $json ? null : json_decode( $json, true );
		return is_array( $decoded ) ? $decoded : $state;
	}
	return is_array( $state ) ? $state : array();
}

/**
 * A refusal as the feature plugin's `wp_error` argument reports it: its error codes
 * (`presence_recording_disabled`, `presence_invalid_date_gmt`, `presence_invalid_expires_in`,
 * `presence_write_failed`) where one applies, else the plugin's own (`wpp_invalid_room`, …).
 *
 * @since 0.3.0
 *
 * @param WP_Error $error The refusal.
 * @return WP_Error
 */
function wpp_public_api_error( WP_Error $error ): WP_Error {
	if ( 'wpp_store_failed' === $error->get_error_code() ) {
		return new WP_Error( 'presence_write_failed', $error->get_error_message(), $error->get_error_data() );
	}
	return $error;
}

/**
 * Entries without the reserved ones, which the public API never lists, whatever client prefix
 * was asked.
 *
 * @since 0.3.0
 *
 * @param array[] $entries Backend entries.
 * @return array[]
 */
function wpp_public_api_without_reserved( array $entries ): array {
	return array_values( array_filter( $entries, static fn( array $entry ) => ! wpp_client_ids_is_reserved( (string) $entry['client_id'] ) ) );
}

/**
 * Whether a room is one of the plugin's internal rooms (screen revisions, the write budgets'
 * ledgers, last seen), which wp_get_presence_by_room_prefix() leaves out.
 *
 * @since 0.3.0
 *
 * @param string $room Room name.
 * @return bool
 */
function wpp_public_api_is_internal_room( string $room ): bool {
	foreach ( wpp_privacy_internal_prefixes() as $prefix ) {
		if ( str_starts_with( $room, $prefix ) ) {
			return true;
		}
	}
	return WPP_LAST_SEEN_ROOM === $room;
}
