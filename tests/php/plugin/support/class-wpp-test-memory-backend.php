<?php
/**
 * A WPP_Backend kept in a PHP array, with a clock the test moves. It touches no database, so a
 * test can count the queries the presence code itself adds to a heartbeat on any machine, and it
 * follows the seam's version rule (changes on join/leave/state change, not on refresh).
 *
 * @package Presence
 */

class WPP_Test_Memory_Backend implements WPP_Backend {

	/** @var array<string,array<string,array>> room => client_id => entry (+ expires_at). */
	private array $rooms = array();

	/** @var array<string,int> room => version counter. */
	private array $versions = array();

	/** Current unix time of this backend. */
	public float $now;

	public function __construct( ?float $now = null ) {
		$this->now = $now ?? microtime( true );
	}

	public function name(): string {
		return 'memory';
	}

	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		$old = $this->live( $room )[ $client_id ] ?? null;
		if ( null === $old || $old['data'] !== $data || $old['user_id'] !== $user_id ) {
			$this->versions[ $room ] = ( $this->versions[ $room ] ?? 0 ) + 1;
		}
		$this->rooms[ $room ][ $client_id ] = array(
			'room'       => $room,
			'client_id'  => $client_id,
			'user_id'    => $user_id,
			'data'       => $data,
			'date_gmt'   => gmdate( 'Y-m-d H:i:s', (int) $this->now ),
			'updated_at' => $this->now,
			'expires_at' => $this->now + $ttl,
		);
		return true;
	}

	public function get_room( string $room, int $max_age, ?int $limit = null ): array {
		$entries = array_values(
			array_filter( $this->live( $room ), fn( $e ) => $this->now - $e['updated_at'] <= $max_age )
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

	public function count_room( string $room, int $max_age ): int {
		return count( $this->get_room( $room, $max_age ) );
	}

	public function room_version( string $room ): int {
		return $this->versions[ $room ] ?? 0;
	}

	public function remove( string $room, string $client_id ): bool {
		if ( ! isset( $this->rooms[ $room ][ $client_id ] ) ) {
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
				if ( $entry['user_id'] === $user_id && $this->remove( $room, $client_id ) ) {
					++$removed;
				}
			}
		}
		return $removed;
	}

	public function user_entries( int $user_id, int $max_age ): array {
		$out = array();
		foreach ( array_keys( $this->rooms ) as $room ) {
			foreach ( $this->get_room( $room, $max_age ) as $entry ) {
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

	public function get_rooms( array $rooms, int $max_age ): array {
		$out = array();
		foreach ( $rooms as $room ) {
			$out[ (string) $room ] = $this->get_room( (string) $room, $max_age );
		}
		return $out;
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
