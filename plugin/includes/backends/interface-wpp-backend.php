<?php
/**
 * The seam between the plugin and where entries live.
 *
 * @package Presence
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

/**
 * A presence store.
 *
 * Rooms given to a backend are public room names (`admin/online`, `postType/post:12`); the backend
 * namespaces them per site (install + blog id) itself, so callers never see another site's entries.
 * Arguments are validated by the caller (api/validate.php); a backend still never raises: it
 * returns false / 0 / an empty array on bad input or storage errors.
 *
 * An entry is an array with keys `room` (public name), `client_id`, `user_id` (int), `data` (array),
 * `date_gmt` ('Y-m-d H:i:s' UTC) and `updated_at` (float unix time).
 *
 * @since 0.1.0
 */
interface WPP_Backend {

	/**
	 * 'native' or 'database'.
	 *
	 * @since 0.1.0
	 */
	public function name(): string;

	/**
	 * Inserts or replaces the entry (room, client_id) and refreshes its expiry to now + $ttl.
	 *
	 * With $may_evict false the write is of low priority (a REST write, a stale-screen mark, the
	 * budgets' bookkeeping): a store of fixed size that is full takes only expired entries for
	 * it, never a live one, and refuses it instead (false); its entries are the first live ones
	 * an ordinary write (a heartbeat) evicts. Stores without a fixed size ignore it.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$may_evict` parameter.
	 */
	public function set( string $room, string $client_id, array $data, int $user_id, int $ttl, bool $may_evict = true ): bool;

	/**
	 * Live entries of a room updated within $max_age seconds, newest first, at most $limit.
	 *
	 * @since 0.1.0
	 */
	public function get_room( string $room, int $max_age, ?int $limit = null ): array;

	/**
	 * Number of entries get_room() would return without a limit.
	 *
	 * @since 0.1.0
	 */
	public function count_room( string $room, int $max_age ): int;

	/**
	 * A number that changes when an entry of the room joins, leaves or changes its data or user,
	 * and not when an entry is only refreshed.
	 *
	 * @since 0.1.0
	 */
	public function room_version( string $room ): int;

	/**
	 * Removes one entry. True when an entry was removed.
	 *
	 * @since 0.1.0
	 */
	public function remove( string $room, string $client_id ): bool;

	/**
	 * Removes every entry of a user on this site. Returns how many were removed.
	 *
	 * @since 0.1.0
	 */
	public function remove_user( int $user_id ): int;

	/**
	 * Live entries of a user on this site, newest first.
	 *
	 * @since 0.1.0
	 */
	public function user_entries( int $user_id, int $max_age ): array;

	/**
	 * Rooms of this site with live entries: room => ['entries' => int, 'users' => int], only those
	 * whose name starts with $prefix and none whose name starts with one of $except. A reader that
	 * needs a few kinds of room names them here, so the store reads nothing else (on the
	 * database backend, an index range of the table).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 The `$prefix` and `$except` parameters.
	 *
	 * @param int      $max_age Seconds.
	 * @param string   $prefix  Only rooms starting with this ('' for all).
	 * @param string[] $except  Leave out rooms starting with any of these.
	 * @return array<string,array{entries:int,users:int}>
	 */
	public function rooms( int $max_age, string $prefix = '', array $except = array() ): array;

	/**
	 * Deletes expired entries now. Returns how many were deleted.
	 *
	 * @since 0.1.0
	 */
	public function gc(): int;

	/**
	 * Live entries of several rooms at once, for a screen that shows many rooms (the posts list,
	 * Active posts): room => entries updated within $max_age seconds, newest first, for each
	 * room asked, in the order asked (an empty list for a room without live entries or with an
	 * invalid name). One query on the database backend.
	 *
	 * @since 0.2.0
	 *
	 * @param string[] $rooms   Room names.
	 * @param int      $max_age Seconds.
	 * @return array<string,array[]>
	 */
	public function get_rooms( array $rooms, int $max_age ): array;

	/**
	 * Figures about the store for the Tools → Presence screen: name => int|float|string, at least
	 * `live_entries` (live entries of this site) and `rooms` (rooms of this site with live entries).
	 *
	 * @since 0.2.0
	 *
	 * @return array<string,int|float|string>
	 */
	public function stats(): array;
}
