//! The write path under the segment lock ([`Locked`]): an upsert finds or creates the room (first
//! removing what expired in it, once its expiry floor says something may have), then updates the
//! entry in place or inserts it, freeing space first when the table is full.

use super::expiry::SWEEP_PER_WRITE;
use super::layout::*;
use super::table::{Locked, Reason};
use crate::store::api::Written;
use crate::store::error::Corrupt;
use crate::store::input::{is_reserved, WrittenAt};

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
    /// The write time asked for (clamped to now under the lock); `None` for now.
    pub written_at: Option<WrittenAt>,
    /// False for a write that may reclaim expired entries but never evict a live one.
    pub may_evict: bool,
}

impl Prepared<'_> {
    /// The flags of the entry this write leaves.
    fn flags(&self) -> u32 {
        let reserved = if is_reserved(self.client) { FLAG_RESERVED } else { 0 };
        reserved | if self.may_evict { 0 } else { FLAG_LOW }
    }
}

/// A prepared write with its times, fixed under the lock.
struct Write<'a> {
    p: &'a Prepared<'a>,
    now_us: u64,
    updated_us: u64,
    expires_us: u64,
}

impl<'a> std::ops::Deref for Write<'a> {
    type Target = Prepared<'a>;
    fn deref(&self) -> &Prepared<'a> {
        self.p
    }
}

impl Locked<'_> {
    pub(crate) fn upsert(&mut self, w: &Prepared<'_>, now_us: u64) -> Result<WriteResult, Corrupt> {
        let updated_us = WrittenAt::at(w.written_at, now_us);
        let w = &Write { p: w, now_us, updated_us, expires_us: updated_us + u64::from(w.ttl_secs) * 1_000_000 };
        // A write that could not fit even in an empty segment is refused before anything is
        // evicted for it: nothing already stored is lost to a write that fails anyway.
        if chunks_for(w.client.len() + w.state.len()) as u64 > u64::from(self.geo.chunk_count) {
            self.c.rejected_full += 1;
            return Ok(WriteResult::Full);
        }
        if w.now_us >= self.c.expiry_floor {
            self.sweep(w.now_us, SWEEP_PER_WRITE)?;
        }
        let existing_room = self.live_room(w.room, w.room_hash, w.now_us)?;
        if w.expires_us <= w.now_us {
            // Already past its time: nothing live to store, and an entry of that key leaves.
            if let Some(ri) = existing_room {
                if let Some(i) = self.find_entry(ri, w.key_hash, w.client)? {
                    self.remove_entry(i, Reason::Removed)?;
                }
            }
            return Ok(WriteResult::Done(Written::Expired));
        }
        if let Some(ri) = existing_room {
            if let Some(i) = self.find_entry(ri, w.key_hash, w.client)? {
                return self.update_entry(ri, i, w);
            }
        }
        self.insert_entry(existing_room, w)
    }

    /// The room named `room`, after removing its expired entries if its expiry floor says there
    /// may be some (`None` when there is no such room, or it just emptied).
    pub(crate) fn live_room(&mut self, room: &[u8], room_hash: u64, now_us: u64) -> Result<Option<u32>, Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else { return Ok(None) };
        if now_us < self.seg.room(ri)?.expiry_floor {
            return Ok(Some(ri));
        }
        Ok(self.expire_room(ri, now_us)?.then_some(ri))
    }

    /// Inserts a new entry (creating its room when `existing_room` is `None`).
    fn insert_entry(&mut self, existing_room: Option<u32>, w: &Write<'_>) -> Result<WriteResult, Corrupt> {
        let ri = match existing_room {
            Some(ri) => ri,
            None => {
                // Every room record in use: expired entries go first (until a room empties),
                // live ones only when nothing expired is stored (and the write may evict).
                if !self.make_room(w.now_us, w.may_evict, |t| t.c.free_room_head != NIL)? {
                    self.c.rejected_full += 1;
                    return Ok(WriteResult::Full);
                }
                self.create_room(w.room, w.room_hash)?.ok_or(Corrupt)?
            }
        };
        // Pin the room (a phantom member) so evictions below cannot free it under us.
        self.add_to_room_count(ri, 1)?;
        let needed = chunks_for(w.client.len() + w.state.len()) as u64;
        let fits = self
            .make_room(w.now_us, w.may_evict, |t| t.c.free_entry_head != NIL && u64::from(t.c.free_chunks) >= needed)?;
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
            updated_us: w.updated_us,
            expires_us: w.expires_us,
            checksum: w.checksum,
            ttl_secs: w.ttl_secs,
            flags: w.flags(),
            ..EntryRec::FREE
        };
        if !self.write_content(&mut e, w.client, w.state)? {
            return Err(Corrupt); // make_room guaranteed the chunks
        }
        self.hash_push(i, &mut e)?;
        self.user_push(i, &mut e)?;
        let mut r = self.seg.room(ri)?;
        self.room_insert(&mut r, i, &mut e, w.client)?;
        self.lru_push_back(i, &mut e)?;
        self.seg.set_entry(i, &e)?;
        r.version = self.bump_version(); // the pin becomes the real member: count stays
        r.expiry_floor = r.expiry_floor.min(w.expires_us);
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
        // Out of its write-order list while we may evict, so the eviction never picks this entry.
        self.lru_unlink(&e)?;
        let mut outcome = Written::Refreshed;
        if !unchanged {
            let have = chunks_for(e.content_len()) as u64;
            let needed = chunks_for(w.client.len() + w.state.len()) as u64;
            let fits = self.make_room(w.now_us, w.may_evict, |t| u64::from(t.c.free_chunks) + have >= needed)?;
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
        e.updated_us = w.updated_us;
        e.expires_us = w.expires_us;
        e.ttl_secs = w.ttl_secs;
        e.flags = w.flags();
        self.note_expiry(w.expires_us);
        let mut r = self.seg.room(ri)?;
        self.room_unlink(&mut r, &e)?;
        self.room_insert(&mut r, i, &mut e, w.client)?;
        self.lru_push_back(i, &mut e)?;
        self.seg.set_entry(i, &e)?;
        if outcome == Written::Changed {
            r.version = self.bump_version();
        }
        r.expiry_floor = r.expiry_floor.min(w.expires_us);
        self.seg.set_room(ri, &r)?;
        Ok(WriteResult::Done(outcome))
    }
}
