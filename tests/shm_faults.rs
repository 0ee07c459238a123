//! The shared-memory backend under hostile conditions, one test per fault: eviction that must
//! take expired entries and rooms before live ones, corrupt lengths in the segment, a file
//! replaced under a process, a process configured for another size, the wall clock stepping
//! back, room versions across file generations, absurd expiries and stale temporary files.
//! Time is moved with the store's `ManualClock`, never by sleeping.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::mem::offset_of;
use std::sync::Arc;

use common::*;
use presence::store::shm::layout::EntryRec;
use presence::store::{ManualClock, PresenceStore, ShmStore};

/// Records the largest single allocation made by the current thread, so a test can prove a read
/// allocated nothing large.
struct LargestAllocation;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; the bookkeeping touches only a
// const-initialised thread-local, which never allocates.
unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above, for `dealloc`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
        // SAFETY: as above, for `realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

fn largest_allocation_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    let r = f();
    (r, LARGEST.with(Cell::get))
}

/// Byte offset of field `field_offset` of entry record `i`.
fn entry_field(s: &Plain<ShmStore>, i: usize, field_offset: usize) -> usize {
    let g = *s.testing_segment().unwrap().geometry();
    g.entries_off as usize + i * std::mem::size_of::<EntryRec>() + field_offset
}

/// Forces the next operation to rebuild the table: every hash bucket points nowhere valid.
fn break_buckets(s: &Plain<ShmStore>) {
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    seg.testing_scribble(g.entry_buckets_off as usize, &vec![0xEE; g.entry_buckets as usize * 4]);
    seg.testing_scribble(g.room_buckets_off as usize, &vec![0xEE; g.room_buckets as usize * 4]);
}

fn clients(s: &Plain<ShmStore>, room: &str) -> Vec<String> {
    s.room(room, None, None).unwrap().iter().map(|e| e.client_id.to_string()).collect()
}

#[test]
fn a_new_room_reclaims_expired_rooms_before_evicting_a_live_room() {
    let (s, clock) = store("expired-rooms", 256 * 1024);
    let st = s.stats().unwrap();
    // One live room of 40 entries, written first (so least recently written) ...
    for i in 0..40 {
        s.upsert("live", &format!("c{i}"), &state(&[]), 1, 3600).unwrap();
    }
    // ... then every other room slot taken by a one-entry room that expires.
    for r in 1..st.shm().unwrap().room_capacity {
        s.upsert(&format!("short/{r}"), "c", &state(&[]), 2, 10).unwrap();
    }
    assert_eq!(s.stats().unwrap().rooms, st.shm().unwrap().room_capacity, "every room slot is in use");
    clock.advance_secs(20);
    s.upsert("new-room", "c", &state(&[]), 3, 3600).unwrap();
    assert_eq!(s.room_count("live", None).unwrap(), 40, "the live room lost entries to a new room");
    assert_eq!(s.room_count("new-room", None).unwrap(), 1);
    let st = s.stats().unwrap();
    assert_eq!(st.shm().unwrap().evicted_lru, 0, "no live entry is evicted while expired ones are stored");
    assert!(st.shm().unwrap().evicted_expired >= 1);
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn live_entries_are_never_evicted_while_expired_ones_remain() {
    let (s, clock) = store("expired-first", 1 << 20);
    let capacity = s.stats().unwrap().shm().unwrap().capacity;
    let expiring = 100;
    // The live entries are written first: they are the least recently written. Ten per room.
    for i in 0..capacity - expiring {
        s.upsert(&format!("live/{}", i / 10), &format!("c{i}"), &state(&[]), 1, 3600).unwrap();
    }
    for i in 0..expiring {
        s.upsert(&format!("short/{}", i / 10), &format!("c{i}"), &state(&[]), 2, 10).unwrap();
    }
    assert_eq!(s.stats().unwrap().live_entries, capacity, "the table is full");
    clock.advance_secs(20);
    for i in 0..expiring {
        s.upsert("new", &format!("n{i}"), &state(&[]), 3, 3600).unwrap();
        assert_eq!(s.stats().unwrap().shm().unwrap().evicted_lru, 0, "a live entry was evicted at insert {i}");
    }
    let live: u64 =
        (0..(capacity - expiring).div_ceil(10)).map(|r| s.room_count(&format!("live/{r}"), None).unwrap()).sum();
    assert_eq!(live, capacity - expiring);
    assert_eq!(s.room_count("new", None).unwrap(), expiring);
    assert_eq!(s.stats().unwrap().shm().unwrap().evicted_expired, expiring);
    // Once nothing expired is left, the least recently written live entry makes room.
    s.upsert("new", "one-more", &state(&[]), 3, 3600).unwrap();
    let st = s.stats().unwrap();
    assert_eq!(st.shm().unwrap().evicted_lru, 1);
    assert!(!s.remove("live/0", "c0").unwrap(), "the oldest live entry went first");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_corrupt_length_is_refused_before_anything_is_allocated() {
    let (s, _) = store("corrupt-length", 1 << 20);
    s.upsert("r", "c", &state(&[("screen", "dashboard")]), 1, 600).unwrap();
    s.upsert("other", "c", &state(&[]), 1, 600).unwrap();
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    // The first entry (record 0, chunk 0): a state length of 64 MiB, and a chain that loops.
    seg.testing_scribble(entry_field(&s, 0, offset_of!(EntryRec, state_len)), &(64u32 << 20).to_le_bytes());
    seg.testing_scribble(g.chunk_next_off as usize, &0u32.to_le_bytes());
    let (room, largest) = largest_allocation_during(|| s.room("r", None, None).unwrap());
    assert!(largest < 1 << 20, "a read of a one-entry room allocated {largest} bytes at once");
    assert_eq!(room.len(), 0, "the damaged entry is not returned");
    assert_eq!(clients(&s, "other"), ["c"]);
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_replaced_file_is_noticed_before_the_next_write() {
    let path = temp_path("replaced");
    let clock = Arc::new(ManualClock::new(T0));
    let a = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    a.upsert("r", "before", &state(&[]), 1, 600).unwrap();
    // The header gets damaged: the next process to attach replaces the file with a new one.
    a.testing_segment().unwrap().testing_scribble(0, &[0; 8]);
    let b = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    // `a` still maps the old file and wrote less than a second ago: its write must reach the new one.
    assert!(a.upsert("r", "from-a", &state(&[]), 1, 600).is_ok());
    assert_eq!(clients(&b, "r"), ["from-a"], "a write acknowledged to `a` went to the replaced file");
    assert_eq!(clients(&a, "r"), ["from-a"]);
}

#[test]
fn a_process_configured_for_another_size_adopts_the_live_table() {
    let path = temp_path("adopt-size");
    let clock = Arc::new(ManualClock::new(T0));
    let a = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    a.upsert("r", "a", &state(&[]), 1, 600).unwrap();
    let b = Plain(ShmStore::open(config(path.clone(), 2 << 20), clock.clone()).unwrap());
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1 << 20, "the live file keeps its size");
    assert_eq!(clients(&b, "r"), ["a"], "the live table was wiped");
    b.upsert("r", "b", &state(&[]), 2, 600).unwrap();
    assert_eq!(a.room_count("r", None).unwrap(), 2);
    assert_eq!(b.stats().unwrap().bytes_total, 1 << 20);
}

#[test]
fn an_entry_never_outlives_its_ttl_when_the_clock_steps_back() {
    let (s, clock) = store("clock-back", 1 << 20);
    s.upsert("r", "c", &state(&[]), 1, 150).unwrap();
    s.upsert("r2", "c", &state(&[]), 1, 150).unwrap();
    clock.set_us(T0 - 3_600_000_000); // the wall clock steps back an hour
    assert_eq!(s.room_count("r", None).unwrap(), 1, "still live right after the step");
    clock.advance_secs(151);
    assert_eq!(s.room_count("r", None).unwrap(), 0, "listed longer than its TTL");
    assert_eq!(s.user(1, None).unwrap().len(), 0, "listed longer than its TTL");
    assert_eq!(s.rooms("", None).unwrap(), []);
}

#[test]
fn an_entry_seen_expired_stays_gone_when_the_clock_steps_back() {
    // Found by the `ops` fuzz target: expired but not yet swept, it came back to life.
    let (s, clock) = store("clock-back-expired", 1 << 20);
    s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
    clock.advance_secs(150);
    assert_eq!(s.room_count("elsewhere", None).unwrap(), 0); // the store sees T0 + 150 s
    clock.set_us(T0 + 90_000_000);
    assert_eq!(s.room_count("r", None).unwrap(), 0, "an expired entry is listed again");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn check_integrity_accepts_a_table_written_across_a_clock_step() {
    let (s, clock) = store("clock-back-integrity", 1 << 20);
    s.upsert("r", "a", &state(&[]), 1, 600).unwrap();
    clock.set_us(T0 - 3_600_000_000);
    s.upsert("r", "b", &state(&[]), 1, 600).unwrap();
    // Rooms list by write time, whatever order the writes came in: "a" carries the later time.
    assert_eq!(clients(&s, "r"), ["a", "b"], "the latest write time comes first");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn room_versions_never_repeat_across_file_generations() {
    let path = temp_path("versions");
    let clock = Arc::new(ManualClock::new(T0));
    let mut seen = Vec::new();
    for generation in 0..3 {
        let _ = std::fs::remove_file(&path);
        let s = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
        for i in 0..3 {
            s.upsert("r", &format!("c{i}"), &state(&[]), 1, 600).unwrap();
            let v = s.room_version("r").unwrap();
            assert!(v < 1 << 53, "version {v} does not survive JavaScript's numbers");
            assert!(!seen.contains(&v), "generation {generation} repeats version {v}");
            seen.push(v);
        }
        clock.advance_secs(1);
    }
}

#[test]
fn a_rebuilt_entry_with_an_absurd_expiry_is_dropped() {
    let (s, _) = store("absurd-expiry", 1 << 20);
    s.upsert("r", "absurd", &state(&[]), 1, 150).unwrap();
    s.upsert("r", "fine", &state(&[]), 1, 150).unwrap();
    let seg = s.testing_segment().unwrap();
    seg.testing_scribble(entry_field(&s, 0, offset_of!(EntryRec, expires_us)), &u64::MAX.to_le_bytes());
    break_buckets(&s);
    assert_eq!(clients(&s, "r"), ["fine"]);
    assert!(s.stats().unwrap().shm().unwrap().repairs >= 1);
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_temporary_file_left_by_a_crashed_replace_is_removed() {
    let path = temp_path("leftover");
    let leftover = std::path::PathBuf::from(format!("{}.new", path.display()));
    std::fs::write(&leftover, vec![0x42; 4096]).unwrap();
    let clock = Arc::new(ManualClock::new(T0));
    let s = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock).unwrap());
    s.upsert("r", "c", &state(&[]), 1, 600).unwrap();
    assert!(!leftover.exists(), "{} is left behind", leftover.display());
}

#[test]
fn a_damaged_version_clock_neither_panics_nor_hands_out_versions_javascript_cannot_hold() {
    use presence::store::shm::layout::{Counters, Header};
    let (s, _) = store("version-clock", 1 << 20);
    s.upsert("r", "a", &state(&[]), 1, 600).unwrap();
    let before = s.room_version("r").unwrap();
    let at = offset_of!(Header, counters) + offset_of!(Counters, version_clock);
    s.testing_segment().unwrap().testing_scribble(at, &u64::MAX.to_le_bytes());
    let mut seen = vec![before];
    for i in 0..3 {
        s.upsert("r", &format!("c{i}"), &state(&[]), 1, 600).unwrap();
        s.upsert(&format!("new{i}"), "c", &state(&[]), 1, 600).unwrap();
        for room in ["r".to_string(), format!("new{i}")] {
            let v = s.room_version(&room).unwrap();
            assert!(v != 0 && v < 1 << 53, "room {room} has version {v}");
            assert!(!seen.contains(&v), "version {v} handed out twice");
            seen.push(v);
        }
    }
    // A room record's version scribbled out of range is not handed out either.
    let g = *s.testing_segment().unwrap().geometry();
    let room_version = g.rooms_off as usize + offset_of!(presence::store::shm::layout::RoomRec, version);
    s.testing_segment().unwrap().testing_scribble(room_version, &(1u64 << 60).to_le_bytes());
    let v = s.room_version("r").unwrap();
    assert!(v != 0 && v < 1 << 53 && !seen.contains(&v), "room r has version {v}");
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_lock_left_unrecoverable_gets_the_file_replaced() {
    let path = temp_path("unrecoverable");
    let clock = Arc::new(ManualClock::new(T0));
    let a = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    let b = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    a.upsert("r", "before", &state(&[]), 1, 600).unwrap();
    let old_inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());
    a.testing_make_lock_unrecoverable().unwrap();
    assert!(b.upsert("r", "after", &state(&[]), 1, 600).is_ok(), "the next locker replaces the file");
    assert_ne!(std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap()), old_inode);
    assert_eq!(clients(&b, "r"), ["after"]);
    assert_eq!(clients(&a, "r"), ["after"], "the other process follows to the new file");
    assert_eq!(a.check_integrity().unwrap(), Ok(()));
}

#[test]
fn a_deleted_file_is_noticed_within_a_second() {
    let path = temp_path("deleted");
    let clock = Arc::new(ManualClock::new(T0));
    let a = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    a.upsert("r", "before", &state(&[]), 1, 600).unwrap();
    std::fs::remove_file(&path).unwrap();
    let b = Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    // The check runs at most once a second, on the real clock (a stat of the path).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    a.upsert("r", "after", &state(&[]), 1, 600).unwrap();
    assert_eq!(clients(&b, "r"), ["after"], "`a` moved to the file now at the path");
    assert_eq!(clients(&a, "r"), ["after"]);
}

#[test]
fn a_revocation_slot_scribbled_far_ahead_counts_as_none_until_the_next_revocation() {
    let (s, clock) = store("revocation-scribbled", 1 << 20);
    let token = s.live_token("install/1", 7, &["r"], 600, "").unwrap();
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    // Every slot at u64::MAX: a time no revocation writes.
    seg.testing_scribble(g.revocations_off as usize, &vec![0xFF; g.revocation_slots as usize * 8]);
    assert_eq!(s.live_poll(&token, "", None).unwrap().status, 200, "damage refuses nobody for good");
    clock.advance_secs(1);
    s.live_revoke("install/1", 7).unwrap();
    assert_eq!(s.live_poll(&token, "", None).unwrap().body, r#"{"code":"token_revoked"}"#);
    clock.advance_secs(1);
    let fresh = s.live_token("install/1", 7, &["r"], 600, "").unwrap();
    assert_eq!(s.live_poll(&fresh, "", None).unwrap().status, 200, "the slot holds now, not the damage");
}

/// A uid no test process runs as: the owner of a file "another user" left at the path.
const OTHER_UID: u32 = 65_534;

#[test]
#[ignore = "gives files to another user, which needs root: bin/test runs it with --ignored as root (CI runs as root)"]
fn a_segment_file_another_user_left_at_the_path_is_refused() {
    use std::os::unix::fs::{chown, PermissionsExt};
    // SAFETY: geteuid has no preconditions.
    assert_eq!(unsafe { libc::geteuid() }, 0, "giving a file to another user needs root: run this test as root");
    let clock = Arc::new(ManualClock::new(T0));
    let dir = temp_path("planted").with_extension("d");
    std::fs::create_dir_all(&dir).unwrap();
    // A valid segment (a known secret, readable by everyone) given to another user, and an empty
    // file left the same way: both are what a local user can put at a predictable path first.
    for (name, valid) in [("valid.seg", true), ("empty.seg", false)] {
        let path = dir.join(name);
        if valid {
            Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap())
                .upsert("r", "c", &state(&[]), 1, 600)
                .unwrap();
        } else {
            std::fs::write(&path, b"").unwrap();
        }
        chown(&path, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).err().expect("refused");
        assert!(err.to_string().contains(&format!("belongs to uid {OTHER_UID}")), "{name}: {err}");
        assert_eq!(std::fs::metadata(&path).unwrap().len(), if valid { 1 << 20 } else { 0 }, "{name} left as found");
    }
    // A file of the directory's owner is trusted: a root process hands the file it creates there
    // to that owner, and uses it again later.
    let owned = dir.join("owned");
    std::fs::create_dir_all(&owned).unwrap();
    chown(&owned, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
    let path = owned.join("presence.seg");
    Plain(ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap())
        .upsert("r", "c", &state(&[]), 1, 600)
        .unwrap();
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&path).unwrap()), OTHER_UID, "handed over");
    let again = Plain(ShmStore::open(config(path, 1 << 20), clock).unwrap());
    assert_eq!(clients(&again, "r"), ["c"]);
}
