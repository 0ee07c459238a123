<?php
/**
 * A WPP_Backend whose store has failed: every write and removal fails with a reason, reads are
 * empty (as the native backend behaves when its segment cannot be used).
 *
 * @package Presence
 */

class WPP_Test_Failing_Backend implements WPP_Backend {

	/** Why the last call failed. */
	private string $last_error = '';

	public function name(): string {
		return 'failing';
	}

	public function last_error(): string {
		return $this->last_error;
	}

	private function fail() {
		$this->last_error = 'disk on fire';
		return false;
	}

	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool {
		return $this->fail();
	}

	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false {
		return $this->fail();
	}

	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false {
		return $this->fail();
	}

	public function entry( string $room, string $client_id ): ?array {
		return null;
	}

	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		return array();
	}

	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int {
		return 0;
	}

	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array {
		return array();
	}

	public function available(): bool {
		return false;
	}

	public function room_version( string $room ): int {
		return 0;
	}

	public function remove( string $room, string $client_id ): bool {
		return $this->fail();
	}

	public function remove_user( int $user_id ): int {
		$this->fail();
		return 0;
	}

	public function user_entries( int $user_id, int $max_age ): array {
		return array();
	}

	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array {
		return array();
	}

	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array {
		return array_fill_keys( array_map( 'strval', $rooms ), array() );
	}

	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array {
		$this->fail();
		return array();
	}

	public function stats(): array {
		return array();
	}

	public function gc(): int {
		return 0;
	}
}
