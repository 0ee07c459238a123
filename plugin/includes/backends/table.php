<?php
/**
 * The `{prefix}wpp_presence` table of the database backend: its layout, install and repair, and
 * the move out of `{prefix}presence`, where version 0.1 of this plugin kept its entries.
 *
 * `{prefix}presence` is also the name of the Presence API feature plugin's table, with other
 * columns. This plugin only ever drops that name when the table has exactly its own 0.1 layout,
 * and never alters it (see wpp_table_legacy_owner()).
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
 * @since 0.3.0 '3': the `room_live` index.
 */
const WPP_DB_VERSION = '3';

/**
 * The table of the current site.
 *
 * @since 0.1.0
 * @since 0.2.0 `{prefix}wpp_presence`, no longer `{prefix}presence`.
 */
function wpp_table_name(): string {
	global $wpdb;
	return $wpdb->prefix . 'wpp_presence';
}

/**
 * `{prefix}presence`: the table of this plugin's version 0.1, and of the feature plugin.
 *
 * @since 0.2.0
 */
function wpp_table_legacy_name(): string {
	global $wpdb;
	return $wpdb->prefix . 'presence';
}

/**
 * Column names of a table of the current database, lowercased; empty when there is no such table.
 *
 * @since 0.2.0
 *
 * @param string $table Table name.
 * @return string[]
 */
function wpp_table_columns( string $table ): array {
	global $wpdb;
	$columns = $wpdb->get_col( $wpdb->prepare( 'SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s', $table ) );
	return array_map( 'strtolower', (array) $columns );
}

/**
 * Whose `{prefix}presence` table this is, told by its columns.
 *
 * - 'presence':     this plugin's 0.1 layout (updated_at, expires_at; no date_gmt)
 * - 'presence-api': the feature plugin's layout (date_gmt; no updated_at)
 * - 'shared':       both (each plugin's dbDelta added its columns while both were active)
 * - 'unknown':      a table of that name with neither layout
 * - '':             no such table
 *
 * @since 0.2.0
 *
 * @return string
 */
function wpp_table_legacy_owner(): string {
	$columns = wpp_table_columns( wpp_table_legacy_name() );
	if ( array() === $columns ) {
		return '';
	}
	$ours   = ! array_diff( array( 'room', 'client_id', 'user_id', 'data', 'updated_at', 'expires_at' ), $columns );
	$theirs = ! array_diff( array( 'room', 'client_id', 'user_id', 'data', 'date_gmt' ), $columns );
	if ( $ours && $theirs ) {
		return 'shared';
	}
	if ( $ours ) {
		return 'presence';
	}
	return $theirs ? 'presence-api' : 'unknown';
}

/**
 * Moves the live entries of this plugin's 0.1 table (`{prefix}presence`) into the active backend,
 * then drops that table when it is this plugin's alone. A table the feature plugin uses as well
 * ('shared') keeps its rows and columns: only the entries this plugin wrote are copied.
 *
 * @since 0.2.0
 *
 * @return int Entries moved.
 */
function wpp_table_migrate_legacy(): int {
	global $wpdb;
	$owner = wpp_table_legacy_owner();
	if ( 'presence' !== $owner && 'shared' !== $owner ) {
		return 0;
	}
	$legacy = wpp_table_legacy_name();
	$now    = time();
	$rows   = (array) $wpdb->get_results( $wpdb->prepare( "SELECT room, client_id, user_id, data, expires_at FROM {$legacy} WHERE expires_at > %d", $now ) );
	$moved  = 0;
	foreach ( $rows as $row ) {
		if ( wpp_client_ids_is_reserved( (string) $row->client_id ) ) {
			// 0.1's REST API did not refuse them: a `_card-{id}` row is served as markup.
			continue;
		}
		$data = json_decode( (string) $row->data, true );
		if ( true === wpp_entries_set( (string) $row->room, (string) $row->client_id, is_array( $data ) ? $data : array(), (int) $row->user_id, max( 1, (int) $row->expires_at - $now ) ) ) {
			++$moved;
		}
	}
	if ( 'presence' === $owner ) {
		$wpdb->query( "DROP TABLE IF EXISTS {$legacy}" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange -- Our own 0.1 table.
	}
	return $moved;
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
 * The CREATE TABLE statement of the layout, for a table of any name (benchmarks build copies).
 *
 * Room names and client ids compare byte for byte (binary collation), as in the extension, but
 * for trailing spaces, which MySQL ignores in any collation of this kind (PAD SPACE): names
 * ending in a space are refused before they get here (WPP_NAME_PATTERN).
 *
 * Indexes, by the reads that need them:
 * - `room_client`: one entry, and the upsert;
 * - `room_live` (room, expires_at, updated_at, user_id, client_id): the rooms of a kind and
 *   their counts (Active posts reads `postType/…`, `/presence/rooms` every room but the internal
 *   ones) as ranges of this index alone — every column those reads test is in it, reserved
 *   client ids included — without reading a row, however many rows other rooms hold;
 * - `user_id`: a user's entries (logout, the write budget);
 * - `expires_at`: the hourly deletion of expired rows, which then locks only those.
 *
 * @since 0.3.0
 *
 * @param string $table Table name.
 * @return string
 */
function wpp_table_schema( string $table ): string {
	global $wpdb;
	$binary  = $wpdb->has_cap( 'utf8mb4' ) ? 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : 'CHARACTER SET utf8 COLLATE utf8_bin';
	$collate = $wpdb->get_charset_collate();
	return "CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL auto_increment,
  room varchar(191) {$binary} NOT NULL,
  client_id varchar(191) {$binary} NOT NULL,
  user_id bigint(20) unsigned NOT NULL default 0,
  data longtext NOT NULL,
  updated_at decimal(16,6) NOT NULL,
  expires_at bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY room_client (room,client_id),
  KEY room_live (room,expires_at,updated_at,user_id,client_id),
  KEY user_id (user_id),
  KEY expires_at (expires_at)
) {$collate};";
}

/**
 * Creates the table of the current site or brings it to the current layout (dbDelta). When the
 * layout version changes (or on a first install), the live entries of this plugin's 0.1 table
 * move over (wpp_table_migrate_legacy()).
 *
 * @since 0.1.0
 */
function wpp_table_install(): void {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	dbDelta( wpp_table_schema( wpp_table_name() ) );
	$upgrading = WPP_DB_VERSION !== get_option( 'wpp_db_version' ); // Also a first install: 0.1 may have left its table.
	update_option( 'wpp_db_version', WPP_DB_VERSION );
	if ( $upgrading ) {
		wpp_table_migrate_legacy();
	}
}

/**
 * Repairs the table when it is missing or of an older layout. Hooked to `admin_init`, which also
 * runs for admin-ajax.php, so for every heartbeat: there only the layout version is checked (an
 * autoloaded option, no query); looking for the table is a query, made on page loads. A write that
 * finds the table missing repairs it anyway (WPP_Database_Backend::set()).
 *
 * @since 0.1.0
 * @since 0.2.0 No query on AJAX requests.
 */
function wpp_table_maybe_repair(): void {
	if ( WPP_DB_VERSION !== get_option( 'wpp_db_version' ) || ( ! wp_doing_ajax() && ! wpp_table_exists() ) ) {
		wpp_table_install();
	}
}
