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
//! holds an entry whose expiry has come and that was not removed yet.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::{from_redis_value_ref, Connection, Pipeline, Value};

use super::{scripts, RedisStore};
use crate::store::error::{Result, StoreError};
use crate::store::input::MAX_SECONDS;
use crate::store::live::{self, Claims, Grant, Keys, PollAnswer, Refusal, Scope, Secret};

/// How often at most a process reads the secret again because a token did not check out.
const RELOAD_EVERY: Duration = Duration::from_secs(1);
/// How long a revocation is kept: the longest token life, and a margin for clock skew.
const REVOCATION_KEEP_MS: u64 = MAX_SECONDS as u64 * 1000 + 10 * 60 * 1000;

#[derive(Default)]
pub(super) struct Cache {
    /// The keys of the secret last read, and when it was read.
    keys: Mutex<Option<(Arc<Keys>, Instant)>>,
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
        match self.poll_read(&claims)? {
            Some(answer) => Ok(answer),
            None => self.poll_script(&claims),
        }
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

    /// The poll as plain reads in one transaction (one round trip, nothing written): the time,
    /// the revocation, and per room whether it has entries, the earliest expiry and the version.
    /// `None` when an entry of a room has expired and was not removed yet: removing it gives the
    /// room a new version, which only the script writes.
    fn poll_read(&self, claims: &Claims) -> Result<Option<PollAnswer>> {
        let now_arg = self.now_arg();
        let rooms = claims.rooms();
        let mut p = Pipeline::with_capacity(2 + 3 * rooms.len());
        // MULTI/EXEC: the rooms and the revocation are read at one moment, as the script reads
        // them; the server's commands cost it far less than a script call.
        p.atomic();
        if now_arg == 0 {
            p.cmd("TIME");
        }
        p.cmd("GET").arg(self.keys.live_revoked(claims.scope(), claims.user_id));
        for room in rooms {
            let [e, _, x, m] = self.keys.room(room);
            p.cmd("EXISTS").arg(e);
            p.cmd("ZRANGE").arg(x).arg(0).arg(0).arg("WITHSCORES");
            p.cmd("HGET").arg(m).arg("v");
        }
        let reply: Vec<Value> = self.link.call(|c: &mut Connection| p.query(c))?;
        read_answer(claims, now_arg, &reply).ok_or_else(|| StoreError::Unavailable {
            server: self.server().to_string(),
            message: "the live lane's reads answered in an unknown shape".into(),
        })
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

/// What [`RedisStore::poll_read`]'s replies answer: `Some(None)` when a room has an expired
/// entry left to remove; `None` for replies of another shape.
fn read_answer(claims: &Claims, now_arg: u64, reply: &[Value]) -> Option<Option<PollAnswer>> {
    let (now, rest) = match reply {
        [time, rest @ ..] if now_arg == 0 => {
            let (secs, micros): (u64, u64) = from_redis_value_ref(time).ok()?;
            (secs.checked_mul(1_000_000)?.checked_add(micros)?, rest)
        }
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
