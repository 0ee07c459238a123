//! The store's public face: the [`PresenceStore`] trait every backend implements (shared memory
//! and Redis), which takes only checked input (`input.rs`), and the values it returns.

use super::entries::EntryList;
use super::error::Result;
use super::input::{
    ClientId, ClientPrefix, CountPrefix, EncodedState, Limit, MaxAge, Prefix, Room, RoomList, Ttl, UserId, WrittenAt,
};
use super::live::{self, Grant, PollAnswer, Refusal, Roster, RosterHeld, Scope};
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
    /// Its write time plus its TTL had already passed: nothing live was stored, and an entry of
    /// that key, if there was one, was removed (a leave: the version moves).
    Expired,
}

impl Written {
    /// `joined`, `changed`, `refreshed` or `expired`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Written::Joined => "joined",
            Written::Changed => "changed",
            Written::Refreshed => "refreshed",
            Written::Expired => "expired",
        }
    }
}

/// A write, checked: an entry keyed by (room, client id) with its user, state and TTL; when it
/// was written (now unless given; never after now); and whether it may evict live entries when
/// the store is full (a low-priority write may not, and is the first to be evicted itself).
#[derive(Debug, Clone, Copy)]
pub struct Upsert<'a> {
    pub room: Room<'a>,
    pub client_id: ClientId<'a>,
    pub state: EncodedState<'a>,
    pub user_id: UserId,
    pub ttl: Ttl,
    pub written_at: Option<WrittenAt>,
    pub may_evict: bool,
}

impl<'a> Upsert<'a> {
    /// A write at the store's now that may evict.
    pub fn new(room: Room<'a>, client_id: ClientId<'a>, state: EncodedState<'a>, user_id: UserId, ttl: Ttl) -> Self {
        Upsert { room, client_id, state, user_id, ttl, written_at: None, may_evict: true }
    }
}

/// Which entries a read returns: written within `max_age`, picked by `clients`, at most `limit`
/// of them (the newest).
#[derive(Debug, Clone, Copy, Default)]
pub struct Read<'a> {
    pub max_age: Option<MaxAge>,
    pub limit: Option<Limit>,
    pub clients: ClientPrefix<'a>,
}

impl Read<'_> {
    /// Every live entry but the reserved ones.
    pub const VISIBLE: Read<'static> = Read { max_age: None, limit: None, clients: ClientPrefix::VISIBLE };
}

/// A room as an exchange or a leave leaves it, read under the same lock (or in the same script).
#[derive(Debug, Clone, Default)]
pub struct RoomAnswer {
    /// What `room_version` answers now.
    pub version: u64,
    /// What `room` answers now for the read asked.
    pub entries: EntryList,
    /// Live entries whose client id starts with the count prefix (0 without one).
    pub count: u64,
    /// The count this room remembered from the last exchange or leave with a count prefix (0
    /// for a new room, a room emptied since, or without a count prefix).
    pub previous_count: u64,
}

/// What [`PresenceStore::exchange`] did and saw.
#[derive(Debug, Clone)]
pub struct Exchanged {
    pub written: Written,
    pub room: RoomAnswer,
}

/// What [`PresenceStore::leave`] did and saw.
#[derive(Debug, Clone)]
pub struct Left {
    /// True when a live entry was removed.
    pub removed: bool,
    pub room: RoomAnswer,
}

/// A presence store: entries keyed by (room, client id), each with a user id, an encoded state
/// (see [`crate::store::codec`]), a write time and an expiry. Client ids starting with `_` are
/// reserved: listings and counts leave them out unless asked for by a `_` prefix.
pub trait PresenceStore: Send + Sync {
    /// Inserts or replaces an entry and refreshes its times.
    fn upsert(&self, write: &Upsert<'_>) -> Result<Written>;
    /// Live entries of a room as `read` picks them, newest write first.
    fn room(&self, room: Room<'_>, read: &Read<'_>) -> Result<EntryList>;
    /// Live entries of each room of `rooms`, as `room` reads one (the read's limit applies to
    /// each room), in the order of `rooms`: all of them in one lock, or one Redis script.
    fn rooms_read(&self, rooms: &RoomList<'_>, read: &Read<'_>) -> Result<Vec<EntryList>>;
    /// Number of live entries of a room written within `max_age` and picked by `clients`.
    fn room_count(&self, room: Room<'_>, max_age: Option<MaxAge>, clients: ClientPrefix<'_>) -> Result<u64>;
    /// One live entry, reserved or not (an empty list when there is none).
    fn entry(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<EntryList>;
    /// Writes (as `upsert`), then reads the room (as `room`) and counts, atomically.
    fn exchange(&self, write: &Upsert<'_>, read: &Read<'_>, count: CountPrefix<'_>) -> Result<Exchanged>;
    /// Removes (as `remove`), then reads the room (as `room`) and counts, atomically.
    fn leave(&self, room: Room<'_>, client_id: ClientId<'_>, read: &Read<'_>, count: CountPrefix<'_>) -> Result<Left> {
        self.leave_unless_written_after(room, client_id, None, read, count)
    }
    /// As `leave`, but an entry written after `written_us` (µs; `None`: whenever) stays, in the
    /// same lock or script: a caller that read an entry removes that write of it, never one that
    /// another process made since (another page of the same user, say).
    fn leave_unless_written_after(
        &self,
        room: Room<'_>,
        client_id: ClientId<'_>,
        written_us: Option<u64>,
        read: &Read<'_>,
        count: CountPrefix<'_>,
    ) -> Result<Left>;
    /// Live entries of every room whose name starts with `prefix`, newest write first.
    fn prefix(&self, prefix: Prefix<'_>, read: &Read<'_>) -> Result<EntryList>;
    /// True when the entry existed.
    fn remove(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<bool>;
    /// Removes a user's entries (reserved ones too) in rooms starting with `room_prefix`;
    /// returns how many.
    fn remove_user(&self, user_id: UserId, room_prefix: Prefix<'_>) -> Result<u64>;
    /// Every live entry of a user but the reserved ones, newest write first (equal times by room,
    /// then client id from the highest bytes down, as `prefix` lists them).
    fn user(&self, user_id: UserId, max_age: Option<MaxAge>) -> Result<EntryList>;
    /// Rooms starting with `prefix` that have live entries other than reserved ones, sorted by
    /// name, with those entries and their distinct users counted.
    fn rooms(&self, prefix: Prefix<'_>, max_age: Option<MaxAge>) -> Result<Vec<RoomSummary>>;
    /// Changes when an entry joins, leaves or changes state/user; not on a mere refresh.
    fn room_version(&self, room: Room<'_>) -> Result<u64>;
    /// Removes expired entries now; returns how many.
    fn gc(&self) -> Result<u64>;
    /// Removes every entry of rooms starting with `prefix` (all when empty); returns how many.
    fn flush(&self, prefix: Prefix<'_>) -> Result<u64>;
    /// Figures every backend has, and those of this one.
    fn stats(&self) -> Result<Stats>;
    /// A token for the live lane, signed with the secret this store keeps.
    fn live_token(&self, grant: &Grant<'_>) -> Result<String>;
    /// Tokens of (scope, user) issued until now stop being accepted.
    fn live_revoke(&self, scope: Scope<'_>, user_id: UserId) -> Result<()>;
    /// The live lane's answer to a token: the versions of its rooms, or why it is refused. A
    /// refused token writes nothing.
    fn live_poll(&self, token: &[u8], session: &[u8], scope: Option<Scope<'_>>) -> Result<PollAnswer>;
    /// As `live_poll`, and, when the first room's version differs from the one `held` says,
    /// its roster after the versions — for a token with the roster claim only: one without it
    /// is refused (403 `roster_not_allowed`), and nothing is written either way.
    fn live_poll_roster(
        &self,
        token: &[u8],
        session: &[u8],
        scope: Option<Scope<'_>>,
        held: RosterHeld,
    ) -> Result<PollAnswer> {
        let answer = self.live_poll(token, session, scope)?;
        if answer.status != 200 {
            return Ok(answer);
        }
        let Some(claims) = live::read_accepted(token) else { return Ok(PollAnswer::refused(Refusal::Malformed)) };
        if claims.roster == 0 {
            return Ok(PollAnswer::refused(Refusal::Roster));
        }
        let room = Room::new(claims.first_room())?;
        let version = self.room_version(room)?;
        if !held.differs(version) {
            return Ok(answer);
        }
        Ok(answer.with_roster(&self.roster(room, version, usize::from(claims.roster))?))
    }
    /// The roster of a room (see `live::roster`): the users [`PresenceStore::roster_users`]
    /// picks, and each one's card. `version` was read before. A read per card (a backend may
    /// read them at once, as Redis does): a roster is asked at most every few seconds per page.
    fn roster(&self, room: Room<'_>, version: u64, limit: usize) -> Result<Roster> {
        let (users, total) = self.roster_users(room, limit)?;
        let mut cards = Vec::with_capacity(users.len());
        for &user_id in &users {
            let id = live::card_client_id(user_id);
            cards.push(self.entry(room, ClientId::new(&id)?)?);
        }
        Ok(Roster::from_reads(version, total, &users, &cards))
    }
    /// The people of a room's roster (the first `limit`) and their total, read as the plugin's
    /// heartbeat reads them (wpp_payload_read_users, with its default limit: `MAX_ROSTER`): the
    /// newest entries; when entries that stand for no user took places among them, the whole
    /// room. The total is the number of users when the whole room was read, else the room's
    /// entry count.
    fn roster_users(&self, room: Room<'_>, limit: usize) -> Result<(Vec<u64>, u64)> {
        let read = |limit| Read { max_age: None, limit, clients: ClientPrefix::VISIBLE };
        let newest = live::MAX_ROSTER.max(limit);
        let first = self.room(room, &read(Some(Limit::new(newest as i64)?)))?;
        let mut users = live::pick_users(&first);
        let total = if first.len() < newest {
            users.len() as u64
        } else if first.len() > users.len() && users.len() < newest {
            users = live::pick_users(&self.room(room, &read(None))?);
            users.len() as u64
        } else {
            self.room_count(room, None, ClientPrefix::VISIBLE)?.max(users.len() as u64)
        };
        users.truncate(limit);
        Ok((users, total))
    }
}

/// A room as listed by [`PresenceStore::rooms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomSummary {
    pub room: String,
    pub entries: u64,
    pub users: u64,
}
