<?php
/**
 * The recording switch and the feature switches, with the Presence API feature plugin's option
 * and filter names, read at call time (so a filter a theme adds counts too, and each site of a
 * network follows its own options after switch_to_blog()).
 *
 * - Recording: site option `wp_presence_recording` ('1'/'0', on when missing), then on a network
 *   the site option `wp_presence_network_recording` (same); either off wins; the filters
 *   `wp_presence_recording_enabled` and `wp_presence_network_recording_enabled` have the last word
 *   over their own option. Off: nothing but reserved rows is written; what is stored stays
 *   readable until it expires, so every surface empties within a TTL.
 * - Features: site option `wp_presence_features` and network option `wp_presence_network_features`
 *   (feature => 1/0; a missing feature, option or a value that is no array = on); the network off
 *   wins; the filter `wp_presence_feature_enabled( $enabled, $feature )` has the last word.
 *
 * The settings screens that write these options are in admin/.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * The features a site can switch: the Presence API feature plugin's four, then Presence's own
 * surfaces (`wpp-`).
 *
 * @since 0.3.0
 */
const WPP_SWITCHES_FEATURES = array( 'post-locks', 'admin-bar', 'post-list', 'synced-patterns', 'wpp-whos-online', 'wpp-active-posts', 'wpp-users-list' );

/**
 * Whether presence is recorded on this site.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_switches_recording_enabled(): bool {
	/**
	 * Filters whether this site records presence (its Settings › General checkbox by default).
	 *
	 * @since 0.3.0
	 *
	 * @param bool $enabled The site's option `wp_presence_recording` (on when missing).
	 */
	$site = (bool) apply_filters( 'wp_presence_recording_enabled', wpp_switches_option_on( get_option( 'wp_presence_recording', '1' ) ) );
	if ( ! $site || ! is_multisite() ) {
		return $site;
	}

	/**
	 * Filters whether the sites of this network record presence (the network's checkbox by
	 * default). Asked only when the site itself records.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $enabled The network's option `wp_presence_network_recording` (on when missing).
	 */
	wpp_switches_prime_network();
	return (bool) apply_filters( 'wp_presence_network_recording_enabled', wpp_switches_option_on( get_site_option( 'wp_presence_network_recording', '1' ) ) );
}

/**
 * Whether a feature is on for this site.
 *
 * @since 0.3.0
 *
 * @param string $feature Feature name ('post-locks', 'admin-bar', 'post-list', 'synced-patterns',
 *                        or one of the plugin's own `wpp-…` features).
 * @return bool False for a name that is not in WPP_SWITCHES_FEATURES.
 */
function wpp_switches_feature_enabled( string $feature ): bool {
	if ( ! in_array( $feature, WPP_SWITCHES_FEATURES, true ) ) {
		return false; // A misspelt name must not read as a feature left on.
	}
	$enabled = wpp_switches_choice( get_option( 'wp_presence_features' ), $feature );
	if ( $enabled && is_multisite() ) {
		wpp_switches_prime_network();
		$enabled = wpp_switches_choice( get_site_option( 'wp_presence_network_features' ), $feature );
	}

	/**
	 * Filters whether a presence feature is on (the Settings › Presence checkboxes by default).
	 *
	 * @since 0.3.0
	 *
	 * @param bool   $enabled Whether the site (and the network) has it on.
	 * @param string $feature Feature name.
	 */
	return (bool) apply_filters( 'wp_presence_feature_enabled', $enabled, $feature );
}

/**
 * Loads both network options of the switches with one query, the first time a request needs
 * one: WordPress loads a network option it does not know (missing or not) with a query of its
 * own, so reading both would cost two per request. Nothing to do with a persistent object cache.
 *
 * @since 0.3.0
 */
function wpp_switches_prime_network(): void {
	global $wpdb;
	$network = get_current_network_id();
	if ( ! is_multisite() || wp_using_ext_object_cache() || ! wp_cache_add( "$network:wpp_switches_primed", true, 'site-options' ) ) {
		return;
	}
	$names     = array( 'wp_presence_network_recording', 'wp_presence_network_features' );
	$notoption = wp_cache_get( "$network:notoptions", 'site-options' );
	$notoption = is_array( $notoption ) ? $notoption : array();
	$unknown   = array_values( array_filter( $names, static fn( $name ) => ! isset( $notoption[ $name ] ) && false === wp_cache_get( "$network:$name", 'site-options' ) ) );
	if ( ! $unknown ) {
		return;
	}
	$in   = implode( ', ', array_fill( 0, count( $unknown ), '%s' ) );
	$rows = $wpdb->get_results( $wpdb->prepare( "SELECT meta_key, meta_value FROM {$wpdb->sitemeta} WHERE site_id = %d AND meta_key IN ($in)", array_merge( array( $network ), $unknown ) ) ); // phpcs:ignore WordPress.DB.PreparedSQLPlaceholders
	$found = array();
	foreach ( (array) $rows as $row ) {
		$found[ $row->meta_key ] = true;
		wp_cache_set( "$network:{$row->meta_key}", maybe_unserialize( $row->meta_value ), 'site-options' );
	}
	foreach ( $unknown as $name ) {
		if ( ! isset( $found[ $name ] ) ) {
			$notoption[ $name ] = true;
		}
	}
	wp_cache_set( "$network:notoptions", $notoption, 'site-options' );
}

/**
 * A stored on/off option: off only for '0', 0, false, 'off', 'no' or ''.
 *
 * @since 0.3.0
 *
 * @param mixed $value Stored value.
 * @return bool
 */
function wpp_switches_option_on( $value ): bool {
	if ( is_string( $value ) ) {
		return ! in_array( strtolower( trim( $value ) ), array( '0', '', 'off', 'no', 'false' ), true );
	}
	return (bool) $value;
}

/**
 * A feature's stored choice in a features option: on unless the option is an array saying off.
 *
 * @since 0.3.0
 *
 * @param mixed  $option  The option's value.
 * @param string $feature Feature name.
 * @return bool
 */
function wpp_switches_choice( $option, string $feature ): bool {
	return ! is_array( $option ) || ! array_key_exists( $feature, $option ) || wpp_switches_option_on( $option[ $feature ] );
}
