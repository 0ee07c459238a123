//! Random operation sequences against a plain model (a map with expiry): upserts of states of
//! several sizes (some with a write time in the past or the future), removals, reads with max
//! age, limit and client prefix, counts, single entries, reads across rooms, exchanges and leaves
//! with the count a room remembers, per-user reads and removals, room lists, gc, flushes, and a
//! clock moved forward or stepped back. Client ids include reserved ones (`_lock`) and editors.
//! Every answer is compared; the full invariant check runs at the end. Input: 4 bytes per
//! operation.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use presence::store::codec::{Key, Value};
use presence::store::{
    ClientId, ClientPrefix, Clock, CountPrefix, EncodedState, EntryList, Limit, ManualClock, MaxAge, Prefix,
    PresenceStore, Read, Room, ShmConfig, ShmStore, Ttl, Upsert, UserId, Written, WrittenAt,
};

const T0: u64 = 1_800_000_000_000_000;
const ROOMS: [&str; 4] = ["site/a", "site/b", "other/c", "site/a/long"];
const CLIENTS: [&str; 6] = ["client-0", "client-1", "editor-0", "editor-1", "_lock", "client-2"];
const PICKS: [&str; 4] = ["", "editor-", "_", "client-1"];

struct M {
    user: u64,
    state: Vec<u8>,
    updated: u64,
    expires: u64,
    ttl_us: u64,
}

type Model = BTreeMap<(String, String), M>;
type Row = (String, String, u64, Vec<u8>);

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

fn picks(prefix: &str, client: &str) -> bool {
    if prefix.is_empty() {
        !client.starts_with('_')
    } else {
        client.starts_with(prefix)
    }
}

/// A read's arguments from two bytes: max age, limit, client prefix.
fn read_of(b: u8, c: u8) -> (Option<u32>, Option<usize>, &'static str) {
    (
        (b % 3 != 0).then_some(1 + u32::from(c % 100)),
        (b % 2 == 0).then_some(1 + usize::from(c % 4)),
        PICKS[usize::from(b / 3) % 4],
    )
}

fn read(r: (Option<u32>, Option<usize>, &'static str)) -> Read<'static> {
    Read {
        max_age: r.0.map(|a| MaxAge::new(a.into()).unwrap()),
        limit: r.1.map(|n| Limit::new(n as i64).unwrap()),
        clients: ClientPrefix::new("client_prefix", r.2).unwrap(),
    }
}

/// What the model says a read of the rooms `rooms` picks: newest first, equal times by room,
/// then client id from the highest bytes down.
fn want(model: &Model, rooms: impl Fn(&str) -> bool, r: (Option<u32>, Option<usize>, &str), now: u64) -> Vec<Row> {
    let min = r.0.map_or(0, |a| now.saturating_sub(u64::from(a) * 1_000_000));
    let mut rows: Vec<_> = model.iter().filter(|(k, m)| rooms(&k.0) && m.updated >= min && picks(r.2, &k.1)).collect();
    rows.sort_by(|a, b| {
        b.1.updated.cmp(&a.1.updated).then_with(|| a.0 .0.cmp(&b.0 .0)).then_with(|| b.0 .1.cmp(&a.0 .1))
    });
    rows.truncate(r.1.unwrap_or(usize::MAX));
    rows.into_iter().map(|(k, m)| (k.0.clone(), k.1.clone(), m.user, m.state.clone())).collect()
}

fn rows(list: &EntryList) -> Vec<Row> {
    list.iter().map(|e| (e.room.to_string(), e.client_id.to_string(), e.user_id, e.state.to_vec())).collect()
}

/// The model's write: the entry at its clamped time, or gone when that time plus its TTL passed.
fn write(
    model: &mut Model,
    room: &str,
    client: &str,
    st: Vec<u8>,
    user: u64,
    ttl: u32,
    when: Option<u64>,
    now: u64,
) -> Written {
    let updated = when.map_or(now, |w| w.min(now));
    let ttl_us = u64::from(ttl) * 1_000_000;
    let k = (room.to_string(), client.to_string());
    if updated + ttl_us <= now {
        model.remove(&k);
        return Written::Expired;
    }
    let outcome = match model.get(&k) {
        None => Written::Joined,
        Some(m) if m.user != user || m.state != st => Written::Changed,
        Some(_) => Written::Refreshed,
    };
    model.insert(k, M { user, state: st, updated, expires: updated + ttl_us, ttl_us });
    outcome
}

fuzz_target!(|data: &[u8]| {
    let (s, clock) = store();
    // Each run starts empty, an hour after the previous one's latest time.
    let mut now = clock.now_us() + 3_600_000_000;
    clock.set_us(now);
    s.flush(Prefix::ALL).unwrap();
    let mut model: Model = BTreeMap::new();
    let mut tally: BTreeMap<String, u64> = BTreeMap::new();
    for op in data.chunks_exact(4) {
        let (kind, a, b, c) = (op[0] % 14, op[1], op[2], op[3]);
        if kind != 4 {
            // What the store sees at this call: expiries capped at now + TTL (the clock may have
            // stepped back), then the expired entries gone. Only at calls: an entry whose expiry
            // passed while nobody called, before the clock stepped back, is live again for the
            // store, which never saw that time. A room left empty remembers no count.
            for m in model.values_mut() {
                m.expires = m.expires.min(now + m.ttl_us);
            }
            model.retain(|_, m| m.expires > now);
            tally.retain(|r, _| model.keys().any(|k| &k.0 == r));
        }
        let room = ROOMS[usize::from(a % 4)].to_string();
        let client = CLIENTS[usize::from(b % 6)].to_string();
        // A write: its user and TTL from `c`, a time in the past or the future from `b`.
        let when = match b / 6 % 4 {
            1 => Some(now.saturating_sub(u64::from(c) * 1_000_000)),
            2 => Some(now + 5_000_000),
            _ => None,
        };
        let (st, user, ttl) = (state(c), u64::from(c % 3), 1 + u32::from(c % 120));
        let state_checked = EncodedState::new(&st, 1 << 16).unwrap();
        let mut upsert =
            Upsert::new(key(&room), id(&client), state_checked, UserId::from(user), Ttl::new(ttl.into()).unwrap());
        upsert.written_at = when.map(WrittenAt::from_micros);
        upsert.may_evict = c % 5 != 0;
        let count = if c % 2 == 0 { "editor-" } else { "" };
        match kind {
            0..=2 => {
                let got = s.upsert(&upsert).unwrap();
                assert_eq!(got, write(&mut model, &room, &client, st.clone(), user, ttl, when, now));
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
                let r = read_of(b, c);
                assert_eq!(rows(&s.room(key(&room), &read(r)).unwrap()), want(&model, |x| x == room, r, now));
                let all = want(&model, |x| x == room, (r.0, None, r.2), now).len() as u64;
                assert_eq!(s.room_count(key(&room), read(r).max_age, read(r).clients).unwrap(), all);
            }
            6 => {
                let user = u64::from(c % 3);
                let want: BTreeSet<_> = model
                    .iter()
                    .filter(|(k, m)| m.user == user && !k.1.starts_with('_'))
                    .map(|(k, _)| k.clone())
                    .collect();
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
                for (k, m) in model.iter().filter(|(k, _)| !k.1.starts_with('_')) {
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
            9 => {
                let prefix = if c % 2 == 0 { "site/" } else { "other/" };
                let before = model.len();
                model.retain(|k, _| !k.0.starts_with(prefix));
                assert_eq!(s.flush(Prefix::new("prefix", prefix).unwrap()).unwrap(), (before - model.len()) as u64);
            }
            10 | 11 => {
                let previous = tally.get(&room).copied().unwrap_or(0);
                let r = read_of(a, c);
                let (version, entries, n, prev) = if kind == 10 {
                    let x = s.exchange(&upsert, &read(r), CountPrefix::new(count).unwrap()).unwrap();
                    assert_eq!(x.written, write(&mut model, &room, &client, st.clone(), user, ttl, when, now));
                    (x.room.version, x.room.entries, x.room.count, x.room.previous_count)
                } else {
                    let l = s.leave(key(&room), id(&client), &read(r), CountPrefix::new(count).unwrap()).unwrap();
                    assert_eq!(l.removed, model.remove(&(room.clone(), client.clone())).is_some());
                    (l.room.version, l.room.entries, l.room.count, l.room.previous_count)
                };
                assert_eq!(rows(&entries), want(&model, |x| x == room, r, now));
                let has_room = model.keys().any(|k| k.0 == room);
                assert_eq!(version == 0, !has_room);
                if count.is_empty() {
                    assert_eq!((n, prev), (0, 0));
                } else {
                    let counted = model.keys().filter(|k| k.0 == room && k.1.starts_with(count)).count() as u64;
                    assert_eq!((n, prev), (counted, previous));
                    if has_room {
                        tally.insert(room.clone(), counted);
                    }
                }
            }
            12 => {
                let want: Vec<Row> = model
                    .get(&(room.clone(), client.clone()))
                    .map(|m| (room.clone(), client.clone(), m.user, m.state.clone()))
                    .into_iter()
                    .collect();
                assert_eq!(rows(&s.entry(key(&room), id(&client)).unwrap()), want);
            }
            _ => {
                let prefix = if a % 2 == 0 { "site/" } else { "" };
                let r = read_of(b, c);
                let got = s.prefix(Prefix::new("prefix", prefix).unwrap(), &read(r)).unwrap();
                assert_eq!(rows(&got), want(&model, |x| x.starts_with(prefix), r, now));
            }
        }
    }
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
});
