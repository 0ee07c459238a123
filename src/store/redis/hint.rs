//! The version an upsert's reply carried, kept to answer a `room_version()` of the same room
//! that follows at once without asking the server again (a heartbeat writes, then asks whether
//! the room changed).
//!
//! It answers only while nothing could have changed the room since, as far as this store can
//! tell: no other round trip by this store (any call that reached the server may have moved the
//! room; one that failed before reaching it changed nothing), the same time passed to the
//! scripts (a test clock that moved may have expired entries), and within [`HINT_FOR`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long the version an upsert returned may answer the `room_version()` that follows it.
const HINT_FOR: Duration = Duration::from_millis(100);

struct Hint {
    room: String,
    version: u64,
    at: Instant,
    /// The time the write passed to its script (0: the server's clock).
    now_arg: u64,
    /// The store's round trips counted after the write.
    round_trips: u64,
}

/// The last upsert's version, for the next call only.
#[derive(Default)]
pub(super) struct LastWrite(Mutex<Option<Hint>>);

impl LastWrite {
    pub(super) fn remember(&self, room: &str, version: u64, now_arg: u64, round_trips: u64) {
        let hint = Hint { room: room.to_string(), version, at: Instant::now(), now_arg, round_trips };
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(hint);
    }

    /// The version of `room` as the last upsert left it, if nothing happened since; used once.
    pub(super) fn answer(&self, room: &str, now_arg: u64, round_trips: u64) -> Option<u64> {
        let h = self.0.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        (h.room == room && h.at.elapsed() < HINT_FOR && h.now_arg == now_arg && h.round_trips == round_trips)
            .then_some(h.version)
    }
}
