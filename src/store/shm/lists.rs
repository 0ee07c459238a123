//! The linked structures of entries, all doubly linked through indices in the entry records except
//! the hash chains: a room's list (newest write first), the write-order list (least recently
//! written at the head, evicted first), the per-user lists, and the entry hash chains. Runs under
//! the segment lock ([`Locked`]).

use super::layout::*;
use super::table::Locked;
use crate::store::error::Corrupt;

impl Locked<'_> {
    /// Puts entry `i` (whose record the caller holds in `e`) at the head of room `r`'s list.
    pub(crate) fn room_push_front(&mut self, r: &mut RoomRec, i: u32, e: &mut EntryRec) -> Result<(), Corrupt> {
        e.room_prev = NIL;
        e.room_next = r.head;
        if r.head != NIL {
            let mut h = self.seg.entry(r.head)?;
            h.room_prev = i;
            self.seg.set_entry(r.head, &h)?;
        } else {
            r.tail = i;
        }
        r.head = i;
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

    pub(crate) fn lru_push_back(&mut self, i: u32, e: &mut EntryRec) -> Result<(), Corrupt> {
        e.lru_next = NIL;
        e.lru_prev = self.c.lru_tail;
        if self.c.lru_tail != NIL {
            let mut t = self.seg.entry(self.c.lru_tail)?;
            t.lru_next = i;
            self.seg.set_entry(self.c.lru_tail, &t)?;
        } else {
            self.c.lru_head = i;
        }
        self.c.lru_tail = i;
        Ok(())
    }

    pub(crate) fn lru_unlink(&mut self, e: &EntryRec) -> Result<(), Corrupt> {
        if e.lru_prev == NIL {
            self.c.lru_head = e.lru_next;
        } else {
            let mut p = self.seg.entry(e.lru_prev)?;
            p.lru_next = e.lru_next;
            self.seg.set_entry(e.lru_prev, &p)?;
        }
        if e.lru_next == NIL {
            self.c.lru_tail = e.lru_prev;
        } else {
            let mut n = self.seg.entry(e.lru_next)?;
            n.lru_prev = e.lru_prev;
            self.seg.set_entry(e.lru_next, &n)?;
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
