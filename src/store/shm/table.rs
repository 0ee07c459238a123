//! The table inside the segment: the [`Locked`] guard, rooms, entry lookup and removal.
//! Everything here runs while holding the segment lock, which the [`Locked`] guard proves: every
//! function that reads or changes the table takes it.
//!
//! Structures (all indices, `NIL` for none):
//! - rooms: hash chains from `room_buckets`; each room keeps a doubly linked list of its entries,
//!   newest write first, so a room read is O(entries in that room) and `$limit` stops early;
//! - entries: hash chains from `entry_buckets` keyed by (room, client id); a global doubly linked
//!   list in write order (`lru_head` = least recently written, evicted first); a doubly linked
//!   list per user bucket (`user_buckets`, by user id), so per-user reads and removals are
//!   O(that user's entries);
//! - content (client id bytes then state bytes) lives in a chain of fixed 128-byte chunks;
//! - free entries, rooms and chunks are singly linked free lists.
//!
//! Any index read back from the segment is checked; a broken invariant returns [`Corrupt`] and the
//! caller rebuilds every structure from the entry records (`repair.rs`). Beside this file, each
//! adding methods to [`Locked`]: `lists.rs` (linked lists), `content.rs` (chunk chains),
//! `expiry.rs` (sweep, expiry and eviction), `write.rs` (upsert), `query.rs` (reads and scans),
//! `repair.rs` and `check.rs`.

use super::layout::*;
use super::lock::{self, Acquired, LockError};
use super::segment::Segment;
use crate::store::error::Corrupt;
use std::time::Duration;

/// A version clock at or above this was damaged (see `reseed_damaged_version_clock`); the room
/// versions it hands out must stay below [`MAX_VERSION`], JavaScript's exact integers.
const VERSION_CLOCK_LIMIT: u64 = MAX_VERSION - (1 << 32);
/// Longest TTL an entry record may carry (one day, as the API allows).
pub(crate) const MAX_TTL_SECS: u32 = crate::store::input::MAX_SECONDS as u32;

/// Proof that this thread holds the segment lock, with the counters cached for the operation.
/// Dropping it writes the counters back and releases the lock. The fields are for the modules
/// that work on the table; the store above reads them through the accessors below.
pub(crate) struct Locked<'a> {
    /// The segment whose lock is held.
    pub(super) seg: &'a Segment,
    /// The header's counters, read on acquire and written back on release.
    pub(super) c: Counters,
    /// This process's copy of the geometry validated at attach.
    pub(super) geo: Geometry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Expired,
    Evicted,
    Removed,
}

impl<'a> Locked<'a> {
    /// Takes the lock. `needs_repair` tells the caller the previous holder died or panicked
    /// mid-operation: it must call `repair::rebuild` before anything else.
    pub(crate) fn acquire(seg: &'a Segment, timeout: Duration) -> Result<(Locked<'a>, bool), LockError> {
        // SAFETY: the lock lives in the header of a mapping validated at attach time and
        // initialised by `lock::init` before the header was marked ready.
        let how = unsafe { lock::acquire(seg.lock_ptr(), timeout) }?;
        let mut c = seg.counters();
        let needs_repair = how == Acquired::OwnerDied || c.in_progress != 0;
        if how == Acquired::OwnerDied {
            c.lock_recoveries += 1;
        }
        // Marked in the segment itself, so that a holder that panics leaves the mark behind.
        c.in_progress = 1;
        seg.set_counters(&c);
        Ok((Locked { seg, c, geo: *seg.geometry() }, needs_repair))
    }

    /// Restarts a version clock found out of its range — it starts at the file's creation time
    /// in µs and moves by one per change, so only damage brings it near 2^53 — at `now_us`.
    /// True when it did: the caller then rebuilds, which gives every room a version above it.
    pub(crate) fn reseed_damaged_version_clock(&mut self, now_us: u64) -> bool {
        if self.c.version_clock < VERSION_CLOCK_LIMIT {
            return false;
        }
        self.c.version_clock = now_us.min(MAX_VERSION / 2);
        true
    }

    /// True once another process replaced this file: the caller must leave it for the new one.
    pub(crate) fn is_retired(&self) -> bool {
        self.c.retired != 0
    }

    /// Sets or clears the retired mark (a replacer, on the file it replaces).
    pub(crate) fn set_retired(&mut self, retired: bool) {
        self.c.retired = u32::from(retired);
    }

    /// The geometry and counters as this holder sees them, for statistics.
    pub(crate) fn figures(&self) -> (Geometry, Counters) {
        (self.geo, self.c)
    }

    pub(crate) fn bump_version(&mut self) -> u64 {
        self.c.version_clock += 1;
        self.c.version_clock
    }

    // ---------------------------------------------------------------- rooms

    /// The segment's hash key, for hashes a rebuild or check computes under the lock.
    pub(crate) fn hash_key(&self) -> &HashKey {
        self.seg.hash_key()
    }

    pub(crate) fn room_bucket_of(&self, name_hash: u64) -> u32 {
        (name_hash & u64::from(self.geo.room_buckets - 1)) as u32
    }

    /// Index of the live room named `name`.
    pub(crate) fn find_room(&self, name: &[u8], name_hash: u64) -> Result<Option<u32>, Corrupt> {
        let mut i = self.seg.room_bucket(self.room_bucket_of(name_hash))?;
        let mut buf = [0u8; ROOM_NAME_BYTES];
        for _ in 0..=self.geo.room_capacity {
            if i == NIL {
                return Ok(None);
            }
            count_chain_step();
            let r = self.seg.room(i)?;
            if r.used != USED {
                return Err(Corrupt);
            }
            if r.name_hash == name_hash && r.name_len as usize == name.len() {
                let n = self.seg.room_name(i, r.name_len, &mut buf)?;
                if &buf[..n] == name {
                    return Ok(Some(i));
                }
            }
            i = r.hash_next;
        }
        Err(Corrupt)
    }

    /// Creates an empty room; `None` when every room record is in use.
    pub(crate) fn create_room(&mut self, name: &[u8], name_hash: u64) -> Result<Option<u32>, Corrupt> {
        let i = self.c.free_room_head;
        if i == NIL {
            return Ok(None);
        }
        let free = self.seg.room(i)?;
        if free.used == USED {
            return Err(Corrupt);
        }
        let b = self.room_bucket_of(name_hash);
        let rec = RoomRec {
            used: USED,
            name_len: name.len() as u32,
            name_hash,
            version: self.bump_version(),
            head: NIL,
            tail: NIL,
            count: 0,
            hash_next: self.seg.room_bucket(b)?,
            ..RoomRec::FREE
        };
        self.c.free_room_head = free.hash_next;
        self.seg.set_room_name(i, name)?;
        self.seg.set_room(i, &rec)?;
        self.seg.set_room_bucket(b, i)?;
        self.c.live_rooms += 1;
        Ok(Some(i))
    }

    /// Unlinks an (empty) room from its hash chain and returns it to the free list.
    pub(crate) fn free_room(&mut self, i: u32) -> Result<(), Corrupt> {
        let r = self.seg.room(i)?;
        let b = self.room_bucket_of(r.name_hash);
        let mut cur = self.seg.room_bucket(b)?;
        let mut prev = NIL;
        for _ in 0..=self.geo.room_capacity {
            if cur == NIL {
                return Err(Corrupt);
            }
            let cr = self.seg.room(cur)?;
            if cur == i {
                if prev == NIL {
                    self.seg.set_room_bucket(b, cr.hash_next)?;
                } else {
                    let mut pr = self.seg.room(prev)?;
                    pr.hash_next = cr.hash_next;
                    self.seg.set_room(prev, &pr)?;
                }
                self.seg.set_room(i, &RoomRec { hash_next: self.c.free_room_head, ..RoomRec::FREE })?;
                self.c.free_room_head = i;
                self.c.live_rooms = self.c.live_rooms.saturating_sub(1);
                return Ok(());
            }
            prev = cur;
            cur = cr.hash_next;
        }
        Err(Corrupt)
    }

    /// Copies a room's name out.
    pub(crate) fn room_name(&self, i: u32, r: &RoomRec, buf: &mut [u8; ROOM_NAME_BYTES]) -> Result<usize, Corrupt> {
        self.seg.room_name(i, r.name_len, buf)
    }

    // ---------------------------------------------------------------- entry lookup

    pub(crate) fn entry_bucket_of(&self, key_hash: u64) -> u32 {
        (key_hash & u64::from(self.geo.entry_buckets - 1)) as u32
    }

    pub(crate) fn find_entry(&self, room: u32, key_hash: u64, client: &[u8]) -> Result<Option<u32>, Corrupt> {
        let mut i = self.seg.entry_bucket(self.entry_bucket_of(key_hash))?;
        for _ in 0..=self.geo.entry_capacity {
            if i == NIL {
                return Ok(None);
            }
            count_chain_step();
            let e = self.seg.entry(i)?;
            if e.used != USED {
                return Err(Corrupt);
            }
            if e.key_hash == key_hash && e.room == room && e.client_len as usize == client.len() {
                let mut content = Vec::with_capacity(client.len());
                self.read_content(&e, client.len(), &mut content)?;
                if content == client {
                    return Ok(Some(i));
                }
            }
            i = e.hash_next;
        }
        Err(Corrupt)
    }

    // ---------------------------------------------------------------- removal and eviction

    /// Removes live entry `i` from every structure; frees its room when it was the last one.
    pub(crate) fn remove_entry(&mut self, i: u32, reason: Reason) -> Result<(), Corrupt> {
        let e = self.seg.entry(i)?;
        if e.used != USED {
            return Err(Corrupt);
        }
        let mut r = self.seg.room(e.room)?;
        if r.used != USED || r.count == 0 {
            return Err(Corrupt);
        }
        self.hash_unlink(i, &e)?;
        self.room_unlink(&mut r, &e)?;
        self.lru_unlink(&e)?;
        self.user_unlink(&e)?;
        for c in self.chain(&e)? {
            self.push_free_chunk(c)?;
        }
        r.count -= 1;
        r.version = self.bump_version();
        self.seg.set_room(e.room, &r)?;
        if r.count == 0 {
            self.free_room(e.room)?;
        }
        self.seg.set_entry(i, &EntryRec { hash_next: self.c.free_entry_head, ..EntryRec::FREE })?;
        self.c.free_entry_head = i;
        self.c.live_entries = self.c.live_entries.saturating_sub(1);
        match reason {
            Reason::Expired => self.c.evicted_expired += 1,
            Reason::Evicted => self.c.evicted_lru += 1,
            Reason::Removed => {}
        }
        Ok(())
    }

    /// Half-writes the table as a killed writer would (see `ShmStore::testing_die_mid_write`).
    #[cfg(feature = "testing")]
    pub(crate) fn testing_tear(&mut self) {
        let mut c = self.c;
        c.live_entries += 3;
        c.free_chunks = c.free_chunks.saturating_sub(7);
        self.seg.set_counters(&c);
        for ri in 0..self.geo.room_capacity {
            if let Ok(mut r) = self.seg.room(ri) {
                if r.used == USED && r.head != NIL {
                    if let Ok(mut e) = self.seg.entry(r.head) {
                        e.room_next = self.geo.entry_capacity + 5;
                        e.lru_prev = r.head;
                        let _ = self.seg.set_entry(r.head, &e);
                    }
                    r.head = NIL;
                    let _ = self.seg.set_room(ri, &r);
                    return;
                }
            }
        }
    }

    /// Marks the operation finished; the guard then writes the counters back and unlocks.
    pub(crate) fn finish(mut self) {
        self.c.in_progress = 0;
        // Drop does the rest.
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Leave the in-progress mark set in the segment: the next holder repairs.
            // SAFETY: this guard holds the lock.
            unsafe { lock::release(self.seg.lock_ptr()) };
            return;
        }
        self.seg.set_counters(&self.c);
        // SAFETY: this guard holds the lock, acquired in `acquire`.
        unsafe { lock::release(self.seg.lock_ptr()) };
    }
}

#[cfg(feature = "testing")]
thread_local! {
    /// Records visited by room and entry lookups on this thread (test builds): the work a
    /// lookup costs, which tests compare instead of times.
    static CHAIN_STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count_chain_step() {
    #[cfg(feature = "testing")]
    CHAIN_STEPS.with(|c| c.set(c.get() + 1));
}

/// Records visited by room and entry lookups on this thread so far (test builds).
#[cfg(feature = "testing")]
pub(crate) fn testing_chain_steps() -> u64 {
    CHAIN_STEPS.with(std::cell::Cell::get)
}

#[cfg(feature = "testing")]
thread_local! {
    /// Entries visited by walks of a room on this thread (test builds).
    static WALK_STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

pub(crate) fn count_walk_step() {
    #[cfg(feature = "testing")]
    WALK_STEPS.with(|c| c.set(c.get() + 1));
}

/// Entries visited by walks of a room on this thread so far (test builds).
#[cfg(feature = "testing")]
pub(crate) fn testing_walk_steps() -> u64 {
    WALK_STEPS.with(std::cell::Cell::get)
}
