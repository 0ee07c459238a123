//! presence: real-time presence for WordPress, kept in one shared-memory table that every PHP
//! process of the machine sees, or in Redis for sites served by several machines.
//!
//! - [`store`]: the core (no PHP types, `cargo test` alone): the [`store::PresenceStore`] trait
//!   and its two backends, [`store::ShmStore`] (one shared-memory segment per machine) and
//!   [`store::RedisStore`]; the checked input types it takes ([`store::Room`],
//!   [`store::EncodedState`] …), the [`store::Stats`] and [`store::StoreError`] it answers with,
//!   the settings resolved into a [`store::Config`], the state encoding, [`store::codec`], and
//!   the live lane's tokens, [`store::live`].
//! - `php` (feature `php`, on by default): the extension — `presence_*` functions, ini settings,
//!   `php --ri presence`. The only module that imports `ext_php_rs`.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod store;

#[cfg(feature = "php")]
mod php;
