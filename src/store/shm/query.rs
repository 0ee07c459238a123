//! Reads and bulk operations on the table: room reads (with lazy expiry), counts, versions, and
//! the scans behind per-user, per-prefix, gc and flush. All run under the lock ([`Locked`]); they
//! only copy bytes out — decoding happens after the lock is released.

use super::hash;
use super::layout::*;
use super::table::{Locked, Reason};
use crate::store::api::{EntryList, RoomSummary};
use crate::store::error::Corrupt;

impl Locked<'_> {
    /// Walks room `ri` newest first, removing expired entries, calling `f` on live ones. Returns
    /// false if the room disappeared (its last entry expired).
    fn walk_room(
        &mut self,
        ri: u32,
        now_us: u64,
        mut f: impl FnMut(&Self, &EntryRec) -> Result<bool, Corrupt>,
    ) -> Result<bool, Corrupt> {
        let r = self.seg.room(ri)?;
        let mut i = r.head;
        let mut keep_going = true;
        for _ in 0..=self.geo.entry_capacity {
            if i == NIL {
                return Ok(true);
            }
            let mut e = self.seg.entry(i)?;
            if e.used != USED || e.room != ri {
                return Err(Corrupt);
            }
            let next = e.room_next;
            if self.settle(i, &mut e, now_us)? {
                let last = self.seg.room(ri)?.count == 1;
                self.remove_entry(i, Reason::Expired)?;
                if last {
                    return Ok(false);
                }
            } else if keep_going {
                keep_going = f(self, &e)?;
            }
            i = next;
        }
        Err(Corrupt)
    }

    /// Live entries of a room updated at or after `min_updated_us`, newest first, at most `limit`.
    pub(crate) fn read_room(
        &mut self,
        room: &[u8],
        room_hash: u64,
        now_us: u64,
        min_updated_us: u64,
        limit: usize,
        out: &mut EntryList,
    ) -> Result<(), Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(());
        };
        let room_range = out.push_bytes(room);
        self.walk_room(ri, now_us, |t, e| {
            if e.updated_us >= min_updated_us {
                if out.len() >= limit {
                    return Ok(false);
                }
                t.copy_out(e, room_range, out)?;
            }
            Ok(true)
        })?;
        Ok(())
    }

    /// Copies an entry out, after checking its content against its checksum: a record damaged in
    /// the segment is never returned (the caller rebuilds the table, which drops it).
    fn copy_out(&self, e: &EntryRec, room: (u32, u32), out: &mut EntryList) -> Result<(), Corrupt> {
        let start = out.buf.len();
        let len = e.checked_content_len().ok_or(Corrupt)?;
        self.read_content(e, len, &mut out.buf)?;
        let content = &out.buf[start..];
        if content.len() != e.content_len() {
            return Err(Corrupt);
        }
        let (client, state) = content.split_at(e.client_len as usize);
        if hash::content_checksum(e.user_id, client, state) != e.checksum {
            out.buf.truncate(start);
            return Err(Corrupt);
        }
        out.push_entry(room, start, e.client_len as usize, e.state_len as usize, e.user_id, e.updated_us);
        Ok(())
    }

    /// Number of live entries of a room updated at or after `min_updated_us`.
    pub(crate) fn count_room(
        &mut self,
        room: &[u8],
        room_hash: u64,
        now_us: u64,
        min_updated_us: u64,
    ) -> Result<u64, Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(0);
        };
        let mut n = 0;
        self.walk_room(ri, now_us, |_, e| {
            n += u64::from(e.updated_us >= min_updated_us);
            Ok(true)
        })?;
        Ok(n)
    }

    /// The room's version after expired entries are removed (0 for a room with no entries).
    pub(crate) fn room_version(&mut self, room: &[u8], room_hash: u64, now_us: u64) -> Result<u64, Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(0);
        };
        if !self.walk_room(ri, now_us, |_, _| Ok(false))? {
            return Ok(0);
        }
        Ok(self.seg.room(ri)?.version)
    }

    /// Removes one entry; true if it existed and had not expired.
    pub(crate) fn remove(
        &mut self,
        room: &[u8],
        room_hash: u64,
        key_hash: u64,
        client: &[u8],
        now_us: u64,
    ) -> Result<bool, Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else { return Ok(false) };
        let Some(i) = self.find_entry(ri, key_hash, client)? else { return Ok(false) };
        Ok(self.remove_live_or_expired(i, now_us)? == 1)
    }

    fn room_name_starts_with(
        &self,
        ri: u32,
        r: &RoomRec,
        prefix: &[u8],
        buf: &mut [u8; ROOM_NAME_BYTES],
    ) -> Result<Option<usize>, Corrupt> {
        if (r.name_len as usize) < prefix.len() {
            return Ok(None);
        }
        let n = self.room_name(ri, r, buf)?;
        Ok(buf[..n].starts_with(prefix).then_some(n))
    }

    /// Every live entry of a user (through the per-user index), newest first.
    pub(crate) fn read_user(
        &mut self,
        user_id: u64,
        now_us: u64,
        min_updated_us: u64,
        out: &mut EntryList,
    ) -> Result<(), Corrupt> {
        let mut buf = [0u8; ROOM_NAME_BYTES];
        for i in self.user_entries(user_id)? {
            let mut e = self.seg.entry(i)?;
            if self.settle(i, &mut e, now_us)? {
                self.remove_entry(i, Reason::Expired)?;
            } else if e.updated_us >= min_updated_us {
                let r = self.seg.room(e.room)?;
                let n = self.room_name(e.room, &r, &mut buf)?;
                let room = out.push_bytes(&buf[..n]);
                self.copy_out(&e, room, out)?;
            }
        }
        out.sort_newest_first();
        Ok(())
    }

    /// Removes every entry of a user in rooms starting with `prefix` (through the per-user
    /// index). Entries that had already expired are removed as expirations and not counted.
    pub(crate) fn remove_user(&mut self, user_id: u64, prefix: &[u8], now_us: u64) -> Result<u64, Corrupt> {
        let mut buf = [0u8; ROOM_NAME_BYTES];
        let mut removed = 0;
        for i in self.user_entries(user_id)? {
            let e = self.seg.entry(i)?;
            let r = self.seg.room(e.room)?;
            if self.room_name_starts_with(e.room, &r, prefix, &mut buf)?.is_some() {
                removed += self.remove_live_or_expired(i, now_us)?;
            }
        }
        Ok(removed)
    }

    /// Rooms whose name starts with `prefix`, with their live entries and distinct users
    /// (scan of all room records, then each matching room's list).
    pub(crate) fn rooms(
        &mut self,
        prefix: &[u8],
        now_us: u64,
        min_updated_us: u64,
    ) -> Result<Vec<RoomSummary>, Corrupt> {
        let mut buf = [0u8; ROOM_NAME_BYTES];
        let mut out = Vec::new();
        for ri in 0..self.geo.room_capacity {
            let r = self.seg.room(ri)?;
            if r.used != USED {
                continue;
            }
            let Some(n) = self.room_name_starts_with(ri, &r, prefix, &mut buf)? else {
                continue;
            };
            let name = String::from_utf8_lossy(&buf[..n]).into_owned();
            let mut users = Vec::new();
            let mut entries = 0u64;
            self.walk_room(ri, now_us, |_, e| {
                if e.updated_us >= min_updated_us {
                    entries += 1;
                    users.push(e.user_id);
                }
                Ok(true)
            })?;
            if entries > 0 {
                users.sort_unstable();
                users.dedup();
                out.push(RoomSummary { room: name, entries, users: users.len() as u64 });
            }
        }
        out.sort_by(|a, b| a.room.cmp(&b.room));
        Ok(out)
    }

    /// Removes every expired entry (scan of all entry records).
    pub(crate) fn gc(&mut self, now_us: u64) -> Result<u64, Corrupt> {
        self.sweep(now_us, self.geo.entry_capacity)
    }

    /// Removes an entry on request; returns 1 if it was live, 0 if it had expired already.
    fn remove_live_or_expired(&mut self, i: u32, now_us: u64) -> Result<u64, Corrupt> {
        let mut e = self.seg.entry(i)?;
        let live = !self.settle(i, &mut e, now_us)?;
        self.remove_entry(i, if live { Reason::Removed } else { Reason::Expired })?;
        Ok(u64::from(live))
    }

    /// Removes every entry of rooms starting with `prefix` (non-empty); counts the live ones.
    pub(crate) fn flush_prefix(&mut self, prefix: &[u8], now_us: u64) -> Result<u64, Corrupt> {
        let mut buf = [0u8; ROOM_NAME_BYTES];
        let mut removed = 0;
        for ri in 0..self.geo.room_capacity {
            let r = self.seg.room(ri)?;
            if r.used != USED || self.room_name_starts_with(ri, &r, prefix, &mut buf)?.is_none() {
                continue;
            }
            for _ in 0..r.count {
                let head = self.seg.room(ri)?.head;
                if head == NIL {
                    break;
                }
                removed += self.remove_live_or_expired(head, now_us)?;
            }
        }
        Ok(removed)
    }
}
