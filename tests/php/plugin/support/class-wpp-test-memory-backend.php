<?php
/**
 * A WPP_Backend kept in a PHP array, with a clock the test moves. It touches no database, so a
 * test can count the queries the presence code itself adds to a heartbeat on any machine, and it
 * follows the seam's rules: the version changes on join/leave/state change, not on refresh;
 * reserved entries are read only with a `_` client prefix; exchange() and leave() count.
 *
 * @package Presence
 */

class WPP_Test_Memory_Backend implements WPP_Backend {

	/** @var array<string,array<string,array>> room => client_id => entry (+ expires_at). */
	private array $rooms = array();

	/** @var array<string,int> room => version counter. */
	private array $versions = array();

	/** @var array<string,int> room => count remembered by exchange()/leave(). */
	private array $counts = array();

	/** Current unix time of this backend. */
	public float $now;

	public function __construct( ?float $now = null ) {
		$this->now = $now ?? microtime( true );
	}

	public function name(): string {
		return 'memory';
	}

	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		return false !== $this->write( $room, $client_id, $data, $user_id, $ttl, null );
	}

	private function write( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at ) {
		$at  = null === $written_at ? $this->now : min( $written_at, $this->now );
		$old = $this->live( $room )[ $client_id ] ?? null;
		if ( $at + $ttl <= $this->now ) {
			if ( null !== $old ) {
				$this->remove( $room, $client_id );
			}
			return 'expired';
		}
		if ( null === $old || $old['data'] !== $data || $old['user_id'] !== $user_id ) {
			$this->versions[ $room ] = ( $this->versions[ $room ] ?? 0 ) + 1;
		}
		$this->rooms[ $room ][ $client_id ] = array(
			'room'       => $room,
			'client_id'  => $client_id,
			'user_id'    => $user_id,
			'data'       => $data,
			'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $at ),
			'updated_at' => $at,
			'expires_at' => $at + $ttl,
		);
		if ( null === $old ) {
			return 'joined';
		}
		return $old['data'] !== $data || $old['user_id'] !== $user_id ? 'changed' : 'refreshed';
	}

	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false {
		return array( 'written' => $this->write( $room, $client_id, $data, $user_id, $ttl, $written_at ) ) + $this->after( $room, $max_age, $client_prefix, $limit, $count_prefix );
	}

	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false {
		$entry = $this->live( $room )[ $client_id ] ?? null;
		$newer = null !== $entry && null !== $unless_written_after && $entry['updated_at'] > $unless_written_after;
		return array( 'removed' => ! $newer && $this->remove( $room, $client_id ) ) + $this->after( $room, $max_age, $client_prefix, $limit, $count_prefix );
	}

	private function after( string $room, ?int $max_age, string $client_prefix, ?int $limit, string $count_prefix ): array {
		$count    = 0;
		$previous = 0;
		if ( '' !== $count_prefix ) {
			$count                  = count( array_filter( array_keys( $this->live( $room ) ), static fn( $c ) => str_starts_with( (string) $c, $count_prefix ) ) );
			$previous               = $this->counts[ $room ] ?? 0;
			$this->counts[ $room ] = $count;
		}
		return array(
			'version'        => 0 === $limit ? null : $this->room_version( $room ),
			'entries'        => 0 === $limit ? array() : $this->get_room( $room, $max_age, $limit, $client_prefix ),
			'count'          => $count,
			'previous_count' => $previous,
		);
	}

	public function entry( string $room, string $client_id ): ?array {
		$entry = $this->live( $room )[ $client_id ] ?? null;
		if ( null !== $entry ) {
			unset( $entry['expires_at'] );
		}
		return $entry;
	}

	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		$entries = array_values(
			array_filter(
				$this->live( $room ),
				fn( $e ) => ( null === $max_age || $this->now - $e['updated_at'] <= $max_age )
					&& str_starts_with( $e['client_id'], $client_prefix )
					&& ( str_starts_with( $client_prefix, '_' ) || ! str_starts_with( $e['client_id'], '_' ) )
			)
		);
		usort( $entries, static fn( $a, $b ) => $b['updated_at'] <=> $a['updated_at'] );
		$entries = array_map(
			static function ( $e ) {
				unset( $e['expires_at'] );
				return $e;
			},
			$entries
		);
		return null === $limit ? $entries : array_slice( $entries, 0, $limit );
	}

	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int {
		return count( $this->get_room( $room, $max_age, null, $client_prefix ) );
	}

	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		$out = array();
		foreach ( array_keys( $this->rooms ) as $room ) {
			if ( str_starts_with( (string) $room, $prefix ) ) {
				$out = array_merge( $out, $this->get_room( (string) $room, $max_age, null, $client_prefix ) );
			}
		}
		usort( $out, static fn( $a, $b ) => $b['updated_at'] <=> $a['updated_at'] );
		return null === $limit ? $out : array_slice( $out, 0, $limit );
	}

	public function available(): bool {
		return true;
	}

	public function room_version( string $room ): int {
		return $this->versions[ $room ] ?? 0;
	}

	public function remove( string $room, string $client_id ): bool {
		if ( ! isset( $this->live( $room )[ $client_id ] ) ) {
			return false;
		}
		unset( $this->rooms[ $room ][ $client_id ] );
		$this->versions[ $room ] = ( $this->versions[ $room ] ?? 0 ) + 1;
		return true;
	}

	public function remove_user( int $user_id ): int {
		$removed = 0;
		foreach ( $this->rooms as $room => $entries ) {
			foreach ( $entries as $client_id => $entry ) {
				if ( $entry['user_id'] === $user_id && $this->remove( $room, (string) $client_id ) ) {
					++$removed;
				}
			}
		}
		return $removed;
	}

	public function user_entries( int $user_id, int $max_age ): array {
		$out = array();
		foreach ( array_keys( $this->rooms ) as $room ) {
			foreach ( $this->get_room( (string) $room, $max_age ) as $entry ) {
				if ( $entry['user_id'] === $user_id ) {
					$out[] = $entry;
				}
			}
		}
		return $out;
	}

	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array {
		$out = array();
		foreach ( array_keys( $this->rooms ) as $room ) {
			$room = (string) $room;
			if ( ! str_starts_with( $room, $prefix ) || array_filter( $except, static fn( $p ) => '' !== $p && str_starts_with( $room, $p ) ) ) {
				continue;
			}
			$entries = $this->get_room( $room, $max_age );
			if ( $entries ) {
				$out[ $room ] = array(
					'entries' => count( $entries ),
					'users'   => count( array_unique( array_column( $entries, 'user_id' ) ) ),
				);
			}
		}
		return $out;
	}

	public function gc(): int {
		return 0;
	}

	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array {
		$out = array();
		foreach ( $rooms as $room ) {
			$out[ (string) $room ] = $this->get_room( (string) $room, $max_age, null, $client_prefix );
		}
		return $out;
	}

	/** It holds one site: the current one. */
	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		$blog    = get_current_blog_id();
		$entries = array_values( array_filter( $this->get_room( $room, $max_age ), static fn( $e ) => str_starts_with( $e['client_id'], $client_prefix ) ) );
		return in_array( $blog, array_map( 'intval', $blog_ids ), true ) && $entries ? array( $blog => $entries ) : array();
	}

	public function stats(): array {
		$rooms = $this->rooms( 86400 );
		return array(
			'live_entries' => (int) array_sum( array_column( $rooms, 'entries' ) ),
			'rooms'        => count( $rooms ),
		);
	}

	public function flush(): int {
		$n           = array_sum( array_map( 'count', $this->rooms ) );
		$this->rooms = array();
		return $n;
	}

	private function live( string $room ): array {
		return array_filter( $this->rooms[ $room ] ?? array(), fn( $e ) => $e['expires_at'] > $this->now );
	}
}
