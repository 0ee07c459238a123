//! A full invariant check of the table, for tests (after crashes, damage and random operation
//! sequences) and for operators who want to know. O(everything); never run on a request path.
//! It checks what the write path guarantees whatever the clock does: links, counts, checksums,
//! TTLs, flags, the expiry floors, and each room's order (by write time, then client id).

use super::hash;
use super::layout::*;
use super::table::Locked;
use crate::store::entries::room_order;

impl Locked<'_> {
    pub(crate) fn check_integrity(&self) -> Result<(), String> {
        let g = self.geo;
        let seg = self.seg;
        let c = &self.c;
        let err = |m: String| Err(m);
        let mut chunk_owner = vec![false; g.chunk_count as usize];
        let mut live = 0u32;
        let mut room_members = vec![0u32; g.room_capacity as usize];
        for i in 0..g.entry_capacity {
            let e = seg.entry(i).map_err(|_| format!("entry {i} unreadable"))?;
            if e.used != USED {
                continue;
            }
            live += 1;
            if !(1..=super::table::MAX_TTL_SECS).contains(&e.ttl_secs) {
                return err(format!("entry {i}: TTL {} s out of range", e.ttl_secs));
            }
            if e.updated_us.checked_add(e.ttl_us()).is_none_or(|limit| e.expires_us > limit) {
                return err(format!("entry {i}: expires more than its TTL after its last write"));
            }
            if e.expires_us < c.expiry_floor {
                return err(format!("entry {i}: expires before the expiry floor"));
            }
            let r = seg.room(e.room).map_err(|_| format!("entry {i}: room {} out of range", e.room))?;
            if r.used != USED {
                return err(format!("entry {i} is in free room {}", e.room));
            }
            room_members[e.room as usize] += 1;
            for ch in self.chain(&e).map_err(|_| format!("entry {i}: broken chain"))? {
                if std::mem::replace(&mut chunk_owner[ch as usize], true) {
                    return err(format!("chunk {ch} owned twice"));
                }
            }
            let mut content = Vec::new();
            self.read_content(&e, e.content_len(), &mut content)
                .map_err(|_| format!("entry {i}: unreadable content"))?;
            let (client, state) = content.split_at(e.client_len as usize);
            if hash::content_checksum(e.user_id, client, state) != e.checksum {
                return err(format!("entry {i}: checksum mismatch"));
            }
            if e.is_reserved() != client.starts_with(b"_") || e.flags & !(FLAG_RESERVED | FLAG_LOW) != 0 {
                return err(format!("entry {i}: flags {:#x} do not match its client id", e.flags));
            }
            if e.expires_us < r.expiry_floor {
                return err(format!("entry {i}: expires before its room's expiry floor"));
            }
            if self.hash_key().entry(r.name_hash, client) != e.key_hash {
                return err(format!("entry {i}: key hash mismatch"));
            }
            if !matches!(self.find_entry(e.room, e.key_hash, client), Ok(Some(j)) if j == i) {
                return err(format!("entry {i}: not found through its hash chain"));
            }
            if !self.user_entries(e.user_id).is_ok_and(|l| l.iter().filter(|&&j| j == i).count() == 1) {
                return err(format!("entry {i}: not exactly once in its user list"));
            }
        }
        let mut in_user_lists = 0u32;
        for b in 0..g.entry_buckets {
            let (mut i, mut prev) = (seg.user_bucket(b).map_err(|_| "user bucket unreadable".to_string())?, NIL);
            while i != NIL {
                let e = seg.entry(i).map_err(|_| format!("user list link {i} out of range"))?;
                if e.used != USED || e.user_prev != prev || self.user_bucket_of(e.user_id) != b {
                    return err(format!("user list {b} broken at entry {i}"));
                }
                in_user_lists += 1;
                if in_user_lists > live {
                    return err("user lists hold more entries than are live (a cycle?)".into());
                }
                prev = i;
                i = e.user_next;
            }
        }
        if in_user_lists != live {
            return err(format!("user lists hold {in_user_lists} of {live} entries"));
        }
        if live != c.live_entries {
            return err(format!("live_entries {} but {live} records in use", c.live_entries));
        }
        let mut rooms = 0u32;
        for ri in 0..g.room_capacity {
            let r = seg.room(ri).map_err(|_| format!("room {ri} unreadable"))?;
            if r.used != USED {
                continue;
            }
            rooms += 1;
            if r.version == 0 || r.version > c.version_clock || c.version_clock >= MAX_VERSION {
                return err(format!("room {ri}: version {} outside 1..={}", r.version, c.version_clock));
            }
            if r.count == 0 || r.count != room_members[ri as usize] {
                return err(format!("room {ri}: count {} but {} members", r.count, room_members[ri as usize]));
            }
            // Newest write time first, equal times by client id from the highest bytes down.
            let (mut i, mut prev, mut n) = (r.head, NIL, 0u32);
            let mut before: Option<(u64, Vec<u8>)> = None;
            while i != NIL {
                let e = seg.entry(i).map_err(|_| format!("room {ri}: link {i} out of range"))?;
                if e.room != ri || e.room_prev != prev {
                    return err(format!("room {ri}: list broken at entry {i}"));
                }
                let mut client = [0u8; MAX_KEY_BYTES];
                let client = self.read_client(&e, &mut client).map_err(|_| format!("entry {i}: unreadable"))?.to_vec();
                if let Some((t, c)) = &before {
                    if room_order((*t, c), (e.updated_us, &client)) != std::cmp::Ordering::Less {
                        return err(format!("room {ri}: entry {i} out of order"));
                    }
                }
                before = Some((e.updated_us, client));
                n += 1;
                if n > r.count {
                    return err(format!("room {ri}: list longer than its count"));
                }
                prev = i;
                i = e.room_next;
            }
            if n != r.count || r.tail != prev {
                return err(format!("room {ri}: list of {n} vs count {}", r.count));
            }
            let mut buf = [0u8; ROOM_NAME_BYTES];
            let len = self.room_name(ri, &r, &mut buf).map_err(|_| format!("room {ri}: bad name"))?;
            if !matches!(self.find_room(&buf[..len], r.name_hash), Ok(Some(j)) if j == ri) {
                return err(format!("room {ri}: not found through its hash chain"));
            }
        }
        if rooms != c.live_rooms {
            return err(format!("live_rooms {} but {rooms} records in use", c.live_rooms));
        }
        let mut in_order_lists = 0u32;
        for (low, head, tail) in [(false, c.lru_head, c.lru_tail), (true, c.low_head, c.low_tail)] {
            let (mut i, mut prev) = (head, NIL);
            while i != NIL {
                let e = seg.entry(i).map_err(|_| format!("lru link {i} out of range"))?;
                if e.used != USED || e.lru_prev != prev || e.is_low() != low {
                    return err(format!("write-order list broken at {i}"));
                }
                in_order_lists += 1;
                if in_order_lists > live {
                    return err("write-order lists have a cycle".into());
                }
                prev = i;
                i = e.lru_next;
            }
            if tail != prev {
                return err(format!("write-order list (low: {low}) ends at {tail}, not {prev}"));
            }
        }
        if in_order_lists != live {
            return err(format!("write-order lists hold {in_order_lists} of {live}"));
        }
        let mut free = 0u32;
        let mut f = c.free_chunk_head;
        while f != NIL {
            if f >= g.chunk_count || std::mem::replace(&mut chunk_owner[f as usize], true) {
                return err(format!("free chunk {f} out of range or in use"));
            }
            free += 1;
            f = seg.chunk_next(f).map_err(|_| "chunk link out of range".to_string())?;
        }
        if free != c.free_chunks || chunk_owner.iter().any(|o| !o) {
            return err(format!("free chunks {free} (counter {}), some chunks lost", c.free_chunks));
        }
        let (mut fe, mut f) = (0u32, c.free_entry_head);
        while f != NIL && fe <= g.entry_capacity {
            fe += 1;
            f = seg.entry(f).map_err(|_| "free entry link out of range".to_string())?.hash_next;
        }
        if fe + live != g.entry_capacity {
            return err(format!("{fe} free + {live} live entries != capacity {}", g.entry_capacity));
        }
        let (mut fr, mut f) = (0u32, c.free_room_head);
        while f != NIL && fr <= g.room_capacity {
            fr += 1;
            f = seg.room(f).map_err(|_| "free room link out of range".to_string())?.hash_next;
        }
        if fr + rooms != g.room_capacity {
            return err(format!("{fr} free + {rooms} live rooms != capacity {}", g.room_capacity));
        }
        Ok(())
    }
}
