//! Helpers shared by the store tests: a unique segment path per test and a store on a test clock,
//! on either backend (a real redis-server per test for Redis).
#![allow(dead_code)]

#[cfg(not(feature = "testing"))]
compile_error!("the store tests use test hooks: cargo test --no-default-features --features testing");

/// Runs each named `fn(Backend)` as two tests, `shm::name` and `redis::name` (a test file
/// declares `#[macro_use] mod common;` to use it).
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod shm {
            $( #[test] fn $name() { super::$name(super::Backend::Shm) } )*
        }
        mod redis {
            $( #[test] fn $name() { super::$name(super::Backend::Redis) } )*
        }
    };
}

pub mod poll_copy;
pub mod process;
pub mod redis_layout;
pub mod redis_server;
pub mod tls;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use presence::store::codec::{Key, Value};
use presence::store::live::RosterHeld;
use presence::store::{
    ClientId, ClientPrefix, CountPrefix, EncodedState, EntryList, Exchanged, Grant, Left, Limit, ManualClock, MaxAge,
    PollAnswer, Prefix, PresenceStore, Read, RedisConfig, RedisStore, Result as StoreResult, Room, RoomList,
    RoomSummary, Scope, ShmConfig, ShmStore, Ttl, Upsert, UserId, Written, WrittenAt,
};
pub use redis_server::RedisServer;

pub const T0: u64 = 1_800_000_000_000_000;

pub fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("presence-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.seg"));
    let _ = std::fs::remove_file(&p);
    p
}

/// The lock timeout of the tests' segments: a waiter gives up (and warns) after it.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// What a loaded 2-core CI machine may add to a call that honours its timeout: the margin of
/// every bound on elapsed time in these tests. Such bounds check a timeout is honoured; they
/// never measure speed.
pub const SCHEDULING_MARGIN: Duration = Duration::from_millis(900);

pub fn config(path: PathBuf, size: u64) -> ShmConfig {
    ShmConfig { path, size, lock_timeout: LOCK_TIMEOUT }
}

pub fn store(name: &str, size: u64) -> (Plain<ShmStore>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let s = ShmStore::open(config(temp_path(name), size), clock.clone()).unwrap();
    (Plain(s), clock)
}

/// The largest encoded state the tests' calls accept (the extension's default).
pub const MAX_STATE_BYTES: usize = 8192;

/// A store called with plain values, which each call checks into the store's input types first,
/// as the PHP binding does: `s.upsert("room", "client", &state, 1, 60)`. Everything else of the
/// store is reached through `Deref`.
pub struct Plain<S>(pub S);

impl<S> std::ops::Deref for Plain<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.0
    }
}

/// A store, whatever holds it.
pub trait AsStore {
    fn store(&self) -> &dyn PresenceStore;
}

impl AsStore for ShmStore {
    fn store(&self) -> &dyn PresenceStore {
        self
    }
}

impl AsStore for RedisStore {
    fn store(&self) -> &dyn PresenceStore {
        self
    }
}

impl AsStore for Box<dyn TestStore> {
    fn store(&self) -> &dyn PresenceStore {
        &**self
    }
}

impl AsStore for Box<dyn PresenceStore> {
    fn store(&self) -> &dyn PresenceStore {
        &**self
    }
}

fn max_age(secs: Option<u32>) -> StoreResult<Option<MaxAge>> {
    secs.map(|s| MaxAge::new(i64::from(s))).transpose()
}

/// A write as the tests give it: `when` is the write time in µs (`None`: now), `may_evict`
/// false for a low-priority write.
#[derive(Debug, Clone, Copy)]
pub struct W<'a> {
    pub room: &'a str,
    pub client: &'a str,
    pub state: &'a [u8],
    pub user: u64,
    pub ttl: u32,
    pub when: Option<u64>,
    pub may_evict: bool,
}

impl<'a> W<'a> {
    pub fn new(room: &'a str, client: &'a str, state: &'a [u8], user: u64, ttl: u32) -> Self {
        W { room, client, state, user, ttl, when: None, may_evict: true }
    }

    pub fn at(self, when_us: u64) -> Self {
        W { when: Some(when_us), ..self }
    }

    pub fn low(self) -> Self {
        W { may_evict: false, ..self }
    }

    fn checked(&self) -> StoreResult<Upsert<'a>> {
        let state = EncodedState::new(self.state, MAX_STATE_BYTES)?;
        let (room, client_id, ttl) =
            (Room::new(self.room)?, ClientId::new(self.client)?, Ttl::new(i64::from(self.ttl))?);
        let mut w = Upsert::new(room, client_id, state, UserId::from(self.user), ttl);
        w.written_at = self.when.map(WrittenAt::from_micros);
        w.may_evict = self.may_evict;
        Ok(w)
    }
}

/// A read as the tests give it.
#[derive(Debug, Clone, Copy, Default)]
pub struct R<'a> {
    pub max_age: Option<u32>,
    pub limit: Option<usize>,
    pub clients: &'a str,
}

impl<'a> R<'a> {
    fn checked(&self) -> StoreResult<Read<'a>> {
        Ok(Read {
            max_age: max_age(self.max_age)?,
            limit: self.limit.map(|n| Limit::new(n as i64)).transpose()?,
            clients: ClientPrefix::new("client_prefix", self.clients)?,
        })
    }
}

impl<S: AsStore> Plain<S> {
    pub fn upsert(&self, room: &str, client_id: &str, state: &[u8], user_id: u64, ttl: u32) -> StoreResult<Written> {
        self.write(W::new(room, client_id, state, user_id, ttl))
    }

    pub fn write(&self, w: W<'_>) -> StoreResult<Written> {
        self.0.store().upsert(&w.checked()?)
    }

    pub fn room(&self, room: &str, max_age_secs: Option<u32>, limit: Option<usize>) -> StoreResult<EntryList> {
        self.read(room, R { max_age: max_age_secs, limit, clients: "" })
    }

    pub fn read(&self, room: &str, r: R<'_>) -> StoreResult<EntryList> {
        self.0.store().room(Room::new(room)?, &r.checked()?)
    }

    pub fn rooms_read(&self, rooms: &[&str], r: R<'_>) -> StoreResult<Vec<EntryList>> {
        self.0.store().rooms_read(&RoomList::new(rooms)?, &r.checked()?)
    }

    pub fn room_count(&self, room: &str, max_age_secs: Option<u32>) -> StoreResult<u64> {
        self.count(room, max_age_secs, "")
    }

    pub fn count(&self, room: &str, max_age_secs: Option<u32>, clients: &str) -> StoreResult<u64> {
        self.0.store().room_count(
            Room::new(room)?,
            max_age(max_age_secs)?,
            ClientPrefix::new("client_prefix", clients)?,
        )
    }

    pub fn entry(&self, room: &str, client_id: &str) -> StoreResult<EntryList> {
        self.0.store().entry(Room::new(room)?, ClientId::new(client_id)?)
    }

    pub fn exchange(&self, w: W<'_>, r: R<'_>, count: &str) -> StoreResult<Exchanged> {
        self.0.store().exchange(&w.checked()?, &r.checked()?, CountPrefix::new(count)?)
    }

    pub fn leave(&self, room: &str, client_id: &str, r: R<'_>, count: &str) -> StoreResult<Left> {
        self.0.store().leave(Room::new(room)?, ClientId::new(client_id)?, &r.checked()?, CountPrefix::new(count)?)
    }

    pub fn leave_unless_written_after(&self, room: &str, client_id: &str, written_us: u64) -> StoreResult<Left> {
        self.0.store().leave_unless_written_after(
            Room::new(room)?,
            ClientId::new(client_id)?,
            Some(written_us),
            &R::default().checked()?,
            CountPrefix::new("")?,
        )
    }

    pub fn prefix(&self, prefix: &str, r: R<'_>) -> StoreResult<EntryList> {
        self.0.store().prefix(Prefix::new("prefix", prefix)?, &r.checked()?)
    }

    pub fn live_token(&self, scope: &str, user: i64, rooms: &[&str], ttl: i64, session: &str) -> StoreResult<String> {
        self.0.store().live_token(&Grant::new(scope, user, rooms, ttl, session.as_bytes())?)
    }

    pub fn live_token_roster(&self, user: i64, rooms: &[&str], session: &str, roster: i64) -> StoreResult<String> {
        self.0.store().live_token(&Grant::new("install/1", user, rooms, 60, session.as_bytes())?.with_roster(roster)?)
    }

    pub fn live_poll_roster(&self, token: &str, session: &str, held: u64) -> StoreResult<PollAnswer> {
        self.0.store().live_poll_roster(token.as_bytes(), session.as_bytes(), None, RosterHeld(held))
    }

    pub fn live_revoke(&self, scope: &str, user: u64) -> StoreResult<()> {
        self.0.store().live_revoke(Scope::new(scope)?, UserId::from(user))
    }

    pub fn live_poll(&self, token: &str, session: &str, scope: Option<&str>) -> StoreResult<PollAnswer> {
        self.0.store().live_poll(token.as_bytes(), session.as_bytes(), scope.map(Scope::new).transpose()?)
    }

    pub fn remove(&self, room: &str, client_id: &str) -> StoreResult<bool> {
        self.0.store().remove(Room::new(room)?, ClientId::new(client_id)?)
    }

    pub fn remove_user(&self, user_id: u64, room_prefix: &str) -> StoreResult<u64> {
        self.0.store().remove_user(UserId::from(user_id), Prefix::new("room_prefix", room_prefix)?)
    }

    pub fn user(&self, user_id: u64, max_age_secs: Option<u32>) -> StoreResult<EntryList> {
        self.0.store().user(UserId::from(user_id), max_age(max_age_secs)?)
    }

    pub fn rooms(&self, prefix: &str, max_age_secs: Option<u32>) -> StoreResult<Vec<RoomSummary>> {
        self.0.store().rooms(Prefix::new("prefix", prefix)?, max_age(max_age_secs)?)
    }

    pub fn room_version(&self, room: &str) -> StoreResult<u64> {
        self.0.store().room_version(Room::new(room)?)
    }

    pub fn flush(&self, prefix: &str) -> StoreResult<u64> {
        self.0.store().flush(Prefix::new("prefix", prefix)?)
    }
}

pub fn state(pairs: &[(&str, &str)]) -> Vec<u8> {
    Value::Array(pairs.iter().map(|(k, v)| (Key::Str((*k).into()), Value::Str((*v).into()))).collect())
        .encode(1 << 20)
        .unwrap()
}

/// The backends the shared behaviour and model tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Shm,
    Redis,
}

/// A store under test, with its backend's own consistency check.
pub trait TestStore: PresenceStore {
    /// `Err` describing the first broken invariant.
    fn check(&self, now_us: u64) -> Result<(), String>;
}

impl TestStore for ShmStore {
    fn check(&self, _now_us: u64) -> Result<(), String> {
        self.check_integrity().unwrap()
    }
}

impl TestStore for RedisStore {
    fn check(&self, now_us: u64) -> Result<(), String> {
        let client = redis::Client::open(self.config().url.as_str()).unwrap();
        let mut conn = client.get_connection_with_timeout(Duration::from_secs(2)).unwrap();
        redis_layout::check_layout(&mut conn, &self.config().key_prefix, now_us)
    }
}

pub fn redis_config(url: String, key_prefix: &str) -> RedisConfig {
    RedisConfig { url, key_prefix: key_prefix.into(), timeout: Duration::from_secs(2) }
}

/// A store on a test clock; for Redis, on a server of its own that stops with the fixture.
pub struct Fixture {
    pub store: Plain<Box<dyn TestStore>>,
    pub clock: Arc<ManualClock>,
    pub server: Option<RedisServer>,
}

impl Fixture {
    pub fn check(&self) -> Result<(), String> {
        use presence::store::Clock;
        self.store.check(self.clock.now_us())
    }
}

pub fn open_store(backend: Backend, name: &str, size: u64) -> Fixture {
    let clock = Arc::new(ManualClock::new(T0));
    match backend {
        Backend::Shm => {
            let s = ShmStore::open(config(temp_path(name), size), clock.clone()).unwrap();
            Fixture { store: Plain(Box::new(s)), clock, server: None }
        }
        Backend::Redis => {
            let server = RedisServer::start();
            let s = RedisStore::new(redis_config(server.url(), "presence:"), Some(clock.clone()));
            Fixture { store: Plain(Box::new(s)), clock, server: Some(server) }
        }
    }
}
