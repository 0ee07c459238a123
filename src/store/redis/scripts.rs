//! The Lua scripts, one file per operation under `lua/`, each prefixed with the preludes it needs
//! (`clock.lua`; `room.lua` for the per-room ones, then `write.lua` and `reads.lua` for those
//! that write an entry or read a room). Loaded once per connection with SCRIPT LOAD and called by
//! SHA1 (EVALSHA).

use std::sync::LazyLock;

use redis::Script;

macro_rules! room_script {
    ($($file:literal),+) => {
        LazyLock::new(|| {
            Script::new(concat!(
                include_str!("lua/clock.lua"),
                include_str!("lua/room.lua"),
                $(include_str!($file)),+
            ))
        })
    };
}

macro_rules! index_script {
    ($file:literal) => {
        LazyLock::new(|| Script::new(concat!(include_str!("lua/clock.lua"), include_str!($file))))
    };
}

pub(super) static UPSERT: LazyLock<Script> = room_script!("lua/write.lua", "lua/upsert.lua");
pub(super) static EXCHANGE: LazyLock<Script> = room_script!("lua/write.lua", "lua/reads.lua", "lua/exchange.lua");
pub(super) static LEAVE: LazyLock<Script> = room_script!("lua/reads.lua", "lua/leave.lua");
pub(super) static READ: LazyLock<Script> = room_script!("lua/reads.lua", "lua/read.lua");
pub(super) static COUNT: LazyLock<Script> = room_script!("lua/reads.lua", "lua/count.lua");
pub(super) static ENTRY: LazyLock<Script> = room_script!("lua/entry.lua");
pub(super) static VERSION: LazyLock<Script> = room_script!("lua/version.lua");
pub(super) static REMOVE: LazyLock<Script> = room_script!("lua/remove.lua");
pub(super) static REMOVE_USER: LazyLock<Script> = room_script!("lua/remove_user.lua");
pub(super) static PICK: LazyLock<Script> = room_script!("lua/pick.lua");
pub(super) static SUMMARY: LazyLock<Script> = room_script!("lua/summary.lua");
pub(super) static EXPIRE: LazyLock<Script> = room_script!("lua/expire.lua");
pub(super) static FLUSH: LazyLock<Script> = room_script!("lua/flush.lua");
pub(super) static POLL: LazyLock<Script> = room_script!("lua/poll.lua");
pub(super) static INDEX_LIST: LazyLock<Script> = index_script!("lua/index_list.lua");
pub(super) static LIVE_SECRET: LazyLock<Script> = index_script!("lua/live_secret.lua");
pub(super) static LIVE_REVOKE: LazyLock<Script> = index_script!("lua/live_revoke.lua");

/// Every script, for loading them all on a new connection.
pub(super) fn all() -> [&'static Script; 17] {
    [
        &UPSERT,
        &EXCHANGE,
        &LEAVE,
        &READ,
        &COUNT,
        &ENTRY,
        &VERSION,
        &REMOVE,
        &REMOVE_USER,
        &PICK,
        &SUMMARY,
        &EXPIRE,
        &FLUSH,
        &POLL,
        &INDEX_LIST,
        &LIVE_SECRET,
        &LIVE_REVOKE,
    ]
}
