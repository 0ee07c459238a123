<?php
/**
 * Uninstall: drops the presence table and options on every site of the network (or the one site),
 * clears the scheduled event, and, when the extension is loaded, removes the sites' entries from
 * shared memory (they would expire within the TTL anyway). A table this plugin did not create is
 * never dropped (see wpp_lifecycle_uninstall_site()); the recording and feature switches, which
 * are the feature plugin's options too, stay while that plugin is installed.
 *
 * WordPress runs this file on its own, without loading the plugin; it loads only files that
 * declare functions, constants and classes and register nothing.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/backends/table.php';
require_once __DIR__ . '/includes/lifecycle.php';
require_once __DIR__ . '/includes/feature-plugin.php';
require_once __DIR__ . '/includes/admin/settings.php';
require_once __DIR__ . '/includes/admin/network-settings.php';
if ( function_exists( 'presence_flush' ) ) {
	require_once __DIR__ . '/includes/api/validate.php';
	require_once __DIR__ . '/includes/backends/interface-wpp-backend.php';
	require_once __DIR__ . '/includes/backends/class-wpp-native-backend.php';
	require_once __DIR__ . '/includes/backends/backend.php';
}

// The recording and feature options are the feature plugin's too: kept while it is installed.
$wpp_keep_switches = wpp_settings_feature_plugin_installed();
if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $wpp_blog_id ) {
		switch_to_blog( (int) $wpp_blog_id );
		wpp_lifecycle_uninstall_site();
		wpp_settings_uninstall_site( $wpp_keep_switches );
		restore_current_blog();
	}
} else {
	wpp_lifecycle_uninstall_site();
	wpp_settings_uninstall_site( $wpp_keep_switches );
}
wpp_network_settings_uninstall( $wpp_keep_switches ); // On a single site, any stray copy of the network's.
