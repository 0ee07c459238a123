//! Helpers shared by the store tests: a unique segment path per test and a store on a test clock,
//! on either backend (a real redis-server per test for Redis).
#![allow(dead_code)]

#[cfg(not(feature = "testing"))]
compile_error!("the store tests use test hooks: cargo test --no-default-features --features testing");

pub mod process;
pub mod redis_layout;
pub mod redis_server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use presence::store::codec::{Key, Value};
use presence::store::{ManualClock, PresenceStore, RedisConfig, RedisStore, ShmConfig, ShmStore};
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
    ShmConfig { path, size, max_state_bytes: 8192, lock_timeout: LOCK_TIMEOUT }
}

pub fn store(name: &str, size: u64) -> (ShmStore, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let s = ShmStore::open(config(temp_path(name), size), clock.clone()).unwrap();
    (s, clock)
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
    RedisConfig { url, key_prefix: key_prefix.into(), timeout: Duration::from_secs(2), max_state_bytes: 8192 }
}

/// A store on a test clock; for Redis, on a server of its own that stops with the fixture.
pub struct Fixture {
    pub store: Box<dyn TestStore>,
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
            Fixture { store: Box::new(s), clock, server: None }
        }
        Backend::Redis => {
            let server = RedisServer::start();
            let s = RedisStore::new(redis_config(server.url(), "presence:"), Some(clock.clone()));
            Fixture { store: Box::new(s), clock, server: Some(server) }
        }
    }
}
