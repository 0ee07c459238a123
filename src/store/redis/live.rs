//! The live lane on Redis: the secret is one key (`Plive:secret`), created with SET NX by the
//! first process that issues a token and read by the others; each process keeps the keys derived
//! from it. Revocations are one key per (scope, user), kept for the longest token life. Times are
//! the server's, as for every entry: a token's issue time and a revocation compare on one clock
//! whichever machine wrote them.
//!
//! A process that finds a token's tag wrong with the keys it holds reads the secret again (at
//! most once a second, so forged tokens cannot make every poll a second round trip): the key
//! may have been created anew (a Redis restarted without persistence) by another process. A poll
//! only ever reads the secret: a Redis where no token was ever issued refuses every token and
//! writes nothing.
//!
//! A poll reads (MULTI/EXEC of plain commands, no script): the server's time, the revocation,
//! and per room what `version.lua` looks at. It runs `poll.lua`, which writes, only when a room
//! holds an entry whose expiry has come and that was not removed yet. What it read stays in the
//! process, kept exact by Redis's invalidations (`tracking.rs`): a poll whose keys are all held
//! and unchanged answers without a round trip.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::{from_redis_value_ref, Connection, Pipeline, Value};

use super::tracking::Tracker;
use super::LinkState;
use super::{scripts, RedisStore};
use crate::store::error::{Result, StoreError};
use crate::store::input::MAX_SECONDS;
use crate::store::live::{self, Claims, Grant, Keys, PollAnswer, Refusal, Scope, Secret};

/// How often at most a process reads the secret again because a token did not check out.
const RELOAD_EVERY: Duration = Duration::from_secs(1);
/// How long a revocation is kept: the longest token life, and a margin for clock skew.
const REVOCATION_KEEP_MS: u64 = MAX_SECONDS as u64 * 1000 + 10 * 60 * 1000;
/// After the server refused client-side caching (or its second connection failed), polls read
/// without it for this long before the next attempt.
const UNTRACKED_FOR: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(super) struct Cache {
    /// The keys of the secret last read, and when it was read.
    keys: Mutex<Option<(Arc<Keys>, Instant)>>,
    /// The copy of what polls read (`tracking.rs`).
    tracked: Mutex<Tracked>,
}

/// Where the process stands with client-side caching.
#[derive(Default)]
enum Tracked {
    /// Not tried yet (or the second connection went away): the next poll that reads opens it.
    #[default]
    Idle,
    On(Box<Tracker>),
    /// Refused or failed: not tried again before this instant.
    Off(Instant),
}

/// The keys a poll reads, in the order of its reads: the revocation, then per room E, X and M.
struct PollKeys {
    revoked: Vec<u8>,
    rooms: Vec<[String; 4]>,
}

impl PollKeys {
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        std::iter::once(self.revoked.as_slice())
            .chain(self.rooms.iter().flat_map(|[e, _, x, m]| [e.as_bytes(), x.as_bytes(), m.as_bytes()]))
    }
}

impl RedisStore {
    /// Remembers the keys of a secret just read.
    fn keep(&self, secret: &[u8]) -> Result<Arc<Keys>> {
        let keys = Arc::new(Keys::from_bytes(secret).ok_or_else(|| StoreError::Unavailable {
            server: self.server().to_string(),
            message: format!("the key {} does not hold a live secret", self.keys.live_secret()),
        })?);
        *self.live.keys.lock().unwrap_or_else(|p| p.into_inner()) = Some((keys.clone(), Instant::now()));
        Ok(keys)
    }

    /// Reads the secret without creating one (a poll writes nothing): `None` when there is none
    /// yet, so no token was ever issued (one round trip).
    fn read_secret(&self) -> Result<Option<Arc<Keys>>> {
        let key = self.keys.live_secret();
        let secret: Option<Vec<u8>> = self.link.call(|c| redis::cmd("GET").arg(&key).query(c))?;
        secret.map(|s| self.keep(&s)).transpose()
    }

    /// Reads (or creates) the secret; returns its keys and the server's time (one round trip).
    fn load_secret(&self) -> Result<(Arc<Keys>, u64)> {
        let candidate = Secret::random().map_err(|e| StoreError::Unavailable {
            server: self.server().to_string(),
            message: format!("no random source for the live secret: {e}"),
        })?;
        let mut inv = scripts::LIVE_SECRET.prepare_invoke();
        inv.key(self.keys.live_secret()).arg(&candidate.0[..]).arg(self.now_arg());
        let (secret, now): (Vec<u8>, u64) = self.run(&inv)?;
        Ok((self.keep(&secret)?, now))
    }

    /// The keys this process holds, if any, and whether they may be read again now.
    fn cached_keys(&self) -> Option<(Arc<Keys>, bool)> {
        let cached = self.live.keys.lock().unwrap_or_else(|p| p.into_inner());
        cached.as_ref().map(|(k, at)| (k.clone(), at.elapsed() >= RELOAD_EVERY))
    }

    /// Checks a token with the keys held (read first when there are none, or again when the tag
    /// does not check out and the keys were read more than a second ago).
    fn verify(
        &self,
        token: &[u8],
        session: &[u8],
        scope: Option<Scope<'_>>,
    ) -> Result<std::result::Result<Claims, Refusal>> {
        let (keys, may_reload) = match self.cached_keys() {
            Some(cached) => cached,
            None => match self.read_secret()? {
                Some(keys) => (keys, false),
                None => return Ok(live::check_shape(token).and(Err(Refusal::Invalid))),
            },
        };
        match live::verify(&keys, token, session, scope) {
            Err(Refusal::Invalid) if may_reload => match self.read_secret()? {
                Some(keys) => Ok(live::verify(&keys, token, session, scope)),
                None => Ok(Err(Refusal::Invalid)),
            },
            other => Ok(other),
        }
    }

    pub(super) fn issue_token(&self, grant: &Grant<'_>) -> Result<String> {
        let (keys, now) = self.load_secret()?;
        Ok(live::issue(&keys, grant, now))
    }

    pub(super) fn revoke_tokens(&self, scope: Scope<'_>, user_id: u64) -> Result<()> {
        let mut inv = scripts::LIVE_REVOKE.prepare_invoke();
        inv.key(self.keys.live_revoked(scope.as_bytes(), user_id)).arg(self.now_arg()).arg(REVOCATION_KEEP_MS);
        self.run::<u64>(&inv).map(|_| ())
    }

    pub(super) fn poll(&self, token: &[u8], session: &[u8], scope: Option<Scope<'_>>) -> Result<PollAnswer> {
        if let Err(why) = live::check_size(token) {
            return Ok(PollAnswer::refused(why));
        }
        let claims = match self.verify(token, session, scope)? {
            Ok(c) => c,
            Err(why) => return Ok(PollAnswer::refused(why)),
        };
        let keys = self.poll_keys(&claims);
        if let Some(answer) = self.poll_held(&claims, &keys) {
            return Ok(answer);
        }
        match self.poll_read(&claims, &keys)? {
            Some(answer) => Ok(answer),
            None => self.poll_script(&claims),
        }
    }

    /// The keys `claims`' poll reads.
    fn poll_keys(&self, claims: &Claims) -> PollKeys {
        PollKeys {
            revoked: self.keys.live_revoked(claims.scope(), claims.user_id),
            rooms: claims.rooms().map(|r| self.keys.room(r)).collect(),
        }
    }

    /// The poll answered from the process's copy, when it holds every key and Redis has not
    /// said since that one was written (no round trip).
    fn poll_held(&self, claims: &Claims, keys: &PollKeys) -> Option<PollAnswer> {
        let mut tracked = self.live.tracked.lock().unwrap_or_else(|p| p.into_inner());
        let Tracked::On(t) = &mut *tracked else { return None };
        if !t.is_ours() || !t.catch_up(self.link.connects()) {
            *tracked = Tracked::Idle;
            return None;
        }
        if !t.holds(keys.iter()) {
            return None;
        }
        if !t.in_step(self.link.round_trips(), self.link.timeout()) {
            *tracked = Tracked::Idle;
            return None;
        }
        let reply = t.answer(keys.iter())?;
        let now = match self.now_arg() {
            0 => t.server_now()?,
            given => given,
        };
        // An entry due to expire (or replies of an unknown shape): the poll reads.
        read_answer(claims, now, &reply).flatten()
    }

    /// The second connection's client id when the poll's reads should be tracked, opening it
    /// the first time.
    fn tracking_id(&self) -> Option<u64> {
        let mut tracked = self.live.tracked.lock().unwrap_or_else(|p| p.into_inner());
        match &*tracked {
            Tracked::On(t) if t.is_ours() => return Some(t.redirect_id()),
            Tracked::Off(until) if Instant::now() < *until => return None,
            _ => {}
        }
        // While the main connection fails and backs off, no second one either: an outage costs a
        // call no more than the one timeout the main connection allows it.
        if matches!(self.link.state(), LinkState::Failing { .. }) {
            return None;
        }
        let info = self.link.target()?;
        *tracked = match Tracker::open(info, self.link.timeout()) {
            Ok(t) => Tracked::On(Box::new(t)),
            Err(_) => Tracked::Off(Instant::now() + UNTRACKED_FOR),
        };
        match &*tracked {
            Tracked::On(t) => Some(t.redirect_id()),
            _ => None,
        }
    }

    /// After a tracked read: keeps its replies, or, when the server refused to track them,
    /// stops tracking for a while (also when the second connection is gone before this process
    /// read its end: a proxy that sends the two connections to different servers would
    /// otherwise open one for every poll).
    fn keep_read(&self, id: u64, preamble: &[Value], keys: &PollKeys, replies: &[Value], now: Option<u64>) {
        let mut tracked = self.live.tracked.lock().unwrap_or_else(|p| p.into_inner());
        let Tracked::On(t) = &mut *tracked else { return };
        if t.redirect_id() != id {
            return;
        }
        if preamble.iter().any(|v| matches!(v, Value::ServerError(_))) {
            *tracked = Tracked::Off(Instant::now() + UNTRACKED_FOR);
            return;
        }
        t.keep(keys.iter().zip(replies), now, self.link.round_trips(), self.link.connects());
    }

    /// A poll that always runs the script (what every poll did before the reads): for the
    /// measurement that compares both.
    #[cfg(feature = "testing")]
    pub fn testing_poll_by_script(&self, token: &[u8], session: &[u8]) -> Result<PollAnswer> {
        match self.verify(token, session, None)? {
            Ok(claims) => self.poll_script(&claims),
            Err(why) => Ok(PollAnswer::refused(why)),
        }
    }

    /// A poll that always reads (what a poll does when the process holds nothing of its rooms):
    /// for the measurement that compares the three.
    #[cfg(feature = "testing")]
    pub fn testing_poll_by_reads(&self, token: &[u8], session: &[u8]) -> Result<PollAnswer> {
        match self.verify(token, session, None)? {
            Ok(claims) => {
                let keys = self.poll_keys(&claims);
                match self.poll_read(&claims, &keys)? {
                    Some(answer) => Ok(answer),
                    None => self.poll_script(&claims),
                }
            }
            Err(why) => Ok(PollAnswer::refused(why)),
        }
    }

    /// The poll as plain reads in one transaction (one round trip, nothing written): the time,
    /// the revocation, and per room whether it has entries, the earliest expiry and the version.
    /// `None` when an entry of a room has expired and was not removed yet: removing it gives the
    /// room a new version, which only the script writes. With client-side caching, the
    /// transaction follows `CLIENT TRACKING` and `CLIENT CACHING` in the same round trip, and
    /// its replies are kept.
    fn poll_read(&self, claims: &Claims, keys: &PollKeys) -> Result<Option<PollAnswer>> {
        let now_arg = self.now_arg();
        let tracking = self.tracking_id();
        let mut p = Pipeline::with_capacity(6 + 3 * keys.rooms.len());
        if let Some(id) = tracking {
            // Every tracked read names the redirect again: a connection opened anew since (the
            // server closed the old one) tracks nothing until told. OPTIN: only these reads.
            p.cmd("CLIENT").arg("TRACKING").arg("on").arg("REDIRECT").arg(id).arg("OPTIN");
            p.cmd("CLIENT").arg("CACHING").arg("yes");
            p.ignore_errors();
        }
        // MULTI/EXEC: the rooms and the revocation are read at one moment, as the script reads
        // them; the server's commands cost it far less than a script call.
        p.cmd("MULTI");
        if now_arg == 0 {
            p.cmd("TIME");
        }
        p.cmd("GET").arg(&keys.revoked);
        for [e, _, x, m] in &keys.rooms {
            p.cmd("EXISTS").arg(e);
            p.cmd("ZRANGE").arg(x).arg(0).arg(0).arg("WITHSCORES");
            p.cmd("HGET").arg(m).arg("v");
        }
        p.cmd("EXEC");
        let all: Vec<Value> = self.link.call(|c: &mut Connection| p.query(c))?;
        let unknown = || StoreError::Unavailable {
            server: self.server().to_string(),
            message: "the live lane's reads answered in an unknown shape".into(),
        };
        // The replies: the preamble's, MULTI's, one QUEUED per read, then EXEC's (the reads').
        let preamble = if tracking.is_some() { 2 } else { 0 };
        let queued = usize::from(now_arg == 0) + 1 + 3 * keys.rooms.len();
        let reply = match all.last() {
            Some(Value::Array(reply)) if all.len() == preamble + queued + 2 => reply,
            // EXECABORT, LOADING, NOPERM…: the server's own words.
            Some(Value::ServerError(e)) => {
                return Err(StoreError::Unavailable { server: self.server().to_string(), message: e.to_string() })
            }
            _ => return Err(unknown()),
        };
        let answer = read_answer(claims, now_arg, reply).ok_or_else(unknown)?;
        if let Some(id) = tracking {
            let (now, read) = match now_arg {
                0 => (reply.first().and_then(server_time), &reply[1..]),
                _ => (None, &reply[..]),
            };
            self.keep_read(id, &all[..preamble], keys, read, now);
        }
        Ok(answer)
    }

    /// The poll as one script, which removes the expired entries of its rooms first (as every
    /// read does) and answers their versions after (one round trip).
    fn poll_script(&self, claims: &Claims) -> Result<PollAnswer> {
        let mut inv = scripts::POLL.prepare_invoke();
        for room in claims.rooms() {
            for k in self.keys.room(room) {
                inv.key(k);
            }
        }
        inv.key(self.keys.live_revoked(claims.scope(), claims.user_id));
        inv.arg(self.now_arg()).arg(claims.issued_us).arg(claims.expires_us);
        let reply: Vec<u64> = self.run(&inv)?;
        Ok(match reply.as_slice() {
            [0, now, versions @ ..] if versions.len() == claims.rooms().len() => PollAnswer::versions(versions, *now),
            [1, ..] => PollAnswer::refused(Refusal::Expired),
            [2, ..] => PollAnswer::refused(Refusal::Revoked),
            _ => {
                return Err(StoreError::Unavailable {
                    server: self.server().to_string(),
                    message: "the live lane's script answered in an unknown shape".into(),
                })
            }
        })
    }
}

/// The server's time in µs from a TIME reply.
fn server_time(time: &Value) -> Option<u64> {
    let (secs, micros): (u64, u64) = from_redis_value_ref(time).ok()?;
    secs.checked_mul(1_000_000)?.checked_add(micros)
}

/// What [`RedisStore::poll_read`]'s replies answer: `Some(None)` when a room has an expired
/// entry left to remove; `None` for replies of another shape.
fn read_answer(claims: &Claims, now_arg: u64, reply: &[Value]) -> Option<Option<PollAnswer>> {
    let (now, rest) = match reply {
        [time, rest @ ..] if now_arg == 0 => (server_time(time)?, rest),
        rest => (now_arg, rest),
    };
    let [revoked, rooms @ ..] = rest else { return None };
    // Refused as the script refuses: expired (or issued after now), then revoked.
    if let Err(why) = claims.check_time(now) {
        return Some(Some(PollAnswer::refused(why)));
    }
    let not_before: Option<u64> = from_redis_value_ref(revoked).ok()?;
    if let Err(why) = claims.check_revocation(not_before.unwrap_or(0)) {
        return Some(Some(PollAnswer::refused(why)));
    }
    if rooms.len() != 3 * claims.rooms().len() {
        return None;
    }
    let mut versions = [0u64; live::MAX_ROOMS];
    for (room, v) in rooms.chunks_exact(3).zip(versions.iter_mut()) {
        let [exists, earliest, version] = room else { return None };
        // X holds the entries scored by their expiry: the first is the one expire() removes
        // first, at or after its score. RESP2 answers [member, score]; RESP3 [[member, score]].
        let earliest: Option<f64> = match earliest {
            Value::Array(pair) if pair.is_empty() => None,
            Value::Array(pair) => {
                let score = match pair.first()? {
                    Value::Array(inner) => inner.get(1)?,
                    _ => pair.get(1)?,
                };
                Some(from_redis_value_ref(score).ok()?)
            }
            _ => return None,
        };
        if earliest.is_some_and(|at| at <= now as f64) {
            return Some(None);
        }
        // As version.lua answers with nothing to remove: 0 for an empty room.
        let exists: bool = from_redis_value_ref(exists).ok()?;
        let version: Option<u64> = from_redis_value_ref(version).ok()?;
        *v = if exists { version.unwrap_or(0) } else { 0 };
    }
    Some(Some(PollAnswer::versions(&versions[..claims.rooms().len()], now)))
}
