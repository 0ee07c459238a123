//! The `presence_*` functions that answer a room with a write or a removal in the same lock (or
//! script), and the reads of one entry, of rooms by prefix and of several rooms. As everywhere in the binding: the
//! arguments are checked into the store's input types, one store call, the result converted.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};

use super::args::{opt_checked, room_names, ArrayArg, BoolArg, FloatArg, IntArg, StrArg};
use super::convert::{entries_to_array, entries_to_array_with, first_entry, Caches};
use super::errors::Sig;
use super::functions::{max_age, WriteArgs};
use super::process;
use crate::store::{Limit, Read, RoomAnswer, RoomList, WrittenAt};

/// The read arguments of an exchange or a leave, checked in their order.
fn read<'a>(
    sig: &Sig,
    max_age: Option<IntArg>,
    client_prefix: &'a StrArg<'_>,
    limit: Option<IntArg>,
) -> PhpResult<Read<'a>> {
    let max_age = self::max_age(sig, max_age)?;
    let clients = client_prefix.client_prefix(sig)?;
    let limit = opt_checked(&limit, sig, "limit", Limit::new)?;
    Ok(Read { max_age, limit, clients })
}

/// `['<first key>' => …, 'version' => int, 'entries' => list, 'count' => int,
/// 'previous_count' => int]`.
fn answer(first: (&str, Zval), room: &RoomAnswer) -> Zval {
    let mut a = ZendHashTable::with_capacity(5);
    let _ = a.insert(first.0, first.1);
    let _ = a.insert("version", room.version as i64);
    let _ = a.insert("entries", entries_to_array(&room.entries));
    let _ = a.insert("count", room.count as i64);
    let _ = a.insert("previous_count", room.previous_count as i64);
    let mut z = Zval::new();
    z.set_hashtable(a);
    z
}

fn falsy() -> Zval {
    let mut z = Zval::new();
    z.set_bool(false);
    z
}

const ENTRY: Sig = Sig { name: "presence_entry", params: &["room", "client_id"] };

/// One live entry, reserved or not; null when there is none.
#[php_function]
pub fn presence_entry(room: StrArg, client_id: StrArg) -> PhpResult<Option<ZBox<ZendHashTable>>> {
    let sig = &ENTRY;
    let room = room.room(sig)?;
    let client_id = client_id.client_id(sig)?;
    match process::get().store.entry(room, client_id) {
        Ok(list) => Ok(first_entry(&list)),
        Err(e) => sig.fail(e, None),
    }
}

const EXCHANGE: Sig = Sig {
    name: "presence_exchange",
    params: &[
        "room",
        "client_id",
        "state",
        "user_id",
        "ttl",
        "written_at",
        "max_age",
        "client_prefix",
        "limit",
        "count_prefix",
        "may_evict",
    ],
};

/// Writes as presence_upsert(), then reads the room as presence_room(), in one lock (or script).
#[php_function]
#[php(defaults(user_id = 0, client_prefix = "\"\"", count_prefix = "\"\"", may_evict = true))]
// Its arguments are the PHP function's, one each, so PHP callers can name them.
#[allow(clippy::too_many_arguments)]
pub fn presence_exchange(
    room: StrArg,
    client_id: StrArg,
    state: Option<ArrayArg>,
    user_id: IntArg,
    ttl: Option<IntArg>,
    written_at: Option<FloatArg>,
    max_age: Option<IntArg>,
    client_prefix: StrArg,
    limit: Option<IntArg>,
    count_prefix: StrArg,
    may_evict: BoolArg,
) -> PhpResult<Zval> {
    let sig = &EXCHANGE;
    let args = WriteArgs { room, client_id, state, user_id, ttl, written_at, may_evict };
    let mut buf = Vec::new();
    let w = args.checked(sig, &mut buf)?;
    let read = read(sig, max_age, &client_prefix, limit)?;
    let count = count_prefix.count_prefix(sig)?;
    match process::get().store.exchange(&w, &read, count) {
        Ok(x) => {
            let mut written = Zval::new();
            let _ = written.set_string(x.written.as_str(), false);
            Ok(answer(("written", written), &x.room))
        }
        Err(e) => sig.fail(e, falsy()),
    }
}

const LEAVE: Sig = Sig {
    name: "presence_leave",
    params: &["room", "client_id", "max_age", "client_prefix", "limit", "count_prefix", "unless_written_after"],
};

/// Removes as presence_remove(), then reads the room as presence_room(), in one lock (or script).
/// With `$unless_written_after` (a Unix time, as an entry's `updated_at`) an entry written after
/// it stays: the caller removes the write it read, not one another process made since.
#[php_function]
#[php(defaults(client_prefix = "\"\"", count_prefix = "\"\""))]
pub fn presence_leave(
    room: StrArg,
    client_id: StrArg,
    max_age: Option<IntArg>,
    client_prefix: StrArg,
    limit: Option<IntArg>,
    count_prefix: StrArg,
    unless_written_after: Option<FloatArg>,
) -> PhpResult<Zval> {
    let sig = &LEAVE;
    let room = room.room(sig)?;
    let client_id = client_id.client_id(sig)?;
    let read = read(sig, max_age, &client_prefix, limit)?;
    let count = count_prefix.count_prefix(sig)?;
    let written = unless_written_after
        .as_ref()
        .map(|f| {
            let secs = f.get(sig, "unless_written_after", "?float")?;
            sig.checked(WrittenAt::new("unless_written_after", secs))
        })
        .transpose()?;
    match process::get().store.leave_unless_written_after(room, client_id, written.map(|w| w.micros()), &read, count) {
        Ok(l) => {
            let mut removed = Zval::new();
            removed.set_bool(l.removed);
            Ok(answer(("removed", removed), &l.room))
        }
        Err(e) => sig.fail(e, falsy()),
    }
}

const PREFIX: Sig = Sig { name: "presence_prefix", params: &["prefix", "max_age", "limit", "client_prefix"] };

/// Live entries of every room whose name starts with `$prefix`, newest first.
#[php_function]
#[php(defaults(client_prefix = "\"\""))]
pub fn presence_prefix(
    prefix: StrArg,
    max_age: Option<IntArg>,
    limit: Option<IntArg>,
    client_prefix: StrArg,
) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &PREFIX;
    let prefix = prefix.prefix(sig, "prefix")?;
    let max_age = self::max_age(sig, max_age)?;
    let limit = opt_checked(&limit, sig, "limit", Limit::new)?;
    let clients = client_prefix.client_prefix(sig)?;
    match process::get().store.prefix(prefix, &Read { max_age, limit, clients }) {
        Ok(list) => Ok(entries_to_array(&list)),
        Err(e) => sig.fail(e, ZendHashTable::new()),
    }
}

const ROOMS_READ: Sig = Sig { name: "presence_rooms_read", params: &["rooms", "max_age", "limit", "client_prefix"] };

/// Live entries of each room of `$rooms` (room => entries, as presence_room() lists them), in one
/// lock (or script).
#[php_function]
#[php(defaults(client_prefix = "\"\""))]
pub fn presence_rooms_read(
    rooms: ArrayArg,
    max_age: Option<IntArg>,
    limit: Option<IntArg>,
    client_prefix: StrArg,
) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &ROOMS_READ;
    let names = room_names(sig, &rooms)?;
    let rooms = sig.checked(RoomList::new(&names))?;
    let max_age = self::max_age(sig, max_age)?;
    let limit = opt_checked(&limit, sig, "limit", Limit::new)?;
    let clients = client_prefix.client_prefix(sig)?;
    let lists = match process::get().store.rooms_read(&rooms, &Read { max_age, limit, clients }) {
        Ok(lists) => lists,
        Err(e) => return sig.fail(e, ZendHashTable::new()),
    };
    let mut out = ZendHashTable::with_capacity(lists.len() as u32);
    let mut caches = Caches::default();
    for (room, list) in rooms.as_slice().iter().zip(&lists) {
        // A name PHP reads as an integer ('12') becomes an integer key, as PHP's own arrays do.
        let _ = out.insert(room.as_str(), entries_to_array_with(list, &mut caches));
    }
    Ok(out)
}

/// Adds every function above to the module, in this order.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(presence_entry))
        .function(wrap_function!(presence_exchange))
        .function(wrap_function!(presence_leave))
        .function(wrap_function!(presence_prefix))
        .function(wrap_function!(presence_rooms_read))
}
