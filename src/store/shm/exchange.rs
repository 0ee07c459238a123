//! Operations that write and read in one lock hold ([`Locked`]): an exchange (write, then read
//! the room), a leave (remove, then read it), each with the count of client ids under a count
//! prefix that the room remembers between calls; and a read across the rooms of a prefix.
//!
//! The remembered count (`RoomRec::tally`) is read after the room's expired entries are removed
//! and before the operation, and written after it, in the same hold: of two processes racing,
//! each sees the other's count, so a change from 1 to 2 (or 2 to 1) is seen exactly once. It
//! lives in the room record, so it is gone (0) once the room empties.

use super::layout::*;
use super::query::Filter;
use super::table::Locked;
use super::write::{Prepared, WriteResult};
use crate::store::api::{RoomAnswer, Written};
use crate::store::entries::EntryList;
use crate::store::error::Corrupt;
use crate::store::input::CountPrefix;

impl Locked<'_> {
    /// The count the room remembers, once what expired in it is gone (0 for no room).
    fn remembered(&mut self, room: &[u8], room_hash: u64, now_us: u64) -> Result<u32, Corrupt> {
        match self.live_room(room, room_hash, now_us)? {
            Some(ri) => Ok(self.seg.room(ri)?.tally),
            None => Ok(0),
        }
    }

    /// Writes, then reads the room; `None` when the write did not fit (nothing was read).
    pub(crate) fn exchange(
        &mut self,
        w: &Prepared<'_>,
        filter: &Filter<'_>,
        count: CountPrefix<'_>,
        now_us: u64,
    ) -> Result<Option<(Written, RoomAnswer)>, Corrupt> {
        let previous = self.remembered(w.room, w.room_hash, now_us)?;
        let written = match self.upsert(w, now_us)? {
            WriteResult::Done(written) => written,
            WriteResult::Full => return Ok(None),
        };
        let answer = self.answer(w.room, w.room_hash, now_us, filter, count, previous)?;
        Ok(Some((written, answer)))
    }

    /// Removes an entry, unless it was written after `written_us`, then reads the room. True with
    /// the answer when a live entry was removed.
    // The room and key arrive with the hashes the caller computed once outside the lock; a struct
    // for them would be built only to be taken apart here.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn leave(
        &mut self,
        room: &[u8],
        room_hash: u64,
        key_hash: u64,
        client: &[u8],
        written_us: Option<u64>,
        filter: &Filter<'_>,
        count: CountPrefix<'_>,
        now_us: u64,
    ) -> Result<(bool, RoomAnswer), Corrupt> {
        let previous = self.remembered(room, room_hash, now_us)?;
        let mut removed = false;
        if let Some(ri) = self.find_room(room, room_hash)? {
            if let Some(i) = self.find_entry(ri, key_hash, client)? {
                let newer = match written_us {
                    Some(w) => self.seg.entry(i)?.updated_us > w,
                    None => false,
                };
                if !newer {
                    removed = self.remove_live_or_expired(i, now_us)? == 1;
                }
            }
        }
        let answer = self.answer(room, room_hash, now_us, filter, count, previous)?;
        Ok((removed, answer))
    }

    /// The room as a read sees it now, with the count under `count`, which the room then
    /// remembers; `previous` is what it remembered before the operation.
    fn answer(
        &mut self,
        room: &[u8],
        room_hash: u64,
        now_us: u64,
        filter: &Filter<'_>,
        count: CountPrefix<'_>,
        previous: u32,
    ) -> Result<RoomAnswer, Corrupt> {
        let previous_count = if count.is_off() { 0 } else { u64::from(previous) };
        let mut entries = EntryList::default();
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(RoomAnswer { version: 0, entries, count: 0, previous_count });
        };
        let room_range = entries.push_bytes(room);
        let mut n = 0u32;
        let alive = self.walk_room(ri, now_us, |t, _, e| {
            n += u32::from(t.counts(e, count)?);
            if entries.len() < filter.limit && e.updated_us >= filter.min_updated_us && t.picks(e, filter.clients)? {
                t.copy_out(e, room_range, &mut entries)?;
            }
            Ok(true)
        })?;
        if !alive {
            return Ok(RoomAnswer { version: 0, entries: EntryList::default(), count: 0, previous_count });
        }
        let mut r = self.seg.room(ri)?;
        if r.version == 0 || r.version > self.c.version_clock {
            return Err(Corrupt);
        }
        if !count.is_off() {
            r.tally = n;
            self.seg.set_room(ri, &r)?;
        }
        let count = if count.is_off() { 0 } else { u64::from(n) };
        Ok(RoomAnswer { version: r.version, entries, count, previous_count })
    }

    /// Live entries of every room whose name starts with `prefix` that the filter keeps, newest
    /// first across rooms, at most `filter.limit`: a scan of the room records, a walk of each
    /// matching room noting what it keeps, then only the newest are copied out.
    pub(crate) fn read_prefix(
        &mut self,
        prefix: &[u8],
        now_us: u64,
        filter: &Filter<'_>,
        out: &mut EntryList,
    ) -> Result<(), Corrupt> {
        // (write time, entry, index of its room's name in `names`)
        let mut kept: Vec<(u64, u32, usize)> = Vec::new();
        let mut names: Vec<(u32, u32)> = Vec::new();
        let mut buf = [0u8; ROOM_NAME_BYTES];
        for ri in 0..self.geo.room_capacity {
            let r = self.seg.room(ri)?;
            if r.used != USED || (r.name_len as usize) < prefix.len() {
                continue;
            }
            let n = self.room_name(ri, &r, &mut buf)?;
            if !buf[..n].starts_with(prefix) {
                continue;
            }
            let before = kept.len();
            let name = names.len();
            self.walk_room(ri, now_us, |t, at, e| {
                if e.updated_us >= filter.min_updated_us && t.picks(e, filter.clients)? {
                    kept.push((e.updated_us, at, name));
                }
                Ok(true)
            })?;
            if kept.len() > before {
                names.push(out.push_bytes(&buf[..n]));
            }
        }
        // Only the newest `limit` (and every entry tied with the last of them) are copied out;
        // the final order and cut are the ones every store applies.
        if kept.len() > filter.limit {
            kept.select_nth_unstable_by(filter.limit - 1, |a, b| b.0.cmp(&a.0));
            let last = kept[filter.limit - 1].0;
            kept.retain(|k| k.0 >= last);
        }
        for &(_, i, name) in &kept {
            let e = self.seg.entry(i)?;
            self.copy_out(&e, names[name], out)?;
        }
        out.sort_across_rooms(filter.limit);
        Ok(())
    }
}
