//! The presence store core: plain Rust (std + libc), no PHP types, tested by `cargo test` alone.
//!
//! - [`PresenceStore`] is the seam every backend implements; [`ShmStore`] (in `shm/`) is the
//!   shared-memory one, one table per `presence.shm_path` for every process of the machine;
//!   [`RedisStore`] (in `redis/`) keeps the entries in Redis, for sites served by several machines.
//! - [`codec`] encodes a state (a PHP array) to bytes before any backend sees it, and back.
//! - [`Clock`] is the time source ([`SystemClock`], or [`ManualClock`] in tests).
//!
//! Shared by every backend, in this folder: `api` (trait, values, validation), `codec`, `clock`,
//! `error`. One folder per backend: `shm/` — `layout` (binary format) → `segment` (file, mapping,
//! bounds-checked access) and `lock` (robust process-shared mutex) → `table` (rooms, upsert,
//! eviction) with `content` (chunk chains) and `lists` (linked lists, hash chains), `query` (reads
//! and scans), `repair` (reset and rebuild after a crash), `check` (invariants) → `mod.rs` (the
//! backend). `redis/`: `target` (the URL) → `connection` (one per process, timeouts, back-off) →
//! `keys` (layout, hash tags) and `scripts` (the Lua in `lua/`) → `mod.rs` (the backend).

mod api;
mod clock;
pub mod codec;
mod error;
pub mod redis;
pub mod shm;

pub use self::redis::{LinkState, RedisConfig, RedisStore};
pub use api::{
    validate_key, validate_prefix, validate_seconds, validate_user_id, Entry, EntryList, PresenceStore, RoomSummary,
    Stats, Written, MAX_KEY_BYTES, MAX_SECONDS, MAX_STATE_LIMIT,
};
pub use clock::{format_gmt, format_gmt_bytes, Clock, ManualClock, SystemClock};
pub use error::{Result, StoreError};
pub use shm::{Segment, ShmConfig, ShmStore};
/// The segment layout version, for display.
pub const LAYOUT_VERSION_INFO: u32 = shm::layout::LAYOUT_VERSION;
