<?php
/**
 * The plugin's life on a site: activation (the table, the expiry event, the feature plugin's
 * entries), the hourly expiry, the entries that follow a user's session (written at login,
 * removed at logout and user deletion), and what uninstall removes from each site.
 *
 * @package Presence
 * @since   0.1.0
 * @access  private
 */

defined( 'ABSPATH' ) || exit;

/**
 * Name of the scheduled event that deletes expired entries.
 *
 * @since 0.1.0
 */
const WPP_GC_EVENT = 'wpp_gc';

/**
 * Activation: creates the table and imports the feature plugin's live entries on this site, or
 * on every site when network-activated.
 *
 * @since 0.1.0
 * @since 0.2.0 Imports the live entries of the Presence API feature plugin's table.
 *
 * @param bool $network_wide Whether the plugin is network-activated.
 */
function wpp_lifecycle_activate( $network_wide = false ): void {
	if ( is_multisite() && $network_wide ) {
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
			switch_to_blog( (int) $blog_id );
			wpp_lifecycle_activate_site();
			restore_current_blog();
		}
		return;
	}
	wpp_lifecycle_activate_site();
}

/**
 * Activation on the current site.
 *
 * @since 0.2.0
 */
function wpp_lifecycle_activate_site(): void {
	wpp_table_install();
	wpp_lifecycle_add_options();
	wpp_lifecycle_schedule_gc();
	wpp_feature_plugin_import();
}

/**
 * Adds the options every request reads, autoloaded, where they are missing: an option that does
 * not exist costs a query each time a request first asks for it. The recording switch and the
 * feature switches (the feature plugin's names; on by default), and since when the store keeps
 * post locks. Hooked to `admin_init` (a site updated without being activated again), and run on
 * activation; a query only the first time.
 *
 * @since 0.3.0
 */
function wpp_lifecycle_add_options(): void {
	foreach ( array(
		'wp_presence_recording'     => '1',
		'wp_presence_features'      => array(),
		WPP_POST_LOCKS_SINCE_OPTION => 0,
	) as $option => $default ) {
		if ( false === get_option( $option ) ) {
			add_option( $option, $default, '', true );
		}
	}
}

/**
 * Deactivation: stops the scheduled event (the table stays until uninstall), and gives the
 * locks the store holds back to post meta, where core looks for them without the plugin.
 *
 * @since 0.1.0
 * @since 0.3.0 Locks back to post meta.
 *
 * @param bool $network_wide Whether the plugin is network-deactivated.
 */
function wpp_lifecycle_deactivate( $network_wide = false ): void {
	wp_clear_scheduled_hook( WPP_GC_EVENT );
	if ( is_multisite() && $network_wide && ! wp_is_large_network() ) {
		foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $blog_id ) {
			switch_to_blog( (int) $blog_id );
			wpp_lifecycle_deactivate_site();
			restore_current_blog();
		}
		return;
	}
	wpp_lifecycle_deactivate_site();
}

/**
 * Deactivation on the current site: the locks the store holds go to post meta.
 *
 * @since 0.3.0
 */
function wpp_lifecycle_deactivate_site(): void {
	if ( wpp_post_locks_enabled() ) {
		wpp_post_locks_to_meta();
	}
	update_option( WPP_POST_LOCKS_SINCE_OPTION, 0, true );
}

/**
 * Schedules the hourly deletion of expired entries when it is not scheduled. Hooked to `init`.
 *
 * @since 0.1.0
 */
function wpp_lifecycle_schedule_gc(): void {
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
function wpp_lifecycle_run_gc(): int {
	return wpp_backend()->gc();
}

/**
 * At login, users who can edit posts appear in `admin/online` right away (client `user-{id}`,
 * the same entry their heartbeat refreshes later). Hooked to `wp_login`.
 *
 * @since 0.1.0
 *
 * @param string       $user_login Login name.
 * @param WP_User|null $user       The user who logged in.
 */
function wpp_lifecycle_login( $user_login, $user = null ): void {
	if ( ! $user instanceof WP_User || ! wpp_rooms_can_edit_some_type( $user ) ) {
		return;
	}
	$data = wpp_write_user_fields( $user ) + array(
		'screen' => 'login',
		'title'  => '',
	);
	if ( true === wpp_entries_set( WPP_ADMIN_ROOM, wpp_client_ids_user( $user->ID ), $data, $user->ID ) ) {
		wpp_write_card( $user, $data );
	}
}

/**
 * At logout, the user's entries on this site go. Hooked to `wp_logout`.
 *
 * @since 0.1.0
 *
 * @param int $user_id The user who logged out (WordPress ≥ 5.5 passes it).
 */
function wpp_lifecycle_logout( $user_id = 0 ): void {
	$user_id = (int) $user_id > 0 ? (int) $user_id : get_current_user_id();
	if ( $user_id > 0 ) {
		wpp_entries_remove_user( $user_id );
	}
}

/**
 * When a user is deleted, their entries on this site go. Hooked to `deleted_user`.
 *
 * @since 0.1.0
 *
 * @param int $user_id The deleted user.
 */
function wpp_lifecycle_deleted_user( $user_id ): void {
	if ( (int) $user_id > 0 ) {
		wpp_entries_remove_user( (int) $user_id );
	}
}

/**
 * Removes what the plugin stored on the current site: its table, option, scheduled event and
 * shared-memory entries, and the 0.1 table `{prefix}presence` only when it has exactly this
 * plugin's layout. The feature plugin's table of that name (or one both plugins wrote) stays.
 *
 * @since 0.1.0
 * @since 0.2.0 Drops `{prefix}presence` only when it is ours.
 */
function wpp_lifecycle_uninstall_site(): void {
	global $wpdb;
	$wpdb->query( 'DROP TABLE IF EXISTS ' . wpp_table_name() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
	if ( 'presence' === wpp_table_legacy_owner() ) {
		$wpdb->query( 'DROP TABLE IF EXISTS ' . wpp_table_legacy_name() ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange
	}
	delete_option( 'wpp_db_version' );
	delete_option( WPP_POST_LOCKS_SINCE_OPTION );
	delete_option( 'wpp_live_probe' );
	wp_clear_scheduled_hook( WPP_GC_EVENT );
	if ( class_exists( 'WPP_Native_Backend' ) && function_exists( 'presence_flush' ) ) {
		( new WPP_Native_Backend() )->flush(); // This site's namespace only.
	}
}
