<?php
/**
 * Fallback backend on the `{prefix}wpp_presence` table, used when the extension is not loaded.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Entries in `{$wpdb->prefix}wpp_presence` (see table.php). The name is the plugin's own:
 * `{prefix}presence` belongs to the Presence API feature plugin (see feature-plugin.php).
 *
 * Each site of a network has its own table, so the table prefix is the namespace. An upsert is
 * one `INSERT … ON DUPLICATE KEY UPDATE`; rows expire by `expires_at` (never read once past it)
 * and are deleted by the `wpp_gc` scheduled event. A missing table is created again on the first
 * failed write.
 *
 * @since 0.1.0
 */
final class WPP_Database_Backend implements WPP_Backend {

	/**
	 * Clock returning the current unix time as a float; tests move it instead of sleeping.
	 *
	 * @var callable
	 */
	private $clock;

	/**
	 * Whether this request already tried to repair the table.
	 *
	 * @var bool
	 */
	private bool $repaired = false;

	/**
	 * The database's error for the last write or removal that failed; '' when it worked.
	 *
	 * @var string
	 */
	private string $last_error = '';

	/**
	 * @since 0.1.0
	 *
	 * @param callable|null $clock Returns the current unix time (float); default microtime( true ).
	 */
	public function __construct( ?callable $clock = null ) {
		$this->clock = $clock ?? static fn(): float => microtime( true );
	}

	/** @inheritDoc */
	public function name(): string {
		return 'database';
	}

	/**
	 * Current unix time from the clock.
	 *
	 * @since 0.1.0
	 */
	private function now(): float {
		return (float) ( $this->clock )();
	}

	/**
	 * The table of the current site (follows switch_to_blog()).
	 *
	 * @since 0.1.0
	 */
	private function table(): string {
		return wpp_table_name();
	}

	/**
	 * Decodes rows into entries.
	 *
	 * @since 0.1.0
	 *
	 * @param array $rows Rows with room, client_id, user_id, data, updated_at.
	 */
	private function entries( array $rows ): array {
		$out = array();
		foreach ( $rows as $row ) {
			$data       = json_decode( (string) $row->data, true );
			$updated_at = (float) $row->updated_at;
			$out[]      = array(
				'room'       => (string) $row->room,
				'client_id'  => (string) $row->client_id,
				'user_id'    => (int) $row->user_id,
				'data'       => is_array( $data ) ? $data : array(),
				'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $updated_at ),
				'updated_at' => $updated_at,
			);
		}
		return $out;
	}

	/**
	 * The SQL condition selecting live rows updated within $max_age seconds.
	 *
	 * @since 0.1.0
	 */
	private function live( int $max_age ): string {
		global $wpdb;
		$now = $this->now();
		return $wpdb->prepare(
			'expires_at > %d AND updated_at >= %s',
			(int) floor( $now ),
			sprintf( '%.6F', $now - wpp_validate_clamp_age( $max_age ) )
		);
	}

	/**
	 * One upsert. The table has no fixed size: `$may_evict` changes nothing (the budgets bound
	 * its growth).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$may_evict` parameter.
	 */
	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		global $wpdb;
		$json = wp_json_encode( $data );
		if ( false === $json || '' === $room || '' === $client_id || strlen( $room ) > 191 || strlen( $client_id ) > 191 ) {
			return false;
		}
		$now = $this->now();
		$sql = $wpdb->prepare(
			"INSERT INTO {$this->table()} (room, client_id, user_id, data, updated_at, expires_at)
			VALUES (%s, %s, %d, %s, %s, %d)
			ON DUPLICATE KEY UPDATE user_id = VALUES(user_id), data = VALUES(data),
				updated_at = VALUES(updated_at), expires_at = VALUES(expires_at)",
			$room,
			$client_id,
			max( 0, $user_id ),
			$json,
			sprintf( '%.6F', $now ),
			// Whole seconds, rounded up: an entry lives at least its TTL (at most one second more).
			(int) ceil( $now ) + wpp_validate_clamp_age( $ttl )
		);
		$suppress = $wpdb->suppress_errors( true );
		$result   = $wpdb->query( $sql );
		if ( false === $result && ! $this->repaired && ! wpp_table_exists() ) {
			$this->repaired = true;
			wpp_table_install();
			$result = $wpdb->query( $sql );
		}
		$this->last_error = false === $result ? (string) $wpdb->last_error : '';
		$wpdb->suppress_errors( $suppress );
		return false !== $result;
	}

	/**
	 * Why the last write or removal failed, as the database said it ('' when it worked).
	 *
	 * @since 0.2.0
	 */
	public function last_error(): string {
		return $this->last_error;
	}

	/** @inheritDoc */
	public function get_room( string $room, int $max_age, ?int $limit = null ): array {
		global $wpdb;
		if ( null !== $limit && $limit < 1 ) {
			return array();
		}
		$sql = $wpdb->prepare( "SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE room = %s AND ", $room )
			. $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC'
			. ( null !== $limit ? ' LIMIT ' . (int) $limit : '' );
		return $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) );
	}

	/** @inheritDoc */
	public function count_room( string $room, int $max_age ): int {
		global $wpdb;
		$sql = $wpdb->prepare( "SELECT COUNT(*) FROM {$this->table()} WHERE room = %s AND ", $room ) . $this->live( $max_age );
		return (int) $this->quiet( fn() => $wpdb->get_var( $sql ) );
	}

	/**
	 * A hash of the live rows' (client_id, user_id, data): it changes exactly when an entry
	 * joins, leaves or changes, and not when one is only refreshed. 0 for an empty room.
	 *
	 * @since 0.1.0
	 */
	public function room_version( string $room ): int {
		global $wpdb;
		$sql  = $wpdb->prepare(
			"SELECT client_id, user_id, MD5(data) AS h FROM {$this->table()} WHERE room = %s AND expires_at > %d ORDER BY client_id",
			$room,
			(int) floor( $this->now() )
		);
		$rows = (array) $this->quiet( fn() => $wpdb->get_results( $sql, ARRAY_N ) );
		if ( ! $rows ) {
			return 0;
		}
		$hash = hash_init( 'sha256' );
		foreach ( $rows as $row ) {
			hash_update( $hash, implode( "\0", $row ) . "\n" );
		}
		return (int) hexdec( substr( hash_final( $hash ), 0, 15 ) ); // 60 bits: a positive int.
	}

	/** @inheritDoc */
	public function remove( string $room, string $client_id ): bool {
		global $wpdb;
		$sql = $wpdb->prepare( "DELETE FROM {$this->table()} WHERE room = %s AND client_id = %s AND expires_at > %d", $room, $client_id, (int) floor( $this->now() ) );
		return (int) $this->write( fn() => $wpdb->query( $sql ) ) > 0;
	}

	/** @inheritDoc */
	public function remove_user( int $user_id ): int {
		global $wpdb;
		if ( $user_id <= 0 ) {
			return 0;
		}
		$sql = $wpdb->prepare( "DELETE FROM {$this->table()} WHERE user_id = %d AND expires_at > %d", $user_id, (int) floor( $this->now() ) );
		return (int) $this->write( fn() => $wpdb->query( $sql ) );
	}

	/** @inheritDoc */
	public function user_entries( int $user_id, int $max_age ): array {
		global $wpdb;
		if ( $user_id <= 0 ) {
			return array();
		}
		$sql = $wpdb->prepare( "SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE user_id = %d AND ", $user_id )
			. $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC';
		return $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) );
	}

	/**
	 * One query reading only the live rows of the rooms asked for: $prefix and $except become
	 * ranges of the `room_expires` index (room, expires_at), in which expired rows are passed over
	 * without being read.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$prefix` and `$except` parameters.
	 */
	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array {
		global $wpdb;
		$ranges = '';
		if ( '' !== $prefix ) {
			$ranges .= $wpdb->prepare( ' AND room LIKE %s', $wpdb->esc_like( $prefix ) . '%' );
		}
		foreach ( $except as $left_out ) {
			$left_out = (string) $left_out;
			$after    = self::after_prefix( $left_out );
			if ( '' === $left_out ) {
				continue;
			}
			// A range, not NOT LIKE, so MySQL reads the index on both sides of it.
			$ranges .= null === $after
				? $wpdb->prepare( ' AND room NOT LIKE %s', $wpdb->esc_like( $left_out ) . '%' )
				: $wpdb->prepare( ' AND ( room < %s OR room >= %s )', $left_out, $after );
		}
		$sql  = "SELECT room, COUNT(*) AS entries, COUNT(DISTINCT user_id) AS users FROM {$this->table()} WHERE "
			. $this->live( $max_age ) . $ranges . ' GROUP BY room ORDER BY room';
		$rows = (array) $this->quiet( fn() => $wpdb->get_results( $sql ) );
		$out  = array();
		foreach ( $rows as $row ) {
			$out[ (string) $row->room ] = array(
				'entries' => (int) $row->entries,
				'users'   => (int) $row->users,
			);
		}
		return $out;
	}

	/**
	 * The smallest string after every string that starts with $prefix, in the byte order of the
	 * table's binary collation: the prefix with its last byte plus one. Null unless the prefix is
	 * printable ASCII (a byte past it could make the string invalid UTF-8, which MySQL would not
	 * compare as bytes).
	 *
	 * @since 0.3.0
	 *
	 * @param string $prefix Prefix.
	 * @return string|null
	 */
	private static function after_prefix( string $prefix ): ?string {
		if ( '' === $prefix || 1 !== preg_match( '/^[\x20-\x7E]*[\x20-\x7D]$/D', $prefix ) ) {
			return null;
		}
		return substr( $prefix, 0, -1 ) . chr( ord( substr( $prefix, -1 ) ) + 1 );
	}

	/** @inheritDoc */
	public function get_rooms( array $rooms, int $max_age ): array {
		global $wpdb;
		$out   = array();
		$valid = array();
		foreach ( $rooms as $room ) {
			$room         = (string) $room;
			$out[ $room ] = array();
			if ( '' !== $room && strlen( $room ) <= 191 ) {
				$valid[] = $room;
			}
		}
		if ( ! $valid ) {
			return $out;
		}
		$valid = array_values( array_unique( $valid ) );
		$in    = implode( ', ', array_fill( 0, count( $valid ), '%s' ) );
		$sql   = $wpdb->prepare( "SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE room IN ($in) AND ", $valid ) // phpcs:ignore WordPress.DB.PreparedSQLPlaceholders
			. $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC';
		foreach ( $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) ) as $entry ) {
			$out[ $entry['room'] ][] = $entry;
		}
		return $out;
	}

	/**
	 * Live and expired (not yet deleted) rows of this site's table, its rooms, and its name.
	 *
	 * @since 0.2.0
	 */
	public function stats(): array {
		global $wpdb;
		$now = (int) floor( $this->now() );
		$sql = $wpdb->prepare(
			"SELECT SUM(expires_at > %d) AS live, SUM(expires_at <= %d) AS expired, COUNT(DISTINCT IF(expires_at > %d, room, NULL)) AS rooms FROM {$this->table()}",
			$now,
			$now,
			$now
		);
		$row = $this->quiet( fn() => $wpdb->get_row( $sql ) );
		return array(
			'live_entries'    => (int) ( $row->live ?? 0 ),
			'expired_entries' => (int) ( $row->expired ?? 0 ),
			'rooms'           => (int) ( $row->rooms ?? 0 ),
			'table'           => $this->table(),
		);
	}

	/** @inheritDoc */
	public function gc(): int {
		global $wpdb;
		$sql = $wpdb->prepare( "DELETE FROM {$this->table()} WHERE expires_at <= %d", (int) floor( $this->now() ) );
		return (int) $this->quiet( fn() => $wpdb->query( $sql ) );
	}

	/**
	 * Removes every row of this site, or those of the rooms starting with $room_prefix.
	 *
	 * @since 0.1.0
	 * @since 0.2.0 The `$room_prefix` parameter.
	 *
	 * @param string $room_prefix Only rooms whose name starts with this; '' for all.
	 * @return int Rows removed.
	 */
	public function flush( string $room_prefix = '' ): int {
		global $wpdb;
		$where = '' === $room_prefix ? '' : $wpdb->prepare( ' WHERE room LIKE %s', $wpdb->esc_like( $room_prefix ) . '%' );
		return (int) $this->write( fn() => $wpdb->query( "DELETE FROM {$this->table()}" . $where ) );
	}

	/**
	 * Runs a writing query quietly and keeps the database's error when it fails (last_error()).
	 *
	 * @since 0.2.0
	 *
	 * @param callable $query Runs the query.
	 * @return mixed Its result.
	 */
	private function write( callable $query ) {
		global $wpdb;
		$result           = $this->quiet( $query );
		$this->last_error = false === $result ? (string) $wpdb->last_error : '';
		return $result;
	}

	/**
	 * Runs a query with errors suppressed: a missing table reads as empty instead of printing.
	 *
	 * @since 0.1.0
	 *
	 * @param callable $query Runs the query.
	 * @return mixed Its result.
	 */
	private function quiet( callable $query ) {
		global $wpdb;
		$suppress = $wpdb->suppress_errors( true );
		$result   = $query();
		$wpdb->suppress_errors( $suppress );
		return $result;
	}
}
