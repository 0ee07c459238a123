//! The store's input, checked once: each type can only be made from a value within its limits,
//! and the backends take only these types, so none of them can be called with unchecked input.
//! The PHP binding builds them from the function arguments; the messages name the PHP
//! parameter (`$room must not be empty`).

use super::error::{Result, StoreError};

/// Longest room name or client id, in bytes (a MySQL utf8mb4 index prefix, as WordPress uses).
pub const MAX_KEY_BYTES: usize = 191;
/// Largest encoded state any configuration may allow (`presence.max_state_bytes` is capped here).
pub const MAX_STATE_LIMIT: usize = 1 << 20;
/// Longest TTL or max age, in seconds (one day).
pub const MAX_SECONDS: i64 = 86_400;
/// Most rooms one multi-room read takes: a network of that many sites, or a screen of posts, in
/// one call, while the lock (or the Redis script) is held for milliseconds, not longer.
pub const MAX_READ_ROOMS: usize = 2000;

/// A room name: 1..=191 bytes of UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room<'a>(&'a str);

/// The rooms of a multi-room read: at most [`MAX_READ_ROOMS`], each a valid [`Room`] and each
/// once (a name given again is read once, in its first place).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoomList<'a>(Vec<Room<'a>>);

/// A client id: 1..=191 bytes of UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientId<'a>(&'a str);

/// The start of room names: at most 191 bytes, empty for every room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix<'a>(&'a str);

/// How long an entry lives after its write: 1..=86400 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ttl(u32);

/// How recently an entry must have been written to be read: 1..=86400 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxAge(u32);

/// The most entries a read returns: 1 or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(usize);

/// A WordPress user id (0 for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId(u64);

/// A state as the codec encoded it, within the configured `presence.max_state_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedState<'a>(&'a [u8]);

/// Which entries of a room a read or a count picks by client id: at most 191 bytes. Empty picks
/// every entry but the reserved ones (client ids starting with `_`, the bookkeeping rows such as
/// `_lock`); a prefix picks the entries whose client id starts with it, reserved ones only when
/// the prefix itself starts with `_`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientPrefix<'a>(&'a str);

/// The client ids an exchange or a leave counts (`editor-`): at most 191 bytes; empty counts
/// nothing and remembers nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CountPrefix<'a>(&'a str);

/// When an entry was written, in µs since the epoch: a finite, non-negative time in seconds as
/// given; a store clamps it to its own now (a time after now is now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WrittenAt(u64);

/// A non-empty name of at most [`MAX_KEY_BYTES`] bytes given as the parameter `argument`.
pub(crate) fn key<'a>(argument: &'static str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(StoreError::invalid(argument, "must not be empty"));
    }
    at_most_key_bytes(argument, value)
}

fn at_most_key_bytes<'a>(argument: &'static str, value: &'a str) -> Result<&'a str> {
    if value.len() > MAX_KEY_BYTES {
        return Err(StoreError::invalid(
            argument,
            format!("must be at most {MAX_KEY_BYTES} bytes, got {}", value.len()),
        ));
    }
    Ok(value)
}

fn seconds(argument: &'static str, value: i64) -> Result<u32> {
    if !(1..=MAX_SECONDS).contains(&value) {
        return Err(StoreError::invalid(argument, format!("must be between 1 and {MAX_SECONDS} seconds, got {value}")));
    }
    Ok(value as u32)
}

impl<'a> Room<'a> {
    /// `$room`.
    pub fn new(value: &'a str) -> Result<Self> {
        key("room", value).map(Room)
    }

    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// Element `i` of a `$rooms` list, checked as a room; a refusal names the element.
pub(crate) fn room_element(i: usize, value: &str) -> Result<Room<'_>> {
    Room::new(value).map_err(|e| match e {
        StoreError::InvalidArgument { message, .. } => StoreError::invalid("rooms", format!("element [{i}] {message}")),
        other => other,
    })
}

impl<'a> RoomList<'a> {
    /// `$rooms`: at most [`MAX_READ_ROOMS`] names, each a valid room.
    pub fn new(names: &[&'a str]) -> Result<Self> {
        if names.len() > MAX_READ_ROOMS {
            return Err(StoreError::invalid(
                "rooms",
                format!("must hold at most {MAX_READ_ROOMS} rooms, got {}", names.len()),
            ));
        }
        let mut seen = std::collections::HashSet::with_capacity(names.len());
        let mut rooms = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let room = room_element(i, name)?;
            if seen.insert(room.as_str()) {
                rooms.push(room);
            }
        }
        Ok(RoomList(rooms))
    }

    pub fn as_slice(&self) -> &[Room<'a>] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> ClientId<'a> {
    /// `$client_id`.
    pub fn new(value: &'a str) -> Result<Self> {
        key("client_id", value).map(ClientId)
    }

    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

impl<'a> Prefix<'a> {
    /// A prefix given as the parameter `argument` (`prefix`, `room_prefix`).
    pub fn new(argument: &'static str, value: &'a str) -> Result<Self> {
        at_most_key_bytes(argument, value).map(Prefix)
    }

    /// Every room.
    pub const ALL: Prefix<'static> = Prefix("");

    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

/// True for a reserved client id: one that starts with `_`.
pub fn is_reserved(client_id: &[u8]) -> bool {
    client_id.first() == Some(&b'_')
}

impl<'a> ClientPrefix<'a> {
    /// A client prefix given as the parameter `argument` (`client_prefix`).
    pub fn new(argument: &'static str, value: &'a str) -> Result<Self> {
        at_most_key_bytes(argument, value).map(ClientPrefix)
    }

    /// Every entry but the reserved ones.
    pub const VISIBLE: ClientPrefix<'static> = ClientPrefix("");

    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// Whether an entry of this client id is picked.
    pub fn picks(&self, client_id: &[u8]) -> bool {
        if self.0.is_empty() {
            !is_reserved(client_id)
        } else {
            client_id.starts_with(self.0.as_bytes())
        }
    }
}

impl<'a> CountPrefix<'a> {
    /// `$count_prefix`.
    pub fn new(value: &'a str) -> Result<Self> {
        at_most_key_bytes("count_prefix", value).map(CountPrefix)
    }

    /// Counts nothing.
    pub const OFF: CountPrefix<'static> = CountPrefix("");

    pub fn as_str(&self) -> &'a str {
        self.0
    }

    pub fn is_off(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an entry of this client id is counted.
    pub fn counts(&self, client_id: &[u8]) -> bool {
        !self.0.is_empty() && client_id.starts_with(self.0.as_bytes())
    }
}

impl WrittenAt {
    /// `$written_at` (or the time parameter `argument` names): seconds since the epoch, µs precision.
    pub fn new(argument: &'static str, secs: f64) -> Result<Self> {
        if !secs.is_finite() || secs < 0.0 {
            let shown = if secs.is_nan() {
                "NAN".to_string()
            } else if secs.is_infinite() {
                if secs > 0.0 { "INF" } else { "-INF" }.to_string()
            } else {
                secs.to_string()
            };
            return Err(StoreError::invalid(
                argument,
                format!("must be a finite number of seconds, 0 or greater, got {shown}"),
            ));
        }
        // Saturates at u64::MAX, which every store clamps to its now anyway.
        Ok(WrittenAt((secs * 1e6).round() as u64))
    }

    /// A time in µs (tests, and callers that already hold one).
    pub fn from_micros(us: u64) -> Self {
        WrittenAt(us)
    }

    pub fn micros(&self) -> u64 {
        self.0
    }

    /// The write time a store records at `now_us`: the given time, but never after now.
    pub fn at(given: Option<WrittenAt>, now_us: u64) -> u64 {
        given.map_or(now_us, |w| w.0.min(now_us))
    }
}

impl Ttl {
    /// `presence.default_ttl` unless set: the heartbeat's longest interval (120 s) with a margin.
    pub const DEFAULT: Ttl = Ttl(150);

    /// `$ttl`.
    pub fn new(secs: i64) -> Result<Self> {
        seconds("ttl", secs).map(Ttl)
    }

    pub fn secs(&self) -> u32 {
        self.0
    }

    pub fn micros(&self) -> u64 {
        u64::from(self.0) * 1_000_000
    }
}

impl MaxAge {
    /// `$max_age`.
    pub fn new(secs: i64) -> Result<Self> {
        seconds("max_age", secs).map(MaxAge)
    }

    pub fn micros(&self) -> u64 {
        u64::from(self.0) * 1_000_000
    }
}

impl Limit {
    /// `$limit`.
    pub fn new(n: i64) -> Result<Self> {
        if n < 1 {
            return Err(StoreError::invalid("limit", format!("must be 1 or greater, got {n}")));
        }
        Ok(Limit(usize::try_from(n).unwrap_or(usize::MAX)))
    }

    pub fn get(&self) -> usize {
        self.0
    }
}

impl UserId {
    /// `$user_id`.
    pub fn new(id: i64) -> Result<Self> {
        u64::try_from(id)
            .map(UserId)
            .map_err(|_| StoreError::invalid("user_id", format!("must be 0 or greater, got {id}")))
    }

    /// `$user_id` where a signed-in user is required (the live lane): 1 or greater.
    pub fn signed_in(id: i64) -> Result<Self> {
        if id < 1 {
            return Err(StoreError::invalid("user_id", format!("must be 1 or greater, got {id}")));
        }
        Ok(UserId(id as u64))
    }

    pub fn get(&self) -> u64 {
        self.0
    }
}

/// Every u64 is a user id; only a PHP int (signed) needs checking.
impl From<u64> for UserId {
    fn from(id: u64) -> Self {
        UserId(id)
    }
}

impl<'a> EncodedState<'a> {
    /// Encoded bytes, refused when larger than `max_bytes` (the configured
    /// `presence.max_state_bytes`) or than [`MAX_STATE_LIMIT`].
    pub fn new(bytes: &'a [u8], max_bytes: usize) -> Result<Self> {
        if bytes.len() > max_bytes.min(MAX_STATE_LIMIT) {
            return Err(Self::too_large(max_bytes.min(MAX_STATE_LIMIT)));
        }
        Ok(EncodedState(bytes))
    }

    /// The error for a state whose encoding passed `max_bytes` (also what the encoder reports
    /// when it stops early).
    pub fn too_large(max_bytes: usize) -> StoreError {
        StoreError::invalid(
            "state",
            format!("is larger than presence.max_state_bytes ({max_bytes} bytes) when encoded"),
        )
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn each_type_refuses_what_breaks_its_limit_naming_the_parameter() {
        assert_eq!(refusal(Room::new("")), "$room must not be empty");
        assert_eq!(refusal(Room::new(&"x".repeat(192))), "$room must be at most 191 bytes, got 192");
        assert_eq!(Room::new(&"x".repeat(191)).unwrap().as_str().len(), 191);
        assert_eq!(refusal(ClientId::new("")), "$client_id must not be empty");
        assert_eq!(
            refusal(Prefix::new("room_prefix", &"p".repeat(192))),
            "$room_prefix must be at most 191 bytes, got 192"
        );
        assert_eq!(Prefix::new("prefix", "").unwrap(), Prefix::ALL);
        assert_eq!(refusal(Ttl::new(0)), "$ttl must be between 1 and 86400 seconds, got 0");
        assert_eq!(refusal(Ttl::new(86_401)), "$ttl must be between 1 and 86400 seconds, got 86401");
        assert_eq!(Ttl::new(86_400).unwrap().secs(), 86_400);
        assert_eq!(refusal(MaxAge::new(-1)), "$max_age must be between 1 and 86400 seconds, got -1");
        assert_eq!(refusal(Limit::new(0)), "$limit must be 1 or greater, got 0");
        assert_eq!(Limit::new(1).unwrap().get(), 1);
        assert_eq!(refusal(UserId::new(-3)), "$user_id must be 0 or greater, got -3");
        assert_eq!(UserId::new(0).unwrap().get(), 0);
        assert_eq!(refusal(UserId::signed_in(0)), "$user_id must be 1 or greater, got 0");
        assert_eq!(UserId::signed_in(1).unwrap().get(), 1);
        assert_eq!(
            refusal(EncodedState::new(&[0; 9000], 8192)),
            "$state is larger than presence.max_state_bytes (8192 bytes) when encoded"
        );
        assert_eq!(EncodedState::new(&[0; 8192], 8192).unwrap().bytes().len(), 8192);
        assert!(EncodedState::new(&vec![0; MAX_STATE_LIMIT + 1], usize::MAX).is_err());
        assert_eq!(
            refusal(ClientPrefix::new("client_prefix", &"c".repeat(192))),
            "$client_prefix must be at most 191 bytes, got 192"
        );
        assert_eq!(refusal(CountPrefix::new(&"e".repeat(200))), "$count_prefix must be at most 191 bytes, got 200");
        assert_eq!(
            refusal(WrittenAt::new("written_at", -1.5)),
            "$written_at must be a finite number of seconds, 0 or greater, got -1.5"
        );
        assert_eq!(
            refusal(WrittenAt::new("written_at", f64::NAN)),
            "$written_at must be a finite number of seconds, 0 or greater, got NAN"
        );
        assert_eq!(
            refusal(WrittenAt::new("written_at", f64::INFINITY)),
            "$written_at must be a finite number of seconds, 0 or greater, got INF"
        );
        assert_eq!(WrittenAt::new("written_at", 1_800_000_000.123_456).unwrap().micros(), 1_800_000_000_123_456);
        assert_eq!(WrittenAt::new("written_at", 0.0).unwrap().micros(), 0);
        let too_many = vec!["r"; MAX_READ_ROOMS + 1];
        assert_eq!(refusal(RoomList::new(&too_many)), "$rooms must hold at most 2000 rooms, got 2001");
        assert_eq!(refusal(RoomList::new(&["a", "b", ""])), "$rooms element [2] must not be empty");
        let long = "x".repeat(192);
        assert_eq!(refusal(RoomList::new(&["a", &long])), "$rooms element [1] must be at most 191 bytes, got 192");
    }

    #[test]
    fn a_room_list_keeps_each_name_once_in_its_first_place() {
        let list = RoomList::new(&["b", "a", "b", "c", "a"]).unwrap();
        let names: Vec<_> = list.as_slice().iter().map(|r| r.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert!(RoomList::new(&[]).unwrap().is_empty());
        assert_eq!(RoomList::new(&vec!["r"; MAX_READ_ROOMS]).unwrap().len(), 1);
    }

    #[test]
    fn reserved_entries_are_picked_only_by_a_prefix_that_starts_with_an_underscore() {
        let (all, editors, reserved) = (
            ClientPrefix::VISIBLE,
            ClientPrefix::new("client_prefix", "editor-").unwrap(),
            ClientPrefix::new("client_prefix", "_").unwrap(),
        );
        assert!(all.picks(b"editor-1") && all.picks(b"tab") && !all.picks(b"_lock"));
        assert!(editors.picks(b"editor-1") && !editors.picks(b"tab") && !editors.picks(b"_lock"));
        assert!(reserved.picks(b"_lock") && !reserved.picks(b"editor-1"));
        assert!(!CountPrefix::OFF.counts(b"editor-1"));
        assert!(CountPrefix::new("editor-").unwrap().counts(b"editor-1"));
    }

    #[test]
    fn a_write_time_after_now_is_now() {
        let now = 1_800_000_000_000_000;
        assert_eq!(WrittenAt::at(None, now), now);
        assert_eq!(WrittenAt::at(Some(WrittenAt::from_micros(now + 5)), now), now);
        assert_eq!(WrittenAt::at(Some(WrittenAt::from_micros(now - 5)), now), now - 5);
    }
}
