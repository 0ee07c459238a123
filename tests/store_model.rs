//! Property test: random sequences of operations on each store, checked after every step against a
//! plain in-memory model (a map), including expiry by a moved clock, write times in the past
//! (and the future, clamped), reserved client ids, client prefixes, exchanges and leaves with the
//! count a room remembers, the order of reads across rooms (a prefix's, a user's), and the room
//! version rule. The backend's own invariant check (the
//! table's, or the Redis key layout's) runs after every sequence. The Redis runs share one
//! redis-server, each sequence under a key prefix of its own.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use presence::store::codec::{Key, Value};
use presence::store::Written;
use proptest::prelude::*;

const ROOMS: [&str; 4] = ["site/a", "site/b", "other/c", "site/a/long-room-name-that-is-different"];
const CLIENTS: [&str; 6] = ["client-0", "client-1", "client-2", "editor-0", "editor-1", "_lock"];
/// Client prefixes of reads: every visible entry, the editors, the reserved ones, one client.
const PICKS: [&str; 4] = ["", "editor-", "_", "client-1"];
const COUNT: &str = "editor-";

#[derive(Debug, Clone)]
struct Write {
    room: usize,
    client: usize,
    state: u8,
    user: u64,
    ttl: u32,
    /// Seconds before now the write says it happened (negative: after now, which is clamped).
    back: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
struct ReadArgs {
    max_age: Option<u32>,
    limit: Option<usize>,
    picks: usize,
}

#[derive(Debug, Clone)]
enum Op {
    Upsert(Write),
    Exchange { w: Write, read: ReadArgs, count: bool },
    Leave { room: usize, client: usize, read: ReadArgs, count: bool },
    Remove { room: usize, client: usize },
    RemoveUser { user: u64, site_only: bool },
    Advance { secs: u64 },
    Read { room: usize, read: ReadArgs },
    Entry { room: usize, client: usize },
    Prefix { site_only: bool, read: ReadArgs },
    Version { room: usize },
    User { user: u64, max_age: Option<u32> },
    Rooms { site_only: bool },
    Gc,
    Flush { site_only: bool },
}

fn write() -> impl Strategy<Value = Write> {
    (
        0..ROOMS.len(),
        0..CLIENTS.len(),
        0..4u8,
        0..3u64,
        1..120u32,
        prop_oneof![4 => Just(None), 1 => (-30..200i64).prop_map(Some)],
    )
        .prop_map(|(room, client, state, user, ttl, back)| Write { room, client, state, user, ttl, back })
}

fn read_args() -> impl Strategy<Value = ReadArgs> {
    (proptest::option::of(1..100u32), proptest::option::of(1..5usize), 0..PICKS.len())
        .prop_map(|(max_age, limit, picks)| ReadArgs { max_age, limit, picks })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => write().prop_map(Op::Upsert),
        3 => (write(), read_args(), any::<bool>()).prop_map(|(w, read, count)| Op::Exchange { w, read, count }),
        2 => (0..ROOMS.len(), 0..CLIENTS.len(), read_args(), any::<bool>())
            .prop_map(|(room, client, read, count)| Op::Leave { room, client, read, count }),
        1 => (0..ROOMS.len(), 0..CLIENTS.len()).prop_map(|(room, client)| Op::Remove { room, client }),
        1 => (0..3u64, any::<bool>()).prop_map(|(user, site_only)| Op::RemoveUser { user, site_only }),
        3 => (0..90u64).prop_map(|secs| Op::Advance { secs }),
        3 => (0..ROOMS.len(), read_args()).prop_map(|(room, read)| Op::Read { room, read }),
        1 => (0..ROOMS.len(), 0..CLIENTS.len()).prop_map(|(room, client)| Op::Entry { room, client }),
        1 => (any::<bool>(), read_args()).prop_map(|(site_only, read)| Op::Prefix { site_only, read }),
        3 => (0..ROOMS.len()).prop_map(|room| Op::Version { room }),
        1 => (0..3u64, proptest::option::of(1..100u32)).prop_map(|(user, max_age)| Op::User { user, max_age }),
        1 => any::<bool>().prop_map(|site_only| Op::Rooms { site_only }),
        1 => Just(Op::Gc),
        1 => any::<bool>().prop_map(|site_only| Op::Flush { site_only }),
    ]
}

/// States of different sizes: empty, small, across a chunk boundary, several chunks.
fn state_bytes(kind: u8) -> Vec<u8> {
    let text = match kind {
        0 => return Value::Array(vec![]).encode(1 << 16).unwrap(),
        1 => "dashboard".to_string(),
        2 => "x".repeat(150),
        _ => "y".repeat(700),
    };
    Value::Array(vec![(Key::Str("screen".into()), Value::Str(text))]).encode(1 << 16).unwrap()
}

#[derive(Debug, Clone)]
struct M {
    user: u64,
    state: Vec<u8>,
    updated: u64,
    expires: u64,
}

type Row = (String, String, u64, Vec<u8>, u64);

#[derive(Default)]
struct Model {
    entries: BTreeMap<(String, String), M>,
    /// Membership/state changes per room since its version was last observed.
    events: BTreeMap<String, u64>,
    /// The count each room remembers (gone when the room empties).
    tally: BTreeMap<String, u64>,
}

fn picks(prefix: &str, client: &str) -> bool {
    if prefix.is_empty() {
        !client.starts_with('_')
    } else {
        client.starts_with(prefix)
    }
}

impl Model {
    fn event(&mut self, room: &str) {
        *self.events.entry(room.to_string()).or_default() += 1;
    }
    fn has_room(&self, room: &str) -> bool {
        self.entries.keys().any(|k| k.0 == room)
    }
    fn expire(&mut self, now: u64) {
        let gone: Vec<_> = self.entries.iter().filter(|(_, m)| m.expires <= now).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.entries.remove(&k);
            self.event(&k.0);
        }
        let empty: Vec<_> = self.tally.keys().filter(|r| !self.has_room(r)).cloned().collect();
        for r in empty {
            self.tally.remove(&r);
        }
    }
    fn remove_where(&mut self, f: impl Fn(&(String, String), &M) -> bool) -> u64 {
        let gone: Vec<_> = self.entries.iter().filter(|(k, m)| f(k, m)).map(|(k, _)| k.clone()).collect();
        for k in &gone {
            self.entries.remove(k);
            self.event(&k.0);
        }
        gone.len() as u64
    }
    fn write(&mut self, w: &Write, now: u64) -> Written {
        let (room, client, state) = (ROOMS[w.room].to_string(), CLIENTS[w.client].to_string(), state_bytes(w.state));
        let updated = w.back.map_or(now, |b| now.saturating_add_signed(-b * 1_000_000).min(now));
        let expires = updated + u64::from(w.ttl) * 1_000_000;
        let key = (room.clone(), client);
        if expires <= now {
            if self.entries.remove(&key).is_some() {
                self.event(&room);
            }
            return Written::Expired;
        }
        let outcome = match self.entries.get(&key) {
            None => Written::Joined,
            Some(e) if e.user != w.user || e.state != state => Written::Changed,
            Some(_) => Written::Refreshed,
        };
        if outcome != Written::Refreshed {
            self.event(&room);
        }
        self.entries.insert(key, M { user: w.user, state, updated, expires });
        outcome
    }
    /// The rows a read of `rooms` returns: newest first, equal times by room, then client id
    /// from the highest bytes down.
    fn read(&self, rooms: impl Fn(&str) -> bool, r: &ReadArgs, now: u64) -> Vec<Row> {
        let min = r.max_age.map_or(0, |a| now.saturating_sub(u64::from(a) * 1_000_000));
        let mut want = self.rows(|k, e| rooms(&k.0) && e.updated >= min && picks(PICKS[r.picks], &k.1));
        want.truncate(r.limit.unwrap_or(usize::MAX));
        want
    }
    /// The entries `keep` picks, in that order.
    fn rows(&self, keep: impl Fn(&(String, String), &M) -> bool) -> Vec<Row> {
        let mut want: Vec<Row> = self
            .entries
            .iter()
            .filter(|(k, e)| keep(k, e))
            .map(|(k, e)| (k.0.clone(), k.1.clone(), e.user, e.state.clone(), e.updated))
            .collect();
        want.sort_by(|a, b| b.4.cmp(&a.4).then_with(|| a.0.cmp(&b.0)).then_with(|| b.1.cmp(&a.1)));
        want
    }
    /// What an exchange or a leave with (or without) the count answers: (count, previous);
    /// the room then remembers the count.
    fn count(&mut self, room: &str, count: bool, previous: u64) -> (u64, u64) {
        if !count {
            return (0, 0);
        }
        let n = self.entries.keys().filter(|k| k.0 == room && k.1.starts_with(COUNT)).count() as u64;
        if self.has_room(room) {
            self.tally.insert(room.to_string(), n);
        }
        (n, previous)
    }
}

fn rows(list: &presence::store::EntryList) -> Vec<Row> {
    list.iter()
        .map(|e| (e.room.to_string(), e.client_id.to_string(), e.user_id, e.state.to_vec(), e.updated_us))
        .collect()
}

fn w<'a>(m: &'a Write, state: &'a [u8], now: u64) -> W<'a> {
    let w = W::new(ROOMS[m.room], CLIENTS[m.client], state, m.user, m.ttl);
    match m.back {
        Some(b) => w.at(now.saturating_add_signed(-b * 1_000_000)),
        None => w,
    }
}

fn r(a: &ReadArgs) -> R<'static> {
    R { max_age: a.max_age, limit: a.limit, clients: PICKS[a.picks] }
}

/// Checks a version read at this point against the events the model saw since the last one.
fn observe(m: &mut Model, seen: &mut BTreeMap<String, u64>, room: &str, v: u64) -> Result<(), TestCaseError> {
    let empty = !m.has_room(room);
    prop_assert_eq!(v == 0, empty, "version 0 exactly when the room is empty");
    let events = m.events.remove(room).unwrap_or(0);
    if let Some(prev) = seen.get(room) {
        if events == 0 {
            prop_assert_eq!(v, *prev, "no change, same version");
        } else if !empty {
            prop_assert_ne!(v, *prev, "{} changes, version must move", events);
        }
    }
    seen.insert(room.to_string(), v);
    Ok(())
}

fn run(f: Fixture, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (s, clock) = (&f.store, &f.clock);
    let mut m = Model::default();
    let mut seen_version: BTreeMap<String, u64> = BTreeMap::new();
    let mut now = T0;
    for op in ops {
        m.expire(now);
        match op {
            Op::Upsert(wr) => {
                let state = state_bytes(wr.state);
                let got = s.write(w(&wr, &state, now)).unwrap();
                prop_assert_eq!(got, m.write(&wr, now));
            }
            Op::Exchange { w: wr, read, count } => {
                let room = ROOMS[wr.room];
                let previous = m.tally.get(room).copied().unwrap_or(0);
                let state = state_bytes(wr.state);
                let got = s.exchange(w(&wr, &state, now), r(&read), if count { COUNT } else { "" }).unwrap();
                prop_assert_eq!(got.written, m.write(&wr, now));
                prop_assert_eq!(rows(&got.room.entries), m.read(|x| x == room, &read, now));
                prop_assert_eq!((got.room.count, got.room.previous_count), m.count(room, count, previous));
                observe(&mut m, &mut seen_version, room, got.room.version)?;
            }
            Op::Leave { room, client, read, count } => {
                let (room, client) = (ROOMS[room], CLIENTS[client]);
                let previous = m.tally.get(room).copied().unwrap_or(0);
                let got = s.leave(room, client, r(&read), if count { COUNT } else { "" }).unwrap();
                let existed = m.entries.remove(&(room.to_string(), client.to_string())).is_some();
                if existed {
                    m.event(room);
                }
                prop_assert_eq!(got.removed, existed);
                prop_assert_eq!(rows(&got.room.entries), m.read(|x| x == room, &read, now));
                prop_assert_eq!((got.room.count, got.room.previous_count), m.count(room, count, previous));
                observe(&mut m, &mut seen_version, room, got.room.version)?;
            }
            Op::Remove { room, client } => {
                let key = (ROOMS[room].to_string(), CLIENTS[client].to_string());
                let existed = m.entries.remove(&key).is_some();
                if existed {
                    m.event(&key.0);
                }
                prop_assert_eq!(s.remove(&key.0, &key.1).unwrap(), existed);
            }
            Op::RemoveUser { user, site_only } => {
                let prefix = if site_only { "site/" } else { "" };
                let n = m.remove_where(|k, e| e.user == user && k.0.starts_with(prefix));
                prop_assert_eq!(s.remove_user(user, prefix).unwrap(), n);
            }
            Op::Advance { secs } => {
                now += secs * 1_000_000;
                clock.set_us(now);
            }
            Op::Read { room, read } => {
                let room = ROOMS[room];
                prop_assert_eq!(rows(&s.read(room, r(&read)).unwrap()), m.read(|x| x == room, &read, now));
                let all = ReadArgs { limit: None, ..read };
                let count = m.read(|x| x == room, &all, now).len() as u64;
                prop_assert_eq!(s.count(room, read.max_age, PICKS[read.picks]).unwrap(), count);
            }
            Op::Entry { room, client } => {
                let (room, client) = (ROOMS[room], CLIENTS[client]);
                let want: Vec<Row> = m
                    .entries
                    .get(&(room.to_string(), client.to_string()))
                    .map(|e| (room.to_string(), client.to_string(), e.user, e.state.clone(), e.updated))
                    .into_iter()
                    .collect();
                prop_assert_eq!(rows(&s.entry(room, client).unwrap()), want);
            }
            Op::Prefix { site_only, read } => {
                let prefix = if site_only { "site/" } else { "" };
                prop_assert_eq!(
                    rows(&s.prefix(prefix, r(&read)).unwrap()),
                    m.read(|x| x.starts_with(prefix), &read, now)
                );
            }
            Op::Version { room } => {
                let room = ROOMS[room];
                let v = s.room_version(room).unwrap();
                observe(&mut m, &mut seen_version, room, v)?;
            }
            Op::User { user, max_age } => {
                let min = max_age.map_or(0, |a| now.saturating_sub(u64::from(a) * 1_000_000));
                let want = m.rows(|k, e| e.user == user && e.updated >= min && !k.1.starts_with('_'));
                prop_assert_eq!(rows(&s.user(user, max_age).unwrap()), want);
            }
            Op::Rooms { site_only } => {
                let prefix = if site_only { "site/" } else { "" };
                let mut want: BTreeMap<String, (u64, BTreeSet<u64>)> = BTreeMap::new();
                for (k, e) in m.entries.iter().filter(|(k, _)| k.0.starts_with(prefix) && !k.1.starts_with('_')) {
                    let r = want.entry(k.0.clone()).or_default();
                    r.0 += 1;
                    r.1.insert(e.user);
                }
                let want: Vec<_> = want.into_iter().map(|(r, (n, u))| (r, n, u.len() as u64)).collect();
                let got: Vec<_> =
                    s.rooms(prefix, None).unwrap().into_iter().map(|r| (r.room, r.entries, r.users)).collect();
                prop_assert_eq!(got, want);
            }
            Op::Gc => {
                s.gc().unwrap();
            }
            Op::Flush { site_only } => {
                let prefix = if site_only { "site/" } else { "" };
                let n = m.remove_where(|k, _| k.0.starts_with(prefix));
                prop_assert_eq!(s.flush(prefix).unwrap(), n);
            }
        }
        prop_assert_eq!(s.stats().unwrap().live_entries >= m.entries.len() as u64, true);
    }
    prop_assert_eq!(f.check(), Ok(()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn shm_store_matches_model(ops in proptest::collection::vec(op(), 1..80)) {
        run(open_store(Backend::Shm, "model", 1 << 20), ops)?;
    }
}

#[test]
fn redis_store_matches_model() {
    let server = RedisServer::start();
    let case = std::sync::atomic::AtomicU32::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 256, ..ProptestConfig::default() });
    let result = runner.run(&proptest::collection::vec(op(), 1..80), |ops| {
        let prefix = format!("model{}:", case.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let clock = std::sync::Arc::new(presence::store::ManualClock::new(T0));
        let store = presence::store::RedisStore::new(redis_config(server.url(), &prefix), Some(clock.clone()));
        run(Fixture { store: Plain(Box::new(store)), clock, server: None }, ops)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
