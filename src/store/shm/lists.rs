//! The linked structures of entries, all doubly linked through indices in the entry records except
//! the hash chains: a room's list (newest write time first), the two write-order lists (least
//! recently written at the head, evicted first: the low list of entries written without the
//! right to evict, then the main one), the per-user lists, and the entry hash chains. Runs under
//! the segment lock ([`Locked`]).

use super::layout::*;
use super::table::Locked;
use crate::store::error::Corrupt;

impl Locked<'_> {
    /// Links entry `i` (whose record the caller holds in `e`, its client id in `client`) into
    /// room `r`'s list at its place: newest write time first, equal times by client id from the
    /// highest bytes down. A write at now lands at the head after one comparison; only a write
    /// with an older time (a relay's) walks further.
    pub(crate) fn room_insert(
        &mut self,
        r: &mut RoomRec,
        i: u32,
        e: &mut EntryRec,
        client: &[u8],
    ) -> Result<(), Corrupt> {
        let mut buf = [0u8; MAX_KEY_BYTES];
        let (mut prev, mut next) = (NIL, r.head);
        let mut steps = 0;
        while next != NIL {
            steps += 1;
            if steps > self.geo.entry_capacity {
                return Err(Corrupt); // longer than the table: a cycle
            }
            let n = self.seg.entry(next)?;
            let goes_first = match n.updated_us.cmp(&e.updated_us) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => self.read_client(&n, &mut buf)? > client,
            };
            if !goes_first {
                break;
            }
            prev = next;
            next = n.room_next;
        }
        e.room_prev = prev;
        e.room_next = next;
        if prev == NIL {
            r.head = i;
        } else {
            let mut p = self.seg.entry(prev)?;
            p.room_next = i;
            self.seg.set_entry(prev, &p)?;
        }
        if next == NIL {
            r.tail = i;
        } else {
            let mut n = self.seg.entry(next)?;
            n.room_prev = i;
            self.seg.set_entry(next, &n)?;
        }
        Ok(())
    }

    pub(crate) fn room_unlink(&mut self, r: &mut RoomRec, e: &EntryRec) -> Result<(), Corrupt> {
        if e.room_prev == NIL {
            r.head = e.room_next;
        } else {
            let mut p = self.seg.entry(e.room_prev)?;
            p.room_next = e.room_next;
            self.seg.set_entry(e.room_prev, &p)?;
        }
        if e.room_next == NIL {
            r.tail = e.room_prev;
        } else {
            let mut n = self.seg.entry(e.room_next)?;
            n.room_prev = e.room_prev;
            self.seg.set_entry(e.room_next, &n)?;
        }
        Ok(())
    }

    /// The ends (head, tail) of the write-order list an entry with these flags belongs to: the
    /// low list for entries written without the right to evict, else the main one.
    fn order_ends(&mut self, flags: u32) -> (&mut u32, &mut u32) {
        if flags & FLAG_LOW != 0 {
            (&mut self.c.low_head, &mut self.c.low_tail)
        } else {
            (&mut self.c.lru_head, &mut self.c.lru_tail)
        }
    }

    /// Appends entry `i` (held by the caller in `e`) to its write-order list, as the most recent.
    pub(crate) fn lru_push_back(&mut self, i: u32, e: &mut EntryRec) -> Result<(), Corrupt> {
        let seg = self.seg;
        let (head, tail) = self.order_ends(e.flags);
        e.lru_next = NIL;
        e.lru_prev = *tail;
        if *tail != NIL {
            let mut t = seg.entry(*tail)?;
            t.lru_next = i;
            seg.set_entry(*tail, &t)?;
        } else {
            *head = i;
        }
        *tail = i;
        Ok(())
    }

    /// Takes an entry out of the write-order list its flags name.
    pub(crate) fn lru_unlink(&mut self, e: &EntryRec) -> Result<(), Corrupt> {
        let seg = self.seg;
        let (head, tail) = self.order_ends(e.flags);
        if e.lru_prev == NIL {
            *head = e.lru_next;
        } else {
            let mut p = seg.entry(e.lru_prev)?;
            p.lru_next = e.lru_next;
            seg.set_entry(e.lru_prev, &p)?;
        }
        if e.lru_next == NIL {
            *tail = e.lru_prev;
        } else {
            let mut n = seg.entry(e.lru_next)?;
            n.lru_prev = e.lru_prev;
            seg.set_entry(e.lru_next, &n)?;
        }
        Ok(())
    }

    pub(crate) fn hash_push(&mut self, i: u32, e: &mut EntryRec) -> Result<(), Corrupt> {
        let b = self.entry_bucket_of(e.key_hash);
        e.hash_next = self.seg.entry_bucket(b)?;
        self.seg.set_entry_bucket(b, i)
    }

    pub(crate) fn hash_unlink(&mut self, i: u32, e: &EntryRec) -> Result<(), Corrupt> {
        let b = self.entry_bucket_of(e.key_hash);
        let mut cur = self.seg.entry_bucket(b)?;
        let mut prev = NIL;
        for _ in 0..=self.geo.entry_capacity {
            if cur == NIL {
                return Err(Corrupt);
            }
            let next = if cur == i { e.hash_next } else { self.seg.entry(cur)?.hash_next };
            if cur == i {
                if prev == NIL {
                    self.seg.set_entry_bucket(b, next)?;
                } else {
                    let mut p = self.seg.entry(prev)?;
                    p.hash_next = next;
                    self.seg.set_entry(prev, &p)?;
                }
                return Ok(());
            }
            prev = cur;
            cur = next;
        }
        Err(Corrupt)
    }

    pub(crate) fn user_bucket_of(&self, user_id: u64) -> u32 {
        (self.hash_key().user(user_id) & u64::from(self.geo.entry_buckets - 1)) as u32
    }

    /// Puts entry `i` (held by the caller in `e`) at the head of its user bucket's list.
    pub(crate) fn user_push(&mut self, i: u32, e: &mut EntryRec) -> Result<(), Corrupt> {
        let b = self.user_bucket_of(e.user_id);
        let head = self.seg.user_bucket(b)?;
        e.user_prev = NIL;
        e.user_next = head;
        if head != NIL {
            let mut h = self.seg.entry(head)?;
            h.user_prev = i;
            self.seg.set_entry(head, &h)?;
        }
        self.seg.set_user_bucket(b, i)
    }

    pub(crate) fn user_unlink(&mut self, e: &EntryRec) -> Result<(), Corrupt> {
        if e.user_prev == NIL {
            self.seg.set_user_bucket(self.user_bucket_of(e.user_id), e.user_next)?;
        } else {
            let mut p = self.seg.entry(e.user_prev)?;
            p.user_next = e.user_next;
            self.seg.set_entry(e.user_prev, &p)?;
        }
        if e.user_next != NIL {
            let mut n = self.seg.entry(e.user_next)?;
            n.user_prev = e.user_prev;
            self.seg.set_entry(e.user_next, &n)?;
        }
        Ok(())
    }

    /// The entries in user `user_id`'s bucket list that belong to that user (bounded walk).
    pub(crate) fn user_entries(&self, user_id: u64) -> Result<Vec<u32>, Corrupt> {
        let mut out = Vec::new();
        let mut i = self.seg.user_bucket(self.user_bucket_of(user_id))?;
        for _ in 0..=self.geo.entry_capacity {
            if i == NIL {
                return Ok(out);
            }
            let e = self.seg.entry(i)?;
            if e.used != USED {
                return Err(Corrupt);
            }
            if e.user_id == user_id {
                out.push(i);
            }
            i = e.user_next;
        }
        Err(Corrupt)
    }
}
