//! Random operation sequences against a plain model (a map with expiry): upserts of states of
//! several sizes, removals, reads with max age and limit, counts, per-user reads and removals,
//! room lists, gc, flushes and a clock moved forward or stepped back. Every answer is compared;
//! the full invariant check runs at the end. Input: 4 bytes per operation.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use presence::store::codec::{Key, Value};
use presence::store::{
    ClientId, Clock, EncodedState, Limit, ManualClock, MaxAge, Prefix, PresenceStore, Room, ShmConfig, ShmStore, Ttl,
    UserId,
};

const T0: u64 = 1_800_000_000_000_000;
const ROOMS: [&str; 4] = ["site/a", "site/b", "other/c", "site/a/long"];

struct M {
    user: u64,
    state: Vec<u8>,
    updated: u64,
    expires: u64,
    ttl_us: u64,
    seq: u64,
}

fn state(kind: u8) -> Vec<u8> {
    let text = match kind % 4 {
        0 => return Value::Array(vec![]).encode(1 << 16).unwrap(),
        1 => "dashboard".to_string(),
        2 => "x".repeat(150),
        _ => "y".repeat(700),
    };
    Value::Array(vec![(Key::Str("screen".into()), Value::Str(text))]).encode(1 << 16).unwrap()
}

fn key(room: &str) -> Room<'_> {
    Room::new(room).unwrap()
}

fn id(client: &str) -> ClientId<'_> {
    ClientId::new(client).unwrap()
}

fn store() -> &'static (ShmStore, Arc<ManualClock>) {
    static STORE: OnceLock<(ShmStore, Arc<ManualClock>)> = OnceLock::new();
    STORE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("presence-fuzz-ops-{}.seg", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let clock = Arc::new(ManualClock::new(T0));
        let cfg = ShmConfig { path, size: 1 << 20, lock_timeout: Duration::from_secs(5) };
        (ShmStore::open(cfg, clock.clone()).unwrap(), clock)
    })
}

fuzz_target!(|data: &[u8]| {
    let (s, clock) = store();
    // Each run starts empty, an hour after the previous one's latest time.
    let mut now = clock.now_us() + 3_600_000_000;
    clock.set_us(now);
    s.flush(Prefix::ALL).unwrap();
    let mut model: BTreeMap<(String, String), M> = BTreeMap::new();
    let mut seq = 0;
    for op in data.chunks_exact(4) {
        let (kind, a, b, c) = (op[0] % 10, op[1], op[2], op[3]);
        if kind != 4 {
            // What the store sees at this call: expiries capped at now + TTL (the clock may have
            // stepped back), then the expired entries gone. Only at calls: an entry whose expiry
            // passed while nobody called, before the clock stepped back, is live again for the
            // store, which never saw that time.
            for m in model.values_mut() {
                m.expires = m.expires.min(now + m.ttl_us);
            }
            model.retain(|_, m| m.expires > now);
        }
        let room = ROOMS[usize::from(a % 4)].to_string();
        let client = format!("client-{}", b % 6);
        match kind {
            0..=2 => {
                let (st, user, ttl) = (state(c), u64::from(c % 3), 1 + u32::from(b % 120));
                let state = EncodedState::new(&st, 1 << 16).unwrap();
                s.upsert(key(&room), id(&client), state, UserId::from(user), Ttl::new(ttl.into()).unwrap()).unwrap();
                seq += 1;
                let ttl_us = u64::from(ttl) * 1_000_000;
                model.insert((room, client), M { user, state: st, updated: now, expires: now + ttl_us, ttl_us, seq });
            }
            3 => {
                let existed = model.remove(&(room.clone(), client.clone())).is_some();
                assert_eq!(s.remove(key(&room), id(&client)).unwrap(), existed);
            }
            4 => {
                if c < 16 {
                    now -= u64::from(c) * 60_000_000; // the wall clock steps back
                } else {
                    now += u64::from(c) * 1_000_000;
                }
                clock.set_us(now);
            }
            5 => {
                let max_age = (b % 3 != 0).then_some(1 + u32::from(c % 100));
                let limit = (b % 2 == 0).then_some(1 + usize::from(c % 4));
                let min = max_age.map_or(0, |a| now.saturating_sub(u64::from(a) * 1_000_000));
                let mut want: Vec<_> = model.iter().filter(|(k, m)| k.0 == room && m.updated >= min).collect();
                want.sort_by_key(|(_, m)| std::cmp::Reverse(m.seq));
                let count = want.len() as u64;
                want.truncate(limit.unwrap_or(usize::MAX));
                let want: Vec<_> = want.iter().map(|(k, m)| (k.1.clone(), m.user, m.state.clone())).collect();
                let (age, most) =
                    (max_age.map(|a| MaxAge::new(a.into()).unwrap()), limit.map(|n| Limit::new(n as i64).unwrap()));
                let got = s.room(key(&room), age, most).unwrap();
                let got: Vec<_> = got.iter().map(|e| (e.client_id.to_string(), e.user_id, e.state.to_vec())).collect();
                assert_eq!(got, want);
                assert_eq!(s.room_count(key(&room), age).unwrap(), count);
            }
            6 => {
                let user = u64::from(c % 3);
                let want: BTreeSet<_> = model.iter().filter(|(_, m)| m.user == user).map(|(k, _)| k.clone()).collect();
                let got: BTreeSet<_> = s
                    .user(UserId::from(user), None)
                    .unwrap()
                    .iter()
                    .map(|e| (e.room.to_string(), e.client_id.to_string()))
                    .collect();
                assert_eq!(got, want);
                if b % 2 == 0 {
                    let prefix = if c % 2 == 0 { "site/" } else { "" };
                    let before = model.len();
                    model.retain(|k, m| !(m.user == user && k.0.starts_with(prefix)));
                    assert_eq!(
                        s.remove_user(UserId::from(user), Prefix::new("room_prefix", prefix).unwrap()).unwrap(),
                        (before - model.len()) as u64
                    );
                }
            }
            7 => {
                let mut want: BTreeMap<String, (u64, BTreeSet<u64>)> = BTreeMap::new();
                for (k, m) in &model {
                    let r = want.entry(k.0.clone()).or_default();
                    r.0 += 1;
                    r.1.insert(m.user);
                }
                let want: Vec<_> = want.into_iter().map(|(r, (n, u))| (r, n, u.len() as u64)).collect();
                let got: Vec<_> =
                    s.rooms(Prefix::ALL, None).unwrap().into_iter().map(|r| (r.room, r.entries, r.users)).collect();
                assert_eq!(got, want);
            }
            8 => {
                s.gc().unwrap();
            }
            _ => {
                let prefix = if c % 2 == 0 { "site/" } else { "other/" };
                let before = model.len();
                model.retain(|k, _| !k.0.starts_with(prefix));
                assert_eq!(s.flush(Prefix::new("prefix", prefix).unwrap()).unwrap(), (before - model.len()) as u64);
            }
        }
    }
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
});
