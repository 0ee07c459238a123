//! The `presence_*` functions. Each one converts its arguments into the store's checked input
//! types, makes one call into the store, and converts the result: no store logic lives here.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::{opt_array, opt_checked, ArrayArg, BoolArg, FloatArg, IntArg, StrArg};
use super::convert::{encode_state, entries_to_array, StateError};
use super::errors::Sig;
use super::process;
use super::stats::stats_array;
use crate::store::codec::CodecError;
use crate::store::{EncodedState, Limit, MaxAge, Read, Ttl, Upsert, UserId, WrittenAt};

pub(super) fn max_age(sig: &Sig, v: Option<IntArg>) -> PhpResult<Option<MaxAge>> {
    opt_checked(&v, sig, "max_age", MaxAge::new)
}

pub(super) fn user(sig: &Sig, v: &IntArg) -> PhpResult<UserId> {
    sig.checked(UserId::new(v.get(sig, "user_id", "int")?))
}

/// `$state` encoded (into `buf`, which the checked state borrows) within the configured limit.
pub(super) fn state<'b>(sig: &Sig, state: &Option<ArrayArg<'_>>, buf: &'b mut Vec<u8>) -> PhpResult<EncodedState<'b>> {
    let limit = process::get().config.max_state_bytes;
    let state = opt_array(state, sig, "state")?;
    *buf = encode_state(state, limit).map_err(|e| match e {
        StateError::Type { found, path } => sig.type_error(
            "state",
            format!("must contain only arrays, strings, ints, floats, bools and null; found {found} at {path}"),
        ),
        StateError::Codec(CodecError::TooLarge { .. }) => sig.exception(EncodedState::too_large(limit)),
        StateError::Codec(c) => sig.value_error("state", c),
    })?;
    sig.checked(EncodedState::new(buf, limit))
}

/// `$written_at`: null for now, else a finite time in seconds, 0 or later.
pub(super) fn written_at(sig: &Sig, v: &Option<FloatArg>) -> PhpResult<Option<WrittenAt>> {
    v.as_ref().map(|f| sig.checked(WrittenAt::new("written_at", f.get(sig, "written_at", "?float")?))).transpose()
}

/// The arguments a write takes (`presence_upsert()`, `presence_exchange()`), checked in the
/// order of their positions.
pub(super) struct WriteArgs<'a> {
    pub room: StrArg<'a>,
    pub client_id: StrArg<'a>,
    pub state: Option<ArrayArg<'a>>,
    pub user_id: IntArg,
    pub ttl: Option<IntArg>,
    pub written_at: Option<FloatArg>,
    pub may_evict: BoolArg,
}

impl<'a> WriteArgs<'a> {
    /// Checks every argument but the state (into `buf`), which the write then borrows.
    pub fn checked<'s>(&'s self, sig: &Sig, buf: &'s mut Vec<u8>) -> PhpResult<Upsert<'s>> {
        let room = self.room.room(sig)?;
        let client_id = self.client_id.client_id(sig)?;
        let user_id = user(sig, &self.user_id)?;
        let ttl = opt_checked(&self.ttl, sig, "ttl", Ttl::new)?.unwrap_or(process::get().config.default_ttl);
        let state = state(sig, &self.state, buf)?;
        let mut w = Upsert::new(room, client_id, state, user_id, ttl);
        w.written_at = written_at(sig, &self.written_at)?;
        w.may_evict = self.may_evict.get(sig, "may_evict")?;
        Ok(w)
    }
}

const UPSERT: Sig = Sig {
    name: "presence_upsert",
    params: &["room", "client_id", "state", "user_id", "ttl", "written_at", "may_evict"],
};

/// Inserts or replaces the entry `($room, $client_id)` and refreshes its expiry.
#[php_function]
#[php(defaults(user_id = 0, may_evict = true))]
pub fn presence_upsert(
    room: StrArg,
    client_id: StrArg,
    state: Option<ArrayArg>,
    user_id: IntArg,
    ttl: Option<IntArg>,
    written_at: Option<FloatArg>,
    may_evict: BoolArg,
) -> PhpResult<bool> {
    let sig = &UPSERT;
    let args = WriteArgs { room, client_id, state, user_id, ttl, written_at, may_evict };
    let mut buf = Vec::new();
    let w = args.checked(sig, &mut buf)?;
    match process::get().store.upsert(&w) {
        Ok(_) => Ok(true),
        Err(e) => sig.fail(e, false),
    }
}

const ROOM: Sig = Sig { name: "presence_room", params: &["room", "max_age", "limit", "client_prefix"] };

/// Live entries of a room, newest first.
#[php_function]
#[php(defaults(client_prefix = "\"\""))]
pub fn presence_room(
    room: StrArg,
    max_age: Option<IntArg>,
    limit: Option<IntArg>,
    client_prefix: StrArg,
) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &ROOM;
    let room = room.room(sig)?;
    let max_age = self::max_age(sig, max_age)?;
    let limit = opt_checked(&limit, sig, "limit", Limit::new)?;
    let clients = client_prefix.client_prefix(sig)?;
    match process::get().store.room(room, &Read { max_age, limit, clients }) {
        Ok(list) => Ok(entries_to_array(&list)),
        Err(e) => sig.fail(e, ZendHashTable::new()),
    }
}

const ROOM_COUNT: Sig = Sig { name: "presence_room_count", params: &["room", "max_age", "client_prefix"] };

/// Number of live entries in a room.
#[php_function]
#[php(defaults(client_prefix = "\"\""))]
pub fn presence_room_count(room: StrArg, max_age: Option<IntArg>, client_prefix: StrArg) -> PhpResult<i64> {
    let sig = &ROOM_COUNT;
    let room = room.room(sig)?;
    let max_age = self::max_age(sig, max_age)?;
    let clients = client_prefix.client_prefix(sig)?;
    process::get().store.room_count(room, max_age, clients).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const REMOVE: Sig = Sig { name: "presence_remove", params: &["room", "client_id"] };

/// Removes one entry; true when it existed.
#[php_function]
pub fn presence_remove(room: StrArg, client_id: StrArg) -> PhpResult<bool> {
    let sig = &REMOVE;
    let room = room.room(sig)?;
    let client_id = client_id.client_id(sig)?;
    process::get().store.remove(room, client_id).or_else(|e| sig.fail(e, false))
}

const REMOVE_USER: Sig = Sig { name: "presence_remove_user", params: &["user_id", "room_prefix"] };

/// Removes every entry of a user in rooms starting with `$room_prefix`; returns how many.
#[php_function]
#[php(defaults(room_prefix = "\"\""))]
pub fn presence_remove_user(user_id: IntArg, room_prefix: StrArg) -> PhpResult<i64> {
    let sig = &REMOVE_USER;
    let user_id = user(sig, &user_id)?;
    let prefix = room_prefix.prefix(sig, "room_prefix")?;
    process::get().store.remove_user(user_id, prefix).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const USER: Sig = Sig { name: "presence_user", params: &["user_id", "max_age"] };

/// Every live entry of a user, newest first.
#[php_function]
pub fn presence_user(user_id: IntArg, max_age: Option<IntArg>) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &USER;
    let user_id = user(sig, &user_id)?;
    let max_age = self::max_age(sig, max_age)?;
    match process::get().store.user(user_id, max_age) {
        Ok(list) => Ok(entries_to_array(&list)),
        Err(e) => sig.fail(e, ZendHashTable::new()),
    }
}

const ROOMS: Sig = Sig { name: "presence_rooms", params: &["prefix", "max_age"] };

/// Rooms starting with `$prefix` that have live entries: room => ['entries' => int, 'users' => int].
#[php_function]
#[php(defaults(prefix = "\"\""))]
pub fn presence_rooms(prefix: StrArg, max_age: Option<IntArg>) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &ROOMS;
    let prefix = prefix.prefix(sig, "prefix")?;
    let max_age = self::max_age(sig, max_age)?;
    let rooms = match process::get().store.rooms(prefix, max_age) {
        Ok(r) => r,
        Err(e) => return sig.fail(e, ZendHashTable::new()),
    };
    let mut out = ZendHashTable::with_capacity(rooms.len() as u32);
    for r in rooms {
        let mut row = ZendHashTable::with_capacity(2);
        let _ = row.insert("entries", r.entries as i64);
        let _ = row.insert("users", r.users as i64);
        let _ = out.insert(r.room.as_str(), row);
    }
    Ok(out)
}

const VERSION: Sig = Sig { name: "presence_room_version", params: &["room"] };

/// Changes when an entry joins, leaves or changes state or user; 0 for an empty room.
#[php_function]
pub fn presence_room_version(room: StrArg) -> PhpResult<i64> {
    let sig = &VERSION;
    let room = room.room(sig)?;
    process::get().store.room_version(room).map(|v| v as i64).or_else(|e| sig.fail(e, 0))
}

const GC: Sig = Sig { name: "presence_gc", params: &[] };

/// Removes expired entries now; returns how many.
#[php_function]
pub fn presence_gc() -> PhpResult<i64> {
    process::get().store.gc().map(|n| n as i64).or_else(|e| GC.fail(e, 0))
}

const FLUSH: Sig = Sig { name: "presence_flush", params: &["prefix"] };

/// Removes every entry of rooms starting with `$prefix` (all entries when empty); returns how many.
#[php_function]
#[php(defaults(prefix = "\"\""))]
pub fn presence_flush(prefix: StrArg) -> PhpResult<i64> {
    let sig = &FLUSH;
    let prefix = prefix.prefix(sig, "prefix")?;
    process::get().store.flush(prefix).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const STATS: Sig = Sig { name: "presence_stats", params: &[] };

/// Capacity, usage, evictions, lock recoveries and settings of the store.
#[php_function]
pub fn presence_stats() -> PhpResult<ZBox<ZendHashTable>> {
    let p = process::get();
    match p.store.stats() {
        Ok(stats) => Ok(stats_array(&stats, &p.config)),
        Err(e) => STATS.fail(e, ZendHashTable::new()),
    }
}

/// Adds every function above to the module (called by the module builder in `mod.rs`, before
/// those of `exchange` and `live`: the order of php-stubs/presence.php).
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(presence_upsert))
        .function(wrap_function!(presence_room))
        .function(wrap_function!(presence_room_count))
        .function(wrap_function!(presence_remove))
        .function(wrap_function!(presence_remove_user))
        .function(wrap_function!(presence_user))
        .function(wrap_function!(presence_rooms))
        .function(wrap_function!(presence_room_version))
        .function(wrap_function!(presence_gc))
        .function(wrap_function!(presence_flush))
        .function(wrap_function!(presence_stats))
}
