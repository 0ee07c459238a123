//! Expiry and eviction, under the segment lock ([`Locked`]): the sweep that piggybacks on every
//! write, the expiry floors that make a search for expired entries free while nothing can have
//! expired, a wall clock stepped back, and freeing space for a write (expired entries first,
//! then — for a write that may evict — the least recently written live ones: first those written
//! without the right to evict, then the others).

use super::layout::*;
use super::table::{Locked, Reason};
use crate::store::error::Corrupt;

/// Entries the expiry sweep examines on each write.
pub(crate) const SWEEP_PER_WRITE: u32 = 4;

impl Locked<'_> {
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
            let mut r = self.seg.room(e.room)?;
            if r.expiry_floor > latest {
                r.expiry_floor = latest;
                self.seg.set_room(e.room, &r)?;
            }
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

    /// Evicts the least recently written entry of the low list, else of the main list, which the
    /// caller has established is live (no expired entry is stored); false when the table is empty.
    fn evict_oldest_live(&mut self, now_us: u64) -> Result<bool, Corrupt> {
        let i = if self.c.low_head != NIL { self.c.low_head } else { self.c.lru_head };
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
    /// room is reclaimed before any live entry goes), then, when `may_evict`, the least recently
    /// written live entries (the low list first). False when nothing is left to free.
    pub(crate) fn make_room(
        &mut self,
        now_us: u64,
        may_evict: bool,
        ok: impl Fn(&Self) -> bool,
    ) -> Result<bool, Corrupt> {
        while !ok(self) {
            if !self.expire_one(now_us)? {
                break;
            }
        }
        while !ok(self) {
            if !may_evict {
                return Ok(false);
            }
            if !self.evict_oldest_live(now_us)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
