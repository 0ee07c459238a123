//! The segment's keyed bucket hashes. Names built to share one bucket under a fixed hash (the
//! unkeyed function earlier layouts used, reproduced below) do not slow a room's operations down:
//! measured by work (records visited by lookups, counted by test builds), never by time. And
//! each file has its own key, kept across attaches and rebuilds, new when the file is replaced.

mod common;

use common::*;
use presence::store::{ManualClock, PresenceStore, ShmStore};

// The default segment size: the flood is a small share of its buckets, as it is on a real site.
const SIZE: u64 = 32 << 20;
const CONTROL: &str = "admin/online";
const CONTROL_CLIENTS: u64 = 20;
const FLOOD_ROOMS: usize = 1000;
const FLOOD_ENTRIES: usize = 1000;
const FLOOD_ENTRY_ROOM: &str = "flood/entries";

/// The fixed (unkeyed) hash of layout 3: anyone could compute it, so anyone could search for
/// names that share a bucket.
mod fixed {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    pub fn bytes(bytes: &[u8]) -> u64 {
        let mut h = K ^ (bytes.len() as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        for w in bytes.chunks(8) {
            let mut v = [0u8; 8];
            v[..w.len()].copy_from_slice(w);
            h = (h ^ u64::from_le_bytes(v)).wrapping_mul(K).rotate_left(31);
        }
        fmix(h)
    }

    pub fn entry(room_hash: u64, client_id: &[u8]) -> u64 {
        fmix(room_hash.rotate_left(17) ^ bytes(client_id).wrapping_mul(K))
    }

    fn fmix(mut h: u64) -> u64 {
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}

/// Names that all land in one bucket under the fixed hash: rooms in the control room's room
/// bucket, and client ids (in one room) in the entry bucket of the control room's first client.
fn colliding_names(room_buckets: u32, entry_buckets: u32) -> (Vec<String>, Vec<String>) {
    let room_mask = u64::from(room_buckets - 1);
    let room_target = fixed::bytes(CONTROL.as_bytes()) & room_mask;
    let rooms: Vec<String> = (0u64..)
        .map(|n| format!("flood/{n}"))
        .filter(|r| fixed::bytes(r.as_bytes()) & room_mask == room_target)
        .take(FLOOD_ROOMS)
        .collect();
    let entry_mask = u64::from(entry_buckets - 1);
    let entry_target = fixed::entry(fixed::bytes(CONTROL.as_bytes()), b"control-0") & entry_mask;
    let flood_room = fixed::bytes(FLOOD_ENTRY_ROOM.as_bytes());
    let clients: Vec<String> = (0u64..)
        .map(|n| format!("c{n}"))
        .filter(|c| fixed::entry(flood_room, c.as_bytes()) & entry_mask == entry_target)
        .take(FLOOD_ENTRIES)
        .collect();
    (rooms, clients)
}

/// Records visited by lookups while every control client is written, read, counted, versioned,
/// removed and written again.
fn control_work(s: &Plain<ShmStore>) -> u64 {
    let before = ShmStore::testing_chain_steps();
    for i in 0..CONTROL_CLIENTS {
        let client = format!("control-{i}");
        s.upsert(CONTROL, &client, &state(&[("screen", "dashboard")]), i, 150).unwrap();
        assert_eq!(s.room(CONTROL, None, Some(5)).unwrap().len(), 5);
        assert_eq!(s.room_count(CONTROL, None).unwrap(), CONTROL_CLIENTS);
        assert_ne!(s.room_version(CONTROL).unwrap(), 0);
        assert!(s.remove(CONTROL, &client).unwrap());
        s.upsert(CONTROL, &client, &state(&[("screen", "dashboard")]), i, 150).unwrap();
    }
    ShmStore::testing_chain_steps() - before
}

fn with_control_room(name: &str) -> Plain<ShmStore> {
    let (s, _) = store(name, SIZE);
    for i in 0..CONTROL_CLIENTS {
        s.upsert(CONTROL, &format!("control-{i}"), &state(&[("screen", "dashboard")]), i, 150).unwrap();
    }
    s
}

#[test]
fn names_colliding_under_a_fixed_hash_do_not_slow_a_room_down() {
    let quiet = with_control_room("flood-quiet");
    let flooded = with_control_room("flood-loud");
    let g = *flooded.testing_segment().unwrap().geometry();
    let (rooms, clients) = colliding_names(g.room_buckets, g.entry_buckets);
    assert_eq!((rooms.len(), clients.len()), (FLOOD_ROOMS, FLOOD_ENTRIES));
    // Under the fixed hash these would be one chain of 1000 in front of the control room, and
    // another of 1000 in front of its first client: every lookup there would walk them.
    for r in &rooms {
        flooded.upsert(r, "x", &state(&[]), 99, 3600).unwrap();
    }
    for c in &clients {
        flooded.upsert(FLOOD_ENTRY_ROOM, c, &state(&[]), 99, 3600).unwrap();
    }
    assert_eq!(flooded.stats().unwrap().live_entries, CONTROL_CLIENTS + 2000);

    let (without, with) = (control_work(&quiet), control_work(&flooded));
    assert!(without > 0, "the lookups were counted");
    assert!(with <= 2 * without, "the flood made the control room's lookups visit {with} records instead of {without}");
    assert_eq!(flooded.check_integrity().unwrap(), Ok(()));
}

#[test]
fn each_file_has_its_own_key_kept_across_attaches_and_rebuilds() {
    let (a, _) = store("key-a", 1 << 20);
    let (b, _) = store("key-b", 1 << 20);
    let key_a = *a.testing_segment().unwrap().hash_key();
    assert_ne!(key_a, *b.testing_segment().unwrap().hash_key(), "two files, two keys");
    for i in 0..50 {
        a.upsert(&format!("room{}", i % 5), &format!("c{i}"), &state(&[]), i, 600).unwrap();
    }

    // Another process attaching to the same file uses the same key and finds every entry.
    let path = a.config().path.clone();
    let clock = std::sync::Arc::new(ManualClock::new(T0));
    let again = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    assert_eq!(*again.testing_segment().unwrap().hash_key(), key_a);
    assert_eq!(again.room_count("room3", None).unwrap(), 10);

    // A rebuild recomputes every chain with the file's key: lookups still find every entry.
    again.testing_rebuild().unwrap();
    assert_eq!(*again.testing_segment().unwrap().hash_key(), key_a);
    assert_eq!(again.room_count("room3", None).unwrap(), 10);
    assert!(again.remove("room4", "c9").unwrap());
    assert_eq!(again.check_integrity().unwrap(), Ok(()));

    // A replaced file (its header damaged) starts with a new key.
    again.testing_segment().unwrap().testing_scribble(0, &[0; 8]);
    let replaced = Plain(ShmStore::open(config(path, 1 << 20), clock).unwrap());
    assert_ne!(*replaced.testing_segment().unwrap().hash_key(), key_a);
    assert_eq!(replaced.room_count("room3", None).unwrap(), 0);
}
