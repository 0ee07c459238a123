<?php
/**
 * Whether presence is recorded, and whether a feature is on: the readers of the switches that
 * admin/settings.php stores.
 *
 * Recording: the site's option `wp_presence_recording` ('1'/'0'; any empty value is off, as in the
 * feature plugin) through the filter
 * `wp_presence_recording_enabled`; on a network, when the site says yes, also the site option
 * `wp_presence_network_recording` through `wp_presence_network_recording_enabled`. Either off
 * wins; each filter has the last word over its own switch.
 *
 * Features: the site's choice in `wp_presence_features`, and on a network the network's in
 * `wp_presence_network_features` (either off wins), then the filter `wp_presence_feature_enabled`.
 * A missing choice is on.
 *
 * @package Presence
 * @since   0.3.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Whether presence is recorded on this site.
 *
 * @since 0.3.0
 *
 * @return bool
 */
function wpp_switches_recording_enabled(): bool {
	/**
	 * Filters whether presence is recorded on this site. Has the last word over the Presence
	 * checkbox of Settings › General; the network's switch can still turn it off.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $enabled The stored choice (on when none is stored).
	 */
	$site = (bool) apply_filters( 'wp_presence_recording_enabled', (bool) get_option( 'wp_presence_recording', true ) );
	if ( ! $site || ! is_multisite() ) {
		return $site;
	}
	/**
	 * Filters whether presence is recorded on the sites of this network. Asked only when the site
	 * itself records; has the last word over the network's checkbox.
	 *
	 * @since 0.3.0
	 *
	 * @param bool $enabled The network's stored choice (on when none is stored).
	 */
	return (bool) apply_filters( 'wp_presence_network_recording_enabled', (bool) get_site_option( 'wp_presence_network_recording', true ) );
}

/**
 * Whether a feature is on for this site.
 *
 * @since 0.3.0
 *
 * @param string $feature A name of WPP_SETTINGS_FEATURES.
 * @return bool False for a name that is not a feature.
 */
function wpp_switches_feature_enabled( $feature ): bool {
	if ( ! is_string( $feature ) || ! in_array( $feature, WPP_SETTINGS_FEATURES, true ) ) {
		return false;
	}
	$enabled = wpp_switches_stored_choice( get_option( 'wp_presence_features' ), $feature );
	if ( $enabled && is_multisite() ) {
		$enabled = wpp_switches_stored_choice( get_site_option( 'wp_presence_network_features' ), $feature );
	}
	/**
	 * Filters whether a feature is on. Features decide which hooks the plugin registers when it
	 * loads, so add this filter from a must-use plugin.
	 *
	 * @since 0.3.0
	 *
	 * @param bool   $enabled The stored choices (site and network).
	 * @param string $feature Feature name.
	 */
	return (bool) apply_filters( 'wp_presence_feature_enabled', $enabled, $feature );
}

/**
 * One feature's stored choice: on unless the stored array says 0.
 *
 * @since 0.3.0
 *
 * @param mixed  $stored  The option's value.
 * @param string $feature Feature name.
 * @return bool
 */
function wpp_switches_stored_choice( $stored, string $feature ): bool {
	return ! is_array( $stored ) || ! array_key_exists( $feature, $stored ) || (bool) $stored[ $feature ];
}
