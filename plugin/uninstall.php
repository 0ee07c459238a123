<?php
/**
 * Uninstall: drops the presence table and options on every site of the network (or the one site),
 * clears the scheduled event, and, when the extension is loaded, removes the sites' entries from
 * shared memory (they would expire within the TTL anyway).
 *
 * WordPress runs this file on its own, without loading the plugin; it loads only the native
 * backend's files, which declare functions and a class and register nothing.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

if ( function_exists( 'presence_flush' ) ) {
	require_once __DIR__ . '/includes/rooms.php';
	require_once __DIR__ . '/includes/backends/interface-wpp-backend.php';
	require_once __DIR__ . '/includes/backends/class-wpp-native-backend.php';
	require_once __DIR__ . '/includes/backend.php';
}

/**
 * Removes what the plugin stored on the current site.
 *
 * @since 0.1.0
 */
function wpp_uninstall_site(): void {
	global $wpdb;
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}presence" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
	delete_option( 'wpp_db_version' );
	wp_clear_scheduled_hook( 'wpp_gc' );
	if ( class_exists( 'WPP_Native_Backend' ) && function_exists( 'presence_flush' ) ) {
		( new WPP_Native_Backend() )->flush(); // This site's namespace only.
	}
}

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $wpp_blog_id ) {
		switch_to_blog( (int) $wpp_blog_id );
		wpp_uninstall_site();
		restore_current_blog();
	}
} else {
	wpp_uninstall_site();
}
