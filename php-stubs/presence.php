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
 * - Prefixes (`$prefix`, `$room_prefix`, `$client_prefix`, `$count_prefix`): valid UTF-8, at
 *   most 191 bytes, may be empty.
 * - Reserved entries: a client id starting with `_` (the feature plugin's `_lock`, `_collab`) is
 *   bookkeeping. presence_room(), presence_room_count(), presence_rooms_read(), presence_prefix(),
 *   presence_user(), presence_rooms() and the entries of presence_exchange()/presence_leave()
 *   leave reserved entries out, unless the call's `$client_prefix` itself starts with `_` (then
 *   the entries it picks, reserved ones included). presence_entry() returns them; presence_remove(),
 *   presence_remove_user(), presence_flush() and presence_gc() remove them; they move the room
 *   version like any entry.
 * - `$client_prefix`: only entries whose client id starts with these bytes (literally: `_` and
 *   `%` are no wildcards); '' for every entry but the reserved ones.
 * - Rooms list newest write first (by `updated_at`, which `$written_at` may set in the past);
 *   equal times by client id, from the highest bytes down.
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
 *   the same. Each call on one room is one atomic script and one round trip, and so is
 *   presence_rooms_read(); calls across rooms found by an index (users, rooms by prefix, gc,
 *   flush) are two.
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
 * @param float|null $written_at When the entry was written, as a Unix time in seconds (µs
 *                          precision); null for now, and a time after now is now. `updated_at`,
 *                          `date_gmt` and `$max_age` use it, and the entry expires at
 *                          `$written_at + $ttl`: a write whose expiry has already passed stores
 *                          nothing and removes the entry of that key, if any (a leave).
 * @param bool     $may_evict False for a low-priority write (a REST write, a stale-screen mark):
 *                          when the segment is full it reclaims only expired entries, never a
 *                          live one, and fails instead; such entries are also the first live
 *                          ones a write with true evicts, least recently written first. On
 *                          Redis it is accepted and changes nothing (Redis evicts by its own
 *                          policy).
 *
 * @return bool True when stored (or, for a write already past its time, when the entry of that
 *              key is gone); false with an E_WARNING when it does not fit even after eviction (or
 *              the store is unusable).
 *
 * @throws ValueError On an empty, too long or non-UTF-8 room or client id, a negative user id,
 *                    a ttl outside 1..86400, a written_at that is negative, INF or NAN, or a state
 *                    that is too large, too deep, cyclic or holds a string that is not valid UTF-8.
 * @throws TypeError  On a state holding an object or resource, or an argument of the wrong type.
 */
function presence_upsert(string $room, string $client_id, ?array $state = null, int $user_id = 0, ?int $ttl = null, ?float $written_at = null, bool $may_evict = true): bool
{
}

/**
 * Live entries of a room, newest first; reserved entries only for a `$client_prefix` starting
 * with `_`.
 *
 * Cost: O(entries in the room), at most $limit entries copied and built as arrays; expired
 * entries met on the way are removed. A `$client_prefix` reads each entry's client id.
 *
 * @param string   $room    Room name (1..191 bytes of UTF-8).
 * @param int|null $max_age Only entries written within this many seconds (1..86400).
 * @param int|null $limit   At most this many entries (1 or greater), the newest; null for all.
 * @param string   $client_prefix Only entries whose client id starts with this; '' for every
 *                          entry but the reserved ones.
 *
 * @return list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>
 *         `date_gmt` is the last write as 'Y-m-d H:i:s' in UTC, `updated_at` the same moment as
 *         a Unix time with microseconds.
 *
 * @throws ValueError On an invalid room, a max age outside 1..86400, a limit below 1 or an
 *                    invalid client prefix.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_room(string $room, ?int $max_age = null, ?int $limit = null, string $client_prefix = ''): array
{
}

/**
 * Number of live entries in a room (reserved ones only for a `$client_prefix` starting with `_`).
 *
 * Cost: O(entries in the room); no arrays are built.
 *
 * @param string   $room    Room name (1..191 bytes of UTF-8).
 * @param int|null $max_age Only entries written within this many seconds (1..86400).
 * @param string   $client_prefix Only entries whose client id starts with this; '' for every
 *                          entry but the reserved ones.
 *
 * @return int 0 for an unknown or empty room.
 *
 * @throws ValueError On an invalid room, a max age outside 1..86400 or an invalid client prefix.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_room_count(string $room, ?int $max_age = null, string $client_prefix = ''): int
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
 * Removes every entry of a user (reserved ones too: a `_lock` is released) in the rooms whose
 * name starts with $room_prefix.
 *
 * Cost: O(that user's entries), through a per-user index; on Redis two round trips (the user's
 * index, then every room it names).
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
 * Every live entry of a user, in any room, newest first (reserved entries left out); equal
 * times by room name, then client id from the highest bytes down, as presence_prefix() lists.
 *
 * Cost: O(that user's entries), through a per-user index; on Redis two round trips (the user's
 * index, then every room it names).
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
 * Rooms whose name starts with $prefix and that have live entries, sorted by name. Reserved
 * entries are not counted, and a room that holds only reserved ones is not listed.
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

/**
 * One live entry, reserved or not.
 *
 * Cost: O(1) on average: one lookup, no walk of the room.
 *
 * @param string $room      Room name (1..191 bytes of UTF-8).
 * @param string $client_id Client id (1..191 bytes of UTF-8).
 *
 * @return array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}|null
 *         The entry as presence_room() lists it; null when there is none (or the store is
 *         unusable, with an E_WARNING).
 *
 * @throws ValueError On an invalid room or client id.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_entry(string $room, string $client_id): ?array
{
}

/**
 * Writes as presence_upsert(), then reads the room as presence_room() and counts, in one lock
 * (one Redis script): the answer is the room as it is right after this write.
 *
 * With a `$count_prefix`, `count` is the number of live entries whose client id starts with it
 * after the write, and `previous_count` the count this room remembered from the last
 * presence_exchange() or presence_leave() that passed a count prefix (0 for a new room, or one
 * emptied since); the room then remembers `count`. Read and written under the same lock, so of
 * two processes racing, exactly one sees a given change (1 to 2, 2 to 1). Without one, both are 0
 * and nothing is remembered. One count prefix per room; `$max_age` does not apply to the count.
 *
 * Cost: presence_upsert() plus presence_room() of the same room, under one lock; on Redis one
 * round trip.
 *
 * @param string     $room          Room name (1..191 bytes of UTF-8).
 * @param string     $client_id     Client id (1..191 bytes of UTF-8).
 * @param array<array-key, scalar|null|array<array-key, mixed>>|null $state As presence_upsert().
 * @param int        $user_id       Owner of the entry, 0 or greater.
 * @param int|null   $ttl           As presence_upsert().
 * @param float|null $written_at    As presence_upsert().
 * @param int|null   $max_age       The read: only entries written within this many seconds.
 * @param string     $client_prefix The read: only entries whose client id starts with this.
 * @param int|null   $limit         The read: at most this many entries, the newest.
 * @param string     $count_prefix  Count the live entries whose client id starts with this
 *                                  (`editor-`); '' counts nothing.
 * @param bool       $may_evict     As presence_upsert().
 *
 * @return array{written: 'joined'|'changed'|'refreshed'|'expired', version: int, entries: list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>, count: int, previous_count: int}|false
 *         `written`: joined (a new entry), changed (another state or user), refreshed (only the
 *         times moved), expired (its time plus its ttl had passed: nothing stored, the entry of
 *         that key removed); `version` as presence_room_version() answers it now; false with an
 *         E_WARNING when the write does not fit or the store is unusable. (Declared `mixed`: the
 *         extension's toolkit cannot declare `array|false`.)
 *
 * @throws ValueError As presence_upsert() and presence_room(), or an invalid count prefix.
 * @throws TypeError  On a state holding an object or resource, or an argument of the wrong type.
 */
function presence_exchange(string $room, string $client_id, ?array $state = null, int $user_id = 0, ?int $ttl = null, ?float $written_at = null, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', bool $may_evict = true): mixed
{
}

/**
 * Removes as presence_remove(), then reads the room as presence_room() and counts (as
 * presence_exchange() does), in one lock (one Redis script).
 *
 * Cost: presence_remove() plus presence_room() of the same room, under one lock; on Redis one
 * round trip.
 *
 * @param string   $room          Room name (1..191 bytes of UTF-8).
 * @param string   $client_id     Client id (1..191 bytes of UTF-8).
 * @param int|null $max_age       The read: only entries written within this many seconds.
 * @param string   $client_prefix The read: only entries whose client id starts with this.
 * @param int|null $limit         The read: at most this many entries, the newest.
 * @param string   $count_prefix  Count the live entries whose client id starts with this; ''
 *                                counts nothing. A leave that empties the room answers count 0,
 *                                and the room (gone) remembers nothing.
 * @param float|null $unless_written_after A Unix time (an entry's `updated_at`, µs precision,
 *                                0 or later): an entry written after it stays, decided under the
 *                                same lock, so a caller that read an entry removes that write of
 *                                it and never one another process made since. Null removes it
 *                                whenever it was written.
 *
 * @return array{removed: bool, version: int, entries: list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>, count: int, previous_count: int}|false
 *         `removed`: a live entry was removed; false with an E_WARNING when the store is
 *         unusable. (Declared `mixed`: the extension's toolkit cannot declare `array|false`.)
 *
 * @throws ValueError On an invalid room, client id, max age, limit, prefix or time.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_leave(string $room, string $client_id, ?int $max_age = null, string $client_prefix = '', ?int $limit = null, string $count_prefix = '', ?float $unless_written_after = null): mixed
{
}

/**
 * Live entries of every room whose name starts with $prefix, newest write first across rooms
 * (equal times by room name, then client id from the highest bytes down), each with its room.
 *
 * Cost: a scan of every room record plus O(entries) of each matching room, under one lock; only
 * the $limit newest are copied and built as arrays. On Redis two round trips (the rooms index,
 * then every matching room's read in one pipeline): each room is read atomically, the whole is
 * not one snapshot.
 *
 * @param string   $prefix        Only rooms starting with this (all rooms when empty).
 * @param int|null $max_age       Only entries written within this many seconds (1..86400).
 * @param int|null $limit         At most this many entries, the newest; null for all.
 * @param string   $client_prefix Only entries whose client id starts with this; '' for every
 *                                entry but the reserved ones.
 *
 * @return list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>
 *
 * @throws ValueError On an invalid prefix, a max age outside 1..86400 or a limit below 1.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_prefix(string $prefix, ?int $max_age = null, ?int $limit = null, string $client_prefix = ''): array
{
}

/**
 * Live entries of several rooms at once: room => its entries, each list as presence_room() reads
 * that room (newest write first, reserved entries left out unless `$client_prefix` starts with
 * `_`), for every room asked, in the order asked: a room without live entries maps to []. A name
 * given twice is read once, in its first place. A name that PHP reads as an integer (`'12'`) is
 * an integer key, as in any PHP array.
 *
 * Cost: O(entries) of each room asked — never a scan of the table — all under one lock: the
 * rooms are one snapshot. On Redis one round trip: one script over every room's keys (each room
 * read as presence_room() reads it), also one snapshot. Up to 2000 rooms per call.
 *
 * @param list<string> $rooms         0 to 2000 room names (each a valid $room).
 * @param int|null     $max_age       Only entries written within this many seconds (1..86400).
 * @param int|null     $limit         At most this many entries of each room (1 or greater), the
 *                                    newest; null for all.
 * @param string       $client_prefix Only entries whose client id starts with this; '' for every
 *                                    entry but the reserved ones.
 *
 * @return array<string, list<array{room: string, client_id: string, user_id: int, data: array<array-key, mixed>, date_gmt: string, updated_at: float}>>
 *         [] with an E_WARNING when the store is unusable.
 *
 * @throws ValueError On $rooms not a list, more than 2000 rooms, an invalid room (named by its
 *                    index), a max age outside 1..86400, a limit below 1 or an invalid prefix.
 * @throws TypeError  On a room that is not a string, or an argument of the wrong type.
 */
function presence_rooms_read(array $rooms, ?int $max_age = null, ?int $limit = null, string $client_prefix = ''): array
{
}

/**
 * A token for the live lane: it lets its bearer learn the versions of $rooms (through
 * presence_live_poll()) until $ttl seconds pass, from the session it was issued to.
 *
 * The token is ASCII: base64url of its payload (scope, user, rooms, issue time, expiry, a keyed
 * digest of $session), a dot, base64url of an HMAC-SHA256 of it under a secret the store keeps
 * and never shows (in the segment's header, new with every new segment file; on Redis one key,
 * `{key_prefix}live:secret`, created by the first caller).
 *
 * Cost: O(size of the token); no lock. On Redis one round trip (the secret and the server's time).
 *
 * @param string       $scope   Whose tokens: 1..191 bytes of UTF-8 (the plugin passes
 *                              `{install}/{blog}`); presence_live_revoke() revokes by it.
 * @param int          $user_id The signed-in user, 1 or greater.
 * @param list<string> $rooms   1 to 32 room names (each a valid $room), answered in this order;
 *                              the token may not exceed 4096 bytes.
 * @param int          $ttl     Seconds the token stays valid (1..86400).
 * @param string       $session What ties the token to one login (the plugin passes the user's
 *                              WordPress session token); only its keyed digest is in the token.
 * @param int          $roster  0..50: the token's polls may ask for the roster of its first room
 *                              (presence_live_poll()'s $roster), at most this many people; 0 for
 *                              none.
 *
 * @return string The token; '' with an E_WARNING when the store is unusable.
 *
 * @throws ValueError On an invalid scope, a user id below 1, no rooms or more than 32, an invalid
 *                    room (named by its index), a token over 4096 bytes, a ttl outside 1..86400,
 *                    or a roster outside 0..50.
 * @throws TypeError  On $rooms not a list of strings, or an argument of the wrong type.
 */
function presence_live_token(string $scope, int $user_id, array $rooms, int $ttl, string $session = '', int $roster = 0): string
{
}

/**
 * Tokens of ($scope, $user_id) issued until now stop being accepted by presence_live_poll().
 *
 * The store remembers a not-before time per (scope, user) for the longest token life (a day).
 * Shared memory keeps them in a fixed table of slots chosen by a keyed hash: two pairs that share
 * a slot share revocations (a token of the other issued before it is refused too, and its client
 * asks for a new one), a revoked token is never accepted.
 *
 * Cost: O(1). On Redis one round trip.
 *
 * @param string $scope   As presence_live_token().
 * @param int    $user_id As presence_live_token().
 *
 * @return bool True; false with an E_WARNING when the store is unusable.
 *
 * @throws ValueError On an invalid scope or a user id below 1.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_live_revoke(string $scope, int $user_id): bool
{
}

/**
 * The live lane's answer to a token: its rooms' versions, or why it is refused, as an HTTP
 * status and a JSON body (one string: no array of versions is built, no state decoded).
 *
 * - `[200, '{"v":[v1,v2,…],"t":<now in ms>}']`: the versions in the token's order, each what
 *   presence_room_version() answers (expired entries of those rooms are removed first, as it
 *   does);
 * - `[400, '{"code":"token_too_large"}']` for a token over 4096 bytes, before it is read;
 * - `[403, '{"code":"…"}']` with `token_malformed`, `token_invalid` (forged, altered, or signed
 *   with a secret since replaced), `token_session`, `token_scope`, `token_expired` (its time
 *   passed, or it was issued after the store's now: the clock stepped back since, and a
 *   revocation made now would not reach it) or `token_revoked`: nothing in the store is written;
 * - with $roster given, a token whose claim allows it, and the first room's version (low 53
 *   bits) not $roster: `{"v":[…],"t":…,"r":{"v":<version, low 53 bits>,"n":<user entries>,
 *   "u":[[<user id>,<card or null>],…]}}` — the people the plugin's heartbeat lists: entries
 *   `user-`, `editor-` or `agent-{their own user id}`, one per user, newest first, at most the
 *   claim's number, from a read of the 50 newest entries (the whole room when that read holds
 *   fewer, or other entries took places among them: the total then the users', else the room's
 *   entry count; entries of any age, the store's TTL alone), each with the `html`
 *   string of its `_card-{user id}` entry (null when there is none, or it is over 2048 bytes);
 *   `<`, `>`, `&` escaped as `\u003c`…; a token without the claim: `[403,
 *   '{"code":"roster_not_allowed"}']`;
 * - `[503, '{"code":"store_unavailable"}']` with an E_WARNING when the store is unusable.
 *
 * Cost: the token's signature checked before the lock (HMAC-SHA256), then one lock (one Redis
 * script) for O(entries of its rooms); on Redis one round trip, two the first time a process
 * needs the secret.
 *
 * @param string   $token   A token presence_live_token() issued (any bytes are answered).
 * @param string   $session The session of the request (the token must have been issued to it).
 * @param string   $scope   When not empty, the token must have been issued for this scope.
 * @param int|null $roster  The first room's version the caller holds (0..2^53-1): its roster
 *                          comes when the room's differs (a roster read: one read of the room,
 *                          its count and one read per card; on Redis three round trips, the
 *                          cards in one HMGET); null for the versions only.
 *
 * @return array{0: int, 1: string} [HTTP status, JSON body].
 *
 * @throws ValueError On a scope over 191 bytes or not valid UTF-8, or a roster outside 0..2^53-1.
 * @throws TypeError  On an argument of the wrong type.
 */
function presence_live_poll(string $token, string $session = '', string $scope = '', ?int $roster = null): array
{
}
