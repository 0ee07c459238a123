//! Putting the table back in order: `reset` lays out an empty table, `rebuild` reconstructs every
//! index (entry and user hash lists too), list and free list from the entry and room records alone after a holder died (or
//! panicked) mid-write, or after an inconsistency was found. A record that does not check out —
//! an index out of range, a chunk claimed twice, a checksum that does not match its content (a
//! write torn by SIGKILL) — is dropped: presence data comes back with the next heartbeat, a
//! crashed reader would not.

use super::hash;
use super::layout::*;
use super::segment::Segment;
use super::table::Locked;

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
        in_progress: keep.in_progress,
        version_clock: keep.version_clock + 1,
        evicted_expired: keep.evicted_expired,
        evicted_lru: keep.evicted_lru,
        rejected_full: keep.rejected_full,
        lock_recoveries: keep.lock_recoveries,
        repairs: keep.repairs,
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

    /// Rebuilds every structure from the records. Never fails: whatever cannot be trusted is
    /// dropped. Returns the number of entries kept.
    pub(crate) fn rebuild(&mut self) -> u64 {
        let geo = self.geo;
        let seg = self.seg;
        seg.fill_buckets_nil();
        self.c.repairs += 1;
        self.c.live_entries = 0;
        self.c.live_rooms = 0;
        self.c.lru_head = NIL;
        self.c.lru_tail = NIL;
        self.c.sweep_cursor = 0;
        // Versions restart above anything handed out before, so every room reads as changed.
        self.c.version_clock = self.c.version_clock.saturating_add(1 << 20);

        let mut room_ok = vec![false; geo.room_capacity as usize];
        let mut buf = [0u8; ROOM_NAME_BYTES];
        for ri in 0..geo.room_capacity {
            let Ok(r) = seg.room(ri) else { continue };
            if r.used != USED {
                continue;
            }
            let name_ok = seg
                .room_name(ri, r.name_len, &mut buf)
                .ok()
                .filter(|&n| std::str::from_utf8(&buf[..n]).is_ok() && hash::hash_bytes(&buf[..n]) == r.name_hash);
            let unique = match name_ok {
                Some(n) => matches!(self.find_room(&buf[..n], r.name_hash), Ok(None)),
                None => false,
            };
            if unique {
                let b = (r.name_hash & u64::from(geo.room_buckets - 1)) as u32;
                let version = self.bump_version();
                let head = seg.room_bucket(b).unwrap_or(NIL);
                let _ = seg.set_room(ri, &RoomRec { head: NIL, tail: NIL, count: 0, version, hash_next: head, ..r });
                let _ = seg.set_room_bucket(b, ri);
                room_ok[ri as usize] = true;
            } else {
                let _ = seg.set_room(ri, &RoomRec::FREE);
            }
        }

        let mut claimed = vec![false; geo.chunk_count as usize];
        let mut kept: Vec<(u64, u32)> = Vec::new();
        let mut content = Vec::new();
        for i in 0..geo.entry_capacity {
            let Ok(mut e) = seg.entry(i) else { continue };
            if e.used != USED {
                continue;
            }
            if self.entry_checks_out(&e, &room_ok, &claimed, &mut content) {
                for c in self.chain(&e).unwrap_or_default() {
                    claimed[c as usize] = true;
                }
                if self.hash_push(i, &mut e).is_ok()
                    && self.user_push(i, &mut e).is_ok()
                    && seg.set_entry(i, &e).is_ok()
                {
                    kept.push((e.updated_us, i));
                    continue;
                }
            }
            let _ = seg.set_entry(i, &EntryRec::FREE);
        }

        // Oldest first: each goes to the front of its room and the back of the write order.
        kept.sort_unstable();
        for &(_, i) in &kept {
            let (Ok(mut e), Ok(mut r)) = (seg.entry(i), seg.entry(i).and_then(|e| seg.room(e.room))) else {
                continue;
            };
            if self.room_push_front(&mut r, i, &mut e).is_ok() && self.lru_push_back(i, &mut e).is_ok() {
                r.count += 1;
                let _ = seg.set_entry(i, &e);
                let _ = seg.set_room(e.room, &r);
                self.c.live_entries += 1;
            }
        }

        // Free lists from whatever is not in use.
        self.c.free_entry_head = NIL;
        for i in (0..geo.entry_capacity).rev() {
            if seg.entry(i).map(|e| e.used != USED).unwrap_or(false) {
                let _ = seg.set_entry(i, &EntryRec { hash_next: self.c.free_entry_head, ..EntryRec::FREE });
                self.c.free_entry_head = i;
            }
        }
        self.c.free_room_head = NIL;
        self.c.live_rooms = 0;
        for ri in (0..geo.room_capacity).rev() {
            match seg.room(ri) {
                Ok(r) if r.used == USED => self.c.live_rooms += 1,
                _ => {
                    let _ = seg.set_room(ri, &RoomRec { hash_next: self.c.free_room_head, ..RoomRec::FREE });
                    self.c.free_room_head = ri;
                }
            }
        }
        // Rooms whose entries were all dropped: unlinked and freed like any emptied room.
        for ri in 0..geo.room_capacity {
            if seg.room(ri).map(|r| r.used == USED && r.count == 0).unwrap_or(false) {
                let _ = self.free_room(ri);
            }
        }
        self.c.free_chunk_head = NIL;
        self.c.free_chunks = 0;
        for c in (0..geo.chunk_count).rev() {
            if !claimed[c as usize] {
                let _ = seg.set_chunk_next(c, self.c.free_chunk_head);
                self.c.free_chunk_head = c;
                self.c.free_chunks += 1;
            }
        }
        u64::from(self.c.live_entries)
    }

    fn entry_checks_out(&self, e: &EntryRec, room_ok: &[bool], claimed: &[bool], content: &mut Vec<u8>) -> bool {
        if !room_ok.get(e.room as usize).copied().unwrap_or(false)
            || e.client_len == 0
            || e.client_len as usize > MAX_KEY_BYTES
            || e.state_len as usize > MAX_STATE_LIMIT
        {
            return false;
        }
        let Ok(chain) = self.chain(e) else {
            return false;
        };
        let mut seen = chain.clone();
        seen.sort_unstable();
        seen.dedup();
        if seen.len() != chain.len() || chain.iter().any(|&c| claimed[c as usize]) {
            return false;
        }
        content.clear();
        if self.read_content(e, e.content_len(), content).is_err() || content.len() != e.content_len() {
            return false;
        }
        let (client, state) = content.split_at(e.client_len as usize);
        if std::str::from_utf8(client).is_err() || hash::content_checksum(e.user_id, client, state) != e.checksum {
            return false;
        }
        let Ok(r) = self.seg.room(e.room) else {
            return false;
        };
        if hash::entry_key(r.name_hash, client) != e.key_hash {
            return false;
        }
        matches!(self.find_entry(e.room, e.key_hash, client), Ok(None))
    }
}
