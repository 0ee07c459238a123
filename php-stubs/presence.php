<?php
/**
 * IDE and static-analysis stub for the `presence` PHP extension (target/release/libpresence.so).
 *
 * THIS FILE IS NOT CODE TO RUN. It only describes the functions the extension exports so that
 * editors, PHPStan and Psalm know their signatures. Never include or require it at runtime: with
 * the extension loaded every declaration below is a "Cannot redeclare" fatal error, and without
 * it the bodies are empty placeholders that store nothing.
 *
 * The signatures are kept identical to what Reflection reports for the loaded extension;
 * tests/php/extension/StubsTest.php fails when they drift apart.
 *
 * Common rules:
 * - `$room` and `$client_id`: non-empty, valid UTF-8, at most 191 bytes.
 * - `$ttl` and `$max_age`: seconds, 1 to 86400. `$max_age` keeps only entries written within
 *   that many seconds; expired entries are never returned whatever `$max_age` says.
 * - `$user_id`: 0 or greater (0 means "no user").
 * - Prefixes (`$prefix`, `$room_prefix`): valid UTF-8, at most 191 bytes, may be empty.
 * - An invalid argument throws (ValueError, or TypeError for a value of the wrong kind) with a
 *   message naming it, like `presence_upsert(): Argument #1 ($room) must not be empty`, and
 *   changes nothing in the store.
 * - An operational failure (segment full after eviction, lock not released in time, segment file
 *   unusable, Redis unreachable or not answering within `presence.redis_timeout_ms`) is an
 *   E_WARNING and a falsy result (false, 0 or []), never an exception. An unreachable Redis
 *   warns once per request, however many calls fail.
 * - The store is one table in shared memory at `presence.shm_path`, shared by every process of
 *   the machine that uses the same path. Costs below are for the work under its lock.
 * - With `presence.backend = redis://…` (or `rediss://…`, `unix://…`) the store is in Redis,
 *   shared by every machine using that server and `presence.key_prefix`; the functions answer
 *   the same. Each call on one room is one atomic script and one round trip; calls across rooms
 *   (users, rooms by prefix, gc, flush) are two.
 *
 * @package presence
 */

/**
 * Inserts or replaces the entry ($room, $client_id) and refreshes its expiry.
 *
 * The state replaces the previous one. Writing the same state and user again only refreshes
 * the times: presence_room_version() does not move. When the segment is full, expired entries
 * and then the least recently written ones are evicted to make room.
 *
 * Cost: O(1) on average plus a small bounded expiry sweep; the state is encoded before the lock.
 *
 * @param string $room      Room name (1..191 bytes of UTF-8).
 * @param string $client_id Client id within the room (1..191 bytes of UTF-8).
 * @param array<array-key, scalar|null|array<array-key, mixed>>|null $state Arrays, strings
 *        (valid UTF-8), ints, floats, bools and null only; at most `presence.max_state_bytes`
 *        once encoded and at most 32 levels deep. Null stores an empty array.
 * @param int      $user_id Owner of the entry, 0 or greater.
 * @param int|null $ttl     Seconds until the entry expires (1..86400); null for
 *                          `presence.default_ttl` (150 by default).
 *
 * @return bool True when stored; false with an E_WARNING when it does not fit even after
 *              eviction (or the segment is unusable).
 *
 * @throws ValueError On an empty, too long or non-UTF-8 room or client id, a negative user id,
 *                    a ttl outside 1..86400, or a state that is too large, too deep, cyclic or
 *                    holds a string that is not valid UTF-8.
 * @throws TypeError  On a state holding an object or resource, or an argument of the wrong type.
 */
function presence_upsert(string $room, string $client_id, ?array $state = null, int $user_id = 0, ?int $ttl = null): bool
{
}

/**
 * Live entries of a room, newest first.
 *
 * Cost: O(entries in the room), at most $limit entries copied and built as arrays; expired
 * entries met on the way are removed.
 *
 * @param string   $room    Room name (1..191 bytes of UTF-8).
 * @param int|null $max_age Only entries written within this many seconds (1..86400).
 * @param int|null $limit   At most this many entries (1 or greater); null for all.
 *
 * @return list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>
 *         `date_gmt` is the last write as 'Y-m-d H:i:s' in UTC, `updated_at` the same moment as
 *         a Unix time with microseconds.
 *
 * @throws ValueError On an invalid room, a max age outside 1..86400 or a limit below 1.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_room(string $room, ?int $max_age = null, ?int $limit = null): array
{
}

/**
 * Number of live entries in a room.
 *
 * Cost: O(entries in the room); no arrays are built.
 *
 * @param string   $room    Room name (1..191 bytes of UTF-8).
 * @param int|null $max_age Only entries written within this many seconds (1..86400).
 *
 * @return int 0 for an unknown or empty room.
 *
 * @throws ValueError On an invalid room or a max age outside 1..86400.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_room_count(string $room, ?int $max_age = null): int
{
}

/**
 * Removes one entry.
 *
 * Cost: O(1) on average.
 *
 * @param string $room      Room name (1..191 bytes of UTF-8).
 * @param string $client_id Client id (1..191 bytes of UTF-8).
 *
 * @return bool True when the entry existed and was removed.
 *
 * @throws ValueError On an invalid room or client id.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_remove(string $room, string $client_id): bool
{
}

/**
 * Removes every entry of a user in the rooms whose name starts with $room_prefix.
 *
 * Cost: a scan of every entry record of the segment (its capacity, not just the live ones).
 *
 * @param int    $user_id     User id, 0 or greater.
 * @param string $room_prefix Only rooms starting with this (all rooms when empty).
 *
 * @return int Number of entries removed.
 *
 * @throws ValueError On a negative user id or an invalid prefix.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_remove_user(int $user_id, string $room_prefix = ''): int
{
}

/**
 * Every live entry of a user, in any room, newest first.
 *
 * Cost: a scan of every entry record of the segment (its capacity, not just the live ones).
 *
 * @param int      $user_id User id, 0 or greater.
 * @param int|null $max_age Only entries written within this many seconds (1..86400).
 *
 * @return list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>
 *
 * @throws ValueError On a negative user id or a max age outside 1..86400.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_user(int $user_id, ?int $max_age = null): array
{
}

/**
 * Rooms whose name starts with $prefix and that have live entries, sorted by name.
 *
 * Cost: a scan of every room record of the segment, plus O(entries) of each matching room.
 *
 * @param string   $prefix  Only rooms starting with this (all rooms when empty).
 * @param int|null $max_age Only count entries written within this many seconds (1..86400);
 *                          rooms left with none are omitted.
 *
 * @return array<string, array{entries: int, users: int}> Room name => live entries and
 *         distinct user ids among them.
 *
 * @throws ValueError On an invalid prefix or a max age outside 1..86400.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_rooms(string $prefix = '', ?int $max_age = null): array
{
}

/**
 * A number that changes whenever an entry of the room joins, leaves (removed, evicted or
 * expired) or changes its state or user, and stays the same when entries are only refreshed
 * with the same state and user. Compare it with a value seen earlier to skip resending an
 * unchanged room.
 *
 * Cost: O(entries in the room): the room is walked once to drop expired members first, so that
 * an expiry counts as a leave. No arrays are built.
 *
 * @param string $room Room name (1..191 bytes of UTF-8).
 *
 * @return int 0 for a room with no live entries.
 *
 * @throws ValueError On an invalid room.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_room_version(string $room): int
{
}

/**
 * Removes every expired entry now (reads and writes already do this lazily).
 *
 * Cost: a scan of every entry record of the segment.
 *
 * @return int Number of entries removed.
 */
function presence_gc(): int
{
}

/**
 * Removes every entry of the rooms whose name starts with $prefix; everything when empty.
 *
 * Cost: a scan of every room record plus the entries of the matching rooms for a prefix; a
 * scan of every entry record and a reset of the table when empty.
 *
 * @param string $prefix Only rooms starting with this (all rooms when empty).
 *
 * @return int Number of entries removed.
 *
 * @throws ValueError On an invalid prefix.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_flush(string $prefix = ''): int
{
}

/**
 * Settings, capacity, usage and counters of the store, as also shown by `php --ri presence`.
 *
 * Cost: O(1).
 *
 * @return array{
 *     capacity: int,
 *     live_entries: int,
 *     rooms: int,
 *     room_capacity: int,
 *     bytes_used: int,
 *     bytes_total: int,
 *     rejected_full: int,
 *     lock_recoveries: int,
 *     repairs: int,
 *     layout_version: int,
 *     default_ttl: int,
 *     max_state_bytes: int,
 *     evictions: array{expired: int, lru: int},
 *     backend: string,
 *     segment_path?: string,
 *     server?: string,
 *     server_version?: string,
 *     key_prefix?: string,
 *     round_trips?: int,
 *     connects?: int
 * } `backend` is `shm` or `redis`. On `shm`: `capacity`/`room_capacity` are the most
 *   entries/rooms the segment can hold, `bytes_*` its size and use, `rejected_full` writes
 *   refused for lack of space, `lock_recoveries` locks taken over from a process that died
 *   holding them, `repairs` table rebuilds, `segment_path` its file. On `redis`: `server` (the
 *   URL without credentials), `server_version` (`redis 7.0.15`), `key_prefix`, and this
 *   process's `round_trips` and `connects`; `bytes_used`/`bytes_total` are the server's
 *   used_memory/maxmemory, `live_entries`/`rooms` count this prefix's, and the capacity, eviction
 *   and lock counters are 0. On Redis this costs two round trips and O(rooms).
 */
function presence_stats(): array
{
}
