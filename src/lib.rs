//! presence: real-time presence for WordPress, kept in one shared-memory table that every PHP
//! process of the machine sees, or in Redis for sites served by several machines.
//!
//! - [`store`]: the core (no PHP types): [`store::PresenceStore`], [`store::ShmStore`],
//!   [`store::RedisStore`], [`store::codec`].
//! - `php` (feature `php`, on by default): the extension — `presence_*` functions, ini settings,
//!   `php --ri presence`. The only module that imports `ext_php_rs`.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod store;

#[cfg(feature = "php")]
mod php;
