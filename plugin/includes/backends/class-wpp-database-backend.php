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
 * one `INSERT … ON DUPLICATE KEY UPDATE` that also tells what it did (joined, changed or only
 * refreshed: see write_row()); rows expire by `expires_at` (never read once past it) and are
 * deleted by the `wpp_gc` scheduled event. A missing table is created again on the first failed
 * write. exchange() and leave() are that one statement plus one read of the room; the count they
 * remember between calls (collaboration edges) is the room's reserved `_collab` row, changed
 * only by a compare-and-set, so of two requests racing one sees a change.
 *
 * @since 0.1.0
 */
final class WPP_Database_Backend implements WPP_Backend {

	/**
	 * Sites whose tables one query of network_room() reads (a `UNION ALL` of that many parts).
	 *
	 * @since 0.2.0
	 */
	public const NETWORK_TABLES_PER_QUERY = 500;

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
	 * The SQL condition selecting live rows written within $max_age seconds (null: live rows).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 `$max_age` may be null.
	 */
	private function live( ?int $max_age ): string {
		global $wpdb;
		$now  = $this->now();
		$live = $wpdb->prepare( 'expires_at > %d', (int) floor( $now ) );
		if ( null === $max_age ) {
			return $live;
		}
		return $live . $wpdb->prepare( ' AND updated_at >= %s', sprintf( '%.6F', $now - wpp_validate_clamp_age( $max_age ) ) );
	}

	/**
	 * The SQL condition on client ids of a read: those starting with $client_prefix, never the
	 * reserved ones (`_…`) unless the prefix itself starts with `_`.
	 *
	 * @since 0.3.0
	 */
	private function clients( string $client_prefix ): string {
		global $wpdb;
		if ( '' === $client_prefix ) {
			return $wpdb->prepare( 'client_id NOT LIKE %s', $wpdb->esc_like( WPP_RESERVED_PREFIX ) . '%' );
		}
		return $wpdb->prepare( 'client_id LIKE %s', $wpdb->esc_like( $client_prefix ) . '%' );
	}

	/**
	 * One upsert. The table has no fixed size: `$may_evict` changes nothing (the budgets bound
	 * its growth).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$may_evict` parameter.
	 */
	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		return false !== $this->write_row( $room, $client_id, $data, $user_id, $ttl, null );
	}

	/**
	 * Writes one row in one statement and says what it did.
	 *
	 * An upsert whose update reads the old row first: `LAST_INSERT_ID( code )` on the update path
	 * makes the insert id of the statement 1 (same data and user), 2 (changed) or 3 (the old row
	 * had expired), while a fresh insert affects 1 row. A write already expired removes the row.
	 *
	 * @since 0.3.0
	 *
	 * @param string     $room       Room.
	 * @param string     $client_id  Client id.
	 * @param array      $data       Data.
	 * @param int        $user_id    Owner.
	 * @param int        $ttl        Seconds the row lives after $written_at.
	 * @param float|null $written_at Date of the row as a Unix time; null = now; later than now = now.
	 * @return string|false 'joined', 'changed', 'refreshed' or 'expired'; false when it failed.
	 */
	private function write_row( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at ) {
		global $wpdb;
		$json = wp_json_encode( $data );
		if ( false === $json || '' === $room || '' === $client_id || strlen( $room ) > 191 || strlen( $client_id ) > 191 ) {
			return false;
		}
		$now     = $this->now();
		$at      = null === $written_at ? $now : min( max( 0.0, $written_at ), $now );
		$expires = (int) ceil( $at ) + wpp_validate_clamp_age( $ttl ); // Whole seconds, rounded up.
		if ( $expires <= (int) floor( $now ) ) {
			$sql = $wpdb->prepare( "DELETE FROM {$this->table()} WHERE room = %s AND client_id = %s", $room, $client_id );
			return false === $this->write( fn() => $wpdb->query( $sql ) ) ? false : 'expired';
		}
		$sql = $wpdb->prepare(
			"INSERT INTO {$this->table()} (room, client_id, user_id, data, updated_at, expires_at)
			VALUES (%s, %s, %d, %s, %s, %d)
			ON DUPLICATE KEY UPDATE
				user_id = IF( LAST_INSERT_ID( IF( expires_at <= %d, 3, IF( user_id = VALUES(user_id) AND BINARY data = BINARY VALUES(data), 1, 2 ) ) ), VALUES(user_id), VALUES(user_id) ),
				data = VALUES(data), updated_at = VALUES(updated_at), expires_at = VALUES(expires_at)",
			$room,
			$client_id,
			max( 0, $user_id ),
			$json,
			sprintf( '%.6F', $at ),
			$expires,
			(int) floor( $now )
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
		if ( false === $result ) {
			return false;
		}
		if ( 1 === (int) $wpdb->rows_affected ) {
			return 'joined';
		}
		// 0 affected rows: the same row down to the microsecond, a refresh.
		return array( 1 => 'refreshed', 2 => 'changed', 3 => 'joined' )[ (int) $wpdb->insert_id ] ?? 'refreshed';
	}

	/** @inheritDoc */
	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false {
		$written = $this->write_row( $room, $client_id, $data, $user_id, $ttl, $written_at );
		if ( false === $written ) {
			return false;
		}
		return array( 'written' => $written ) + $this->read_after( $room, $max_age, $client_prefix, $limit, $count_prefix );
	}

	/** @inheritDoc */
	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false {
		global $wpdb;
		$sql = $wpdb->prepare( "DELETE FROM {$this->table()} WHERE room = %s AND client_id = %s AND expires_at > %d", $room, $client_id, (int) floor( $this->now() ) );
		if ( null !== $unless_written_after ) {
			$sql .= $wpdb->prepare( ' AND updated_at <= %s', sprintf( '%.6F', $unless_written_after ) );
		}
		$removed = $this->write( fn() => $wpdb->query( $sql ) );
		if ( false === $removed ) {
			return false;
		}
		return array( 'removed' => (int) $removed > 0 ) + $this->read_after( $room, $max_age, $client_prefix, $limit, $count_prefix );
	}

	/**
	 * The read half of exchange() and leave(): one query for every live row of the room, from
	 * which the entries asked for, the room version, the count and the remembered count come;
	 * then the compare-and-set of the remembered count when it changed (see tally()).
	 *
	 * @since 0.3.0
	 *
	 * @return array{version:int|null,entries:array[],count:int,previous_count:int}
	 */
	private function read_after( string $room, ?int $max_age, string $client_prefix, ?int $limit, string $count_prefix ): array {
		global $wpdb;
		$out = array(
			'version'        => null,
			'entries'        => array(),
			'count'          => 0,
			'previous_count' => 0,
		);
		if ( 0 === $limit && '' === $count_prefix ) {
			return $out;
		}
		$now  = $this->now();
		$sql  = $wpdb->prepare(
			"SELECT room, client_id, user_id, data, updated_at, expires_at FROM {$this->table()} WHERE room = %s AND expires_at > %d ORDER BY updated_at DESC, id DESC",
			$room,
			(int) floor( $now )
		);
		$rows = (array) $this->quiet( fn() => $wpdb->get_results( $sql ) );

		$out['version'] = $this->version_of(
			array_map(
				static fn( $row ) => array( (string) $row->client_id, (string) $row->user_id, md5( (string) $row->data ) ),
				array_filter( $rows, static fn( $row ) => WPP_COLLAB_CLIENT !== $row->client_id )
			)
		);
		$reserved       = str_starts_with( $client_prefix, WPP_RESERVED_PREFIX );
		$picked         = array();
		$counted        = array();
		$tally          = null;
		foreach ( $rows as $row ) {
			$client = (string) $row->client_id;
			if ( WPP_COLLAB_CLIENT === $client ) {
				$tally = $row;
			}
			if ( '' !== $count_prefix && str_starts_with( $client, $count_prefix ) && ! str_starts_with( $client, WPP_RESERVED_PREFIX ) ) {
				$counted[] = (int) $row->expires_at;
			}
			$fits = str_starts_with( $client, $client_prefix ) && ( $reserved || ! str_starts_with( $client, WPP_RESERVED_PREFIX ) );
			if ( $fits && ( null === $max_age || (float) $row->updated_at >= $now - wpp_validate_clamp_age( $max_age ) ) ) {
				$picked[] = $row;
			}
		}
		$out['entries'] = $this->entries( null === $limit ? $picked : array_slice( $picked, 0, max( 0, $limit ) ) );
		if ( '' !== $count_prefix ) {
			$out['count']          = count( $counted );
			$out['previous_count'] = $this->tally( $room, $tally, $out['count'], $counted ? max( $counted ) : 0 );
		}
		return $out;
	}

	/**
	 * Remembers a room's count in its `_collab` row (`{"count":N}`, kept only while N > 0, and
	 * living as long as the longest-lived counted row) and returns the count remembered before.
	 *
	 * The row changes only if it still holds what this request read (a compare-and-set in one
	 * statement): when another request changed it in between, that request saw the change, and
	 * this one reports none (the previous count equals the count).
	 *
	 * @since 0.3.0
	 *
	 * @param string      $room    Room.
	 * @param object|null $stored  The live `_collab` row read, or null.
	 * @param int         $count   Count now.
	 * @param int         $expires Expiry of the longest-lived counted row (0 without any).
	 * @return int The previous count.
	 */
	private function tally( string $room, ?object $stored, int $count, int $expires ): int {
		global $wpdb;
		$decoded  = null !== $stored ? json_decode( (string) $stored->data, true ) : null;
		$previous = is_array( $decoded ) ? max( 0, (int) ( $decoded['count'] ?? 0 ) ) : 0;
		$expected = null !== $stored ? (string) $stored->data : '';
		$now      = $this->now();
		// Kept alive while counted rows are: written again once it has less than half the life
		// the longest-lived of them has left (every 75 s or so with the default TTL).
		$stale = null !== $stored && (int) $stored->expires_at - $now < ( $expires - $now ) / 2;
		if ( $count === $previous && ! ( $count > 0 && $stale ) ) {
			return $previous;
		}
		if ( 0 === $count ) {
			$sql = $wpdb->prepare(
				"DELETE FROM {$this->table()} WHERE room = %s AND client_id = %s AND BINARY data = BINARY %s",
				$room,
				WPP_COLLAB_CLIENT,
				$expected
			);
		} else {
			// MySQL assigns left to right, and a later expression sees the earlier assignments:
			// the compare-and-set is read before `expires_at` is assigned, and `data` follows it
			// when `updated_at` took the new value (only a successful compare-and-set gives it).
			$cas = $wpdb->prepare(
				'( ( %d = 0 AND expires_at <= %d ) OR ( expires_at > %d AND BINARY data = BINARY %s ) )',
				'' === $expected ? 0 : 1,
				(int) floor( $now ),
				(int) floor( $now ),
				$expected
			);
			$sql = $wpdb->prepare(
				"INSERT INTO {$this->table()} (room, client_id, user_id, data, updated_at, expires_at)
				VALUES (%s, %s, 0, %s, %s, %d)
				ON DUPLICATE KEY UPDATE
					updated_at = IF( {$cas}, VALUES(updated_at), updated_at ),
					expires_at = IF( {$cas}, VALUES(expires_at), expires_at ),
					data = IF( updated_at = VALUES(updated_at), VALUES(data), data )",
				$room,
				WPP_COLLAB_CLIENT,
				wp_json_encode( array( 'count' => $count ) ),
				sprintf( '%.6F', $now ),
				$expires
			);
		}
		$changed = $this->quiet( fn() => $wpdb->query( $sql ) );
		return false !== $changed && (int) $changed > 0 ? $previous : $count;
	}

	/**
	 * The room version of rows given as [client_id, user_id, md5 of the data text]: a hash that
	 * changes when a row joins, leaves or changes its data or user, not when it is refreshed.
	 *
	 * @since 0.3.0
	 *
	 * @param array[] $rows Rows, in any order.
	 * @return int 0 for no rows.
	 */
	private function version_of( array $rows ): int {
		if ( ! $rows ) {
			return 0;
		}
		usort( $rows, static fn( array $a, array $b ) => strcmp( $a[0], $b[0] ) );
		$hash = hash_init( 'sha256' );
		foreach ( $rows as $row ) {
			hash_update( $hash, implode( "\0", $row ) . "\n" );
		}
		return (int) hexdec( substr( hash_final( $hash ), 0, 15 ) ); // 60 bits: a positive int.
	}

	/** @inheritDoc */
	public function entry( string $room, string $client_id ): ?array {
		global $wpdb;
		$sql = $wpdb->prepare(
			"SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE room = %s AND client_id = %s AND expires_at > %d",
			$room,
			$client_id,
			(int) floor( $this->now() )
		);
		$rows             = (array) $this->quiet( fn() => $wpdb->get_results( $sql ) );
		$this->last_error = (string) $wpdb->last_error; // Tells a failed read from no entry.
		return $this->entries( $rows )[0] ?? null;
	}

	/** @inheritDoc */
	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		global $wpdb;
		if ( null !== $limit && $limit < 1 ) {
			return array();
		}
		$sql = "SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE "
			. ( '' === $prefix ? '' : $wpdb->prepare( 'room LIKE %s AND ', $wpdb->esc_like( $prefix ) . '%' ) )
			. $this->clients( $client_prefix ) . ' AND ' . $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC'
			. ( null !== $limit ? ' LIMIT ' . (int) $limit : '' );
		return $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) );
	}

	/**
	 * The table is installed (the option its installation writes, so no query).
	 *
	 * @since 0.3.0
	 */
	public function available(): bool {
		return (bool) get_option( 'wpp_db_version' );
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
	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		global $wpdb;
		if ( null !== $limit && $limit < 1 ) {
			return array();
		}
		$sql = $wpdb->prepare( "SELECT room, client_id, user_id, data, updated_at FROM {$this->table()} WHERE room = %s AND ", $room )
			. $this->clients( $client_prefix ) . ' AND ' . $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC'
			. ( null !== $limit ? ' LIMIT ' . (int) $limit : '' );
		return $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) );
	}

	/** @inheritDoc */
	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int {
		global $wpdb;
		$sql = $wpdb->prepare( "SELECT COUNT(*) FROM {$this->table()} WHERE room = %s AND ", $room )
			. $this->clients( $client_prefix ) . ' AND ' . $this->live( $max_age );
		return (int) $this->quiet( fn() => $wpdb->get_var( $sql ) );
	}

	/**
	 * A hash of the live rows' (client_id, user_id, data), reserved rows included but for the
	 * backend's own `_collab` count: it changes exactly when an entry joins, leaves or changes,
	 * and not when one is only refreshed. 0 for an empty room.
	 *
	 * @since 0.1.0
	 */
	public function room_version( string $room ): int {
		global $wpdb;
		$sql  = $wpdb->prepare(
			"SELECT client_id, user_id, MD5(data) AS h FROM {$this->table()} WHERE room = %s AND client_id <> %s AND expires_at > %d",
			$room,
			WPP_COLLAB_CLIENT,
			(int) floor( $this->now() )
		);
		return $this->version_of( (array) $this->quiet( fn() => $wpdb->get_results( $sql, ARRAY_N ) ) );
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
			. $this->clients( '' ) . ' AND ' . $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC';
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
			if ( '' === $left_out ) {
				continue;
			}
			$after = self::after_prefix( $left_out );
			// A range, not NOT LIKE, so MySQL reads the index on both sides of it.
			$ranges .= null === $after
				? $wpdb->prepare( ' AND room NOT LIKE %s', $wpdb->esc_like( $left_out ) . '%' )
				: $wpdb->prepare( ' AND ( room < %s OR room >= %s )', $left_out, $after );
		}
		$sql  = "SELECT room, COUNT(*) AS entries, COUNT(DISTINCT user_id) AS users FROM {$this->table()} WHERE "
			. $this->clients( '' ) . ' AND ' . $this->live( $max_age ) . $ranges . ' GROUP BY room ORDER BY room';
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
	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array {
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
			. $this->clients( $client_prefix ) . ' AND ' . $this->live( $max_age ) . ' ORDER BY updated_at DESC, id DESC';
		foreach ( $this->entries( (array) $this->quiet( fn() => $wpdb->get_results( $sql ) ) ) as $entry ) {
			$out[ $entry['room'] ][] = $entry;
		}
		return $out;
	}

	/**
	 * Each site has its own table: one `UNION ALL` of the sites' tables per query, each part
	 * reading only the room's live rows through the unique (room, client_id) index. A site whose
	 * table is missing (not yet repaired) would fail the whole query: then the tables that exist
	 * are listed (one more query) and the read runs again without it.
	 *
	 * @since 0.2.0
	 */
	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		global $wpdb;
		$blog_ids = array_values( array_unique( array_filter( array_map( 'intval', $blog_ids ), static fn( int $id ): bool => $id > 0 ) ) );
		$out      = array();
		if ( ! $blog_ids || '' === $room || strlen( $room ) > 191 ) {
			return $out;
		}
		$where = $wpdb->prepare( 'room = %s AND client_id LIKE %s AND ', $room, $wpdb->esc_like( $client_prefix ) . '%' ) . $this->live( $max_age );
		foreach ( array_chunk( $blog_ids, self::NETWORK_TABLES_PER_QUERY ) as $chunk ) {
			$rows = $this->network_rows( $chunk, $where );
			if ( null === $rows ) {
				$rows = $this->network_rows( array_intersect( $chunk, $this->network_blogs_with_table() ), $where ) ?? array();
			}
			$by_blog = array();
			foreach ( $rows as $row ) {
				$by_blog[ (int) $row->blog_id ][] = $row;
			}
			foreach ( $by_blog as $blog_id => $blog_rows ) {
				$out[ $blog_id ] = $this->entries( $blog_rows );
			}
		}
		return $out;
	}

	/**
	 * Rows of several sites' tables matching $where, newest first, each with its `blog_id`; null
	 * when the query failed (a table is missing).
	 *
	 * @since 0.2.0
	 *
	 * @param int[]  $blog_ids Sites.
	 * @param string $where    Prepared condition.
	 * @return object[]|null
	 */
	private function network_rows( array $blog_ids, string $where ): ?array {
		global $wpdb;
		if ( ! $blog_ids ) {
			return array();
		}
		$parts = array();
		foreach ( $blog_ids as $blog_id ) {
			$table   = $wpdb->get_blog_prefix( $blog_id ) . 'wpp_presence';
			$parts[] = '(SELECT ' . (int) $blog_id . " AS blog_id, room, client_id, user_id, data, updated_at FROM {$table} WHERE {$where})";
		}
		$sql  = implode( ' UNION ALL ', $parts ) . ' ORDER BY updated_at DESC';
		$rows = $this->quiet( fn() => $wpdb->get_results( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- every part is prepared above.
		return '' === (string) $wpdb->last_error && is_array( $rows ) ? $rows : null;
	}

	/**
	 * Ids of the sites of this database whose presence table exists.
	 *
	 * @since 0.2.0
	 *
	 * @return int[]
	 */
	private function network_blogs_with_table(): array {
		global $wpdb;
		$tables = (array) $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $wpdb->base_prefix ) . '%' . $wpdb->esc_like( 'wpp_presence' ) ) );
		$ids    = array();
		foreach ( $tables as $table ) {
			$middle = substr( (string) $table, strlen( $wpdb->base_prefix ), -strlen( 'wpp_presence' ) );
			if ( '' === $middle ) {
				$ids[] = 1; // Blog 1 has no number in its prefix (wpdb::get_blog_prefix()).
			} elseif ( preg_match( '/^([0-9]+)_$/D', $middle, $m ) ) {
				$ids[] = (int) $m[1];
			}
		}
		return $ids;
	}

	/**
	 * Live (not reserved) and expired (not yet deleted) rows of this site's table, its rooms, and
	 * its name.
	 *
	 * @since 0.2.0
	 */
	public function stats(): array {
		global $wpdb;
		$now = (int) floor( $this->now() );
		$sql = $wpdb->prepare(
			"SELECT SUM(expires_at > %d AND client_id NOT LIKE %s) AS live, SUM(expires_at <= %d) AS expired, COUNT(DISTINCT IF(expires_at > %d AND client_id NOT LIKE %s, room, NULL)) AS rooms FROM {$this->table()}",
			$now,
			$wpdb->esc_like( WPP_RESERVED_PREFIX ) . '%',
			$now,
			$now,
			$wpdb->esc_like( WPP_RESERVED_PREFIX ) . '%'
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
