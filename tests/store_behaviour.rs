//! Behaviour of the stores through their public API: entries, expiry by a moved clock,
//! versions, limits, prefixes, validation — on both backends (shared memory, and a real
//! redis-server per test) — then what only the shared-memory one has: eviction when full, and
//! damaged or foreign files.

mod common;

use common::*;
use presence::store::codec::Value;
use presence::store::{
    ClientId, EncodedState, PresenceStore, Room, StoreError, Ttl, Upsert, UserId, Written, MAX_STATE_LIMIT,
};

/// Runs each named `fn(Backend)` as two tests, `shm::name` and `redis::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod shm {
            $( #[test] fn $name() { super::$name(super::Backend::Shm) } )*
        }
        mod redis {
            $( #[test] fn $name() { super::$name(super::Backend::Redis) } )*
        }
    };
}

on_both_backends!(
    upsert_then_read_newest_first,
    limit_and_max_age_filter_reads,
    entries_expire_by_ttl_without_sleeping,
    version_moves_on_join_leave_and_change_but_not_on_refresh,
    users_prefixes_rooms_gc_and_flush,
    bad_arguments_are_refused_and_store_nothing,
    two_stores_share_entries,
    a_limit_of_zero_is_refused_before_any_backend,
    a_version_read_right_after_a_write_sees_the_clock_move,
);

fn upsert_then_read_newest_first(b: Backend) {
    let f = open_store(b, "read", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    assert_eq!(s.upsert("room/a", "c1", &state(&[("screen", "dashboard")]), 7, 60).unwrap(), Written::Joined);
    clock.advance_secs(1);
    s.upsert("room/a", "c2", &state(&[]), 8, 60).unwrap();
    s.upsert("room/b", "c1", &state(&[]), 7, 60).unwrap();
    let room = s.room("room/a", None, None).unwrap();
    let got: Vec<_> = room.iter().map(|e| (e.room, e.client_id, e.user_id, e.updated_us)).collect();
    assert_eq!(got, vec![("room/a", "c2", 8, T0 + 1_000_000), ("room/a", "c1", 7, T0)]);
    let first = room.get(1).unwrap();
    assert_eq!(Value::decode(first.state).unwrap(), Value::decode(&state(&[("screen", "dashboard")])).unwrap());
    assert_eq!(s.room_count("room/a", None).unwrap(), 2);
    assert_eq!(s.room("nowhere", None, None).unwrap().len(), 0);
    assert_eq!(f.check(), Ok(()));
}

fn limit_and_max_age_filter_reads(b: Backend) {
    let f = open_store(b, "limit", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    for i in 0..10 {
        s.upsert("r", &format!("c{i}"), &state(&[]), i, 600).unwrap();
        clock.advance_secs(10);
    }
    let three = s.room("r", None, Some(3)).unwrap();
    assert_eq!(three.iter().map(|e| e.client_id).collect::<Vec<_>>(), ["c9", "c8", "c7"]);
    // now = T0 + 100 s; c9 written at +90 s, c5 at +50 s.
    assert_eq!(s.room("r", Some(50), None).unwrap().len(), 5);
    assert_eq!(s.room_count("r", Some(50)).unwrap(), 5);
    assert_eq!(s.room_count("r", None).unwrap(), 10);
}

fn a_limit_of_zero_is_refused_before_any_backend(b: Backend) {
    let f = open_store(b, "limit-zero", 1 << 20);
    let s = &f.store;
    s.upsert("r", "a", &state(&[]), 1, 100).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 100).unwrap();
    // A limit of 0 cannot be asked for: it never reaches a backend (which could read it as none).
    assert!(matches!(s.room("r", None, Some(0)), Err(StoreError::InvalidArgument { argument: "limit", .. })));
    assert_eq!(s.room("r", None, Some(1)).unwrap().len(), 1, "at most `limit` entries");
}

fn entries_expire_by_ttl_without_sleeping(b: Backend) {
    let f = open_store(b, "ttl", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("r", "short", &state(&[]), 1, 30).unwrap();
    s.upsert("r", "long", &state(&[]), 2, 300).unwrap();
    clock.advance_secs(29);
    assert_eq!(s.room_count("r", None).unwrap(), 2);
    clock.advance_secs(1);
    assert_eq!(s.room("r", None, None).unwrap().iter().map(|e| e.client_id).collect::<Vec<_>>(), ["long"]);
    clock.advance_secs(300);
    assert_eq!(s.room_count("r", None).unwrap(), 0);
    assert_eq!(s.room_version("r").unwrap(), 0);
    let st = s.stats().unwrap();
    assert_eq!((st.live_entries, st.rooms), (0, 0));
    if b == Backend::Shm {
        assert_eq!(st.shm().unwrap().evicted_expired, 2);
    }
    assert_eq!(f.check(), Ok(()));
}

fn version_moves_on_join_leave_and_change_but_not_on_refresh(b: Backend) {
    let f = open_store(b, "version", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    assert_eq!(s.room_version("r").unwrap(), 0);
    s.upsert("r", "a", &state(&[("x", "1")]), 1, 100).unwrap();
    let v1 = s.room_version("r").unwrap();
    assert_ne!(v1, 0);
    clock.advance_secs(5);
    assert_eq!(s.upsert("r", "a", &state(&[("x", "1")]), 1, 100).unwrap(), Written::Refreshed);
    assert_eq!(s.room_version("r").unwrap(), v1, "a refresh keeps the version");
    assert_eq!(s.upsert("r", "a", &state(&[("x", "2")]), 1, 100).unwrap(), Written::Changed);
    let v2 = s.room_version("r").unwrap();
    assert_ne!(v2, v1);
    assert_eq!(s.upsert("r", "a", &state(&[("x", "2")]), 9, 100).unwrap(), Written::Changed, "new user");
    let v3 = s.room_version("r").unwrap();
    assert_ne!(v3, v2);
    s.upsert("r", "b", &state(&[]), 2, 10).unwrap();
    let v4 = s.room_version("r").unwrap();
    assert_ne!(v4, v3);
    clock.advance_secs(11); // b expires: that is a leave
    let v5 = s.room_version("r").unwrap();
    assert_ne!(v5, v4);
    assert!(s.remove("r", "a").unwrap());
    assert!(!s.remove("r", "a").unwrap());
    assert_eq!(s.room_version("r").unwrap(), 0);
    // A refresh moves the entry to the front of its room.
    s.upsert("q", "old", &state(&[]), 1, 100).unwrap();
    clock.advance_secs(1);
    s.upsert("q", "new", &state(&[]), 1, 100).unwrap();
    clock.advance_secs(1);
    s.upsert("q", "old", &state(&[]), 1, 100).unwrap();
    assert_eq!(s.room("q", None, None).unwrap().get(0).unwrap().client_id, "old");
}

/// The clock the store was given decides, also for the version read right after a write (which
/// Redis answers from the write's reply while nothing else happened in between).
fn a_version_read_right_after_a_write_sees_the_clock_move(b: Backend) {
    let f = open_store(b, "version-after-write", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("r", "short", &state(&[]), 1, 10).unwrap();
    clock.advance_secs(11);
    assert_eq!(s.room_version("r").unwrap(), 0, "its only entry expired: the room is empty");
    s.upsert("r", "a", &state(&[]), 1, 100).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 10).unwrap();
    let with_b = s.room_version("r").unwrap();
    s.upsert("r", "a", &state(&[]), 1, 100).unwrap();
    clock.advance_secs(11);
    assert_ne!(s.room_version("r").unwrap(), with_b, "b expired: that is a leave");
}

fn users_prefixes_rooms_gc_and_flush(b: Backend) {
    let f = open_store(b, "scans", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("site1/admin/online", "user-1", &state(&[]), 1, 100).unwrap();
    s.upsert("site1/post:5", "user-1", &state(&[]), 1, 100).unwrap();
    s.upsert("site1/post:5", "user-2", &state(&[]), 2, 100).unwrap();
    s.upsert("site2/admin/online", "user-1", &state(&[]), 1, 10).unwrap();
    assert_eq!(s.user(1, None).unwrap().len(), 3);
    let rooms = s.rooms("site1/", None).unwrap();
    assert_eq!(
        rooms.iter().map(|r| (r.room.as_str(), r.entries, r.users)).collect::<Vec<_>>(),
        [("site1/admin/online", 1, 1), ("site1/post:5", 2, 2)]
    );
    assert_eq!(s.remove_user(1, "site1/").unwrap(), 2);
    assert_eq!(s.user(1, None).unwrap().iter().map(|e| e.room).collect::<Vec<_>>(), ["site2/admin/online"]);
    clock.advance_secs(20);
    assert_eq!(s.gc().unwrap(), 1);
    assert_eq!(s.flush("site1/").unwrap(), 1);
    assert_eq!(s.stats().unwrap().live_entries, 0);
    s.upsert("a", "1", &state(&[]), 1, 100).unwrap();
    s.upsert("b", "1", &state(&[]), 1, 100).unwrap();
    assert_eq!(s.flush("").unwrap(), 2);
    assert_eq!(s.room_count("a", None).unwrap(), 0);
    assert_eq!(f.check(), Ok(()));
}

fn bad_arguments_are_refused_and_store_nothing(b: Backend) {
    let f = open_store(b, "validation", 1 << 20);
    let s = &f.store;
    s.upsert("r", "keep", &state(&[]), 1, 100).unwrap();
    let long = "x".repeat(192);
    let arg = |e: StoreError| match e {
        StoreError::InvalidArgument { argument, .. } => argument,
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(arg(s.upsert("", "c", &state(&[]), 1, 100).unwrap_err()), "room");
    assert_eq!(arg(s.upsert(&long, "c", &state(&[]), 1, 100).unwrap_err()), "room");
    assert_eq!(arg(s.upsert("r", "", &state(&[]), 1, 100).unwrap_err()), "client_id");
    assert_eq!(arg(s.upsert("r", "c", &state(&[]), 1, 0).unwrap_err()), "ttl");
    assert_eq!(arg(s.upsert("r", "c", &state(&[]), 1, 86_401).unwrap_err()), "ttl");
    assert_eq!(arg(s.upsert("r", "c", &vec![0; 9000], 1, 100).unwrap_err()), "state");
    assert_eq!(s.room("r", None, None).unwrap().iter().map(|e| e.client_id).collect::<Vec<_>>(), ["keep"]);
    assert_eq!(s.upsert(&"y".repeat(191), &"z".repeat(191), &state(&[]), 1, 100).unwrap(), Written::Joined);
}

#[test]
fn full_segment_evicts_oldest_then_refuses_what_cannot_fit() {
    let (s, clock) = store("full", 256 * 1024);
    let cap = s.stats().unwrap().shm().unwrap().capacity;
    for i in 0..cap + 50 {
        clock.set_us(T0 + i);
        s.upsert("r", &format!("c{i}"), &state(&[]), 1, 1000).unwrap();
    }
    let st = s.stats().unwrap();
    assert_eq!(st.live_entries, cap);
    assert_eq!(st.shm().unwrap().evicted_lru, 50);
    assert_eq!(s.room("r", None, Some(1)).unwrap().get(0).unwrap().client_id, format!("c{}", cap + 49));
    assert_eq!(s.room_count("r", None).unwrap(), cap);
    // The oldest went first.
    assert!(!s.remove("r", "c0").unwrap());
    assert!(s.remove("r", "c50").unwrap());
    // Big states evict several small entries each; the table stays whole.
    let big = state(&[("blob", &"b".repeat(8000))]);
    for i in 0..40 {
        s.upsert("big", &format!("b{i}"), &big, 2, 1000).unwrap();
    }
    assert!(s.check_integrity().unwrap().is_ok());
    let tiny = common::config(temp_path("tiny"), 256 * 1024);
    let t = Plain(presence::store::ShmStore::open(tiny, std::sync::Arc::new(presence::store::SystemClock)).unwrap());
    assert!(t.upsert("r", "c", &state(&[]), 1, 100).is_ok());
}

/// Two stores on one segment path (two processes of a machine), or on one Redis (two machines).
fn two_stores_share_entries(backend: Backend) {
    let path = temp_path("shared");
    let clock = std::sync::Arc::new(presence::store::ManualClock::new(T0));
    let server = (backend == Backend::Redis).then(RedisServer::start);
    let open = || -> Plain<Box<dyn PresenceStore>> {
        match &server {
            None => {
                Plain(Box::new(presence::store::ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap()))
            }
            Some(r) => Plain(Box::new(presence::store::RedisStore::new(
                redis_config(r.url(), "presence:"),
                Some(clock.clone()),
            ))),
        }
    };
    let (a, b) = (open(), open());
    a.upsert("r", "from-a", &state(&[]), 1, 100).unwrap();
    b.upsert("r", "from-b", &state(&[]), 2, 100).unwrap();
    assert_eq!(a.room_count("r", None).unwrap(), 2);
    assert_eq!(b.room_count("r", None).unwrap(), 2);
}

#[test]
fn foreign_truncated_or_garbage_files_are_replaced_not_misread() {
    let clock = std::sync::Arc::new(presence::store::ManualClock::new(T0));
    for (name, bytes) in
        [("garbage", vec![0xAB; 300 * 1024]), ("truncated", vec![0; 100]), ("short-header", b"PRESNCE\x01".to_vec())]
    {
        let path = temp_path(name);
        std::fs::write(&path, &bytes).unwrap();
        let s = Plain(presence::store::ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
        s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
        assert_eq!(s.room_count("r", None).unwrap(), 1, "{name}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 20, "{name}");
    }
    // Another layout version: same size, valid magic, version 99.
    let path = temp_path("other-version");
    {
        let s = Plain(presence::store::ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
        s.upsert("r", "old", &state(&[]), 1, 100).unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let s = Plain(presence::store::ShmStore::open(config(path, 1 << 20), clock).unwrap());
    assert_eq!(s.room_count("r", None).unwrap(), 0, "a foreign layout is never read");
}

#[test]
fn scribbled_segment_is_repaired_without_crashing() {
    let (s, _) = store("scribble", 1 << 20);
    for i in 0..200 {
        s.upsert(&format!("room{}", i % 7), &format!("c{i}"), &state(&[("k", "v")]), i, 100).unwrap();
    }
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    // Smash links of entries and rooms and a run of buckets with out-of-range indices.
    seg.testing_scribble(g.entries_off as usize + 40, &[0xEE; 400]);
    seg.testing_scribble(g.rooms_off as usize + 16, &[0x7F; 60]);
    seg.testing_scribble(g.entry_buckets_off as usize, &[0x11; 64]);
    for i in 0..7 {
        let _ = s.room(&format!("room{i}"), None, None).unwrap();
    }
    s.upsert("room1", "after", &state(&[]), 1, 100).unwrap();
    assert!(s.check_integrity().unwrap().is_ok());
    assert!(s.stats().unwrap().shm().unwrap().repairs >= 1);
    assert!(s.stats().unwrap().live_entries > 150, "only damaged records are dropped");
}

#[test]
fn damaged_entry_content_is_never_returned() {
    let (s, _) = store("damaged-content", 1 << 20);
    let want = state(&[("screen", "dashboard"), ("title", "A post")]);
    for i in 0..100 {
        s.upsert("room", &format!("c{i}"), &want, i, 100).unwrap();
    }
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    // Flip one byte in each of the first 10 chunks: client ids or states of 10 entries.
    for c in 0..10usize {
        seg.testing_scribble(g.chunks_off as usize + c * 128 + 20, &[0x5A]);
    }
    let room = s.room("room", None, None).unwrap();
    assert!(room.len() >= 90 && room.len() < 100, "damaged entries dropped, others kept: {}", room.len());
    for e in room.iter() {
        assert_eq!(e.state, &want[..], "{} came back altered", e.client_id);
        assert!(e.client_id.starts_with('c'));
    }
    assert!(s.stats().unwrap().shm().unwrap().repairs >= 1);
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_write_that_can_never_fit_evicts_nothing() {
    let clock = std::sync::Arc::new(presence::store::ManualClock::new(T0));
    let s = Plain(presence::store::ShmStore::open(config(temp_path("never-fits"), 256 * 1024), clock).unwrap());
    for i in 0..10 {
        s.upsert("r", &format!("c{i}"), &state(&[]), 1, 100).unwrap();
    }
    let huge = state(&[("blob", &"y".repeat(400_000))]);
    // Within the largest state any configuration allows, but larger than this segment.
    let write = s.0.upsert(&Upsert::new(
        Room::new("big").unwrap(),
        ClientId::new("c").unwrap(),
        EncodedState::new(&huge, MAX_STATE_LIMIT).unwrap(),
        UserId::from(1),
        Ttl::new(100).unwrap(),
    ));
    assert!(matches!(write, Err(StoreError::Full { .. })));
    assert_eq!(s.room_count("r", None).unwrap(), 10);
    let st = s.stats().unwrap();
    assert_eq!((st.shm().unwrap().evicted_lru, st.shm().unwrap().rejected_full), (0, 1));
}
