<?php
/**
 * A WPP_Backend that passes every call to another backend and counts them by method, so a test
 * can see how many calls of the store an operation makes.
 *
 * @package Presence
 */

class WPP_Test_Counting_Backend implements WPP_Backend {

	/** @var array<string,int> method => calls. */
	public array $calls = array();

	public function __construct( private WPP_Backend $inner ) {
	}

	/** Total calls since the last reset. */
	public function total(): int {
		return array_sum( $this->calls );
	}

	public function reset(): void {
		$this->calls = array();
	}

	private function count( string $method ): WPP_Backend {
		$this->calls[ $method ] = ( $this->calls[ $method ] ?? 0 ) + 1;
		return $this->inner;
	}

	public function last_error(): string {
		return wpp_backend_last_error( $this->inner );
	}

	public function name(): string {
		return $this->inner->name();
	}

	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		return $this->count( __FUNCTION__ )->set( $room, $client_id, $data, $user_id, $ttl, $may_evict );
	}

	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false {
		return $this->count( __FUNCTION__ )->exchange( $room, $client_id, $data, $user_id, $ttl, $written_at, $max_age, $client_prefix, $limit, $count_prefix, $may_evict );
	}

	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false {
		return $this->count( __FUNCTION__ )->leave( $room, $client_id, $max_age, $client_prefix, $limit, $count_prefix, $unless_written_after );
	}

	public function entry( string $room, string $client_id ): ?array {
		return $this->count( __FUNCTION__ )->entry( $room, $client_id );
	}

	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		return $this->count( __FUNCTION__ )->network_room( $blog_ids, $room, $max_age, $client_prefix );
	}

	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		return $this->count( __FUNCTION__ )->get_room( $room, $max_age, $limit, $client_prefix );
	}

	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int {
		return $this->count( __FUNCTION__ )->count_room( $room, $max_age, $client_prefix );
	}

	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		return $this->count( __FUNCTION__ )->by_room_prefix( $prefix, $max_age, $limit, $client_prefix );
	}

	public function available(): bool {
		return $this->count( __FUNCTION__ )->available();
	}

	public function room_version( string $room ): int {
		return $this->count( __FUNCTION__ )->room_version( $room );
	}

	public function remove( string $room, string $client_id ): bool {
		return $this->count( __FUNCTION__ )->remove( $room, $client_id );
	}

	public function remove_user( int $user_id ): int {
		return $this->count( __FUNCTION__ )->remove_user( $user_id );
	}

	public function user_entries( int $user_id, int $max_age ): array {
		return $this->count( __FUNCTION__ )->user_entries( $user_id, $max_age );
	}

	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array {
		return $this->count( __FUNCTION__ )->rooms( $max_age, $prefix, $except );
	}

	public function gc(): int {
		return $this->count( __FUNCTION__ )->gc();
	}

	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array {
		return $this->count( __FUNCTION__ )->get_rooms( $rooms, $max_age, $client_prefix );
	}

	public function stats(): array {
		return $this->count( __FUNCTION__ )->stats();
	}
}
