//! The store's public face: the [`PresenceStore`] trait every backend implements (the shared
//! memory one today, Redis for multi-server sites later), the values it returns, and argument
//! validation shared by every backend.

use super::error::{Result, StoreError};

/// Longest room name or client id, in bytes (a MySQL utf8mb4 index prefix, as WordPress uses).
pub const MAX_KEY_BYTES: usize = 191;
/// Largest encoded state any configuration may allow (`presence.max_state_bytes` is capped here).
pub const MAX_STATE_LIMIT: usize = 1 << 20;

/// What a write did, which decides whether the room's version moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new entry joined the room.
    Joined,
    /// An existing entry got another state or user.
    Changed,
    /// Same state and user: only the times moved (the room version stays).
    Refreshed,
}

/// Longest TTL or max age, in seconds (one day).
pub const MAX_SECONDS: i64 = 86_400;

/// A presence store: entries keyed by (room, client id), each with a user id, an encoded state
/// (see [`crate::store::codec`]) and an expiry.
pub trait PresenceStore: Send + Sync {
    /// Inserts or replaces an entry and refreshes its times. `state` is already encoded.
    fn upsert(&self, room: &str, client_id: &str, state: &[u8], user_id: u64, ttl_secs: u32) -> Result<Written>;
    /// Live entries of a room, newest first, updated within `max_age_secs`, at most `limit`.
    fn room(&self, room: &str, max_age_secs: Option<u32>, limit: Option<usize>) -> Result<EntryList>;
    fn room_count(&self, room: &str, max_age_secs: Option<u32>) -> Result<u64>;
    /// True when the entry existed.
    fn remove(&self, room: &str, client_id: &str) -> Result<bool>;
    /// Removes a user's entries in rooms starting with `room_prefix`; returns how many.
    fn remove_user(&self, user_id: u64, room_prefix: &str) -> Result<u64>;
    /// Every live entry of a user, newest first.
    fn user(&self, user_id: u64, max_age_secs: Option<u32>) -> Result<EntryList>;
    /// Rooms starting with `prefix` that have live entries, sorted by name.
    fn rooms(&self, prefix: &str, max_age_secs: Option<u32>) -> Result<Vec<RoomSummary>>;
    /// Changes when an entry joins, leaves or changes state/user; not on a mere refresh.
    fn room_version(&self, room: &str) -> Result<u64>;
    /// Removes expired entries now; returns how many.
    fn gc(&self) -> Result<u64>;
    /// Removes every entry of rooms starting with `prefix` (all when empty); returns how many.
    fn flush(&self, prefix: &str) -> Result<u64>;
    fn stats(&self) -> Result<Stats>;
}

/// One entry as read, borrowed from an [`EntryList`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry<'a> {
    pub room: &'a str,
    pub client_id: &'a str,
    pub user_id: u64,
    /// Encoded state.
    pub state: &'a [u8],
    /// Last write, µs since the epoch.
    pub updated_us: u64,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    room: (u32, u32),
    client: (u32, u32),
    state: (u32, u32),
    user_id: u64,
    updated_us: u64,
}

/// Entries copied out of the store into one buffer (one allocation for a whole room).
#[derive(Debug, Default, Clone)]
pub struct EntryList {
    pub(crate) buf: Vec<u8>,
    items: Vec<Item>,
}

impl EntryList {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn text(&self, (start, end): (u32, u32)) -> &str {
        // Keys were validated as UTF-8 when written; a damaged one reads as empty rather than
        // handing invalid text on.
        std::str::from_utf8(&self.buf[start as usize..end as usize]).unwrap_or("")
    }

    pub fn get(&self, i: usize) -> Option<Entry<'_>> {
        let it = self.items.get(i)?;
        Some(Entry {
            room: self.text(it.room),
            client_id: self.text(it.client),
            user_id: it.user_id,
            state: &self.buf[it.state.0 as usize..it.state.1 as usize],
            updated_us: it.updated_us,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> + '_ {
        (0..self.items.len()).filter_map(move |i| self.get(i))
    }

    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) -> (u32, u32) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(bytes);
        (start, self.buf.len() as u32)
    }

    /// Records an entry whose client id and state were just appended to `buf` at `start`.
    pub(crate) fn push_entry(
        &mut self,
        room: (u32, u32),
        start: usize,
        client_len: usize,
        state_len: usize,
        user_id: u64,
        updated_us: u64,
    ) {
        let s = start as u32;
        let c = s + client_len as u32;
        let end = c + state_len as u32;
        if end as usize != self.buf.len() {
            self.buf.truncate(start); // short read from a damaged chain: drop the entry
            return;
        }
        self.items.push(Item { room, client: (s, c), state: (c, end), user_id, updated_us });
    }

    pub(crate) fn sort_newest_first(&mut self) {
        self.items.sort_by_key(|it| std::cmp::Reverse(it.updated_us));
    }
}

/// A room as listed by [`PresenceStore::rooms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSummary {
    pub room: String,
    pub entries: u64,
    pub users: u64,
}

/// Settings and counters of a store, for `presence_stats()` and `php --ri presence`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub backend: &'static str,
    pub path: String,
    pub layout_version: u32,
    pub bytes_total: u64,
    pub bytes_used: u64,
    pub capacity: u64,
    pub live_entries: u64,
    pub room_capacity: u64,
    pub rooms: u64,
    pub chunk_size: u64,
    pub chunks_total: u64,
    pub chunks_free: u64,
    pub evicted_expired: u64,
    pub evicted_lru: u64,
    pub rejected_full: u64,
    pub lock_recoveries: u64,
    pub repairs: u64,
}

/// Checks a room name or client id: non-empty, at most 191 bytes (already valid UTF-8 as `&str`).
pub fn validate_key(argument: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(StoreError::invalid(argument, "must not be empty"));
    }
    if value.len() > MAX_KEY_BYTES {
        return Err(StoreError::invalid(
            argument,
            format!("must be at most {MAX_KEY_BYTES} bytes, got {}", value.len()),
        ));
    }
    Ok(())
}

/// Checks the arguments of an upsert, the state already encoded: room and client id as
/// [`validate_key`], the ttl as [`validate_seconds`], the state within `max_state_bytes`.
pub fn validate_upsert(room: &str, client_id: &str, state: &[u8], ttl_secs: u32, max_state_bytes: usize) -> Result<()> {
    validate_key("room", room)?;
    validate_key("client_id", client_id)?;
    validate_seconds("ttl", i64::from(ttl_secs))?;
    if state.len() > max_state_bytes {
        return Err(StoreError::invalid(
            "state",
            format!("is larger than presence.max_state_bytes ({max_state_bytes} bytes) when encoded"),
        ));
    }
    Ok(())
}

/// Checks a TTL or max age in seconds: 1..=86400.
pub fn validate_seconds(argument: &'static str, value: i64) -> Result<u32> {
    if !(1..=MAX_SECONDS).contains(&value) {
        return Err(StoreError::invalid(argument, format!("must be between 1 and {MAX_SECONDS} seconds, got {value}")));
    }
    Ok(value as u32)
}

/// Checks a user id: ≥ 0.
pub fn validate_user_id(argument: &'static str, value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| StoreError::invalid(argument, format!("must be 0 or greater, got {value}")))
}

/// Checks a prefix: at most 191 bytes (may be empty).
pub fn validate_prefix(argument: &'static str, value: &str) -> Result<()> {
    if value.len() > MAX_KEY_BYTES {
        return Err(StoreError::invalid(
            argument,
            format!("must be at most {MAX_KEY_BYTES} bytes, got {}", value.len()),
        ));
    }
    Ok(())
}
