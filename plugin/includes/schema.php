<?php
/**
 * The `{prefix}presence` table of the database backend: install, repair, expiry, activation.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Version of the table layout; stored in the `wpp_db_version` option of each site.
 *
 * @since 0.1.0
 */
const WPP_DB_VERSION = '1';

/**
 * Name of the scheduled event that deletes expired entries.
 *
 * @since 0.1.0
 */
const WPP_GC_EVENT = 'wpp_gc';

/**
 * The table of the current site.
 *
 * @since 0.1.0
 */
function wpp_table_name(): string {
	global $wpdb;
	return $wpdb->prefix . 'presence';
}

/**
 * Whether the table of the current site exists.
 *
 * @since 0.1.0
 */
function wpp_table_exists(): bool {
	global $wpdb;
	$table = wpp_table_name();
	return $table === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
}

/**
 * Creates the table of the current site or brings it to the current layout (dbDelta).
 *
 * Room names and client ids compare byte for byte (binary collation), as in the extension.
 *
 * @since 0.1.0
 */
function wpp_install_table(): void {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';

	$binary  = $wpdb->has_cap( 'utf8mb4' ) ? 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : 'CHARACTER SET utf8 COLLATE utf8_bin';
	$table   = wpp_table_name();
	$collate = $wpdb->get_charset_collate();

	dbDelta(
		"CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL auto_increment,
  room varchar(191) {$binary} NOT NULL,
  client_id varchar(191) {$binary} NOT NULL,
  user_id bigint(20) unsigned NOT NULL default 0,
  data longtext NOT NULL,
  updated_at decimal(16,6) NOT NULL,
  expires_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY room_client (room,client_id),
  KEY user_id (user_id),
  KEY expires_at (expires_at)
) {$collate};"
	);
	update_option( 'wpp_db_version', WPP_DB_VERSION );
}

/**
 * Repairs the table when it is missing or of an older layout. Hooked to `admin_init`; costs one
 * autoloaded option read when all is well.
 *
 * @since 0.1.0
 */
function wpp_maybe_repair_table(): void {
	if ( WPP_DB_VERSION !== get_option( 'wpp_db_version' ) || ! wpp_table_exists() ) {
		wpp_install_table();
	}
}

/**
 * Schedules the hourly deletion of expired entries when it is not scheduled. Hooked to `init`.
 *
 * @since 0.1.0
 */
function wpp_schedule_gc(): void {
	if ( ! wp_next_scheduled( WPP_GC_EVENT ) ) {
		wp_schedule_event( time() + HOUR_IN_SECONDS, 'hourly', WPP_GC_EVENT );
	}
}

/**
 * Deletes expired entries. Hooked to the `wpp_gc` event.
 *
 * @since 0.1.0
 *
 * @return int Entries deleted.
 */
function wpp_run_gc(): int {
	return wpp_backend()->gc();
}

/**
 * Activation: creates the table on this site, or on every site when network-activated.
 *
 * @since 0.1.0
 *
 * @param bool $network_wide Whether the plugin is network-activated.
 */
function wpp_activate( $network_wide = false ): void {
	if ( is_multisite() && $network_wide ) {
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
			switch_to_blog( (int) $blog_id );
			wpp_install_table();
			wpp_schedule_gc();
			restore_current_blog();
		}
		return;
	}
	wpp_install_table();
	wpp_schedule_gc();
}

/**
 * Deactivation: stops the scheduled event (the table stays until uninstall).
 *
 * @since 0.1.0
 */
function wpp_deactivate(): void {
	wp_clear_scheduled_hook( WPP_GC_EVENT );
}
