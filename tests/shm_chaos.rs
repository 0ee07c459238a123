//! Chaos across real processes (`fork`): four writer processes SIGKILLed at random moments (most
//! kills land inside the lock) and started again, for `PRESENCE_CHAOS_SECS` seconds (15 by
//! default) per phase, while a survivor process writes and two reader processes read.
//!
//! 1. A segment with room to spare: every write the survivor saw acknowledged is present with its
//!    last value, no reader ever waits past the lock timeout, and the table checks out.
//! 2. A segment so small that eviction runs all the time, with short TTLs: nothing live is ever
//!    evicted while an expired entry is stored (the store audits every live eviction in test
//!    builds), a survivor's key is either gone (evicted) or holds its last value, never an older
//!    one, and again no reader waits past the lock timeout.
//!
//! One test function, so no other test thread runs while we fork.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::process::{fork_child, kill, pipe, wait};
use common::*;
use presence::store::codec::{Key, Value};
use presence::store::{Clock, PresenceStore, ShmConfig, ShmStore, SystemClock};
use std::sync::atomic::{AtomicU64, Ordering};

const LOCK_TIMEOUT: Duration = Duration::from_secs(2);
const WRITERS: usize = 4;
const READERS: usize = 2;
const SURVIVOR_KEYS: u64 = 40;

/// A clock every process of a phase shares: a µs counter in an anonymous shared mapping made
/// before the forks, moved by the parent a hundred times faster than real time, so entries of
/// 1–2 s TTLs expire every few milliseconds. (The lock's timeout is real time.)
#[derive(Clone, Copy)]
struct SharedClock(*const AtomicU64);

// SAFETY: the pointer addresses an AtomicU64 in a mapping that lives until the process exits.
unsafe impl Send for SharedClock {}
// SAFETY: as above; the atomic is safe to share.
unsafe impl Sync for SharedClock {}

impl SharedClock {
    fn new(start_us: u64) -> SharedClock {
        // SAFETY: a fresh anonymous shared mapping of one page, never unmapped.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(p, libc::MAP_FAILED);
        let clock = SharedClock(p.cast());
        clock.set(start_us);
        clock
    }
    fn set(&self, us: u64) {
        // SAFETY: see the Send/Sync impls.
        unsafe { &*self.0 }.store(us, Ordering::SeqCst);
    }
}

impl Clock for SharedClock {
    fn now_us(&self) -> u64 {
        // SAFETY: see the Send/Sync impls.
        unsafe { &*self.0 }.load(Ordering::SeqCst)
    }
}

/// The clock of a phase: the system clock, or a shared fast one.
#[derive(Clone, Copy)]
enum PhaseClock {
    System,
    Fast(SharedClock),
}

fn open(path: &Path, size: u64, clock: PhaseClock) -> Plain<ShmStore> {
    let cfg = ShmConfig { lock_timeout: LOCK_TIMEOUT, ..config(path.to_owned(), size) };
    let clock: Arc<dyn Clock> = match clock {
        PhaseClock::System => Arc::new(SystemClock),
        PhaseClock::Fast(c) => Arc::new(c),
    };
    Plain(ShmStore::open(cfg, clock).unwrap())
}

/// A small xorshift generator: each process seeds its own.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn value_state(v: u64) -> Vec<u8> {
    Value::Array(vec![(Key::Str("v".into()), Value::Int(v as i64))]).encode(1 << 10).unwrap()
}

fn value_of(state: &[u8]) -> Option<u64> {
    match Value::decode(state).ok()? {
        Value::Array(items) => items.into_iter().find_map(|(_, v)| match v {
            Value::Int(i) => Some(i as u64),
            _ => None,
        }),
        _ => None,
    }
}

/// A writer: upserts and exchanges, removes and leaves at random in its rooms, big and small
/// states, long and short TTLs, some written without the right to evict, some with a write time
/// in the past (a walk to its place in the room), some under reserved ids, until killed.
fn writer(path: &Path, size: u64, clock: PhaseClock, seed: u64, short_ttls: bool) {
    let s = open(path, size, clock);
    let mut rng = Rng::new(seed);
    let small = value_state(1);
    let blob = state(&[("blob", &"z".repeat(600))]);
    let read = R { limit: Some(5), ..R::default() };
    loop {
        let room = format!("churn/{}", rng.below(17));
        let reserved = if rng.below(10) == 0 { "_" } else { "" };
        let client = format!("{reserved}c{}", rng.below(101));
        let ttl = if short_ttls && rng.below(2) == 0 { 1 + rng.below(2) as u32 } else { 300 };
        let st = if rng.below(3) == 0 { &blob } else { &small };
        let mut w = W::new(&room, &client, st, rng.below(7), ttl);
        if rng.below(4) == 0 {
            w = w.low();
        }
        if rng.below(4) == 0 {
            w = w.at(clock.now_us().saturating_sub(rng.below(2_000_000)));
        }
        if rng.below(4) == 0 {
            let _ = s.exchange(w, read, "c1");
        } else {
            let _ = s.write(w);
        }
        if rng.below(5) == 0 {
            let (room, client) = (format!("churn/{}", rng.below(17)), format!("c{}", rng.below(101)));
            if rng.below(2) == 0 {
                let _ = s.remove(&room, &client);
            } else {
                let _ = s.leave(&room, &client, read, "c1");
            }
        }
    }
}

/// The survivor: writes increasing values to its keys until `deadline`, then reports the last
/// acknowledged value of each key on `out`.
fn survivor(path: &Path, size: u64, clock: PhaseClock, deadline: Instant, mut out: std::fs::File) {
    let s = open(path, size, clock);
    let mut rng = Rng::new(0x5EED);
    let mut acked = BTreeMap::new();
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let key = rng.below(SURVIVOR_KEYS);
        if s.upsert("survivor", &format!("k{key}"), &value_state(n), 1, 600).is_ok() {
            acked.insert(key, n);
        }
    }
    for (k, v) in acked {
        writeln!(out, "{k} {v}").unwrap();
    }
}

/// A reader: reads rooms, versions, users, prefixes and single entries until `deadline`; reports its
/// longest call (µs), its failed calls and its call count on `out`.
fn reader(path: &Path, size: u64, clock: PhaseClock, deadline: Instant, seed: u64, mut out: std::fs::File) {
    let s = open(path, size, clock);
    let mut rng = Rng::new(seed);
    let (mut longest, mut failed, mut calls) = (Duration::ZERO, 0u64, 0u64);
    while Instant::now() < deadline {
        let started = Instant::now();
        let ok = match rng.below(6) {
            0 => s.room(&format!("churn/{}", rng.below(17)), None, None).is_ok(),
            1 => s.room("survivor", None, None).is_ok(),
            2 => s.room_version(&format!("churn/{}", rng.below(17))).is_ok(),
            3 => s.prefix("churn/", R { limit: Some(20), clients: "c1", ..R::default() }).is_ok(),
            4 => s.entry(&format!("churn/{}", rng.below(17)), &format!("_c{}", rng.below(101))).is_ok(),
            _ => s.user(rng.below(7), None).is_ok(),
        };
        longest = longest.max(started.elapsed());
        failed += u64::from(!ok);
        calls += 1;
    }
    writeln!(out, "{} {failed} {calls}", longest.as_micros()).unwrap();
}

struct Outcome {
    acked: BTreeMap<u64, u64>,
    kills: u64,
}

impl PhaseClock {
    fn now_us(&self) -> u64 {
        match self {
            PhaseClock::System => SystemClock.now_us(),
            PhaseClock::Fast(c) => c.now_us(),
        }
    }
}

/// Runs one phase on a fresh segment of `size`.
fn phase(name: &str, size: u64, short_ttls: bool, seconds: u64) -> (Plain<ShmStore>, Outcome) {
    let path = temp_path(name);
    let fast = short_ttls.then(|| SharedClock::new(T0));
    let clock = fast.map_or(PhaseClock::System, PhaseClock::Fast);
    let s = open(&path, size, clock); // created before the children, so they all attach to one file
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (survivor_rx, survivor_tx) = pipe();
    let survivor_pid = {
        let path = path.clone();
        fork_child(move || survivor(&path, size, clock, deadline, survivor_tx))
    };
    let mut reader_rx = Vec::new();
    let mut readers = Vec::new();
    for r in 0..READERS {
        let (rx, tx) = pipe();
        let path = path.clone();
        readers.push(fork_child(move || reader(&path, size, clock, deadline, 77 + r as u64, tx)));
        reader_rx.push(rx);
    }
    let spawn_writer = |seed: u64| {
        let path = path.clone();
        fork_child(move || writer(&path, size, clock, seed, short_ttls))
    };
    let mut writers: Vec<_> = (0..WRITERS as u64).map(spawn_writer).collect();
    let mut rng = Rng::new(0xC4A05);
    let mut kills = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2 + rng.below(30)));
        if let Some(c) = fast {
            c.set(T0 + started.elapsed().as_micros() as u64 * 100);
        }
        let w = rng.below(WRITERS as u64) as usize;
        kill(writers[w]);
        kills += 1;
        writers[w] = spawn_writer(1000 + kills);
    }
    for pid in writers {
        kill(pid);
    }
    assert_eq!(wait(survivor_pid), 0, "{name}: the survivor failed");
    let acked = BufReader::new(survivor_rx)
        .lines()
        .map(|l| {
            let l = l.unwrap();
            let (k, v) = l.split_once(' ').unwrap();
            (k.parse().unwrap(), v.parse().unwrap())
        })
        .collect::<BTreeMap<u64, u64>>();
    for (pid, rx) in readers.into_iter().zip(reader_rx) {
        assert_eq!(wait(pid), 0, "{name}: a reader failed");
        let line = BufReader::new(rx).lines().next().unwrap().unwrap();
        let f: Vec<u64> = line.split(' ').map(|x| x.parse().unwrap()).collect();
        let (longest_us, failed, calls) = (f[0], f[1], f[2]);
        println!("{name}: reader made {calls} calls, longest {longest_us} µs, {failed} failed");
        assert!(calls > 100, "{name}: a reader made only {calls} calls");
        assert_eq!(failed, 0, "{name}: reader calls failed");
        assert!(longest_us < LOCK_TIMEOUT.as_micros() as u64, "{name}: a reader waited {longest_us} µs");
    }
    assert_eq!(s.check_integrity().unwrap(), Ok(()), "{name}");
    let _ = std::fs::remove_file(&path);
    (s, Outcome { acked, kills })
}

fn survivor_values(s: &Plain<ShmStore>) -> BTreeMap<u64, u64> {
    s.room("survivor", None, None)
        .unwrap()
        .iter()
        .map(|e| (e.client_id[1..].parse().unwrap(), value_of(e.state).unwrap()))
        .collect()
}

#[test]
fn writers_killed_at_random_lose_no_acknowledged_write_and_evict_nothing_live_early() {
    let seconds = std::env::var("PRESENCE_CHAOS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(15);

    // 1. Room to spare: every acknowledged write is there with its last value.
    let (s, out) = phase("chaos-roomy", 16 << 20, false, seconds);
    let st = s.stats().unwrap();
    println!(
        "roomy: {} kills, {} lock recoveries, {} repairs, {} acknowledged keys",
        out.kills,
        st.shm().unwrap().lock_recoveries,
        st.shm().unwrap().repairs,
        out.acked.len()
    );
    assert!(st.shm().unwrap().lock_recoveries > 0, "no kill landed inside the lock");
    assert_eq!(st.shm().unwrap().evicted_lru, 0, "the roomy segment evicted live entries");
    assert_eq!(out.acked.len() as u64, SURVIVOR_KEYS);
    assert_eq!(survivor_values(&s), out.acked, "acknowledged writes lost or stale");

    // 2. Eviction all the time.
    let (s, out) = phase("chaos-tiny", 256 << 10, true, seconds);
    let st = s.stats().unwrap();
    println!(
        "tiny: {} kills, {} lock recoveries, {} repairs, evicted {} expired / {} live",
        out.kills,
        st.shm().unwrap().lock_recoveries,
        st.shm().unwrap().repairs,
        st.shm().unwrap().evicted_expired,
        st.shm().unwrap().evicted_lru
    );
    assert!(
        st.shm().unwrap().evicted_expired > 0 && st.shm().unwrap().evicted_lru > 0,
        "eviction did not run both ways"
    );
    assert_eq!(s.testing_audit().unwrap(), 0, "a live entry was evicted while an expired one was stored");
    for (k, v) in survivor_values(&s) {
        assert_eq!(out.acked.get(&k), Some(&v), "survivor key {k} holds an older value");
    }
}
