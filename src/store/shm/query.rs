//! Reads and bulk operations on the table: room reads (with lazy expiry), counts, versions, and
//! the scans behind per-user, per-prefix, gc and flush. All run under the lock ([`Locked`]); they
//! only copy bytes out — decoding happens after the lock is released.

use super::hash;
use super::layout::*;
use super::table::{self, Locked, Reason};
use crate::store::api::{Read, RoomSummary};
use crate::store::entries::EntryList;
use crate::store::error::Corrupt;
use crate::store::input::{ClientPrefix, CountPrefix};

/// A read's filters with the time fixed under the lock.
pub(crate) struct Filter<'a> {
    /// The oldest write time kept.
    pub min_updated_us: u64,
    pub limit: usize,
    pub clients: ClientPrefix<'a>,
}

impl<'a> Filter<'a> {
    pub(crate) fn at(read: &Read<'a>, now_us: u64) -> Self {
        Filter {
            min_updated_us: read.max_age.map_or(0, |m| now_us.saturating_sub(m.micros())),
            limit: read.limit.map_or(usize::MAX, |l| l.get()),
            clients: read.clients,
        }
    }
}

impl Locked<'_> {
    /// Whether `clients` picks entry `e` (reads its client id only for a non-empty prefix).
    pub(crate) fn picks(&self, e: &EntryRec, clients: ClientPrefix<'_>) -> Result<bool, Corrupt> {
        let p = clients.as_str().as_bytes();
        if p.is_empty() {
            return Ok(!e.is_reserved());
        }
        if (e.client_len as usize) < p.len() || (p[0] == b'_') != e.is_reserved() {
            return Ok(false);
        }
        let mut buf = [0u8; MAX_KEY_BYTES];
        Ok(self.read_client(e, &mut buf)?.starts_with(p))
    }

    /// Whether `count` counts entry `e`.
    pub(crate) fn counts(&self, e: &EntryRec, count: CountPrefix<'_>) -> Result<bool, Corrupt> {
        let p = count.as_str().as_bytes();
        if p.is_empty() || (e.client_len as usize) < p.len() {
            return Ok(false);
        }
        let mut buf = [0u8; MAX_KEY_BYTES];
        Ok(self.read_client(e, &mut buf)?.starts_with(p))
    }

    /// Removes the expired entries of room `ri`; false if that emptied it (it is gone).
    pub(crate) fn expire_room(&mut self, ri: u32, now_us: u64) -> Result<bool, Corrupt> {
        self.walk_room(ri, now_us, |_, _, _| Ok(false))
    }

    /// Walks room `ri` newest first, removing expired entries, calling `f` on live ones (with their
    /// index) until it
    /// returns false, and sets the room's expiry floor to the earliest expiry left. Returns false
    /// if the room disappeared (its last entry expired).
    pub(crate) fn walk_room(
        &mut self,
        ri: u32,
        now_us: u64,
        mut f: impl FnMut(&Self, u32, &EntryRec) -> Result<bool, Corrupt>,
    ) -> Result<bool, Corrupt> {
        let r = self.seg.room(ri)?;
        let mut i = r.head;
        let mut keep_going = true;
        let mut floor = u64::MAX;
        for _ in 0..=self.geo.entry_capacity {
            if i == NIL {
                let mut r = self.seg.room(ri)?;
                r.expiry_floor = floor;
                self.seg.set_room(ri, &r)?;
                return Ok(true);
            }
            table::count_walk_step();
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
            } else {
                floor = floor.min(e.expires_us);
                if keep_going {
                    keep_going = f(self, i, &e)?;
                }
            }
            i = next;
        }
        Err(Corrupt)
    }

    /// Live entries of a room the filter keeps, newest first.
    pub(crate) fn read_room(
        &mut self,
        room: &[u8],
        room_hash: u64,
        now_us: u64,
        filter: &Filter<'_>,
        out: &mut EntryList,
    ) -> Result<(), Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(());
        };
        let room_range = out.push_bytes(room);
        self.walk_room(ri, now_us, |t, _, e| {
            if e.updated_us >= filter.min_updated_us && t.picks(e, filter.clients)? {
                if out.len() >= filter.limit {
                    return Ok(false);
                }
                t.copy_out(e, room_range, out)?;
            }
            Ok(true)
        })?;
        Ok(())
    }

    /// One live entry, reserved or not: O(1), through the entry hash.
    pub(crate) fn read_entry(
        &mut self,
        room: &[u8],
        room_hash: u64,
        key_hash: u64,
        client: &[u8],
        now_us: u64,
        out: &mut EntryList,
    ) -> Result<(), Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else { return Ok(()) };
        let Some(i) = self.find_entry(ri, key_hash, client)? else { return Ok(()) };
        let mut e = self.seg.entry(i)?;
        if self.settle(i, &mut e, now_us)? {
            return self.remove_entry(i, Reason::Expired);
        }
        let room_range = out.push_bytes(room);
        self.copy_out(&e, room_range, out)
    }

    /// Copies an entry out, after checking its content against its checksum: a record damaged in
    /// the segment is never returned (the caller rebuilds the table, which drops it).
    pub(crate) fn copy_out(&self, e: &EntryRec, room: (u32, u32), out: &mut EntryList) -> Result<(), Corrupt> {
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

    /// Number of live entries of a room updated at or after `min_updated_us` that `clients` picks.
    pub(crate) fn count_room(
        &mut self,
        room: &[u8],
        room_hash: u64,
        now_us: u64,
        min_updated_us: u64,
        clients: ClientPrefix<'_>,
    ) -> Result<u64, Corrupt> {
        let Some(ri) = self.find_room(room, room_hash)? else {
            return Ok(0);
        };
        let mut n = 0;
        self.walk_room(ri, now_us, |t, _, e| {
            n += u64::from(e.updated_us >= min_updated_us && t.picks(e, clients)?);
            Ok(true)
        })?;
        Ok(n)
    }

    /// The room's version after expired entries are removed (0 for a room with no entries).
    pub(crate) fn room_version(&mut self, room: &[u8], room_hash: u64, now_us: u64) -> Result<u64, Corrupt> {
        // Walked (and written) only once its expiry floor says an entry may have expired: a
        // version read of a room where nothing expired touches none of its entries, whatever
        // their number, and writes nothing.
        let Some(ri) = self.live_room(room, room_hash, now_us)? else {
            return Ok(0);
        };
        let version = self.seg.room(ri)?.version;
        // Handed out by the version clock, so never above it (nor 0): anything else is damage.
        if version == 0 || version > self.c.version_clock {
            return Err(Corrupt);
        }
        Ok(version)
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

    /// Every live entry of a user but the reserved ones (through the per-user index), in the
    /// order of a read across rooms (`EntryList::sort_across_rooms`).
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
            } else if e.updated_us >= min_updated_us && !e.is_reserved() {
                let r = self.seg.room(e.room)?;
                let n = self.room_name(e.room, &r, &mut buf)?;
                let room = out.push_bytes(&buf[..n]);
                self.copy_out(&e, room, out)?;
            }
        }
        out.sort_across_rooms(usize::MAX);
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

    /// Rooms whose name starts with `prefix`, with their live entries (reserved ones left out)
    /// and distinct users (scan of all room records, then each matching room's list).
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
            self.walk_room(ri, now_us, |_, _, e| {
                if e.updated_us >= min_updated_us && !e.is_reserved() {
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
    pub(crate) fn remove_live_or_expired(&mut self, i: u32, now_us: u64) -> Result<u64, Corrupt> {
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
