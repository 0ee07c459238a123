//! Helpers shared by the store tests: a unique segment path per test and a store on a test clock.
#![allow(dead_code)]

#[cfg(not(feature = "testing"))]
compile_error!("the store tests use test hooks: cargo test --no-default-features --features testing");

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use presence::store::codec::{Key, Value};
use presence::store::{ManualClock, ShmConfig, ShmStore};

pub const T0: u64 = 1_800_000_000_000_000;

pub fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("presence-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.seg"));
    let _ = std::fs::remove_file(&p);
    p
}

pub fn config(path: PathBuf, size: u64) -> ShmConfig {
    ShmConfig { path, size, max_state_bytes: 8192, lock_timeout: Duration::from_secs(5) }
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
