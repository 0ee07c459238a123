//! The presence store core: plain Rust (std, libc, siphasher, ring for the live lane's tokens,
//! and redis-rs for the Redis backend), no PHP types, tested by `cargo test` alone.
//!
//! - [`PresenceStore`] is the seam every backend implements; [`ShmStore`] (in `shm/`) is the
//!   shared-memory one, one table per `presence.shm_path` for every process of the machine;
//!   [`RedisStore`] (in `redis/`) keeps the entries in Redis, for sites served by several machines.
//! - The trait takes only checked input ([`Room`], [`ClientId`], [`Prefix`], [`ClientPrefix`],
//!   [`CountPrefix`], [`Ttl`], [`MaxAge`], [`Limit`], [`UserId`], [`WrittenAt`],
//!   [`EncodedState`], gathered in an [`Upsert`] or a [`Read`]; a [`Grant`] for the live lane),
//!   and answers with [`EntryList`], [`RoomSummary`], [`Written`], [`Exchanged`], [`Left`],
//!   [`PollAnswer`], [`Stats`], or a [`StoreError`].
//! - [`live`] signs and checks the live lane's tokens with a secret each backend keeps.
//! - [`Config`] is resolved from the settings' text (php.ini), with the warnings to raise.
//! - [`codec`] encodes a state (a PHP array) to bytes before any backend sees it, and back.
//! - [`Clock`] is the time source ([`SystemClock`], or [`ManualClock`] in tests).
//!
//! Shared by every backend, in this folder: `input` (checked input types), `entries` (entries
//! as read), `base64url` → `live` (tokens) → `api` (trait and values), `stats`, `error`, `codec`,
//! `clock`, `config` (settings). One folder per backend, each
//! using only what is above: `shm/` (see its `mod.rs` for its layers) and `redis/`: `target`
//! (the URL) → `connection` (one per process, timeouts, back-off) → `keys` (layout, hash tags)
//! and `scripts` (the Lua in `lua/`) → `mod.rs` (the backend).

mod api;
mod base64url;
mod clock;
pub mod codec;
mod config;
mod entries;
mod error;
mod input;
pub mod live;
pub mod redis;
pub mod shm;
mod stats;

pub use self::redis::{LinkState, RedisConfig, RedisStore};
pub use api::{Exchanged, Left, PresenceStore, Read, RoomAnswer, RoomSummary, Upsert, Written};
pub use clock::{format_gmt, format_gmt_bytes, Clock, ManualClock, SystemClock};
pub use config::{BackendConfig, Config, Setting, SETTINGS};
pub use entries::{Entry, EntryList};
pub use error::{Result, StoreError};
pub use input::{
    is_reserved, ClientId, ClientPrefix, CountPrefix, EncodedState, Limit, MaxAge, Prefix, Room, Ttl, UserId,
    WrittenAt, MAX_KEY_BYTES, MAX_SECONDS, MAX_STATE_LIMIT,
};
pub use live::{Grant, PollAnswer, Refusal, Scope};
pub use shm::{Segment, ShmConfig, ShmStore};
pub use stats::{BackendStats, RedisStats, ShmStats, Stats};
