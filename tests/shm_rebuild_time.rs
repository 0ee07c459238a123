//! Measurement, not a check (ignored by default): how long a rebuild after a crash holds the lock
//! on a full table, by segment size. Every other process waits for it, at most the 2 s lock
//! timeout, so `MAX_SEGMENT` is capped where this stays well below it. Run:
//!
//!     cargo test --release --no-default-features --features testing --test shm_rebuild_time -- --ignored --nocapture
//!
//! Sizes from `PRESENCE_REBUILD_SIZES` (MiB, comma-separated; default 32,256,1024;
//! larger sizes need `MAX_SEGMENT` raised for the run).

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::*;
use presence::store::{ManualClock, PresenceStore, ShmStore};

#[test]
#[ignore = "a measurement: run it by name with --ignored --nocapture, in release mode"]
fn rebuild_time_by_segment_size() {
    let sizes: Vec<u64> = std::env::var("PRESENCE_REBUILD_SIZES")
        .unwrap_or_else(|_| "32,256,1024".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    println!("| segment | entries | fill | rebuild (lock held) | gc pass (lock held) |");
    println!("|---:|---:|---:|---:|---:|");
    for mib in sizes {
        let path = std::path::PathBuf::from(format!("/dev/shm/presence-rebuild-time-{}-{mib}.seg", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let clock = Arc::new(ManualClock::new(T0));
        let s = Plain(ShmStore::open(config(path.clone(), mib << 20), clock).unwrap());
        let capacity = s.stats().unwrap().shm().unwrap().capacity;
        let st = state(&[("screen", "dashboard"), ("title", "A post being edited")]);
        let started = Instant::now();
        for i in 0..capacity {
            s.upsert(&format!("site/postType/post:{}", i / 8), &format!("user-{i}"), &st, i % 5000, 3600).unwrap();
        }
        let fill = started.elapsed();
        let rebuild = s.testing_rebuild().unwrap();
        let started = Instant::now();
        s.gc().unwrap();
        let gc = started.elapsed();
        assert_eq!(s.stats().unwrap().live_entries, capacity, "the rebuild kept every entry");
        println!(
            "| {mib} MiB | {capacity} | {:.1} s | {} ms | {} ms |",
            fill.as_secs_f64(),
            rebuild.as_millis(),
            gc.as_millis()
        );
        drop(s);
        let _ = std::fs::remove_file(&path);
    }
}
