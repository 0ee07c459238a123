//! The `presence_*` functions. Each one validates and converts its arguments, makes one call into
//! the store, and converts the result: no store logic lives here.

use std::sync::OnceLock;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::error::php_error;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::flags::ErrorType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::{opt_array, opt_int, ArrayArg, IntArg, StrArg};

use super::convert::{encode_state, entries_to_array, StateError};
use super::errors::Sig;
use super::ini::Settings;
use crate::store::codec::CodecError;
use crate::store::{validate_seconds, validate_user_id, PresenceStore, RedisStore, ShmStore, Stats, SystemClock};

/// The backend `presence.backend` chose.
pub enum Store {
    Shm(ShmStore),
    Redis(Box<RedisStore>),
}

impl std::ops::Deref for Store {
    type Target = dyn PresenceStore;
    fn deref(&self) -> &Self::Target {
        match self {
            Store::Shm(s) => s,
            Store::Redis(r) => r.as_ref(),
        }
    }
}

impl Store {
    /// Largest encoded state the backend accepts.
    pub fn max_state_bytes(&self) -> usize {
        match self {
            Store::Shm(s) => s.config().max_state_bytes,
            Store::Redis(r) => r.config().max_state_bytes,
        }
    }
}

/// This process's settings and store, created on first use.
pub struct Global {
    pub settings: Settings,
    pub store: Store,
}

static GLOBAL: OnceLock<Global> = OnceLock::new();
static INI_WARNED: std::sync::Once = std::sync::Once::new();

pub fn global() -> &'static Global {
    let g = GLOBAL.get_or_init(|| {
        let settings = Settings::from_ini();
        // Redis: no clock given, the server's decides (one clock for every machine of a fleet).
        let store = match &settings.redis {
            Some(cfg) => Store::Redis(Box::new(RedisStore::new(cfg.clone(), None))),
            None => Store::Shm(ShmStore::new(settings.shm.clone(), std::sync::Arc::new(SystemClock)).on_warning(warn)),
        };
        Global { settings, store }
    });
    // Outside get_or_init: an error handler that calls presence_* again must find it done.
    let mut first = false;
    INI_WARNED.call_once(|| first = true);
    if first {
        for w in &g.settings.warnings {
            warn(w);
        }
    }
    g
}

/// An `E_WARNING` from the running presence_* function (the store calls it with no lock held).
fn warn(message: &str) {
    php_error(&ErrorType::Warning, message);
}

fn seconds(sig: &Sig, argument: &'static str, v: Option<IntArg>) -> PhpResult<Option<u32>> {
    opt_int(&v, sig, argument)?.map(|v| validate_seconds(argument, v).or_else(|e| sig.fail(e, 0))).transpose()
}

fn user(sig: &Sig, v: IntArg) -> PhpResult<u64> {
    let v = v.get(sig, "user_id", "int")?;
    validate_user_id("user_id", v).or_else(|e| sig.fail(e, 0))
}

fn limit(sig: &Sig, v: Option<IntArg>) -> PhpResult<Option<usize>> {
    match opt_int(&v, sig, "limit")? {
        Some(n) if n < 1 => Err(sig.value_error("limit", format!("must be 1 or greater, got {n}"))),
        Some(n) => Ok(Some(n as usize)),
        None => Ok(None),
    }
}

const UPSERT: Sig = Sig { name: "presence_upsert", params: &["room", "client_id", "state", "user_id", "ttl"] };

/// Inserts or replaces the entry `($room, $client_id)` and refreshes its expiry.
#[php_function]
#[php(defaults(user_id = 0))]
pub fn presence_upsert(
    room: StrArg,
    client_id: StrArg,
    state: Option<ArrayArg>,
    user_id: IntArg,
    ttl: Option<IntArg>,
) -> PhpResult<bool> {
    let sig = &UPSERT;
    let room = room.key(sig, "room")?;
    let client_id = client_id.key(sig, "client_id")?;
    let user_id = user(sig, user_id)?;
    let g = global();
    let ttl = seconds(sig, "ttl", ttl)?.unwrap_or(g.settings.default_ttl);
    let limit = g.store.max_state_bytes();
    let state = opt_array(&state, sig, "state")?;
    let bytes = encode_state(state, limit).map_err(|e| match e {
        StateError::Type { found, path } => sig.type_error(
            "state",
            format!("must contain only arrays, strings, ints, floats, bools and null; found {found} at {path}"),
        ),
        StateError::Codec(CodecError::TooLarge { .. }) => {
            sig.value_error("state", format!("is larger than presence.max_state_bytes ({limit} bytes) when encoded"))
        }
        StateError::Codec(c) => sig.value_error("state", c),
    })?;
    match g.store.upsert(room, client_id, &bytes, user_id, ttl) {
        Ok(_) => Ok(true),
        Err(e) => sig.fail(e, false),
    }
}

const ROOM: Sig = Sig { name: "presence_room", params: &["room", "max_age", "limit"] };

/// Live entries of a room, newest first.
#[php_function]
pub fn presence_room(room: StrArg, max_age: Option<IntArg>, limit: Option<IntArg>) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &ROOM;
    let room = room.key(sig, "room")?;
    let max_age = seconds(sig, "max_age", max_age)?;
    let limit = self::limit(sig, limit)?;
    match global().store.room(room, max_age, limit) {
        Ok(list) => Ok(entries_to_array(&list)),
        Err(e) => sig.fail(e, ZendHashTable::new()),
    }
}

const ROOM_COUNT: Sig = Sig { name: "presence_room_count", params: &["room", "max_age"] };

/// Number of live entries in a room.
#[php_function]
pub fn presence_room_count(room: StrArg, max_age: Option<IntArg>) -> PhpResult<i64> {
    let sig = &ROOM_COUNT;
    let room = room.key(sig, "room")?;
    let max_age = seconds(sig, "max_age", max_age)?;
    global().store.room_count(room, max_age).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const REMOVE: Sig = Sig { name: "presence_remove", params: &["room", "client_id"] };

/// Removes one entry; true when it existed.
#[php_function]
pub fn presence_remove(room: StrArg, client_id: StrArg) -> PhpResult<bool> {
    let sig = &REMOVE;
    let room = room.key(sig, "room")?;
    let client_id = client_id.key(sig, "client_id")?;
    global().store.remove(room, client_id).or_else(|e| sig.fail(e, false))
}

const REMOVE_USER: Sig = Sig { name: "presence_remove_user", params: &["user_id", "room_prefix"] };

/// Removes every entry of a user in rooms starting with `$room_prefix`; returns how many.
#[php_function]
#[php(defaults(room_prefix = "\"\""))]
pub fn presence_remove_user(user_id: IntArg, room_prefix: StrArg) -> PhpResult<i64> {
    let sig = &REMOVE_USER;
    let user_id = user(sig, user_id)?;
    let prefix = room_prefix.prefix(sig, "room_prefix")?;
    global().store.remove_user(user_id, prefix).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const USER: Sig = Sig { name: "presence_user", params: &["user_id", "max_age"] };

/// Every live entry of a user, newest first.
#[php_function]
pub fn presence_user(user_id: IntArg, max_age: Option<IntArg>) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &USER;
    let user_id = user(sig, user_id)?;
    let max_age = seconds(sig, "max_age", max_age)?;
    match global().store.user(user_id, max_age) {
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
    let max_age = seconds(sig, "max_age", max_age)?;
    let rooms = match global().store.rooms(prefix, max_age) {
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
    let room = room.key(sig, "room")?;
    global().store.room_version(room).map(|v| v as i64).or_else(|e| sig.fail(e, 0))
}

const GC: Sig = Sig { name: "presence_gc", params: &[] };

/// Removes expired entries now; returns how many.
#[php_function]
pub fn presence_gc() -> PhpResult<i64> {
    global().store.gc().map(|n| n as i64).or_else(|e| GC.fail(e, 0))
}

const FLUSH: Sig = Sig { name: "presence_flush", params: &["prefix"] };

/// Removes every entry of rooms starting with `$prefix` (all entries when empty); returns how many.
#[php_function]
#[php(defaults(prefix = "\"\""))]
pub fn presence_flush(prefix: StrArg) -> PhpResult<i64> {
    let sig = &FLUSH;
    let prefix = prefix.prefix(sig, "prefix")?;
    global().store.flush(prefix).map(|n| n as i64).or_else(|e| sig.fail(e, 0))
}

const STATS: Sig = Sig { name: "presence_stats", params: &[] };

/// Capacity, usage, evictions, lock recoveries and settings of the store.
#[php_function]
pub fn presence_stats() -> PhpResult<ZBox<ZendHashTable>> {
    let g = global();
    let stats = match g.store.stats() {
        Ok(s) => s,
        Err(e) => return STATS.fail(e, ZendHashTable::new()),
    };
    Ok(stats_array(&stats, g))
}

pub fn stats_array(s: &Stats, g: &Global) -> ZBox<ZendHashTable> {
    let settings = &g.settings;
    let mut a = ZendHashTable::new();
    let mut evictions = ZendHashTable::with_capacity(2);
    let _ = evictions.insert("expired", s.evicted_expired as i64);
    let _ = evictions.insert("lru", s.evicted_lru as i64);
    let rows: [(&str, i64); 11] = [
        ("capacity", s.capacity as i64),
        ("live_entries", s.live_entries as i64),
        ("rooms", s.rooms as i64),
        ("room_capacity", s.room_capacity as i64),
        ("bytes_used", s.bytes_used as i64),
        ("bytes_total", s.bytes_total as i64),
        ("rejected_full", s.rejected_full as i64),
        ("lock_recoveries", s.lock_recoveries as i64),
        ("repairs", s.repairs as i64),
        ("layout_version", i64::from(s.layout_version)),
        ("default_ttl", i64::from(settings.default_ttl)),
    ];
    for (k, v) in rows {
        let _ = a.insert(k, v);
    }
    let _ = a.insert("max_state_bytes", g.store.max_state_bytes() as i64);
    let _ = a.insert("evictions", evictions);
    let _ = a.insert("backend", s.backend);
    match &g.store {
        Store::Shm(_) => {
            let _ = a.insert("segment_path", s.path.as_str());
        }
        Store::Redis(r) => {
            let _ = a.insert("server", s.path.as_str());
            let _ = a.insert("server_version", r.server_version().unwrap_or_default());
            let _ = a.insert("key_prefix", r.config().key_prefix.as_str());
            let _ = a.insert("round_trips", r.round_trips() as i64);
            let _ = a.insert("connects", r.connects() as i64);
        }
    }
    a
}

/// Adds every function above to the module (called by the module builder in `mod.rs`).
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
