<?php
/**
 * Uninstall: drops the presence table and options on every site of the network (or the one site),
 * and clears the scheduled event. Entries in shared memory expire on their own (TTL).
 *
 * WordPress runs this file on its own, without loading the plugin, so it only uses core functions.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

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
