<?php
/**
 * Backend on the presence PHP extension (shared memory, or Redis with presence.backend). The only
 * code that calls presence_*().
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * Entries in the extension's shared-memory table.
 *
 * One segment can serve several WordPress sites (every site of a php-fpm master that loads the
 * extension with the same `presence.shm_path`). Each room is therefore stored as
 * `{install_key}/{blog_id}/{room}`: the install key (see wpp_backend_install_key()) separates
 * installs, the blog id separates the sites of a network. Reads strip the prefix again, and
 * remove_user() / rooms() only look under this site's prefix.
 *
 * @since 0.1.0
 */
final class WPP_Native_Backend implements WPP_Backend {

	/**
	 * Longest room name the extension accepts, in bytes.
	 *
	 * @since 0.1.0
	 */
	private const MAX_STORED_ROOM_BYTES = 191;

	/**
	 * Most rooms one presence_rooms_read() takes (the extension refuses more).
	 *
	 * @since 0.3.0
	 */
	private const ROOMS_PER_READ = 2000;

	/**
	 * Install key given to the constructor; null = wpp_backend_install_key() at call time.
	 *
	 * @var string|null
	 */
	private ?string $install_key;

	/**
	 * Message of the last error the extension raised in set(), '' when the last write worked.
	 *
	 * @var string
	 */
	private string $last_error = '';

	/**
	 * presence.max_state_bytes at which every state the plugin accepts (≤ 10 KB as JSON, 3 levels)
	 * fits the extension's encoding, which can take up to 2.5 times the JSON size (lists of small
	 * integers). Below it, large states are refused by the extension; Site Health says so.
	 *
	 * @since 0.1.0
	 */
	public const RECOMMENDED_MAX_STATE_BYTES = 32768;

	/**
	 * @since 0.1.0
	 *
	 * @param string|null $install_key Namespace of this install; null for
	 *                                 wpp_backend_install_key().
	 *                                 Tests pass another key to act as a second site.
	 */
	public function __construct( ?string $install_key = null ) {
		$this->install_key = $install_key;
	}

	/** @inheritDoc */
	public function name(): string {
		return 'native';
	}

	/**
	 * This site's namespace inside the segment: `{install_key}/{blog_id}/`.
	 *
	 * Read at call time so switch_to_blog() moves it along.
	 *
	 * @since 0.1.0
	 */
	public function prefix(): string {
		return ( $this->install_key ?? wpp_backend_install_key() ) . '/' . get_current_blog_id() . '/';
	}

	/**
	 * The stored name of a public room, or null when it would be too long.
	 *
	 * @since 0.1.0
	 */
	private function stored_room( string $room ): ?string {
		$stored = $this->prefix() . $room;
		return ( '' !== $room && strlen( $stored ) <= self::MAX_STORED_ROOM_BYTES ) ? $stored : null;
	}

	/**
	 * Entries from the extension with their room names made public again.
	 *
	 * @since 0.1.0
	 */
	private function publish( array $entries, string $prefix ): array {
		$out    = array();
		$length = strlen( $prefix );
		foreach ( $entries as $entry ) {
			if ( ! is_array( $entry ) || ! str_starts_with( (string) ( $entry['room'] ?? '' ), $prefix ) ) {
				continue;
			}
			$entry['room']       = substr( $entry['room'], $length );
			$entry['user_id']    = (int) $entry['user_id'];
			$entry['data']       = is_array( $entry['data'] ?? null ) ? $entry['data'] : array();
			$entry['updated_at'] = (float) $entry['updated_at'];
			$out[]               = $entry;
		}
		return $out;
	}

	/**
	 * On shared memory `$may_evict` is the extension's own; Redis accepts it and evicts by its
	 * own policy.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$may_evict` parameter.
	 */
	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return false;
		}
		return (bool) $this->call( fn() => presence_upsert( $stored, $client_id, $data, max( 0, $user_id ), wpp_validate_clamp_age( $ttl ), null, $may_evict ), false );
	}

	/**
	 * Calls the extension. A ValueError/TypeError (nothing was stored) becomes $fallback; an
	 * E_WARNING (segment full, or it cannot be attached: wrong presence.shm_size or path) is kept
	 * as the reason instead of reaching the output of a heartbeat or REST response.
	 *
	 * @since 0.1.0
	 *
	 * @param callable $call     The presence_*() call.
	 * @param mixed    $fallback Result when it throws.
	 * @return mixed
	 */
	private function call( callable $call, $fallback ) {
		$this->last_error = '';
		set_error_handler(
			function ( int $errno, string $message ): bool {
				$this->last_error = $message;
				return true;
			},
			E_WARNING | E_NOTICE
		);
		try {
			return $call();
		} catch ( \Throwable $e ) {
			$this->last_error = $e->getMessage();
			return $fallback;
		} finally {
			restore_error_handler();
		}
	}

	/**
	 * Why the last extension call failed, as the extension said it ('' when it did not fail).
	 *
	 * @since 0.1.0
	 */
	public function last_error(): string {
		return $this->last_error;
	}

	/**
	 * Whether the extension can use its store: '' when it can, else its reason (such as a
	 * presence.shm_size out of range, a shm_path it cannot open, or a Redis server it cannot
	 * reach). For Site Health.
	 *
	 * @since 0.1.0
	 */
	public function segment_error(): string {
		$stats = $this->call( fn() => presence_stats(), array() );
		if ( '' === $this->last_error && ( ! is_array( $stats ) || array() === $stats ) ) {
			// The extension warns about an unreachable Redis once per request: an earlier call
			// of this request may have had the warning.
			$this->last_error = __( 'the store did not answer.', 'presence' );
		}
		return $this->last_error;
	}

	/**
	 * Where the extension keeps the entries, from presence_stats(): `backend` ('shm' or
	 * 'redis'), and `segment_path`, or `server` and `server_version`. Empty when it cannot say.
	 *
	 * @since 0.1.0
	 *
	 * @return array<string, string>
	 */
	public function store_info(): array {
		$stats = $this->call( fn() => presence_stats(), array() );
		$info  = array();
		foreach ( array( 'backend', 'segment_path', 'server', 'server_version' ) as $key ) {
			if ( is_array( $stats ) && isset( $stats[ $key ] ) && is_string( $stats[ $key ] ) ) {
				$info[ $key ] = $stats[ $key ];
			}
		}
		return $info;
	}

	/**
	 * The extension's presence.max_state_bytes in bytes (ini value with K/M suffix).
	 *
	 * @since 0.1.0
	 */
	public static function max_state_bytes(): int {
		$value = trim( (string) ini_get( 'presence.max_state_bytes' ) );
		$bytes = (int) $value;
		switch ( strtoupper( substr( $value, -1 ) ) ) {
			case 'M':
				$bytes *= 1024;
				// Fall through.
			case 'K':
				$bytes *= 1024;
		}
		return $bytes;
	}

	/**
	 * A caller's max age as the extension takes it: null (no window) stays null.
	 *
	 * @since 0.3.0
	 */
	private static function age( ?int $max_age ): ?int {
		return null === $max_age ? null : wpp_validate_clamp_age( $max_age );
	}

	/** @inheritDoc */
	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		$stored = $this->stored_room( $room );
		if ( null === $stored || ( null !== $limit && $limit < 1 ) ) {
			return array();
		}
		$entries = $this->call( fn() => presence_room( $stored, self::age( $max_age ), $limit, $client_prefix ), array() );
		return $this->publish( (array) $entries, $this->prefix() );
	}

	/** @inheritDoc */
	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return 0;
		}
		return (int) $this->call( fn() => presence_room_count( $stored, self::age( $max_age ), $client_prefix ), 0 );
	}

	/**
	 * One call of the extension: the write and the read under one lock (one script on Redis).
	 * A $limit of 0 reads only the entry just written (the extension reads at least one), and
	 * answers no entries.
	 *
	 * @since 0.3.0
	 */
	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return false;
		}
		$write_only = 0 === $limit;
		$result     = $this->call(
			fn() => presence_exchange(
				$stored,
				$client_id,
				$data,
				max( 0, $user_id ),
				wpp_validate_clamp_age( $ttl ),
				$written_at,
				self::age( $max_age ),
				$write_only ? $client_id : $client_prefix,
				$write_only ? 1 : $limit,
				$count_prefix,
				$may_evict
			),
			false
		);
		return is_array( $result ) ? $this->answer( $result, $write_only ) : false;
	}

	/**
	 * One call of the extension: the removal and the read under one lock.
	 *
	 * @since 0.3.0
	 */
	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return false;
		}
		$write_only = 0 === $limit;
		$result     = $this->call(
			fn() => presence_leave(
				$stored,
				$client_id,
				self::age( $max_age ),
				$write_only ? $client_id : $client_prefix,
				$write_only ? 1 : $limit,
				$count_prefix,
				$unless_written_after
			),
			false
		);
		return is_array( $result ) ? $this->answer( $result, $write_only ) : false;
	}

	/**
	 * The answer of presence_exchange() / presence_leave() with public room names.
	 *
	 * @since 0.3.0
	 *
	 * @param array $result     The extension's answer.
	 * @param bool  $write_only Whether the caller asked for no entries.
	 * @return array
	 */
	private function answer( array $result, bool $write_only ): array {
		$result['entries']        = $write_only ? array() : $this->publish( (array) ( $result['entries'] ?? array() ), $this->prefix() );
		$result['version']        = $write_only ? null : (int) ( $result['version'] ?? 0 );
		$result['count']          = (int) ( $result['count'] ?? 0 );
		$result['previous_count'] = (int) ( $result['previous_count'] ?? 0 );
		return $result;
	}

	/** @inheritDoc */
	public function entry( string $room, string $client_id ): ?array {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return null;
		}
		$entry = $this->call( fn() => presence_entry( $stored, $client_id ), null );
		return is_array( $entry ) ? ( $this->publish( array( $entry ), $this->prefix() )[0] ?? null ) : null;
	}

	/** @inheritDoc */
	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		$stored = $this->prefix() . $prefix;
		if ( strlen( $stored ) > self::MAX_STORED_ROOM_BYTES || ( null !== $limit && $limit < 1 ) ) {
			return array();
		}
		$entries = $this->call( fn() => presence_prefix( $stored, self::age( $max_age ), $limit, $client_prefix ), array() );
		return $this->publish( (array) $entries, $this->prefix() );
	}

	/**
	 * Whether the extension reaches its store, asked once per request (on Redis it is a round
	 * trip; an outage warns once per request anyway).
	 *
	 * @since 0.3.0
	 */
	public function available(): bool {
		static $available = null;
		if ( null === $available ) {
			$available = '' === $this->segment_error();
		}
		return $available;
	}

	/** @inheritDoc */
	public function room_version( string $room ): int {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return 0;
		}
		return (int) $this->call( fn() => presence_room_version( $stored ), 0 );
	}

	/** @inheritDoc */
	public function remove( string $room, string $client_id ): bool {
		$stored = $this->stored_room( $room );
		if ( null === $stored ) {
			return false;
		}
		return (bool) $this->call( fn() => presence_remove( $stored, $client_id ), false );
	}

	/** @inheritDoc */
	public function remove_user( int $user_id ): int {
		if ( $user_id <= 0 ) {
			return 0;
		}
		return (int) $this->call( fn() => presence_remove_user( $user_id, $this->prefix() ), 0 );
	}

	/** @inheritDoc */
	public function user_entries( int $user_id, int $max_age ): array {
		if ( $user_id <= 0 ) {
			return array();
		}
		$entries = $this->call( fn() => presence_user( $user_id, wpp_validate_clamp_age( $max_age ) ), array() );
		return $this->publish( (array) $entries, $this->prefix() );
	}

	/**
	 * One pass over the store's room table under this site's prefix (and $prefix); $except is
	 * left out afterwards, which costs nothing the store would not have done.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$prefix` and `$except` parameters.
	 */
	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array {
		$site  = $this->prefix();
		$rooms = $this->call( fn() => presence_rooms( $site . $prefix, wpp_validate_clamp_age( $max_age ) ), array() );
		$out   = array();
		foreach ( (array) $rooms as $room => $counts ) {
			$room = (string) $room;
			if ( ! str_starts_with( $room, $site . $prefix ) ) {
				continue;
			}
			$public = substr( $room, strlen( $site ) );
			foreach ( $except as $left_out ) {
				if ( '' !== (string) $left_out && str_starts_with( $public, (string) $left_out ) ) {
					continue 2;
				}
			}
			$out[ $public ] = array(
				'entries' => (int) ( $counts['entries'] ?? 0 ),
				'users'   => (int) ( $counts['users'] ?? 0 ),
			);
		}
		ksort( $out, SORT_STRING );
		return $out;
	}

	/** @inheritDoc */
	public function gc(): int {
		return (int) $this->call( fn() => presence_gc(), 0 );
	}

	/**
	 * One presence_rooms_read() for every room (one lock on shared memory, one round trip on
	 * Redis), each room O(its entries).
	 *
	 * @since 0.2.0
	 * @since 0.3.0 One read of the extension for all the rooms, not one per room.
	 */
	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array {
		$out    = array();
		$stored = array();
		foreach ( $rooms as $room ) {
			$room         = (string) $room;
			$out[ $room ] = array();
			$name         = $this->stored_room( $room );
			if ( null !== $name ) {
				$stored[ $name ] = $room;
			}
		}
		$prefix = $this->prefix();
		foreach ( $this->read_rooms( array_keys( $stored ), $max_age, $client_prefix ) as $name => $entries ) {
			$out[ $stored[ $name ] ] = $this->publish( $entries, $prefix );
		}
		return $out;
	}

	/**
	 * Every site's rooms live under this install's key (`{install_key}/{blog_id}/{room}`): the
	 * room of each site asked is named from its blog id, and all of them are read by one
	 * presence_rooms_read() per WPP_Native_Backend::ROOMS_PER_READ sites (one lock on shared
	 * memory, one round trip on Redis), each room O(its entries): no walk of the other rooms of
	 * the install, and no database query.
	 *
	 * @since 0.2.0
	 * @since 0.3.0 Reads the sites' rooms by name instead of every room of the install.
	 */
	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		$install = ( $this->install_key ?? wpp_backend_install_key() ) . '/';
		$stored  = array();
		foreach ( $blog_ids as $blog_id ) {
			$blog_id = (int) $blog_id;
			$name    = $install . $blog_id . '/' . $room;
			if ( $blog_id > 0 && '' !== $room && strlen( $name ) <= self::MAX_STORED_ROOM_BYTES ) {
				$stored[ $name ] = $blog_id;
			}
		}
		$out = array();
		foreach ( $this->read_rooms( array_keys( $stored ), $max_age, $client_prefix ) as $name => $entries ) {
			if ( $entries ) {
				$blog         = $stored[ $name ];
				$out[ $blog ] = $this->publish( $entries, $install . $blog . '/' );
			}
		}
		return $out;
	}

	/**
	 * Reads rooms by their stored names, ROOMS_PER_READ per presence_rooms_read(): stored name =>
	 * the extension's entries (empty for a room without any, and for every room when the store
	 * failed).
	 *
	 * @since 0.3.0
	 *
	 * @param string[] $stored        Stored room names, each valid.
	 * @param int      $max_age       Seconds.
	 * @param string   $client_prefix Only client ids starting with this.
	 * @return array<string,array[]>
	 */
	private function read_rooms( array $stored, int $max_age, string $client_prefix ): array {
		$out = array();
		foreach ( array_chunk( $stored, self::ROOMS_PER_READ ) as $chunk ) {
			$read = $this->call( fn() => presence_rooms_read( $chunk, wpp_validate_clamp_age( $max_age ), null, $client_prefix ), array() );
			foreach ( (array) $read as $name => $entries ) {
				$out[ (string) $name ] = (array) $entries;
			}
		}
		return $out;
	}

	/**
	 * The extension's presence_stats() for the whole segment (shared by every site using it),
	 * flattened (`evictions.expired`), plus this site's `live_entries` and `rooms`.
	 *
	 * @since 0.2.0
	 */
	public function stats(): array {
		$stats = $this->call( fn() => presence_stats(), array() );
		$out   = array();
		foreach ( (array) $stats as $name => $value ) {
			if ( is_array( $value ) ) {
				foreach ( $value as $sub => $sub_value ) {
					$out[ $name . '.' . $sub ] = is_scalar( $sub_value ) ? $sub_value : '';
				}
			} elseif ( is_scalar( $value ) ) {
				$out[ 'live_entries' === $name ? 'segment.live_entries' : ( 'rooms' === $name ? 'segment.rooms' : $name ) ] = $value;
			}
		}
		$rooms               = $this->rooms( 86400 );
		$out['live_entries'] = (int) array_sum( array_column( $rooms, 'entries' ) );
		$out['rooms']        = count( $rooms );
		return $out;
	}

	/**
	 * Removes every entry of this site, or those of the rooms starting with $room_prefix
	 * (tests, uninstall, `wp presence flush`).
	 *
	 * @since 0.1.0
	 * @since 0.2.0 The `$room_prefix` parameter.
	 *
	 * @param string $room_prefix Only rooms whose public name starts with this; '' for all.
	 * @return int Entries removed.
	 */
	public function flush( string $room_prefix = '' ): int {
		return (int) $this->call( fn() => presence_flush( $this->prefix() . $room_prefix ), 0 );
	}

	/**
	 * The live lane's scope of this site: `{install_key}/{blog_id}`, the prefix of its rooms.
	 *
	 * @since 0.3.0
	 */
	public function live_scope(): string {
		return rtrim( $this->prefix(), '/' );
	}

	/**
	 * A live-lane token (plugin/includes/live/lane.php): the current user's session may learn the
	 * versions of these rooms, from the entry point, until the TTL passes.
	 *
	 * @since 0.3.0
	 *
	 * @param string[] $rooms   Public room names (1..32).
	 * @param int      $user_id User the token is issued to.
	 * @param int      $ttl     Seconds it is valid.
	 * @param string   $session The user's WordPress session token.
	 * @param int      $roster  How many people of the first room's roster its polls may read
	 *                          (0..50; 0 for none).
	 * @return string|false The token, or false when the extension refused or failed.
	 */
	public function live_token( array $rooms, int $user_id, int $ttl, string $session, int $roster = 0 ) {
		$stored = array();
		foreach ( $rooms as $room ) {
			$name = $this->stored_room( (string) $room );
			if ( null === $name ) {
				return false;
			}
			$stored[] = $name;
		}
		$token = $this->call( fn() => presence_live_token( $this->live_scope(), $user_id, $stored, $ttl, $session, $roster ), false );
		return is_string( $token ) && '' !== $token ? $token : false;
	}

	/**
	 * Stops every live-lane token of a user on this site issued until now.
	 *
	 * @since 0.3.0
	 *
	 * @param int $user_id User.
	 * @return bool Whether the store recorded it.
	 */
	public function live_revoke( int $user_id ): bool {
		return $user_id > 0 && (bool) $this->call( fn() => presence_live_revoke( $this->live_scope(), $user_id ), false );
	}

	/**
	 * A room's version as the live lane's poll writes it: the store's unsigned 64-bit number in
	 * decimal ('0' for a room the store cannot name).
	 *
	 * @since 0.3.0
	 *
	 * @param string $room Public room name.
	 * @return string
	 */
	public function live_version( string $room ): string {
		$stored = $this->stored_room( $room );
		return null === $stored ? '0' : sprintf( '%u', (int) $this->call( fn() => presence_room_version( $stored ), 0 ) );
	}
}
