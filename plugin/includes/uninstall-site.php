<?php
/**
 * What uninstall.php removes on each site. Declares one function and registers nothing; needs
 * schema.php (and the native backend's files when the extension is loaded).
 *
 * @package Presence
 * @since   0.2.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Removes what the plugin stored on the current site: its table, option, scheduled event and
 * shared-memory entries, and the 0.1 table `{prefix}presence` only when it has exactly this
 * plugin's layout. The feature plugin's table of that name (or one both plugins wrote) stays.
 *
 * @since 0.1.0
 * @since 0.2.0 Moved here from uninstall.php; drops `{prefix}presence` only when it is ours.
 */
function wpp_uninstall_site(): void {
	global $wpdb;
	$wpdb->query( 'DROP TABLE IF EXISTS ' . wpp_table_name() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
	if ( 'presence' === wpp_legacy_table_owner() ) {
		$wpdb->query( 'DROP TABLE IF EXISTS ' . wpp_legacy_table_name() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
	}
	delete_option( 'wpp_db_version' );
	wp_clear_scheduled_hook( WPP_GC_EVENT );
	if ( class_exists( 'WPP_Native_Backend' ) && function_exists( 'presence_flush' ) ) {
		( new WPP_Native_Backend() )->flush(); // This site's namespace only.
	}
}
