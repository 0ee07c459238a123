//! The presence store core: plain Rust (std + libc), no PHP types, tested by `cargo test` alone.
//!
//! - [`PresenceStore`] is the seam every backend implements; [`ShmStore`] is the shared-memory
//!   one, one table per `presence.shm_path` for every process of the machine.
//! - [`codec`] encodes a state (a PHP array) to bytes before the lock and back after it.
//! - [`Clock`] is the time source ([`SystemClock`], or [`ManualClock`] in tests).
//!
//! Files by layer: `layout` (binary format) → `segment` (file, mapping, bounds-checked access) and
//! `lock` (robust process-shared mutex) → `table` (rooms, upsert, eviction) with `content` (chunk
//! chains) and `lists` (linked lists, hash chains), `query` (reads and scans), `repair` (reset and
//! rebuild after a crash), `check` (invariants) → `shm` (the backend) → `api` (trait, results,
//! validation).

mod api;
mod check;
mod clock;
pub mod codec;
mod content;
mod error;
mod hash;
pub mod layout;
mod lists;
mod lock;
mod query;
mod repair;
mod segment;
mod shm;
mod table;

pub use api::{
    validate_key, validate_prefix, validate_seconds, validate_user_id, Entry, EntryList, PresenceStore, RoomSummary,
    Stats, MAX_SECONDS,
};
pub use clock::{format_gmt, format_gmt_bytes, Clock, ManualClock, SystemClock};
pub use error::{Result, StoreError};
pub use segment::Segment;
pub use shm::{ShmConfig, ShmStore};
pub use table::Written;
/// The segment layout version, for display.
pub const LAYOUT_VERSION_INFO: u32 = layout::LAYOUT_VERSION;
