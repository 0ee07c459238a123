//! [`RedisStore`]: the Redis backend, for sites served by several machines. Every machine's PHP
//! talks to one Redis (or Valkey, or a managed Redis) and sees the same entries.
//!
//! - Each room's entries live under keys that share one hash tag (`keys.rs`), and every
//!   operation on a room is one Lua script (`lua/`, `scripts.rs`): atomic, and a room never lists
//!   an entry whose data is gone.
//! - Operations across rooms (a user's entries, rooms by prefix, gc, flush) read an index first,
//!   then run the per-room script on each room the index names, in one pipeline: each room
//!   changes atomically, the operation as a whole is not one snapshot (see the README).
//! - The clock that decides expiry is the Redis server's (TIME inside the scripts), unless the
//!   store is given a [`Clock`], whose time is then passed to every script (tests).
//! - Round trips: an upsert or an exchange is one (its index updates ride in the same
//!   pipeline), and its reply carries the room's version, which answers a `room_version()` of the
//!   same room that follows at once without asking again; a read, count, entry, version, remove
//!   or leave is one; the cross-room operations are two. The live lane (`live.rs`): a token or a
//!   revocation is one, a poll one (plain reads; two when an entry of its rooms expired and was not
//!   removed yet, which the poll script then removes; one more the first time a process needs the
//!   secret).
//!
//! `backend.rs` implements the [`crate::store::PresenceStore`] trait with the helpers below.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use redis::{Connection, Pipeline, RedisResult, ScriptInvocation};

mod backend;
mod connection;
mod hint;
mod keys;
mod live;
mod resp;
mod scripts;
mod subscriber;
pub mod target;
mod tracking;
mod transport;

use crate::store::api::Upsert;
use crate::store::clock::{Clock, SystemClock};
use crate::store::entries::EntryList;
use crate::store::error::Result;
use crate::store::input::{is_reserved, MaxAge, MAX_SECONDS};
use connection::Link;
pub use connection::LinkState;
use hint::LastWrite;
use keys::{parse_user_member, user_member, Keys};

/// The room's keys are kept this much longer than the longest ttl written to it, so Redis itself
/// deletes a room that nobody reads or collects any more (expiry is decided by the scripts).
const BACKSTOP_MARGIN_MS: u64 = 10 * 60 * 1000;
/// An index keeps a member this much longer than the entry written with it, so that it never
/// drops a member whose entry still lives: the score comes from this process's clock, the
/// entry's expiry from the server's, so this covers their skew (and the delay between writes).
const INDEX_MARGIN_US: u64 = 60 * 1_000_000;
/// An index key lives this long after its last write (the longest ttl, plus the margin): Redis
/// deletes the index of a user who stopped writing a day ago. Members go earlier, when read.
const INDEX_KEEP_MS: u64 = (MAX_SECONDS as u64) * 1000 + BACKSTOP_MARGIN_MS;

#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// `redis://[[user]:password@]host[:port][/db]`, `rediss://…` or `unix:///path?db=N`.
    pub url: String,
    /// Start of every key, so several sites can share one Redis.
    pub key_prefix: String,
    /// Connect timeout, and the longest wait for any one answer.
    pub timeout: Duration,
}

pub struct RedisStore {
    cfg: RedisConfig,
    keys: Keys,
    link: Link,
    /// `None`: the server's clock decides. `Some`: this clock's time is passed to every script.
    clock: Option<Arc<dyn Clock>>,
    /// The last upsert's reply, answering the `room_version()` that follows it (`hint.rs`).
    last_write: LastWrite,
    /// The live lane's keys, from the secret kept in Redis (`live.rs`).
    live: live::Cache,
}

/// One entry as a script returns it: `"<updated µs>:<user id>:<state>"`.
fn parse_value(value: &[u8]) -> Option<(u64, u64, &[u8])> {
    let mut parts = value.splitn(3, |&b| b == b':');
    let updated = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    let user = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
    Some((updated, user, parts.next()?))
}

/// Appends `[client id, value, …]` pairs of one room to `out`; a value this code did not write
/// is left out.
fn push_entries(out: &mut EntryList, room: &str, flat: &[Vec<u8>]) {
    let room_range = out.push_bytes(room.as_bytes());
    for pair in flat.chunks_exact(2) {
        let (client, value) = (&pair[0], &pair[1]);
        let Some((updated, user, state)) = parse_value(value) else { continue };
        if std::str::from_utf8(client).is_err() {
            continue;
        }
        let start = out.buf.len();
        out.push_bytes(client);
        out.push_bytes(state);
        out.push_entry(room_range, start, client.len(), state.len(), user, updated);
    }
}

impl RedisStore {
    /// A store that connects on first use. A URL that cannot be used makes every call fail with
    /// [`crate::store::StoreError::Unavailable`] saying why.
    pub fn new(cfg: RedisConfig, clock: Option<Arc<dyn Clock>>) -> Self {
        let link = Link::new(target::parse(&cfg.url), target::shown(&cfg.url), cfg.timeout);
        RedisStore {
            keys: Keys::new(&cfg.key_prefix),
            cfg,
            link,
            clock,
            last_write: LastWrite::default(),
            live: live::Cache::default(),
        }
    }

    pub fn config(&self) -> &RedisConfig {
        &self.cfg
    }

    /// The server, as shown to people: the URL without credentials.
    pub fn server(&self) -> &str {
        self.link.shown()
    }

    /// The connection as it stands (for `php --ri presence`).
    pub fn link_state(&self) -> LinkState {
        self.link.state()
    }

    /// The server's name and version (`redis 7.0.15`), once this process has connected.
    pub fn server_version(&self) -> Option<String> {
        self.link.server_version()
    }

    /// Round trips to Redis made for store calls by this process so far.
    pub fn round_trips(&self) -> u64 {
        self.link.round_trips()
    }

    /// Connections this process opened so far (1 while Redis stays up).
    pub fn connects(&self) -> u64 {
        self.link.connects()
    }

    /// The time passed to the scripts: 0 lets the server's clock decide.
    fn now_arg(&self) -> u64 {
        self.clock.as_ref().map_or(0, |c| c.now_us().max(1))
    }

    /// This process's time: the given clock, else the system's.
    fn clock_us(&self) -> u64 {
        match &self.clock {
            Some(c) => c.now_us(),
            None => SystemClock.now_us(),
        }
    }

    fn max_age_us(max_age: Option<MaxAge>) -> u64 {
        max_age.map_or(0, |m| m.micros())
    }

    /// A per-room script with the room's keys and `args`.
    fn on_room<'a>(&self, script: &'a redis::Script, room: &str) -> ScriptInvocation<'a> {
        let mut inv = script.prepare_invoke();
        for k in self.keys.room(room) {
            inv.key(k);
        }
        inv
    }

    /// One round trip: a single script.
    fn run<T: redis::FromRedisValue>(&self, inv: &ScriptInvocation<'_>) -> Result<T> {
        self.link.call(|c: &mut Connection| inv.invoke(c))
    }

    /// One round trip: several script calls in one pipeline, their replies in order.
    fn run_all<T: redis::FromRedisValue>(&self, invs: &[ScriptInvocation<'_>]) -> Result<Vec<T>> {
        if invs.is_empty() {
            return Ok(Vec::new());
        }
        self.link.call(|c: &mut Connection| {
            let mut p = Pipeline::with_capacity(invs.len());
            for inv in invs {
                p.invoke_script(inv);
            }
            p.query::<Vec<T>>(c)
        })
    }

    /// The members of an index starting with `prefix` (one round trip); with `prune`, those
    /// whose time has passed are dropped first.
    fn index(&self, key: String, prefix: &str, prune: bool) -> Result<Vec<Vec<u8>>> {
        let mut inv = scripts::INDEX_LIST.prepare_invoke();
        inv.key(key).arg(self.now_arg()).arg(prefix).arg(u8::from(prune));
        self.run(&inv)
    }

    /// Rooms named by the rooms index that start with `prefix`.
    fn indexed_rooms(&self, prefix: &str, prune: bool) -> Result<Vec<String>> {
        Ok(self
            .index(self.keys.rooms(), prefix, prune)?
            .into_iter()
            .filter_map(|m| String::from_utf8(m).ok())
            .collect())
    }

    /// A user's index, grouped by room: room → client ids (the entries may have gone or
    /// changed owner since; the per-room scripts check), reserved ones only `with_reserved`.
    fn indexed_user(
        &self,
        user_id: u64,
        room_prefix: &str,
        with_reserved: bool,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let mut rooms: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in self.index(self.keys.user(user_id), "", true)? {
            if let Some((room, client)) = parse_user_member(&m) {
                if room.starts_with(room_prefix) && (with_reserved || !is_reserved(client.as_bytes())) {
                    rooms.entry(room.to_string()).or_default().push(client.to_string());
                }
            }
        }
        Ok(rooms)
    }

    /// A per-room script that writes `w` (upsert, exchange), with the arguments every such
    /// script takes first (see `lua/upsert.lua`).
    fn on_write<'a>(&self, script: &'a redis::Script, w: &Upsert<'_>, now: u64) -> ScriptInvocation<'a> {
        let ttl_us = w.ttl.micros();
        let keep_ms = u64::from(w.ttl.secs()) * 1000 + BACKSTOP_MARGIN_MS;
        let written = w.written_at.map_or(-1, |t| i64::try_from(t.micros()).unwrap_or(i64::MAX));
        let mut inv = self.on_room(script, w.room.as_str());
        inv.arg(now)
            .arg(w.client_id.as_str())
            .arg(w.user_id.get())
            .arg(ttl_us)
            .arg(w.state.bytes())
            .arg(keep_ms)
            .arg(written);
        inv
    }

    /// Runs `write`, a script writing `w`, after the index updates for it, in one pipeline (one
    /// round trip); the script's reply.
    fn write_indexed<T: redis::FromRedisValue>(&self, w: &Upsert<'_>, write: &ScriptInvocation<'_>) -> Result<T> {
        let (room, client_id, user_id) = (w.room.as_str(), w.client_id.as_str(), w.user_id.get());
        // The indexes' scores: this process's idea of the entry's expiry, plus a margin for the
        // time between the two writes and for clock skew (see INDEX_MARGIN_US).
        let indexed_until = self.clock_us() + w.ttl.micros() + INDEX_MARGIN_US;
        let (user_index, room_index) = (self.keys.user(user_id), self.keys.rooms());
        // The indexes first: should the pipeline break in between, an index names an entry that
        // does not exist (harmless), never the other way round. Plain commands, not scripts:
        // each script call costs the server far more than a ZADD.
        self.link.call(|c: &mut Connection| {
            let mut p = Pipeline::with_capacity(5);
            p.cmd("ZADD").arg(&user_index).arg(indexed_until).arg(user_member(room, client_id)).ignore();
            p.cmd("PEXPIRE").arg(&user_index).arg(INDEX_KEEP_MS).ignore();
            p.cmd("ZADD").arg(&room_index).arg("GT").arg(indexed_until).arg(room).ignore();
            p.cmd("PEXPIRE").arg(&room_index).arg(INDEX_KEEP_MS).ignore();
            p.invoke_script(write);
            let (reply,): (T,) = p.query(c)?;
            RedisResult::Ok(reply)
        })
    }

    /// Runs a per-room script with `args` on every room of `rooms` (one round trip) and sums
    /// the integer replies.
    fn sum_over_rooms(&self, script: &redis::Script, rooms: &[String]) -> Result<u64> {
        let now = self.now_arg();
        let invs: Vec<_> = rooms
            .iter()
            .map(|r| {
                let mut inv = self.on_room(script, r);
                inv.arg(now);
                inv
            })
            .collect();
        Ok(self.run_all::<u64>(&invs)?.into_iter().sum())
    }
}

/// The version of the key layout and value format in `keys.rs` and `lua/`.
/// 2: a room's O scored by write time (was: a write sequence); M keeps r (reserved ids) and c (the
/// remembered count); the live lane's keys.
pub const KEY_LAYOUT_VERSION: u32 = 2;

#[cfg(test)]
mod tests {
    use super::parse_value;

    #[test]
    fn values_split_into_time_user_and_state() {
        assert_eq!(parse_value(b"1800000000000000:7:\x06\x00"), Some((1_800_000_000_000_000, 7, &b"\x06\x00"[..])));
        assert_eq!(parse_value(b"1:2:a:b"), Some((1, 2, &b"a:b"[..])));
        assert_eq!(parse_value(b"1:2:"), Some((1, 2, &b""[..])));
        assert_eq!(parse_value(b"x:2:a"), None);
        assert_eq!(parse_value(b"12"), None);
    }
}
