//! Behaviour of the stores through their public API: entries, expiry by a moved clock,
//! versions, limits, prefixes, validation — on both backends (shared memory, and a real
//! redis-server per test) — then what only the shared-memory one has: eviction when full, and
//! damaged or foreign files.

#[macro_use]
mod common;

use common::*;
use presence::store::codec::Value;
use presence::store::{
    ClientId, EncodedState, PresenceStore, Room, StoreError, Ttl, Upsert, UserId, Written, MAX_STATE_LIMIT,
};

on_both_backends!(
    upsert_then_read_newest_first,
    limit_and_max_age_filter_reads,
    entries_expire_by_ttl_without_sleeping,
    version_moves_on_join_leave_and_change_but_not_on_refresh,
    users_prefixes_rooms_gc_and_flush,
    a_user_read_lists_equal_times_by_room_then_client_id_down,
    bad_arguments_are_refused_and_store_nothing,
    two_stores_share_entries,
    a_limit_of_zero_is_refused_before_any_backend,
    a_version_read_right_after_a_write_sees_the_clock_move,
    reserved_entries_are_left_out_unless_a_reserved_prefix_asks,
    a_client_prefix_picks_entries_literally,
    a_write_time_is_clamped_to_now_and_orders_the_room,
    a_write_already_past_its_time_removes_the_entry_and_stores_nothing,
    an_entry_is_read_alone_reserved_or_not,
    an_exchange_writes_then_answers_the_room_and_its_counts,
    a_leave_removes_then_answers_the_room_and_its_counts,
    a_leave_keeps_an_entry_written_after_the_time_it_was_given,
    a_room_that_emptied_remembers_no_count,
    a_prefix_read_merges_rooms_newest_first,
    several_rooms_are_read_at_once_each_as_a_room_read_reads_it,
    may_evict_is_accepted_on_every_backend,
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

/// A user's entries across rooms, in the order a prefix read lists them: newest write first,
/// equal times by room name, then client id from the highest bytes down, on every backend.
fn a_user_read_lists_equal_times_by_room_then_client_id_down(b: Backend) {
    let f = open_store(b, "user-order", 1 << 20);
    let s = &f.store;
    let st = state(&[]);
    for (room, client) in [("a", "y"), ("b", "z"), ("a", "x"), ("c", "old")] {
        let w = W::new(room, client, &st, 7, 100);
        s.write(if client == "old" { w.at(T0 - 1) } else { w }).unwrap();
    }
    let got: Vec<_> = s.user(7, None).unwrap().iter().map(|e| (e.room.to_string(), e.client_id.to_string())).collect();
    let want = [("a", "y"), ("a", "x"), ("b", "z"), ("c", "old")].map(|(r, c)| (r.to_string(), c.to_string()));
    assert_eq!(got, want);
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

fn ids(list: &presence::store::EntryList) -> Vec<String> {
    list.iter().map(|e| e.client_id.to_string()).collect()
}

fn reserved_entries_are_left_out_unless_a_reserved_prefix_asks(b: Backend) {
    let f = open_store(b, "reserved", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("post:1", "_lock", &state(&[("by", "7")]), 7, 100).unwrap();
    clock.advance_secs(1);
    s.upsert("post:1", "editor-7", &state(&[]), 7, 100).unwrap();
    s.upsert("post:1", "tab-8", &state(&[]), 8, 100).unwrap();
    s.upsert("locks-only", "_collab", &state(&[]), 9, 100).unwrap();
    assert_eq!(ids(&s.room("post:1", None, None).unwrap()), ["tab-8", "editor-7"]);
    assert_eq!(s.room_count("post:1", None).unwrap(), 2);
    assert_eq!(ids(&s.read("post:1", R { clients: "_", ..R::default() }).unwrap()), ["_lock"]);
    assert_eq!(ids(&s.read("post:1", R { clients: "_l", ..R::default() }).unwrap()), ["_lock"]);
    assert_eq!(s.count("post:1", None, "_").unwrap(), 1);
    assert_eq!(s.count("post:1", None, "editor-").unwrap(), 1);
    assert_eq!(ids(&s.entry("post:1", "_lock").unwrap()), ["_lock"]);
    assert_eq!(ids(&s.user(7, None).unwrap()), ["editor-7"], "a user's reserved entries are left out");
    let rooms: Vec<_> = s.rooms("", None).unwrap().into_iter().map(|r| (r.room, r.entries, r.users)).collect();
    assert_eq!(rooms, [("post:1".to_string(), 2, 2)], "a room of reserved entries only is not listed");
    assert_eq!(ids(&s.prefix("", R::default()).unwrap()), ["tab-8", "editor-7"]);
    // They are entries all the same: they move the version, and go with their user or a flush.
    let v = s.room_version("locks-only").unwrap();
    assert_ne!(v, 0);
    s.upsert("locks-only", "_collab", &state(&[("x", "1")]), 9, 100).unwrap();
    assert_ne!(s.room_version("locks-only").unwrap(), v);
    assert_eq!(s.remove_user(7, "").unwrap(), 2, "a user's _lock is released with the rest");
    assert_eq!(s.entry("post:1", "_lock").unwrap().len(), 0);
    assert_eq!(s.flush("").unwrap(), 2);
    assert_eq!(f.check(), Ok(()));
}

fn a_client_prefix_picks_entries_literally(b: Backend) {
    let f = open_store(b, "client-prefix", 1 << 20);
    let s = &f.store;
    for c in ["a_b-1", "axb-1", "a%b-1", "a_b-2"] {
        s.upsert("r", c, &state(&[]), 1, 100).unwrap();
    }
    let pick = |p: &str| {
        let mut got = ids(&s.read("r", R { clients: p, ..R::default() }).unwrap());
        got.sort();
        (got, s.count("r", None, p).unwrap())
    };
    assert_eq!(pick("a_b-"), (vec!["a_b-1".to_string(), "a_b-2".to_string()], 2));
    assert_eq!(pick("a%"), (vec!["a%b-1".to_string()], 1));
    assert_eq!(pick("zz"), (vec![], 0));
    assert_eq!(pick("").1, 4);
    let long = "p".repeat(192);
    assert!(matches!(
        s.read("r", R { clients: &long, ..R::default() }),
        Err(StoreError::InvalidArgument { argument: "client_prefix", .. })
    ));
}

fn a_write_time_is_clamped_to_now_and_orders_the_room(b: Backend) {
    let f = open_store(b, "written-at", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    clock.set_us(T0 + 100_000_000);
    let now = T0 + 100_000_000;
    s.write(W::new("r", "late", &state(&[]), 1, 60).at(now - 50_000_000)).unwrap();
    s.write(W::new("r", "now", &state(&[]), 1, 60)).unwrap();
    s.write(W::new("r", "future", &state(&[]), 1, 60).at(now + 3_600_000_000)).unwrap();
    s.write(W::new("r", "older", &state(&[]), 1, 60).at(now - 55_000_000)).unwrap();
    let room = s.room("r", None, None).unwrap();
    let got: Vec<_> = room.iter().map(|e| (e.client_id, e.updated_us)).collect();
    // Newest write time first; equal times by client id from the highest bytes down.
    assert_eq!(got, [("now", now), ("future", now), ("late", now - 50_000_000), ("older", now - 55_000_000)]);
    assert_eq!(ids(&s.room("r", None, Some(2)).unwrap()), ["now", "future"], "a limit keeps the newest");
    assert_eq!(ids(&s.room("r", Some(52), None).unwrap()), ["now", "future", "late"], "max age is on write time");
    assert_eq!(s.room_count("r", Some(52)).unwrap(), 3);
    // Expiry is write time plus ttl: written 55 s ago with 60 s, "older" has 5 s left.
    clock.advance_secs(5);
    assert_eq!(ids(&s.room("r", None, None).unwrap()), ["now", "future", "late"]);
    // Rewriting with an older time moves the entry back.
    let now = now + 5_000_000;
    s.write(W::new("r", "now", &state(&[]), 1, 60).at(now - 40_000_000)).unwrap();
    assert_eq!(ids(&s.room("r", None, None).unwrap()), ["future", "now", "late"]);
    assert_eq!(f.check(), Ok(()));
}

fn a_write_already_past_its_time_removes_the_entry_and_stores_nothing(b: Backend) {
    let f = open_store(b, "written-expired", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    clock.set_us(T0 + 100_000_000);
    let now = T0 + 100_000_000;
    assert_eq!(s.write(W::new("r", "a", &state(&[]), 1, 10).at(now - 10_000_000)).unwrap(), Written::Expired);
    assert_eq!(s.room_version("r").unwrap(), 0, "nothing was stored");
    s.upsert("r", "a", &state(&[]), 1, 100).unwrap();
    s.upsert("r", "b", &state(&[]), 1, 100).unwrap();
    let v = s.room_version("r").unwrap();
    assert_eq!(s.write(W::new("r", "a", &state(&[]), 1, 10).at(0)).unwrap(), Written::Expired);
    assert_eq!(ids(&s.room("r", None, None).unwrap()), ["b"], "the entry of that key left");
    assert_ne!(s.room_version("r").unwrap(), v, "a leave moves the version");
    assert_eq!(f.check(), Ok(()));
}

fn an_entry_is_read_alone_reserved_or_not(b: Backend) {
    let f = open_store(b, "entry", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("r", "_lock", &state(&[("post", "5")]), 3, 10).unwrap();
    s.upsert("r", "tab", &state(&[]), 4, 100).unwrap();
    let e = s.entry("r", "_lock").unwrap();
    let got: Vec<_> = e.iter().map(|e| (e.room, e.client_id, e.user_id, e.updated_us)).collect();
    assert_eq!(got, [("r", "_lock", 3, T0)]);
    assert_eq!(e.get(0).unwrap().state, &state(&[("post", "5")])[..]);
    assert!(s.entry("r", "nobody").unwrap().is_empty());
    assert!(s.entry("elsewhere", "tab").unwrap().is_empty());
    clock.advance_secs(10);
    assert!(s.entry("r", "_lock").unwrap().is_empty(), "an expired entry is not read");
    assert_eq!(s.entry("r", "tab").unwrap().len(), 1);
}

fn an_exchange_writes_then_answers_the_room_and_its_counts(b: Backend) {
    let f = open_store(b, "exchange", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    let (me, r) = (state(&[("screen", "post")]), R { limit: Some(10), ..R::default() });
    s.upsert("post:5", "_lock", &state(&[]), 1, 100).unwrap();
    let x = s.exchange(W::new("post:5", "editor-1", &me, 1, 100), r, "editor-").unwrap();
    assert_eq!(x.written, Written::Joined);
    assert_eq!(ids(&x.room.entries), ["editor-1"], "the room as read, reserved entries left out");
    assert_eq!((x.room.count, x.room.previous_count), (1, 0));
    assert_eq!(x.room.version, s.room_version("post:5").unwrap());
    clock.advance_secs(1);
    let y = s.exchange(W::new("post:5", "editor-2", &me, 2, 100), r, "editor-").unwrap();
    assert_eq!((y.written, y.room.count, y.room.previous_count), (Written::Joined, 2, 1), "1 -> 2");
    assert_eq!(ids(&y.room.entries), ["editor-2", "editor-1"]);
    clock.advance_secs(1);
    let z = s.exchange(W::new("post:5", "editor-1", &me, 1, 100), r, "editor-").unwrap();
    assert_eq!((z.written, z.room.count, z.room.previous_count), (Written::Refreshed, 2, 2));
    assert_eq!(z.room.version, y.room.version, "a refresh keeps the version");
    let c = s.exchange(W::new("post:5", "editor-1", &state(&[("screen", "x")]), 1, 100), r, "editor-").unwrap();
    assert_eq!(c.written, Written::Changed);
    assert_ne!(c.room.version, z.room.version);
    // Without a count prefix: no counts, and nothing remembered or forgotten.
    let n = s.exchange(W::new("post:5", "viewer-9", &me, 9, 100), R { clients: "viewer-", ..r }, "").unwrap();
    assert_eq!((n.room.count, n.room.previous_count), (0, 0));
    assert_eq!(ids(&n.room.entries), ["viewer-9"]);
    let again = s.exchange(W::new("post:5", "editor-2", &me, 2, 100), r, "editor-").unwrap();
    assert_eq!((again.room.count, again.room.previous_count), (2, 2));
    // The read's max age and limit apply to the answer.
    clock.advance_secs(1);
    let limited = s.exchange(W::new("post:5", "editor-2", &me, 2, 100), R { limit: Some(1), ..r }, "").unwrap();
    assert_eq!(ids(&limited.room.entries), ["editor-2"]);
    assert_eq!(f.check(), Ok(()));
}

fn a_leave_removes_then_answers_the_room_and_its_counts(b: Backend) {
    let f = open_store(b, "leave", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    let r = R::default();
    s.exchange(W::new("post:5", "editor-1", &state(&[]), 1, 100), r, "editor-").unwrap();
    clock.advance_secs(1);
    s.exchange(W::new("post:5", "editor-2", &state(&[]), 2, 100), r, "editor-").unwrap();
    s.upsert("post:5", "viewer", &state(&[]), 3, 100).unwrap();
    let v = s.room_version("post:5").unwrap();
    let l = s.leave("post:5", "editor-2", r, "editor-").unwrap();
    assert!(l.removed);
    assert_eq!((l.room.count, l.room.previous_count), (1, 2), "2 -> 1");
    assert_eq!(ids(&l.room.entries), ["viewer", "editor-1"]);
    assert_ne!(l.room.version, v);
    assert_eq!(l.room.version, s.room_version("post:5").unwrap());
    let again = s.leave("post:5", "editor-2", r, "editor-").unwrap();
    assert!(!again.removed);
    assert_eq!((again.room.count, again.room.previous_count), (1, 1));
    s.remove("post:5", "viewer").unwrap();
    let last = s.leave("post:5", "editor-1", r, "editor-").unwrap();
    assert!(last.removed);
    assert_eq!((last.room.count, last.room.previous_count, last.room.version), (0, 1, 0), "1 -> 0, room gone");
    assert!(last.room.entries.is_empty());
    assert!(!s.leave("nowhere", "x", r, "editor-").unwrap().removed);
    assert_eq!(f.check(), Ok(()));
}

fn a_leave_keeps_an_entry_written_after_the_time_it_was_given(b: Backend) {
    let f = open_store(b, "leave-written", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("admin/online", "user-1", &state(&[("tab", "a")]), 1, 100).unwrap();
    let read = T0;
    clock.advance_secs(1);
    // Another process writes the entry again after `read` saw it.
    s.upsert("admin/online", "user-1", &state(&[("tab", "b")]), 1, 100).unwrap();
    let v = s.room_version("admin/online").unwrap();
    let kept = s.leave_unless_written_after("admin/online", "user-1", read).unwrap();
    assert!(!kept.removed);
    assert_eq!(ids(&kept.room.entries), ["user-1"]);
    assert_eq!(kept.room.version, v, "nothing changed");
    let gone = s.leave_unless_written_after("admin/online", "user-1", T0 + 1_000_000).unwrap();
    assert!(gone.removed, "the write as it was read goes");
    assert!(gone.room.entries.is_empty());
    assert!(!s.leave_unless_written_after("admin/online", "user-1", T0 + 1_000_000).unwrap().removed);
    assert_eq!(f.check(), Ok(()));
}

fn a_room_that_emptied_remembers_no_count(b: Backend) {
    let f = open_store(b, "tally-empty", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    let r = R::default();
    s.exchange(W::new("post:5", "editor-1", &state(&[]), 1, 10), r, "editor-").unwrap();
    s.exchange(W::new("post:5", "editor-2", &state(&[]), 2, 10), r, "editor-").unwrap();
    clock.advance_secs(11); // both expire: the room empties
    s.upsert("post:5", "viewer", &state(&[]), 3, 100).unwrap(); // refilled by a plain write
    let x = s.exchange(W::new("post:5", "editor-1", &state(&[]), 1, 10), r, "editor-").unwrap();
    assert_eq!((x.room.count, x.room.previous_count), (1, 0));
    // An editor that expired while the room stayed occupied is a change from the count before.
    s.exchange(W::new("post:5", "editor-2", &state(&[]), 2, 5), r, "editor-").unwrap();
    clock.advance_secs(6);
    let y = s.exchange(W::new("post:5", "editor-1", &state(&[]), 1, 10), r, "editor-").unwrap();
    assert_eq!((y.room.count, y.room.previous_count), (1, 2), "2 -> 1 through an expiry");
}

fn a_prefix_read_merges_rooms_newest_first(b: Backend) {
    let f = open_store(b, "prefix-read", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("site/1/post:1", "a", &state(&[]), 1, 300).unwrap();
    clock.advance_secs(1);
    s.upsert("site/1/post:2", "b", &state(&[]), 2, 300).unwrap();
    s.upsert("site/1/post:2", "_lock", &state(&[]), 2, 300).unwrap();
    clock.advance_secs(1);
    s.upsert("site/2/post:1", "c", &state(&[]), 3, 300).unwrap();
    s.upsert("site/1/post:1", "d", &state(&[]), 4, 300).unwrap();
    let rooms = |l: &presence::store::EntryList| {
        l.iter().map(|e| (e.room.to_string(), e.client_id.to_string())).collect::<Vec<_>>()
    };
    let pair = |r: &str, c: &str| (r.to_string(), c.to_string());
    assert_eq!(
        rooms(&s.prefix("site/1/", R::default()).unwrap()),
        [pair("site/1/post:1", "d"), pair("site/1/post:2", "b"), pair("site/1/post:1", "a")]
    );
    assert_eq!(
        rooms(&s.prefix("site/", R { limit: Some(2), ..R::default() }).unwrap()),
        [pair("site/1/post:1", "d"), pair("site/2/post:1", "c")],
        "equal times: by room name"
    );
    assert_eq!(rooms(&s.prefix("site/", R { max_age: Some(1), ..R::default() }).unwrap()).len(), 3, "b, c, d");
    assert_eq!(rooms(&s.prefix("", R { clients: "_", ..R::default() }).unwrap()), [pair("site/1/post:2", "_lock")]);
    assert!(s.prefix("nothing/", R::default()).unwrap().is_empty());
}

fn several_rooms_are_read_at_once_each_as_a_room_read_reads_it(b: Backend) {
    let f = open_store(b, "rooms-read", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    for (room, n) in [("site/1/admin/online", 3), ("site/2/admin/online", 1), ("site/3/post:7", 2)] {
        for i in 0..n {
            s.upsert(room, &format!("user-{i}"), &state(&[("i", &i.to_string())]), i, 60).unwrap();
            clock.advance_secs(1);
        }
    }
    s.upsert("site/1/admin/online", "_lock", &state(&[]), 9, 60).unwrap();
    s.upsert("site/2/admin/online", "tab-1", &state(&[]), 1, 10).unwrap();
    let asked = ["site/2/admin/online", "site/9/admin/online", "site/1/admin/online", "site/3/post:7"];
    let reads = [
        R::default(),
        R { limit: Some(2), ..R::default() },
        R { max_age: Some(3), ..R::default() },
        R { clients: "user-", ..R::default() },
        R { clients: "_", ..R::default() },
    ];
    for r in reads {
        let got = s.rooms_read(&asked, r).unwrap();
        assert_eq!(got.len(), asked.len(), "one list per room asked, for {r:?}");
        for (room, list) in asked.iter().zip(&got) {
            let alone = s.read(room, r).unwrap();
            assert_eq!(rows(list), rows(&alone), "{room} read with the others as alone, for {r:?}");
        }
    }
    let all = s.rooms_read(&asked, R::default()).unwrap();
    assert_eq!(ids(&all[0]), ["tab-1", "user-0"], "newest first");
    assert!(all[1].is_empty(), "a room without entries");
    assert_eq!(ids(&all[2]), ["user-2", "user-1", "user-0"], "the reserved entry left out");
    assert_eq!(ids(&s.rooms_read(&asked, R { clients: "_", ..R::default() }).unwrap()[2]), ["_lock"]);
    assert_eq!(
        ids(&s.rooms_read(&asked, R { limit: Some(1), ..R::default() }).unwrap()[2]),
        ["user-2"],
        "the limit is per room"
    );

    let twice = s.rooms_read(&["site/3/post:7", "site/2/admin/online", "site/3/post:7"], R::default()).unwrap();
    assert_eq!(twice.len(), 2, "a room asked twice is read once, in its first place");
    assert_eq!(ids(&twice[0]), ["user-1", "user-0"]);
    assert!(s.rooms_read(&[], R::default()).unwrap().is_empty());

    // As a room read does, the read removes what expired: the room version moves with it.
    let before = s.room_version("site/2/admin/online").unwrap();
    clock.advance_secs(11);
    let after = s.rooms_read(&["site/2/admin/online"], R::default()).unwrap();
    assert_eq!(ids(&after[0]), ["user-0"], "tab-1 expired");
    assert_ne!(s.room_version("site/2/admin/online").unwrap(), before);
    clock.advance_secs(60);
    assert!(s.rooms_read(&asked, R::default()).unwrap().iter().all(|l| l.is_empty()), "everything expired");
    assert_eq!(s.room_version("site/1/admin/online").unwrap(), 0);
    assert_eq!(f.check(), Ok(()));

    let too_many = vec!["r"; presence::store::MAX_READ_ROOMS + 1];
    let refused = s.rooms_read(&too_many, R::default()).unwrap_err();
    assert!(matches!(refused, StoreError::InvalidArgument { argument: "rooms", .. }), "{refused:?}");
}

fn rows(list: &presence::store::EntryList) -> Vec<(String, String, u64, Vec<u8>, u64)> {
    list.iter()
        .map(|e| (e.room.to_string(), e.client_id.to_string(), e.user_id, e.state.to_vec(), e.updated_us))
        .collect()
}

fn may_evict_is_accepted_on_every_backend(b: Backend) {
    let f = open_store(b, "may-evict", 1 << 20);
    let s = &f.store;
    assert_eq!(s.write(W::new("r", "rest", &state(&[]), 1, 100).low()).unwrap(), Written::Joined);
    assert_eq!(s.write(W::new("r", "rest", &state(&[]), 1, 100)).unwrap(), Written::Refreshed);
    assert_eq!(s.room_count("r", None).unwrap(), 1);
    assert_eq!(f.check(), Ok(()));
}

#[test]
fn low_priority_writes_never_evict_and_are_evicted_first() {
    let (s, clock) = store("low-priority", 256 * 1024);
    let cap = s.stats().unwrap().shm().unwrap().capacity;
    // A full table of ordinary entries (one per µs: a write order to check).
    for i in 0..cap {
        clock.set_us(T0 + i);
        s.upsert("r", &format!("c{i}"), &state(&[]), 1, 1000).unwrap();
    }
    let low = |name: &str| s.write(W::new("rest", name, &state(&[]), 1, 1000).low());
    assert!(matches!(low("l0"), Err(StoreError::Full { may_evict: false, .. })), "a low write evicts nothing");
    assert_eq!(s.room_count("r", None).unwrap(), cap);
    assert_eq!(s.stats().unwrap().shm().unwrap().evicted_lru, 0);
    // Expired entries, though, it reclaims: make three expire.
    for i in 0..3 {
        s.write(W::new("r", &format!("c{i}"), &state(&[]), 1, 1).at(T0)).unwrap();
    }
    clock.set_us(T0 + 2_000_000);
    for name in ["l0", "l1", "l2"] {
        low(name).unwrap();
    }
    assert_eq!(s.room_count("rest", None).unwrap(), 3);
    // An ordinary write that needs space takes the low entries first, least recent first.
    s.upsert("r", "new-1", &state(&[]), 1, 1000).unwrap();
    assert_eq!(ids(&s.room("rest", None, None).unwrap()), ["l2", "l1"]);
    s.upsert("r", "new-2", &state(&[]), 1, 1000).unwrap();
    s.upsert("r", "new-3", &state(&[]), 1, 1000).unwrap();
    assert_eq!(s.room_count("rest", None).unwrap(), 0);
    assert!(s.entry("r", "c3").unwrap().len() == 1, "no ordinary entry went while low ones were left");
    s.upsert("r", "new-4", &state(&[]), 1, 1000).unwrap();
    assert!(s.entry("r", "c3").unwrap().is_empty(), "then the least recently written ordinary entry");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_low_priority_entry_rewritten_by_an_ordinary_write_is_ordinary_again() {
    let (s, clock) = store("low-promoted", 256 * 1024);
    let cap = s.stats().unwrap().shm().unwrap().capacity;
    for i in 0..cap - 1 {
        clock.set_us(T0 + i);
        s.upsert("r", &format!("c{i}"), &state(&[]), 1, 1000).unwrap();
    }
    clock.set_us(T0 + cap);
    s.write(W::new("rest", "x", &state(&[]), 1, 1000).low()).unwrap();
    assert_eq!(s.stats().unwrap().live_entries, cap, "full");
    s.write(W::new("rest", "x", &state(&[]), 1, 1000)).unwrap();
    s.upsert("r", "new", &state(&[]), 1, 1000).unwrap();
    assert_eq!(s.entry("rest", "x").unwrap().len(), 1, "x is ordinary now, and the most recent");
    assert!(s.entry("r", "c0").unwrap().is_empty(), "the least recently written ordinary entry went");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}
