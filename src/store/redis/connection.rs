//! The one connection to Redis a process keeps across requests (a php-fpm worker opens it on its
//! first presence call, never the master), with a timeout on every round trip and a bounded
//! back-off between connection attempts, so that a Redis outage costs each call at most one
//! timeout and usually nothing: while the back-off lasts, calls fail at once. (The live lane's
//! polls add a second, subscribed one of their own: `tracking.rs`.)
//!
//! - A connection inherited across `fork()` belongs to the parent: the child opens its own.
//! - A new connection loads every script (SCRIPT LOAD) and reads the server's version in one
//!   round trip; a NOSCRIPT answer later (SCRIPT FLUSH) reloads them and retries once.
//! - A connection the server closed (restart, idle timeout) is replaced at once and the call
//!   retried once; a timeout is not retried (the call already used its time).
//! - A server that answers READONLY was demoted by a failover: its connection is closed too.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::{Connection, ConnectionInfo, ErrorKind, RedisError, RedisResult, ServerErrorKind};

use super::scripts;
use crate::store::error::{Result, StoreError};

/// Wait after the first failed attempt before the next one; doubled after each further failure.
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
/// The longest wait between attempts: how late, at most, a worker notices that Redis is back.
const BACKOFF_MAX: Duration = Duration::from_secs(2);

struct Open {
    conn: Connection,
    /// The process that opened it.
    pid: u32,
}

struct State {
    open: Option<Open>,
    /// No connection attempt before this instant (set after a failure).
    retry_at: Option<Instant>,
    /// The wait that the next failure sets.
    backoff: Duration,
    /// Why the last attempt or call failed.
    last_error: Option<String>,
    /// `redis_version` (or `valkey_version`) from INFO, once connected.
    server_version: Option<String>,
}

/// What `php --ri presence` says about the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Connected to a server of this version.
    Connected { server_version: String },
    /// Not connected yet: nothing asked for the store in this process.
    Idle,
    /// The last attempt failed; the next one is not before `retry_in`.
    Failing { error: String, retry_in: Duration },
}

pub(super) struct Link {
    /// Where to connect, or why the configured URL is unusable.
    target: std::result::Result<ConnectionInfo, String>,
    /// The server as shown in messages: the URL without credentials.
    shown: String,
    timeout: Duration,
    state: Mutex<State>,
    round_trips: AtomicU64,
    connects: AtomicU64,
}

impl Link {
    pub(super) fn new(target: std::result::Result<ConnectionInfo, String>, shown: String, timeout: Duration) -> Self {
        Link {
            target,
            shown,
            timeout,
            state: Mutex::new(State {
                open: None,
                retry_at: None,
                backoff: BACKOFF_FIRST,
                last_error: None,
                server_version: None,
            }),
            round_trips: AtomicU64::new(0),
            connects: AtomicU64::new(0),
        }
    }

    pub(super) fn shown(&self) -> &str {
        &self.shown
    }

    /// Where the connection goes, if the configured URL is usable.
    pub(super) fn target(&self) -> Option<&ConnectionInfo> {
        self.target.as_ref().ok()
    }

    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Round trips made for store calls by this process (connection set-up not included).
    pub(super) fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    /// Connections opened by this process.
    pub(super) fn connects(&self) -> u64 {
        self.connects.load(Ordering::Relaxed)
    }

    pub(super) fn state(&self) -> LinkState {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match (&st.open, &st.last_error) {
            (Some(o), _) if o.pid == std::process::id() => {
                LinkState::Connected { server_version: st.server_version.clone().unwrap_or_default() }
            }
            (_, Some(e)) => LinkState::Failing {
                error: e.clone(),
                retry_in: st.retry_at.map_or(Duration::ZERO, |at| at.saturating_duration_since(Instant::now())),
            },
            _ => LinkState::Idle,
        }
    }

    pub(super) fn server_version(&self) -> Option<String> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).server_version.clone()
    }

    fn unavailable(&self, message: impl Into<String>) -> StoreError {
        StoreError::Unavailable { server: self.shown.clone(), message: message.into() }
    }

    /// Runs `op`, which must make exactly one round trip, on the process's connection.
    pub(super) fn call<T>(&self, mut op: impl FnMut(&mut Connection) -> RedisResult<T>) -> Result<T> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.open.as_ref().is_some_and(|o| o.pid != std::process::id()) {
            // Inherited across fork(): the socket is the parent's; closing our copy of the file
            // descriptor leaves the parent's connection alone.
            st.open = None;
        }
        let reused = st.open.is_some();
        if !reused {
            self.connect(&mut st)?;
        }
        let mut retried = false;
        loop {
            let Some(open) = st.open.as_mut() else {
                return Err(self.unavailable("not connected"));
            };
            self.round_trips.fetch_add(1, Ordering::Relaxed);
            let err = match op(&mut open.conn) {
                Ok(v) => {
                    st.last_error = None;
                    return Ok(v);
                }
                Err(e) => e,
            };
            if !retried && err.kind() == ErrorKind::Server(ServerErrorKind::NoScript) {
                retried = true;
                let reload = load_scripts(&mut open.conn);
                if let Err(e) = reload {
                    return Err(self.failed(&mut st, &e));
                }
                continue;
            }
            if !retried && reused && err.is_connection_dropped() && !err.is_timeout() {
                // The server closed a connection kept from an earlier request (a restart, an
                // idle timeout): the command never ran on it. One new connection, one retry.
                retried = true;
                st.open = None;
                st.retry_at = None;
                self.connect(&mut st)?;
                continue;
            }
            return Err(self.failed(&mut st, &err));
        }
    }

    /// Records a failed call: a broken or timed-out connection is closed and the back-off starts,
    /// and so is a connection to a server that is no longer the primary (after a failover, the
    /// server's name may lead to another one: the next attempt connects anew).
    fn failed(&self, st: &mut State, err: &RedisError) -> StoreError {
        let message = describe(err);
        let demoted = matches!(err.kind(), ErrorKind::Server(ServerErrorKind::ReadOnly | ServerErrorKind::MasterDown));
        if err.is_io_error() || err.is_timeout() || err.is_unrecoverable_error() || demoted {
            st.open = None;
            self.back_off(st);
        }
        st.last_error = Some(message.clone());
        self.unavailable(message)
    }

    fn back_off(&self, st: &mut State) {
        st.retry_at = Some(Instant::now() + st.backoff);
        st.backoff = (st.backoff * 2).min(BACKOFF_MAX);
    }

    /// Opens the connection, unless the back-off after the last failure still runs.
    fn connect(&self, st: &mut State) -> Result<()> {
        if let Some(at) = st.retry_at {
            let now = Instant::now();
            if now < at {
                let why = st.last_error.clone().unwrap_or_default();
                return Err(self.unavailable(format!(
                    "{why} (next attempt in {} ms)",
                    at.saturating_duration_since(now).as_millis().max(1)
                )));
            }
        }
        let target = match &self.target {
            Ok(t) => t.clone(),
            Err(e) => return Err(self.unavailable(e.clone())),
        };
        match self.open(target) {
            Ok((conn, version)) => {
                self.connects.fetch_add(1, Ordering::Relaxed);
                st.open = Some(Open { conn, pid: std::process::id() });
                st.server_version = Some(version);
                st.retry_at = None;
                st.backoff = BACKOFF_FIRST;
                st.last_error = None;
                Ok(())
            }
            Err(e) => {
                let message = describe(&e);
                st.last_error = Some(message.clone());
                self.back_off(st);
                Err(self.unavailable(message))
            }
        }
    }

    fn open(&self, target: ConnectionInfo) -> RedisResult<(Connection, String)> {
        let client = redis::Client::open(target)?;
        let mut conn = client.get_connection_with_timeout(self.timeout)?;
        conn.set_read_timeout(Some(self.timeout))?;
        conn.set_write_timeout(Some(self.timeout))?;
        let mut p = redis::pipe();
        for s in scripts::all() {
            p.load_script(s).ignore();
        }
        p.cmd("INFO").arg("server");
        let (info,): (String,) = p.query(&mut conn)?;
        Ok((conn, server_version(&info)))
    }
}

fn load_scripts(conn: &mut Connection) -> RedisResult<()> {
    let mut p = redis::pipe();
    for s in scripts::all() {
        p.load_script(s).ignore();
    }
    p.query::<()>(conn)
}

/// The server's version from `INFO server`: Valkey's own version when it gives one.
fn server_version(info: &str) -> String {
    let field = |name: &str| {
        info.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':'))).map(|v| v.trim().to_string())
    };
    match field("valkey_version") {
        Some(v) => format!("valkey {v}"),
        None => field("redis_version").map_or_else(|| "unknown".into(), |v| format!("redis {v}")),
    }
}

fn describe(err: &RedisError) -> String {
    if err.is_timeout() {
        return "no answer within presence.redis_timeout_ms".into();
    }
    // A pipeline lists every command's error; the first one says what happened.
    if let Some(first) = err.clone().into_server_errors().and_then(|all| all.first().map(|(_, e)| e.to_string())) {
        return first;
    }
    err.to_string()
}

#[cfg(test)]
mod tests {
    use super::server_version;

    #[test]
    fn reads_the_version_of_redis_and_valkey() {
        assert_eq!(server_version("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n"), "redis 7.0.15");
        assert_eq!(server_version("redis_version:7.2.4\r\nvalkey_version:8.0.1\r\n"), "valkey 8.0.1");
        assert_eq!(server_version(""), "unknown");
    }
}
