//! Putting the table back in order: `reset` lays out an empty table, `rebuild` reconstructs every
//! index (entry and user hash lists too), list and free list from the entry and room records
//! alone after a holder died (or panicked) mid-write, or after an inconsistency was found. A record that does not check out —
//! an index out of range, a chunk claimed twice, a checksum that does not match its content (a
//! write torn by SIGKILL) — is dropped: presence data comes back with the next heartbeat, a
//! crashed reader would not.

use super::hash;
use super::layout::*;
use super::segment::Segment;
use super::table::{Locked, MAX_TTL_SECS};
use crate::store::error::Corrupt;

/// Lays out an empty table: every record free and linked, every bucket empty. The caller owns
/// the segment exclusively (fresh file) or holds the lock (flush of everything).
pub(crate) fn reset(seg: &Segment) {
    let geo = *seg.geometry();
    let keep = seg.counters();
    seg.fill_buckets_nil();
    // Writes below cannot fail: every index is < its section's count by construction.
    for i in 0..geo.entry_capacity {
        let next = if i + 1 < geo.entry_capacity { i + 1 } else { NIL };
        let _ = seg.set_entry(i, &EntryRec { hash_next: next, ..EntryRec::FREE });
    }
    for i in 0..geo.room_capacity {
        let next = if i + 1 < geo.room_capacity { i + 1 } else { NIL };
        let _ = seg.set_room(i, &RoomRec { hash_next: next, ..RoomRec::FREE });
    }
    for i in 0..geo.chunk_count {
        let _ = seg.set_chunk_next(i, if i + 1 < geo.chunk_count { i + 1 } else { NIL });
    }
    seg.set_counters(&Counters {
        free_entry_head: if geo.entry_capacity > 0 { 0 } else { NIL },
        free_room_head: 0,
        free_chunk_head: if geo.chunk_count > 0 { 0 } else { NIL },
        free_chunks: geo.chunk_count,
        lru_head: NIL,
        lru_tail: NIL,
        low_head: NIL,
        low_tail: NIL,
        in_progress: keep.in_progress,
        version_clock: keep.version_clock + 1,
        evicted_expired: keep.evicted_expired,
        evicted_lru: keep.evicted_lru,
        rejected_full: keep.rejected_full,
        lock_recoveries: keep.lock_recoveries,
        repairs: keep.repairs,
        full_sweeps: keep.full_sweeps,
        audit_live_evicted_with_expired: keep.audit_live_evicted_with_expired,
        expiry_floor: u64::MAX,
        sweep_floor: u64::MAX,
        ..Counters::default()
    });
}

impl Locked<'_> {
    /// Empties the whole table (the caller holds the lock), keeping the statistics. Returns the
    /// number of entries that had not expired.
    pub(crate) fn reset_all(&mut self, now_us: u64) -> u64 {
        let mut removed = 0;
        for i in 0..self.geo.entry_capacity {
            if let Ok(e) = self.seg.entry(i) {
                removed += u64::from(e.used == USED && e.expires_us > now_us);
            }
        }
        self.seg.set_counters(&self.c);
        reset(self.seg);
        self.c = self.seg.counters();
        removed
    }

    /// Rebuilds the table after a crash or a found inconsistency; if the rebuild itself fails,
    /// empties it (presence comes back with the next heartbeats).
    pub(crate) fn repair(&mut self, now_us: u64) {
        if self.rebuild(now_us).is_err() {
            self.reset_all(0);
        }
    }

    /// Rebuilds every structure from the records. Whatever cannot be trusted is dropped; an
    /// error here means the rebuild itself broke an invariant (the caller then empties the
    /// table). Expiries further ahead than their TTL (the wall clock stepped back) are lowered to
    /// `now + TTL`. Returns the number of entries kept.
    pub(crate) fn rebuild(&mut self, now_us: u64) -> Result<u64, Corrupt> {
        let geo = self.geo;
        let seg = self.seg;
        seg.fill_buckets_nil();
        self.c.repairs += 1;
        self.c.live_entries = 0;
        self.c.live_rooms = 0;
        self.c.lru_head = NIL;
        self.c.lru_tail = NIL;
        self.c.low_head = NIL;
        self.c.low_tail = NIL;
        self.c.sweep_cursor = 0;
        self.c.sweep_floor = u64::MAX;
        self.c.expiry_floor = u64::MAX;
        // Versions restart above anything handed out before, so every room reads as changed.
        self.c.version_clock = self.c.version_clock.saturating_add(1 << 20);

        let mut room_ok = vec![false; geo.room_capacity as usize];
        let mut buf = [0u8; ROOM_NAME_BYTES];
        for ri in 0..geo.room_capacity {
            let r = seg.room(ri)?;
            if r.used != USED {
                continue;
            }
            let name_ok = seg
                .room_name(ri, r.name_len, &mut buf)
                .ok()
                .filter(|&n| std::str::from_utf8(&buf[..n]).is_ok() && self.hash_key().room(&buf[..n]) == r.name_hash);
            let unique = match name_ok {
                Some(n) => self.find_room(&buf[..n], r.name_hash)?.is_none(),
                None => false,
            };
            if unique {
                let b = self.room_bucket_of(r.name_hash);
                let version = self.bump_version();
                let head = seg.room_bucket(b)?;
                // The remembered count stays: it is only ever read as a count.
                let fresh =
                    RoomRec { head: NIL, tail: NIL, count: 0, version, hash_next: head, expiry_floor: u64::MAX, ..r };
                seg.set_room(ri, &fresh)?;
                seg.set_room_bucket(b, ri)?;
                room_ok[ri as usize] = true;
            } else {
                seg.set_room(ri, &RoomRec::FREE)?;
            }
        }

        let mut claimed = vec![false; geo.chunk_count as usize];
        let mut kept: Vec<(u64, u32)> = Vec::new();
        let mut content = Vec::new();
        for i in 0..geo.entry_capacity {
            let mut e = seg.entry(i)?;
            if e.used != USED {
                continue;
            }
            match self.entry_checks_out(&e, &room_ok, &claimed, &mut content) {
                Some(chain) => {
                    // Claimed only once the entry is certainly kept: nothing can leak.
                    for c in chain {
                        claimed[c as usize] = true;
                    }
                    e.expires_us = e.expires_us.min(now_us.saturating_add(e.ttl_us()));
                    // The reserved mark follows from the client id (read by the check above);
                    // the low mark may be either; no other bit means anything.
                    let reserved = if content.first() == Some(&b'_') { FLAG_RESERVED } else { 0 };
                    e.flags = (e.flags & FLAG_LOW) | reserved;
                    self.hash_push(i, &mut e)?;
                    self.user_push(i, &mut e)?;
                    seg.set_entry(i, &e)?;
                    self.note_expiry(e.expires_us);
                    kept.push((e.updated_us, i));
                }
                None => seg.set_entry(i, &EntryRec::FREE)?,
            }
        }

        // Oldest first: each goes to the front of its room (unless it ties) and the back of its
        // write order.
        kept.sort_unstable();
        let mut client = [0u8; MAX_KEY_BYTES];
        for &(_, i) in &kept {
            let mut e = seg.entry(i)?;
            let mut r = seg.room(e.room)?;
            let n = self.read_client(&e, &mut client)?.len();
            self.room_insert(&mut r, i, &mut e, &client[..n])?;
            self.lru_push_back(i, &mut e)?;
            r.count += 1;
            r.expiry_floor = r.expiry_floor.min(e.expires_us);
            seg.set_entry(i, &e)?;
            seg.set_room(e.room, &r)?;
            self.c.live_entries += 1;
        }

        // Free lists from whatever is not in use.
        self.c.free_entry_head = NIL;
        for i in (0..geo.entry_capacity).rev() {
            if seg.entry(i)?.used != USED {
                seg.set_entry(i, &EntryRec { hash_next: self.c.free_entry_head, ..EntryRec::FREE })?;
                self.c.free_entry_head = i;
            }
        }
        self.c.free_room_head = NIL;
        self.c.live_rooms = 0;
        for ri in (0..geo.room_capacity).rev() {
            if seg.room(ri)?.used == USED {
                self.c.live_rooms += 1;
            } else {
                seg.set_room(ri, &RoomRec { hash_next: self.c.free_room_head, ..RoomRec::FREE })?;
                self.c.free_room_head = ri;
            }
        }
        // Rooms whose entries were all dropped: unlinked and freed like any emptied room.
        for ri in 0..geo.room_capacity {
            let r = seg.room(ri)?;
            if r.used == USED && r.count == 0 {
                self.free_room(ri)?;
            }
        }
        self.c.free_chunk_head = NIL;
        self.c.free_chunks = 0;
        for c in (0..geo.chunk_count).rev() {
            if !claimed[c as usize] {
                seg.set_chunk_next(c, self.c.free_chunk_head)?;
                self.c.free_chunk_head = c;
                self.c.free_chunks += 1;
            }
        }
        Ok(u64::from(self.c.live_entries))
    }

    /// The chunks of an entry record that can be trusted: lengths and TTL within the layout's
    /// limits, expiry no further than its TTL after its last write, a chain of distinct chunks
    /// nobody claimed, content matching its checksum and key, a live room, no duplicate key.
    fn entry_checks_out(
        &self,
        e: &EntryRec,
        room_ok: &[bool],
        claimed: &[bool],
        content: &mut Vec<u8>,
    ) -> Option<Vec<u32>> {
        if !room_ok.get(e.room as usize).copied().unwrap_or(false)
            || e.client_len == 0
            || e.checked_content_len().is_none()
            || !(1..=MAX_TTL_SECS).contains(&e.ttl_secs)
            || e.updated_us.checked_add(e.ttl_us()).is_none_or(|limit| e.expires_us > limit)
        {
            return None;
        }
        let chain = self.chain(e).ok()?;
        let mut seen = chain.clone();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != chain.len() || chain.iter().any(|&c| claimed[c as usize]) {
            return None;
        }
        content.clear();
        if self.read_content(e, e.content_len(), content).is_err() || content.len() != e.content_len() {
            return None;
        }
        let (client, state) = content.split_at(e.client_len as usize);
        if std::str::from_utf8(client).is_err() || hash::content_checksum(e.user_id, client, state) != e.checksum {
            return None;
        }
        let r = self.seg.room(e.room).ok()?;
        if self.hash_key().entry(r.name_hash, client) != e.key_hash {
            return None;
        }
        matches!(self.find_entry(e.room, e.key_hash, client), Ok(None)).then_some(chain)
    }
}
