//! Property test: random sequences of operations on each store, checked after every step against a
//! plain in-memory model (a map), including expiry by a moved clock and the room version rule.
//! The backend's own invariant check (the table's, or the Redis key layout's) runs after every
//! sequence. The Redis runs share one redis-server, each sequence under a key prefix of its own.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use presence::store::codec::{Key, Value};
use proptest::prelude::*;

const ROOMS: [&str; 4] = ["site/a", "site/b", "other/c", "site/a/long-room-name-that-is-different"];

#[derive(Debug, Clone)]
enum Op {
    Upsert { room: usize, client: u8, state: u8, user: u64, ttl: u32 },
    Remove { room: usize, client: u8 },
    RemoveUser { user: u64, site_only: bool },
    Advance { secs: u64 },
    Read { room: usize, max_age: Option<u32>, limit: Option<usize> },
    Version { room: usize },
    User { user: u64 },
    Rooms { site_only: bool },
    Gc,
    Flush { site_only: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..ROOMS.len(), 0..6u8, 0..4u8, 0..3u64, 1..120u32)
            .prop_map(|(room, client, state, user, ttl)| Op::Upsert { room, client, state, user, ttl }),
        1 => (0..ROOMS.len(), 0..6u8).prop_map(|(room, client)| Op::Remove { room, client }),
        1 => (0..3u64, any::<bool>()).prop_map(|(user, site_only)| Op::RemoveUser { user, site_only }),
        3 => (0..90u64).prop_map(|secs| Op::Advance { secs }),
        3 => (0..ROOMS.len(), proptest::option::of(1..100u32), proptest::option::of(1..5usize))
            .prop_map(|(room, max_age, limit)| Op::Read { room, max_age, limit }),
        3 => (0..ROOMS.len()).prop_map(|room| Op::Version { room }),
        1 => (0..3u64).prop_map(|user| Op::User { user }),
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
    seq: u64,
}

#[derive(Default)]
struct Model {
    entries: BTreeMap<(String, String), M>,
    /// Membership/state changes per room since its version was last observed.
    events: BTreeMap<String, u64>,
    seq: u64,
}

impl Model {
    fn event(&mut self, room: &str) {
        *self.events.entry(room.to_string()).or_default() += 1;
    }
    fn expire(&mut self, now: u64) {
        let gone: Vec<_> = self.entries.iter().filter(|(_, m)| m.expires <= now).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.entries.remove(&k);
            self.event(&k.0);
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
}

fn run(f: Fixture, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (s, clock) = (&f.store, &f.clock);
    let mut m = Model::default();
    let mut seen_version: BTreeMap<String, u64> = BTreeMap::new();
    let mut now = T0;
    for op in ops {
        m.expire(now);
        match op {
            Op::Upsert { room, client, state, user, ttl } => {
                let (room, client, state) = (ROOMS[room].to_string(), format!("client-{client}"), state_bytes(state));
                s.upsert(&room, &client, &state, user, ttl).unwrap();
                m.seq += 1;
                let key = (room.clone(), client);
                let changed = m.entries.get(&key).is_none_or(|e| e.user != user || e.state != state);
                m.entries.insert(
                    key,
                    M { user, state, updated: now, expires: now + u64::from(ttl) * 1_000_000, seq: m.seq },
                );
                if changed {
                    m.event(&room);
                }
            }
            Op::Remove { room, client } => {
                let key = (ROOMS[room].to_string(), format!("client-{client}"));
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
            Op::Read { room, max_age, limit } => {
                let room = ROOMS[room];
                let min = max_age.map_or(0, |a| now.saturating_sub(u64::from(a) * 1_000_000));
                let mut want: Vec<_> =
                    m.entries.iter().filter(|(k, e)| k.0 == room && e.updated >= min).collect::<Vec<_>>();
                want.sort_by_key(|e| std::cmp::Reverse((e.1.updated, e.1.seq)));
                want.truncate(limit.unwrap_or(usize::MAX));
                let got = s.room(room, max_age, limit).unwrap();
                let got: Vec<_> =
                    got.iter().map(|e| (e.client_id.to_string(), e.user_id, e.state.to_vec(), e.updated_us)).collect();
                let want: Vec<_> =
                    want.iter().map(|(k, e)| (k.1.clone(), e.user, e.state.clone(), e.updated)).collect();
                prop_assert_eq!(got, want);
                let count = m.entries.iter().filter(|(k, e)| k.0 == room && e.updated >= min).count() as u64;
                prop_assert_eq!(s.room_count(room, max_age).unwrap(), count);
            }
            Op::Version { room } => {
                let room = ROOMS[room].to_string();
                let v = s.room_version(&room).unwrap();
                let empty = !m.entries.keys().any(|k| k.0 == room);
                prop_assert_eq!(v == 0, empty, "version 0 exactly when the room is empty");
                let events = m.events.remove(&room).unwrap_or(0);
                if let Some(prev) = seen_version.get(&room) {
                    if events == 0 {
                        prop_assert_eq!(v, *prev, "no change, same version");
                    } else if !empty {
                        prop_assert_ne!(v, *prev, "{} changes, version must move", events);
                    }
                }
                seen_version.insert(room, v);
            }
            Op::User { user } => {
                let want: BTreeSet<_> =
                    m.entries.iter().filter(|(_, e)| e.user == user).map(|(k, _)| k.clone()).collect();
                let got: BTreeSet<_> =
                    s.user(user, None).unwrap().iter().map(|e| (e.room.to_string(), e.client_id.to_string())).collect();
                prop_assert_eq!(got, want);
            }
            Op::Rooms { site_only } => {
                let prefix = if site_only { "site/" } else { "" };
                let mut want: BTreeMap<String, (u64, BTreeSet<u64>)> = BTreeMap::new();
                for (k, e) in m.entries.iter().filter(|(k, _)| k.0.starts_with(prefix)) {
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
