//! The table inside the segment: rooms, entries, their chains and lists, and the writes on them.
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
//! caller rebuilds every structure from the entry records (`repair.rs`). The chunk chains live in
//! `content.rs`, the list operations in `lists.rs`.

use super::hash;
use super::layout::*;
use super::lock::{self, Acquired, LockError};
use super::segment::Segment;
use crate::store::api::Written;
use crate::store::error::Corrupt;
use std::time::Duration;

/// Entries the expiry sweep examines on each write.
pub(crate) const SWEEP_PER_WRITE: u32 = 4;
/// Longest TTL an entry record may carry (one day, as the API allows).
pub(crate) const MAX_TTL_SECS: u32 = crate::store::api::MAX_SECONDS as u32;

/// Proof that this thread holds the segment lock, with the counters cached for the operation.
/// Dropping it writes the counters back and releases the lock.
pub(crate) struct Locked<'a> {
    pub(crate) seg: &'a Segment,
    pub(crate) c: Counters,
    pub(crate) geo: Geometry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteResult {
    Done(Written),
    Full,
}

/// A write prepared before taking the lock (validated, encoded, hashed).
pub(crate) struct Prepared<'a> {
    pub room: &'a [u8],
    pub room_hash: u64,
    pub client: &'a [u8],
    pub key_hash: u64,
    pub state: &'a [u8],
    pub checksum: u64,
    pub user_id: u64,
    pub ttl_secs: u32,
}

/// A prepared write with its times, fixed under the lock.
struct Write<'a> {
    p: &'a Prepared<'a>,
    now_us: u64,
    expires_us: u64,
}

impl<'a> std::ops::Deref for Write<'a> {
    type Target = Prepared<'a>;
    fn deref(&self) -> &Prepared<'a> {
        self.p
    }
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

    pub(crate) fn bump_version(&mut self) -> u64 {
        self.c.version_clock += 1;
        self.c.version_clock
    }

    // ---------------------------------------------------------------- rooms

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

    /// Records that an entry now expires at `expires_us`, keeping both expiry floors lower bounds.
    pub(crate) fn note_expiry(&mut self, expires_us: u64) {
        self.c.expiry_floor = self.c.expiry_floor.min(expires_us);
        self.c.sweep_floor = self.c.sweep_floor.min(expires_us);
    }

    /// Decides whether live record `i` (read into `e`) has expired at `now_us`. An expiry more
    /// than its TTL ahead of now (the wall clock stepped back) is first lowered to `now + TTL`,
    /// in the segment too: no entry outlives its TTL because the clock moved.
    pub(crate) fn settle(&mut self, i: u32, e: &mut EntryRec, now_us: u64) -> Result<bool, Corrupt> {
        let latest = now_us.saturating_add(e.ttl_us());
        if e.expires_us > latest {
            e.expires_us = latest;
            self.seg.set_entry(i, e)?;
            self.note_expiry(latest);
        }
        Ok(e.expires_us <= now_us)
    }

    /// Notices a wall clock stepped back (now more than a second before the latest time a holder
    /// saw): removes the entries that had expired by that latest time (not yet swept, they must
    /// not come back to life) and caps every other expiry at `now + TTL`, so none outlives its
    /// TTL, even one nobody reads. Then records `now` as the latest time.
    pub(crate) fn notice_clock(&mut self, now_us: u64) -> Result<(), Corrupt> {
        let high = self.c.clock_high_us;
        if now_us.saturating_add(1_000_000) < high {
            for i in 0..self.geo.entry_capacity {
                let mut e = self.seg.entry(i)?;
                if e.used != USED {
                    continue;
                }
                if e.expires_us <= high {
                    self.remove_entry(i, Reason::Expired)?;
                } else {
                    self.settle(i, &mut e, now_us)?;
                }
            }
            self.c.clock_high_us = now_us;
        } else {
            self.c.clock_high_us = self.c.clock_high_us.max(now_us);
        }
        Ok(())
    }

    /// Evicts the least recently written entry, which the caller has established is live (no
    /// expired entry is stored); false when the table is empty.
    fn evict_oldest_live(&mut self, now_us: u64) -> Result<bool, Corrupt> {
        let i = self.c.lru_head;
        if i == NIL {
            return Ok(false);
        }
        #[cfg(feature = "testing")]
        self.audit_live_eviction(now_us);
        let mut e = self.seg.entry(i)?;
        let expired = self.settle(i, &mut e, now_us)?;
        self.remove_entry(i, if expired { Reason::Expired } else { Reason::Evicted })?;
        Ok(true)
    }

    /// Test builds: counts a live eviction made while any expired entry is stored (a full scan).
    #[cfg(feature = "testing")]
    fn audit_live_eviction(&mut self, now_us: u64) {
        let expired_stored = (0..self.geo.entry_capacity)
            .filter_map(|i| self.seg.entry(i).ok())
            .any(|e| e.used == USED && e.expires_us <= now_us);
        if expired_stored {
            self.c.audit_live_evicted_with_expired += 1;
        }
    }

    /// Moves the sweep cursor one record on; at the wrap, what the finished pass saw becomes
    /// the expiry floor. Returns the record to look at.
    fn sweep_step(&mut self) -> u32 {
        let cap = self.geo.entry_capacity;
        let i = if self.c.sweep_cursor < cap { self.c.sweep_cursor } else { 0 };
        if i + 1 < cap {
            self.c.sweep_cursor = i + 1;
        } else {
            self.c.sweep_cursor = 0;
            // Every record was visited since the last wrap, and every write since then lowered
            // sweep_floor: no live entry expires before it.
            self.c.expiry_floor = self.c.expiry_floor.max(self.c.sweep_floor);
            self.c.sweep_floor = u64::MAX;
        }
        i
    }

    /// Looks at record `i` for the sweep: removes it if it expired (true), else notes its expiry.
    fn sweep_visit(&mut self, i: u32, now_us: u64) -> Result<bool, Corrupt> {
        let mut e = self.seg.entry(i)?;
        if e.used != USED {
            return Ok(false);
        }
        if self.settle(i, &mut e, now_us)? {
            self.remove_entry(i, Reason::Expired)?;
            return Ok(true);
        }
        self.c.sweep_floor = self.c.sweep_floor.min(e.expires_us);
        Ok(false)
    }

    /// Looks at the next `n` entry records and removes those that have expired.
    pub(crate) fn sweep(&mut self, now_us: u64, n: u32) -> Result<u64, Corrupt> {
        let mut removed = 0;
        for _ in 0..n.min(self.geo.entry_capacity) {
            let i = self.sweep_step();
            removed += u64::from(self.sweep_visit(i, now_us)?);
        }
        Ok(removed)
    }

    /// Removes one expired entry, continuing the sweep until it finds one: true if it did; false
    /// when none is stored — then proven, either by the expiry floor or by a whole pass over the
    /// table (which raises the floor, so the next search is free until time reaches it).
    fn expire_one(&mut self, now_us: u64) -> Result<bool, Corrupt> {
        if now_us < self.c.expiry_floor {
            return Ok(false);
        }
        for _ in 0..self.geo.entry_capacity {
            let i = self.sweep_step();
            if self.sweep_visit(i, now_us)? {
                return Ok(true);
            }
        }
        self.c.full_sweeps += 1;
        Ok(false)
    }

    /// Frees space until `ok` holds: expired entries first, as many as it takes (so an expired
    /// room is reclaimed before any live entry goes), then the least recently written live
    /// entries. False when nothing is left to evict.
    fn make_room(&mut self, now_us: u64, ok: impl Fn(&Self) -> bool) -> Result<bool, Corrupt> {
        while !ok(self) {
            if !self.expire_one(now_us)? {
                break;
            }
        }
        while !ok(self) {
            if !self.evict_oldest_live(now_us)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    // ---------------------------------------------------------------- upsert

    pub(crate) fn upsert(&mut self, w: &Prepared<'_>, now_us: u64) -> Result<WriteResult, Corrupt> {
        let w = &Write { p: w, now_us, expires_us: now_us + u64::from(w.ttl_secs) * 1_000_000 };
        // A write that could not fit even in an empty segment is refused before anything is
        // evicted for it: nothing already stored is lost to a write that fails anyway.
        if chunks_for(w.client.len() + w.state.len()) as u64 > u64::from(self.geo.chunk_count) {
            self.c.rejected_full += 1;
            return Ok(WriteResult::Full);
        }
        if w.now_us >= self.c.expiry_floor {
            self.sweep(w.now_us, SWEEP_PER_WRITE)?;
        }
        let existing_room = self.find_room(w.room, w.room_hash)?;
        if let Some(ri) = existing_room {
            if let Some(i) = self.find_entry(ri, w.key_hash, w.client)? {
                let mut e = self.seg.entry(i)?;
                if !self.settle(i, &mut e, w.now_us)? {
                    return self.update_entry(ri, i, w);
                }
                // It expired and was not swept yet: it left, and this write is a new join.
                let last = self.seg.room(ri)?.count == 1;
                self.remove_entry(i, Reason::Expired)?;
                if last {
                    return self.insert_entry(None, w);
                }
            }
        }
        self.insert_entry(existing_room, w)
    }

    /// Inserts a new entry (creating its room when `existing_room` is `None`).
    fn insert_entry(&mut self, existing_room: Option<u32>, w: &Write<'_>) -> Result<WriteResult, Corrupt> {
        let ri = match existing_room {
            Some(ri) => ri,
            None => {
                // Every room record in use: expired entries go first (until a room empties),
                // live ones only when nothing expired is stored.
                if !self.make_room(w.now_us, |t| t.c.free_room_head != NIL)? {
                    self.c.rejected_full += 1;
                    return Ok(WriteResult::Full);
                }
                self.create_room(w.room, w.room_hash)?.ok_or(Corrupt)?
            }
        };
        // Pin the room (a phantom member) so evictions below cannot free it under us.
        self.add_to_room_count(ri, 1)?;
        let needed = chunks_for(w.client.len() + w.state.len()) as u64;
        let fits = self.make_room(w.now_us, |t| t.c.free_entry_head != NIL && u64::from(t.c.free_chunks) >= needed)?;
        if !fits {
            self.add_to_room_count(ri, -1)?;
            if self.seg.room(ri)?.count == 0 {
                self.free_room(ri)?;
            }
            self.c.rejected_full += 1;
            return Ok(WriteResult::Full);
        }
        let i = self.c.free_entry_head;
        let free = self.seg.entry(i)?;
        if free.used == USED {
            return Err(Corrupt);
        }
        self.c.free_entry_head = free.hash_next;
        let mut e = EntryRec {
            used: USED,
            room: ri,
            key_hash: w.key_hash,
            user_id: w.user_id,
            updated_us: w.now_us,
            expires_us: w.expires_us,
            checksum: w.checksum,
            ttl_secs: w.ttl_secs,
            ..EntryRec::FREE
        };
        if !self.write_content(&mut e, w.client, w.state)? {
            return Err(Corrupt); // make_room guaranteed the chunks
        }
        self.hash_push(i, &mut e)?;
        self.user_push(i, &mut e)?;
        let mut r = self.seg.room(ri)?;
        self.room_push_front(&mut r, i, &mut e)?;
        self.lru_push_back(i, &mut e)?;
        self.seg.set_entry(i, &e)?;
        r.version = self.bump_version(); // the pin becomes the real member: count stays
        self.seg.set_room(ri, &r)?;
        self.c.live_entries += 1;
        self.note_expiry(w.expires_us);
        Ok(WriteResult::Done(Written::Joined))
    }

    fn add_to_room_count(&mut self, ri: u32, delta: i32) -> Result<(), Corrupt> {
        let mut r = self.seg.room(ri)?;
        r.count = r.count.checked_add_signed(delta).ok_or(Corrupt)?;
        self.seg.set_room(ri, &r)
    }

    fn update_entry(&mut self, ri: u32, i: u32, w: &Write<'_>) -> Result<WriteResult, Corrupt> {
        let mut e = self.seg.entry(i)?;
        let unchanged =
            e.user_id == w.user_id && e.checksum == w.checksum && self.content_equals(&e, w.client, w.state)?;
        // Out of the write-order list while we may evict, so the eviction never picks this entry.
        self.lru_unlink(&e)?;
        let mut outcome = Written::Refreshed;
        if !unchanged {
            let have = chunks_for(e.content_len()) as u64;
            let needed = chunks_for(w.client.len() + w.state.len()) as u64;
            let fits = self.make_room(w.now_us, |t| u64::from(t.c.free_chunks) + have >= needed)?;
            // Evictions may have moved this entry's neighbours: read it again.
            e = self.seg.entry(i)?;
            if !fits || !self.write_content(&mut e, w.client, w.state)? {
                self.lru_push_back(i, &mut e)?;
                self.seg.set_entry(i, &e)?;
                self.c.rejected_full += 1;
                return Ok(WriteResult::Full);
            }
            if e.user_id != w.user_id {
                self.user_unlink(&e)?;
                e.user_id = w.user_id;
                self.user_push(i, &mut e)?;
            }
            e.checksum = w.checksum;
            outcome = Written::Changed;
        }
        e.updated_us = w.now_us;
        e.expires_us = w.expires_us;
        e.ttl_secs = w.ttl_secs;
        self.note_expiry(w.expires_us);
        let mut r = self.seg.room(ri)?;
        self.room_unlink(&mut r, &e)?;
        self.room_push_front(&mut r, i, &mut e)?;
        self.lru_push_back(i, &mut e)?;
        self.seg.set_entry(i, &e)?;
        if outcome == Written::Changed {
            r.version = self.bump_version();
        }
        self.seg.set_room(ri, &r)?;
        Ok(WriteResult::Done(outcome))
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

/// Hash of a key, computed before the lock is taken.
pub(crate) fn room_hash(room: &[u8]) -> u64 {
    hash::hash_bytes(room)
}
