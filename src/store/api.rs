//! The store's public face: the [`PresenceStore`] trait every backend implements (shared memory
//! and Redis), which takes only checked input (`input.rs`), and the values it returns.

use super::error::Result;
use super::input::{ClientId, EncodedState, Limit, MaxAge, Prefix, Room, Ttl, UserId};
use super::stats::Stats;

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

/// A presence store: entries keyed by (room, client id), each with a user id, an encoded state
/// (see [`crate::store::codec`]) and an expiry.
pub trait PresenceStore: Send + Sync {
    /// Inserts or replaces an entry and refreshes its times.
    fn upsert(
        &self,
        room: Room<'_>,
        client_id: ClientId<'_>,
        state: EncodedState<'_>,
        user_id: UserId,
        ttl: Ttl,
    ) -> Result<Written>;
    /// Live entries of a room, newest first, updated within `max_age`, at most `limit`.
    fn room(&self, room: Room<'_>, max_age: Option<MaxAge>, limit: Option<Limit>) -> Result<EntryList>;
    /// Number of live entries of a room, updated within `max_age`.
    fn room_count(&self, room: Room<'_>, max_age: Option<MaxAge>) -> Result<u64>;
    /// True when the entry existed.
    fn remove(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<bool>;
    /// Removes a user's entries in rooms starting with `room_prefix`; returns how many.
    fn remove_user(&self, user_id: UserId, room_prefix: Prefix<'_>) -> Result<u64>;
    /// Every live entry of a user, newest first.
    fn user(&self, user_id: UserId, max_age: Option<MaxAge>) -> Result<EntryList>;
    /// Rooms starting with `prefix` that have live entries, sorted by name.
    fn rooms(&self, prefix: Prefix<'_>, max_age: Option<MaxAge>) -> Result<Vec<RoomSummary>>;
    /// Changes when an entry joins, leaves or changes state/user; not on a mere refresh.
    fn room_version(&self, room: Room<'_>) -> Result<u64>;
    /// Removes expired entries now; returns how many.
    fn gc(&self) -> Result<u64>;
    /// Removes every entry of rooms starting with `prefix` (all when empty); returns how many.
    fn flush(&self, prefix: Prefix<'_>) -> Result<u64>;
    /// Figures every backend has, and those of this one.
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
