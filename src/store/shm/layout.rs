//! The binary layout of the shared segment: header, records, and the geometry derived from the
//! segment's size. Every process computes the same geometry from the same size, and checks the
//! header against it before trusting anything else in the file.
//!
//! LAYOUT RULES (breaking one needs a new `LAYOUT_VERSION`):
//! - all records are `#[repr(C)]` of fixed-width integers; no pointers, only indices (`u32`,
//!   [`NIL`] for none) into the sections below, each of which starts 64-byte aligned;
//! - sizes and alignments are asserted at compile time at the end of this file;
//! - the hash functions in `hash.rs` and the codec in `codec.rs` are part of the layout.
//!
//! ```text
//! offset 0        Header (4 KiB): magic, version, size, geometry, hash key, live secret,
//!                 robust mutex, counters
//! entries_off     EntryRec × entry_capacity        (96 B each)
//! entry_bkt_off   u32 × entry_buckets             (head of each entry hash chain)
//! user_bkt_off    u32 × entry_buckets             (head of each user list: entries by user id)
//! rooms_off       RoomRec × room_capacity          (56 B each)
//! room_names_off  [u8; 192] × room_capacity        (name bytes of room i)
//! room_bkt_off    u32 × room_buckets              (head of each room hash chain)
//! revocations_off u64 × revocation_slots          (live lane: not-before µs per (scope, user) hash)
//! chunk_next_off  u32 × chunk_count               (next chunk of a chain, or NIL)
//! chunks_off      [u8; 128] × chunk_count          (client id then encoded state, chained)
//! ```

use std::mem::{align_of, size_of};

pub use crate::store::input::{MAX_KEY_BYTES, MAX_STATE_LIMIT};

/// "PRESENCE" with its last byte replaced by the layout generation marker.
pub const MAGIC: u64 = u64::from_le_bytes(*b"PRESNCE\x01");
/// Bumped whenever anything below (or the hash/codec) changes meaning.
pub const LAYOUT_VERSION: u32 = 5;
/// Written last during initialisation: a file without it was never finished.
pub const READY: u32 = 0x5245_4459;
pub const HEADER_SIZE: u64 = 4096;
/// "No index" in every link field.
pub const NIL: u32 = u32::MAX;
/// Payload bytes of one chunk.
pub const CHUNK_SIZE: usize = 128;
pub const ROOM_NAME_BYTES: usize = 192;
/// `used` value of a live record; anything else is free.
pub const USED: u32 = 0x4C49_5645;
pub const MIN_SEGMENT: u64 = 256 * 1024;
/// Largest supported segment: a rebuild after a crash (O(size), under the lock) must finish well
/// within the 2 s lock timeout; see the README's measurements.
pub const MAX_SEGMENT: u64 = 1 << 30;
/// Room versions stay below this (2^53), so JavaScript's numbers hold them exactly.
pub const MAX_VERSION: u64 = 1 << 53;
/// `EntryRec::flags`: the client id starts with `_` (a reserved entry, left out of listings).
pub const FLAG_RESERVED: u32 = 1;
/// `EntryRec::flags`: written by a write that may not evict (`$may_evict = false`); such an
/// entry is in the low write-order list, evicted before any other live entry.
pub const FLAG_LOW: u32 = 2;
/// Most revocation slots, whatever the segment's size (512 KiB of them).
pub const MAX_REVOCATION_SLOTS: u32 = 1 << 16;

/// The part of the header every process validates before using the segment.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Size of the whole file in bytes.
    pub total_size: u64,
    /// Number of entry records.
    pub entry_capacity: u32,
    /// Number of entry hash buckets (a power of two).
    pub entry_buckets: u32,
    /// Number of room records.
    pub room_capacity: u32,
    /// Number of room hash buckets (a power of two).
    pub room_buckets: u32,
    /// Number of chunks.
    pub chunk_count: u32,
    /// Number of revocation slots (a power of two).
    pub revocation_slots: u32,
    pub entries_off: u64,
    pub entry_buckets_off: u64,
    /// Heads of the per-user lists (as many as entry buckets).
    pub user_buckets_off: u64,
    pub rooms_off: u64,
    pub room_names_off: u64,
    pub room_buckets_off: u64,
    pub chunk_next_off: u64,
    pub chunks_off: u64,
    /// The live lane's revocation slots, only ever reached with atomic operations (no lock).
    pub revocations_off: u64,
}

/// Mutable bookkeeping, only read or written while holding the segment lock.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Entry records in use.
    pub live_entries: u32,
    /// Room records in use.
    pub live_rooms: u32,
    /// Head of the free entry list (linked through `EntryRec::hash_next`).
    pub free_entry_head: u32,
    /// Head of the free room list (linked through `RoomRec::hash_next`).
    pub free_room_head: u32,
    /// Head of the free chunk list (linked through `chunk_next`).
    pub free_chunk_head: u32,
    /// Length of the free chunk list.
    pub free_chunks: u32,
    /// Least recently written entry of the main write-order list (evicted after the low list).
    pub lru_head: u32,
    /// Most recently written entry of the main list.
    pub lru_tail: u32,
    /// Least recently written entry of the low write-order list (entries with [`FLAG_LOW`]),
    /// the first live entry evicted.
    pub low_head: u32,
    /// Most recently written entry of the low list.
    pub low_tail: u32,
    /// Next entry index the piggybacked expiry sweep looks at.
    pub sweep_cursor: u32,
    /// 1 while a holder is mid-operation; found set on acquire, it means the holder died or
    /// panicked and the table must be rebuilt.
    pub in_progress: u32,
    /// 1 once another process replaced this file (set under the lock, before the rename): every
    /// holder that finds it set re-attaches to the file now at the path instead of writing here.
    pub retired: u32,
    pub _pad: u32,
    /// Source of room versions: incremented on every membership or state change. Starts at the
    /// creation time in µs (above any version an earlier file at the path handed out).
    pub version_clock: u64,
    /// No live entry expires before this (µs): a lower bound, lowered by every write and raised
    /// when the sweep completes a pass. Eviction skips the search for expired entries while
    /// `now` is below it.
    pub expiry_floor: u64,
    /// Lowest expiry the sweep has seen (or a write has set) since its cursor last passed 0;
    /// becomes `expiry_floor` when the cursor wraps.
    pub sweep_floor: u64,
    /// The latest wall-clock time (µs) a lock holder saw: a holder that sees an earlier one (the
    /// clock stepped back) caps every expiry at `now + TTL`.
    pub clock_high_us: u64,
    /// Entries removed because their TTL passed.
    pub evicted_expired: u64,
    /// Live entries evicted (least recently written first) to make space.
    pub evicted_lru: u64,
    /// Writes refused because nothing more could be evicted.
    pub rejected_full: u64,
    /// Times a process found the lock owner dead and repaired the table.
    pub lock_recoveries: u64,
    /// Times the table was rebuilt because an inconsistency was found.
    pub repairs: u64,
    /// Times a write in need of space searched the whole table for an expired entry and found
    /// none (the cost of proving that nothing expired remains before a live entry is evicted).
    pub full_sweeps: u64,
    /// Test builds only: live evictions made while an expired entry was still stored (always 0;
    /// the chaos test checks it across processes).
    pub audit_live_evicted_with_expired: u64,
}

/// The segment's SipHash key, chosen at random when the file is created and never changed: the
/// bucket of a name cannot be computed without it (see `hash.rs`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashKey {
    pub k0: u64,
    pub k1: u64,
}

/// The live lane's secret, chosen at random when the file is created and never changed: tokens
/// signed with it stop working when the file is replaced.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveSecret(pub [u8; 32]);

/// Space for the process-shared robust mutex (`pthread_mutex_t` is 40 bytes on glibc x86_64/arm64).
#[repr(C, align(64))]
pub struct LockSpace(pub [u8; 64]);

#[repr(C)]
pub struct Header {
    /// [`MAGIC`].
    pub magic: u64,
    /// [`LAYOUT_VERSION`].
    pub layout_version: u32,
    /// [`READY`] once initialisation finished.
    pub ready: u32,
    /// Must equal [`Geometry::for_size`] of the file's size.
    pub geometry: Geometry,
    /// Written once, before the ready mark; every process copies it at attach.
    pub hash_key: HashKey,
    /// Written once, before the ready mark; every process copies it at attach.
    pub live_secret: LiveSecret,
    /// The segment lock (a `pthread_mutex_t`, process-shared and robust).
    pub lock: LockSpace,
    /// Guarded by `lock`.
    pub counters: Counters,
}

/// One presence entry. Free records have `used != USED` and are linked through `hash_next`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRec {
    /// [`USED`] when live.
    pub used: u32,
    /// Index of its room record.
    pub room: u32,
    /// `HashKey::entry` of (room hash, client id), under the segment's key.
    pub key_hash: u64,
    /// WordPress user id (0 for none).
    pub user_id: u64,
    /// Last write, µs since the epoch.
    pub updated_us: u64,
    /// Expiry, µs since the epoch; never more than `ttl_secs` after `updated_us`, and lowered to
    /// `now + ttl_secs` when found further ahead (the wall clock stepped back).
    pub expires_us: u64,
    /// Next entry in the same hash bucket; next free record when free.
    pub hash_next: u32,
    /// Neighbours in the room list (newest first).
    pub room_prev: u32,
    pub room_next: u32,
    /// Neighbours in the write-order list (least recent at the head).
    pub lru_prev: u32,
    pub lru_next: u32,
    /// First chunk of the content chain: client id bytes, then state bytes.
    pub first_chunk: u32,
    /// Length of the client id, 1..=MAX_KEY_BYTES.
    pub client_len: u32,
    /// Length of the encoded state.
    pub state_len: u32,
    /// `hash::content_checksum` of user id, client id and state.
    pub checksum: u64,
    /// Neighbours in the list of its user bucket (entries whose user id hashes alike).
    pub user_prev: u32,
    pub user_next: u32,
    /// The TTL it was written with, 1..=86400 seconds.
    pub ttl_secs: u32,
    /// [`FLAG_RESERVED`] (always equal to the client id starting with `_`) and [`FLAG_LOW`].
    pub flags: u32,
}

/// One room. Free records have `used != USED` and are linked through `hash_next`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomRec {
    /// [`USED`] when live.
    pub used: u32,
    /// Length of the name in the room-names section, 1..=MAX_KEY_BYTES.
    pub name_len: u32,
    /// `HashKey::room` of the name, under the segment's key.
    pub name_hash: u64,
    /// Value of `version_clock` at the last membership or state change.
    pub version: u64,
    /// Newest and oldest entry of the room.
    pub head: u32,
    pub tail: u32,
    /// Entries in the room.
    pub count: u32,
    /// Next room in the same hash bucket; next free record when free.
    pub hash_next: u32,
    /// The count of client ids with the count prefix, as the last exchange or leave that passed
    /// one left it (0 for a new room).
    pub tally: u32,
    pub _pad: u32,
    /// No entry of the room expires before this (µs): a lower bound, lowered by every write
    /// and set exactly by every walk of the room. A write into the room walks it first (removing
    /// what expired) only once now has reached it.
    pub expiry_floor: u64,
}

impl EntryRec {
    pub const FREE: EntryRec = EntryRec {
        used: 0,
        room: NIL,
        key_hash: 0,
        user_id: 0,
        updated_us: 0,
        expires_us: 0,
        hash_next: NIL,
        room_prev: NIL,
        room_next: NIL,
        lru_prev: NIL,
        lru_next: NIL,
        first_chunk: NIL,
        client_len: 0,
        state_len: 0,
        checksum: 0,
        user_prev: NIL,
        user_next: NIL,
        ttl_secs: 0,
        flags: 0,
    };

    pub fn content_len(&self) -> usize {
        self.client_len as usize + self.state_len as usize
    }

    /// The content length if both lengths are within the layout's limits, `None` for a damaged
    /// record: checked before any read, so a corrupt length never drives an allocation or a walk.
    pub fn checked_content_len(&self) -> Option<usize> {
        (self.client_len as usize <= MAX_KEY_BYTES && self.state_len as usize <= MAX_STATE_LIMIT)
            .then(|| self.content_len())
    }

    /// The TTL in µs.
    pub fn ttl_us(&self) -> u64 {
        u64::from(self.ttl_secs) * 1_000_000
    }

    pub fn is_reserved(&self) -> bool {
        self.flags & FLAG_RESERVED != 0
    }

    pub fn is_low(&self) -> bool {
        self.flags & FLAG_LOW != 0
    }
}

impl RoomRec {
    pub const FREE: RoomRec = RoomRec {
        used: 0,
        name_len: 0,
        name_hash: 0,
        version: 0,
        head: NIL,
        tail: NIL,
        count: 0,
        hash_next: NIL,
        tally: 0,
        _pad: 0,
        expiry_floor: u64::MAX,
    };
}

/// Chunks needed to hold `len` content bytes (at least one).
pub fn chunks_for(len: usize) -> usize {
    len.div_ceil(CHUNK_SIZE).max(1)
}

/// Bytes of segment budgeted per entry when sizing: its record, its share of buckets (entry and
/// user) and rooms (one room per four entries, with its bucket and revocation slot), and three
/// chunks of content (a typical heartbeat state).
const BUDGET_PER_ENTRY: u64 = 96 + 16 + (56 + 192 + 8 + 8) / 4 + 3 * (CHUNK_SIZE as u64 + 4);

fn align64(v: u64) -> u64 {
    (v + 63) & !63
}

impl Geometry {
    /// The geometry of a segment of `total_size` bytes, or `None` outside the supported sizes.
    pub fn for_size(total_size: u64) -> Option<Geometry> {
        if !(MIN_SEGMENT..=MAX_SEGMENT).contains(&total_size) {
            return None;
        }
        let entry_capacity = ((total_size - HEADER_SIZE) / BUDGET_PER_ENTRY).min(u64::from(NIL) / 2) as u32;
        let entry_buckets = entry_capacity.next_power_of_two();
        let room_capacity = (entry_capacity / 4).max(16);
        let room_buckets = room_capacity.next_power_of_two();
        let revocation_slots = room_buckets.min(MAX_REVOCATION_SLOTS);
        let entries_off = align64(HEADER_SIZE);
        let entry_buckets_off = align64(entries_off + u64::from(entry_capacity) * size_of::<EntryRec>() as u64);
        let user_buckets_off = align64(entry_buckets_off + u64::from(entry_buckets) * 4);
        let rooms_off = align64(user_buckets_off + u64::from(entry_buckets) * 4);
        let room_names_off = align64(rooms_off + u64::from(room_capacity) * size_of::<RoomRec>() as u64);
        let room_buckets_off = align64(room_names_off + u64::from(room_capacity) * ROOM_NAME_BYTES as u64);
        let revocations_off = align64(room_buckets_off + u64::from(room_buckets) * 4);
        let chunk_next_off = align64(revocations_off + u64::from(revocation_slots) * 8);
        let left = total_size.checked_sub(chunk_next_off)?;
        let chunk_count = ((left.saturating_sub(64)) / (CHUNK_SIZE as u64 + 4)).min(u64::from(NIL) - 1) as u32;
        let chunks_off = align64(chunk_next_off + u64::from(chunk_count) * 4);
        let g = Geometry {
            total_size,
            entry_capacity,
            entry_buckets,
            room_capacity,
            room_buckets,
            chunk_count,
            revocation_slots,
            entries_off,
            entry_buckets_off,
            user_buckets_off,
            rooms_off,
            room_names_off,
            room_buckets_off,
            chunk_next_off,
            chunks_off,
            revocations_off,
        };
        (g.end_of_chunks() <= total_size && chunk_count >= entry_capacity).then_some(g)
    }

    pub fn end_of_chunks(&self) -> u64 {
        self.chunks_off + u64::from(self.chunk_count) * CHUNK_SIZE as u64
    }
}

// Compile-time layout checks: a change here is a change of LAYOUT_VERSION.
const _: () = assert!(size_of::<EntryRec>() == 96 && align_of::<EntryRec>() == 8);
const _: () = assert!(size_of::<RoomRec>() == 56 && align_of::<RoomRec>() == 8);
const _: () = assert!(size_of::<Geometry>() == 104);
const _: () = assert!(size_of::<Counters>() == 144);
const _: () = assert!(size_of::<HashKey>() == 16);
const _: () = assert!(size_of::<LiveSecret>() == crate::store::live::SECRET_BYTES);
const _: () = assert!(size_of::<Header>() as u64 <= HEADER_SIZE);
const _: () = assert!(size_of::<libc::pthread_mutex_t>() <= size_of::<LockSpace>());
const _: () = assert!(align_of::<libc::pthread_mutex_t>() <= align_of::<LockSpace>());
const _: () = assert!(std::mem::offset_of!(Header, lock) % 64 == 0);
const _: () = assert!(ROOM_NAME_BYTES > MAX_KEY_BYTES);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_fits_and_is_deterministic() {
        for size in [MIN_SEGMENT, 1 << 20, 32 << 20, (32 << 20) + 7, 600 << 20, MAX_SEGMENT] {
            let g = Geometry::for_size(size).expect("supported size");
            assert_eq!(Some(g), Geometry::for_size(size));
            assert!(g.end_of_chunks() <= size);
            assert!(g.entry_buckets.is_power_of_two() && g.entry_buckets >= g.entry_capacity);
            assert!(g.chunk_count >= g.entry_capacity);
            assert_eq!(g.chunks_off % 64, 0);
            assert!(g.revocation_slots.is_power_of_two() && g.revocation_slots <= MAX_REVOCATION_SLOTS);
            assert!(
                g.revocations_off.is_multiple_of(64)
                    && g.revocations_off + u64::from(g.revocation_slots) * 8 <= g.chunk_next_off
            );
        }
        assert!(Geometry::for_size(MIN_SEGMENT - 1).is_none());
        let g = Geometry::for_size(32 << 20).unwrap();
        assert!(g.entry_capacity > 50_000, "32 MiB holds {} entries", g.entry_capacity);
    }
}
