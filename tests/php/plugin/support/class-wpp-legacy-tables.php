<?php
/**
 * `{prefix}presence` tables as they exist on sites: this plugin's 0.1 layout, the Presence API
 * feature plugin's (its first layout without expires_gmt, its later one with it), and one both
 * plugins' dbDelta wrote to. Creating or dropping one is DDL, which commits the test's open
 * transaction: tests call clean_up() at their end, which commits what they left and opens a new
 * transaction for the test case's rollback.
 *
 * @package Presence
 */

final class WPP_Legacy_Tables {

	/** This plugin's 0.1 columns. */
	private const OURS = 'room varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, client_id varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, user_id bigint(20) unsigned NOT NULL default 0, data longtext NOT NULL, updated_at decimal(16,6) NOT NULL, expires_at bigint(20) unsigned NOT NULL';

	/** The feature plugin's columns (expires_gmt in its later versions). */
	private const THEIRS = "room varchar(191) NOT NULL default '', client_id varchar(191) NOT NULL default '', user_id bigint(20) unsigned NOT NULL default '0', data longtext NOT NULL, date_gmt datetime NOT NULL default '1000-01-01 00:00:00'";

	public static function name(): string {
		return $GLOBALS['wpdb']->prefix . 'presence';
	}

	/**
	 * Creates `{prefix}presence` in one of the layouts: 'presence' (ours, 0.1), 'presence-api'
	 * (the feature plugin's, with expires_gmt), 'presence-api-v1' (without it), 'shared'.
	 */
	public static function create( string $layout ): void {
		global $wpdb;
		$columns = array(
			'presence'        => self::OURS,
			'presence-api'    => self::THEIRS . ", expires_gmt datetime NOT NULL default '1000-01-01 00:00:00'",
			'presence-api-v1' => self::THEIRS,
			'shared'          => self::THEIRS . ", expires_gmt datetime NOT NULL default '1000-01-01 00:00:00', updated_at decimal(16,6) NOT NULL default 0, expires_at bigint(20) unsigned NOT NULL default 0",
		)[ $layout ];
		self::drop();
		$wpdb->query( 'CREATE TABLE ' . self::name() . " (id bigint(20) unsigned NOT NULL auto_increment, $columns, PRIMARY KEY (id), UNIQUE KEY room_client (room, client_id)) " . $wpdb->get_charset_collate() );
	}

	/** A row of the feature plugin: live for $live_for seconds more (negative: expired). */
	public static function insert_theirs( string $room, string $client_id, int $user_id, array $data, int $live_for, bool $expires_column = true ): void {
		$now  = time();
		$row  = array(
			'room'      => $room,
			'client_id' => $client_id,
			'user_id'   => $user_id,
			'data'      => wp_json_encode( $data ),
			// Without expires_gmt a row lives for the TTL after its date_gmt.
			'date_gmt'  => gmdate( 'Y-m-d H:i:s', $expires_column ? $now - 5 : $now + $live_for - wpp_entries_default_ttl() ),
		);
		if ( $expires_column ) {
			$row['expires_gmt'] = gmdate( 'Y-m-d H:i:s', $now + $live_for );
		}
		$GLOBALS['wpdb']->insert( self::name(), $row );
	}

	/** A row of this plugin's 0.1 table. */
	public static function insert_ours( string $room, string $client_id, int $user_id, array $data, int $live_for ): void {
		$GLOBALS['wpdb']->insert(
			self::name(),
			array(
				'room'       => $room,
				'client_id'  => $client_id,
				'user_id'    => $user_id,
				'data'       => wp_json_encode( $data ),
				'updated_at' => sprintf( '%.6F', microtime( true ) ),
				'expires_at' => time() + $live_for,
			)
		);
	}

	/** SHOW CREATE TABLE, or '' when there is none: compares a table before and after. */
	public static function definition(): string {
		$row = $GLOBALS['wpdb']->get_row( 'SHOW CREATE TABLE ' . self::name(), ARRAY_N );
		return is_array( $row ) ? (string) $row[1] : '';
	}

	/** Every row, by id. */
	public static function rows(): array {
		return (array) $GLOBALS['wpdb']->get_results( 'SELECT * FROM ' . self::name() . ' ORDER BY id', ARRAY_A );
	}

	public static function drop(): void {
		$GLOBALS['wpdb']->query( 'DROP TABLE IF EXISTS ' . self::name() );
	}

	/** Drops the table, removes this site's entries for good, opens a new transaction. */
	public static function clean_up(): void {
		global $wpdb;
		self::drop();
		( new WPP_Database_Backend() )->flush();
		if ( function_exists( 'presence_flush' ) ) {
			( new WPP_Native_Backend() )->flush();
		}
		update_option( 'wpp_db_version', WPP_DB_VERSION );
		$wpdb->query( 'COMMIT' );
		$wpdb->query( 'START TRANSACTION' );
	}
}
