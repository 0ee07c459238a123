//! What a process's live-lane polls read, kept in the process and kept exact by Redis itself
//! (server-assisted client-side caching): the poll's reads go out with `CLIENT TRACKING on
//! REDIRECT <id> OPTIN` and `CLIENT CACHING yes`, and Redis then tells a second connection of the
//! process, subscribed to `__redis__:invalidate`, of every later write to a key read that way. A
//! poll whose keys are all held answers from them with no round trip; a key written since is
//! gone from the copy, and the next poll that needs it reads it again.
//!
//! - The second connection is only ever read without blocking, at the start of a poll. Redis
//!   queues a write's invalidation while it runs the write and sends it in the same pass as the
//!   writer's answer, so a poll sees every write that finished before it, give or take that
//!   moment (microseconds on one machine, the network's delay between machines).
//! - A connection can die without saying so (a network that drops it silently). The copy is
//!   answered from only while a PING sent on the second connection a moment ago came back
//!   (`subscriber.rs`): its PONG comes after every invalidation Redis sent before it.
//! - This process's own writes: so that its very next poll cannot fall into that moment, a poll
//!   that follows any other round trip of the process first sends a PING on the second
//!   connection and reads up to its PONG (the one wait this connection ever makes).
//! - Only polls use it, and only their keys are tracked (OPTIN): the scripts of heartbeats and
//!   reads are not, so writes elsewhere cost the second connection nothing.
//! - Over `rediss://` the second connection is TLS too, verified as the main connection is
//!   (`transport.rs`). It is off when that connection cannot be opened (a handshake refused)
//!   and when the server refuses the commands (an ACL, an old server or a proxy): polls then
//!   read, as before.
//! - Redis forgets what it tracked for a connection that closes. When the process's connection
//!   is replaced (`Link`'s count of connections moved), the copy starts empty; and since the
//!   server may close an idle connection (its `timeout` setting) without the process knowing
//!   until its next call on it, the copy answers only while a poll's read came back on it less
//!   than `MAIN_QUIET` ago.
//! - Whatever else goes wrong, the copy starts empty every `COPY_LIFE`.
//! - The server's time, which decides expiry and a token's life, is the last read's TIME plus
//!   this process's monotonic clock since (at most `MAIN_QUIET` old); a room whose earliest
//!   expiry has come is read again.

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant};

use redis::{ConnectionInfo, Value};

use super::subscriber::{Note, Subscriber};

/// Keys held at most; past it the copy starts empty again (the keys are read anew).
const MAX_KEYS: usize = 50_000;
/// The copy answers only while a poll's read came back on the main connection less than this
/// ago (see the module's notes).
const MAIN_QUIET: Duration = Duration::from_secs(5);
/// The copy starts empty again this often, whatever Redis said: a failure nothing here
/// foresaw (a proxy that accepts the commands and passes no invalidation on) delays a change by
/// at most this, less than the keepalive heartbeat that every page sends anyway.
const COPY_LIFE: Duration = Duration::from_secs(60);

/// The process's copy of the keys its polls read.
pub(super) struct Tracker {
    /// The process that opened the second connection (a forked child opens its own).
    pid: u32,
    sub: Subscriber,
    /// Key → the reply its read gave.
    values: HashMap<Vec<u8>, Value>,
    /// The server's time (µs) at the instant the last read's answer came.
    server_time: Option<(u64, Instant)>,
    /// The process's count of round trips when the copy was last known in step: a different
    /// count means the process itself called Redis since (and may have written).
    round_trips: u64,
    /// The process's count of connections the copy's keys were read on: another count means a
    /// new connection, which tracks none of them.
    connects: u64,
    /// When a poll's read last came back on the main connection.
    read_at: Instant,
    /// When the copy last started empty.
    born: Instant,
}

impl Tracker {
    pub(super) fn open(info: &ConnectionInfo, timeout: Duration) -> io::Result<Tracker> {
        Ok(Tracker {
            pid: std::process::id(),
            sub: Subscriber::open(info, timeout)?,
            values: HashMap::new(),
            server_time: None,
            round_trips: 0,
            connects: 0,
            read_at: Instant::now(),
            born: Instant::now(),
        })
    }

    /// The client id `CLIENT TRACKING … REDIRECT` names: the second connection's.
    pub(super) fn redirect_id(&self) -> u64 {
        self.sub.id
    }

    /// Whether this copy belongs to the calling process.
    pub(super) fn is_ours(&self) -> bool {
        self.pid == std::process::id()
    }

    /// Applies what Redis sent since the last call, without waiting, and forgets everything
    /// when the main connection was replaced since (`connects`: the process's count now).
    /// `false`: the second connection is gone, and the copy with it.
    pub(super) fn catch_up(&mut self, connects: u64) -> bool {
        if connects != self.connects || self.born.elapsed() > COPY_LIFE {
            self.clear();
            self.connects = connects;
        }
        match self.sub.drain() {
            Ok(notes) => self.apply(notes),
            Err(()) => return false,
        }
        self.sub.keep_alive()
    }

    /// Whether the copy holds every one of `keys`.
    pub(super) fn holds<'k>(&self, mut keys: impl Iterator<Item = &'k [u8]>) -> bool {
        keys.all(|k| self.values.contains_key(k))
    }

    /// Makes sure no invalidation of the process's own calls is still on its way: when the
    /// process made a round trip since the copy was last in step (`round_trips`: its count now),
    /// a PING on the second connection and its PONG, waiting at most `timeout`. `false`: the
    /// connection failed, and the copy with it.
    pub(super) fn in_step(&mut self, round_trips: u64, timeout: Duration) -> bool {
        if round_trips == self.round_trips {
            return true;
        }
        match self.sub.sync(timeout) {
            Ok(notes) => self.apply(notes),
            Err(()) => return false,
        }
        self.round_trips = round_trips;
        true
    }

    fn apply(&mut self, notes: Vec<Note>) {
        for n in notes {
            match n {
                Note::Keys(keys) => {
                    for k in keys {
                        self.values.remove(&k);
                    }
                }
                Note::All => self.clear(),
                Note::Pong | Note::Other => {}
            }
        }
    }

    fn clear(&mut self) {
        self.values.clear();
        self.born = Instant::now();
    }

    /// The held replies for `keys`, in order; `None` unless every key is held and the second
    /// connection answered recently.
    pub(super) fn answer<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) -> Option<Vec<Value>> {
        if !self.sub.trusted() || self.read_at.elapsed() > MAIN_QUIET {
            return None;
        }
        keys.map(|k| self.values.get(k).cloned()).collect()
    }

    /// The server's time now (µs): the last read's TIME and this process's clock since.
    pub(super) fn server_now(&self) -> Option<u64> {
        let (time, at) = self.server_time?;
        time.checked_add(u64::try_from(at.elapsed().as_micros()).ok()?)
    }

    /// Keeps the replies of a poll's reads (made with the preamble), the server's time, and the
    /// process's counts of round trips (the read's included) and connections.
    pub(super) fn keep<'k>(
        &mut self,
        read: impl Iterator<Item = (&'k [u8], &'k Value)>,
        server_time: Option<u64>,
        round_trips: u64,
        connects: u64,
    ) {
        if self.values.len() > MAX_KEYS || connects != self.connects {
            self.clear();
            self.connects = connects;
        }
        if round_trips == self.round_trips + 1 {
            // Only this read since the copy was in step: it still is. Otherwise the next poll
            // answered from the copy makes sure first (`in_step`).
            self.round_trips = round_trips;
        }
        self.read_at = Instant::now();
        for (k, v) in read {
            self.values.insert(k.to_vec(), v.clone());
        }
        if let Some(t) = server_time {
            self.server_time = Some((t, Instant::now()));
        }
    }
}
