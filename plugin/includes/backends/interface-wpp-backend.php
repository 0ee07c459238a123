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
 * `date_gmt` ('Y-m-d H:i:s' UTC) and `updated_at` (float unix time: when it was written, or the
 * time its writer gave).
 *
 * Reserved entries (client id starting with `_`, the bookkeeping rows such as a post's `_lock`)
 * are never listed, counted or returned by a read, unless the read's `$client_prefix` itself
 * starts with `_`; entry() returns them, and remove(), remove_user() and gc() remove them. A
 * `$max_age` of null means no window: every entry counts until its own expiry.
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
	 * Writes an entry and reads its room, as one operation of the store where it can (one lock on
	 * shared memory, one script on Redis).
	 *
	 * The entry is dated $written_at (a Unix time; null = now; a time after now counts as now) and
	 * expires $ttl seconds after it; a write whose expiry has already passed removes the entry
	 * instead. Then the room is read as get_room( $room, $max_age, $limit, $client_prefix ) does;
	 * a $limit of 0 reads nothing (a plain write).
	 *
	 * With a non-empty $count_prefix the store also counts the room's live entries whose client
	 * id starts with it, after the write (`count`), and answers the count it remembered from the
	 * previous exchange() or leave() that counted (`previous_count`: 0 for a room new or emptied
	 * since), then remembers `count`. Of two processes racing, exactly one sees a given change.
	 *
	 * $may_evict false makes the write one of low priority, as in set().
	 *
	 * @since 0.3.0
	 *
	 * @return array{written:string,version:int|null,entries:array[],count:int,previous_count:int}|false
	 *         `written`: 'joined' (new, or over an expired entry), 'changed' (data or user),
	 *         'refreshed' (the same data and user, dated again) or 'expired' (nothing live
	 *         stored). `version`: the room version after the write; null when nothing was read.
	 *         False when the store failed.
	 */
	public function exchange( string $room, string $client_id, array $data, int $user_id, int $ttl, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true ): array|false;

	/**
	 * Removes an entry and reads its room, as one operation of the store where it can; counts as
	 * exchange() does.
	 *
	 * With $unless_written_after (a Unix time, as an entry's `updated_at`) an entry written after
	 * it stays, decided in the same operation: a caller that read an entry removes that write of
	 * it, never one another request made since.
	 *
	 * @since 0.3.0
	 *
	 * @return array{removed:bool,version:int|null,entries:array[],count:int,previous_count:int}|false
	 */
	public function leave( string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null ): array|false;

	/**
	 * One live entry, reserved or not, or null.
	 *
	 * @since 0.3.0
	 */
	public function entry( string $room, string $client_id ): ?array;

	/**
	 * Live entries of a room written within $max_age seconds (null: no window), newest first, at
	 * most $limit, only those whose client id starts with $client_prefix ('' for all).
	 *
	 * @since 0.1.0
	 * @since 0.3.0 `$max_age` may be null; the `$client_prefix` parameter; reserved entries left out.
	 */
	public function get_room( string $room, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array;

	/**
	 * Number of entries get_room() would return without a limit.
	 *
	 * @since 0.1.0
	 * @since 0.3.0 `$max_age` may be null; the `$client_prefix` parameter.
	 */
	public function count_room( string $room, ?int $max_age, string $client_prefix = '' ): int;

	/**
	 * Live entries of every room whose name starts with $prefix ('' for every room of this site),
	 * newest first, at most $limit; each entry carries its room.
	 *
	 * @since 0.3.0
	 */
	public function by_room_prefix( string $prefix, ?int $max_age, ?int $limit = null, string $client_prefix = '' ): array;

	/**
	 * Whether the store can be used now (the extension reaches its segment or Redis; the table
	 * exists).
	 *
	 * @since 0.3.0
	 */
	public function available(): bool;

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
	 * invalid name). One query on the database backend; one read of the extension's store (one
	 * lock, or one Redis round trip) on the native one.
	 *
	 * @since 0.2.0
	 *
	 * @since 0.3.0 The `$client_prefix` parameter.
	 *
	 * @param string[] $rooms         Room names.
	 * @param int      $max_age       Seconds.
	 * @param string   $client_prefix Only client ids starting with this (as in get_room()).
	 * @return array<string,array[]>
	 */
	public function get_rooms( array $rooms, int $max_age, string $client_prefix = '' ): array;

	/**
	 * Live entries of one room on several sites of the network at once, for Network Admin:
	 * blog id => that site's entries of $room updated within $max_age seconds whose client id
	 * starts with $client_prefix, newest first. Only the sites asked; a site without such
	 * entries is left out. Reads as few times as the store allows: on the native store one read
	 * of the sites' rooms by name (each site's rooms live under one install key) per 2 000
	 * sites, one query per WPP_Database_Backend::NETWORK_TABLES_PER_QUERY sites on the database
	 * backend (each site has its own table). Writes nothing.
	 *
	 * @since 0.2.0
	 *
	 * @param int[]  $blog_ids      Sites to read.
	 * @param string $room          Public room name, such as `admin/online`.
	 * @param int    $max_age       Seconds.
	 * @param string $client_prefix Only client ids starting with this; '' for all.
	 * @return array<int,array[]>
	 */
	public function network_room( array $blog_ids, string $room, int $max_age, string $client_prefix = '' ): array;

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
