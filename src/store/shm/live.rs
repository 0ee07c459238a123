//! The live lane on shared memory: the segment's secret signs tokens, and revocations are
//! not-before times in a fixed array of slots, one per keyed hash of (scope, user).
//!
//! The slots are read and raised with atomic operations: a poll checks a token without taking
//! the segment lock, so a refused token costs no lock and writes nothing. Two pairs that share
//! a slot share their revocations: a token of the other pair issued before the revocation is
//! refused too (its client falls back to a heartbeat, which issues a new token), but a revoked
//! token is never accepted. The hash is keyed with the segment's key, so nobody can choose a
//! pair that shares a slot with another on purpose. Slots need no expiry: a time older than the
//! longest token life refuses nothing that has not expired anyway.

use std::sync::atomic::Ordering;

use super::segment::Segment;
use crate::store::error::Corrupt;
use crate::store::input::MAX_SECONDS;

/// A slot holding a time further ahead than this (µs) was damaged: a revocation writes now.
const TOO_FAR_AHEAD_US: u64 = MAX_SECONDS as u64 * 1_000_000;

fn slot(seg: &Segment, scope: &[u8], user_id: u64) -> u32 {
    let slots = seg.geometry().revocation_slots;
    (seg.hash_key().revocation(scope, user_id) & u64::from(slots - 1)) as u32
}

/// Tokens of (scope, user) issued at or before `now_us` stop being accepted.
pub(crate) fn revoke(seg: &Segment, scope: &[u8], user_id: u64, now_us: u64) -> Result<(), Corrupt> {
    let s = seg.revocation(slot(seg, scope, user_id))?;
    let mut seen = s.load(Ordering::Acquire);
    loop {
        let next = if seen > now_us.saturating_add(TOO_FAR_AHEAD_US) { now_us } else { seen.max(now_us) };
        match s.compare_exchange_weak(seen, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return Ok(()),
            Err(now_there) => seen = now_there,
        }
    }
}

/// The time at or before which tokens of (scope, user) are refused (0: never revoked).
pub(crate) fn not_before(seg: &Segment, scope: &[u8], user_id: u64, now_us: u64) -> Result<u64, Corrupt> {
    let t = seg.revocation(slot(seg, scope, user_id))?.load(Ordering::Acquire);
    // A damaged slot far in the future would refuse this pair for good: it counts as none.
    Ok(if t > now_us.saturating_add(TOO_FAR_AHEAD_US) { 0 } else { t })
}
