//! What only the Redis backend has, against a real redis-server per test: round trips per call,
//! a server that is down, stopped mid-run, frozen (no answer) or restarted, scripts flushed
//! away, a connection inherited across fork(), and the key layout itself.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use presence::store::{LinkState, ManualClock, RedisStore, StoreError, Written};

fn store_on(server: &RedisServer, timeout_ms: u64) -> (Plain<RedisStore>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(T0));
    let cfg =
        presence::store::RedisConfig { timeout: Duration::from_millis(timeout_ms), ..redis_config(server.url(), "p:") };
    (Plain(RedisStore::new(cfg, Some(clock.clone()))), clock)
}

/// The timeout of the outage tests' stores.
const TIMEOUT: Duration = Duration::from_millis(100);

/// The longest a call may take when it waits at most once for [`TIMEOUT`].
fn within_one_timeout() -> Duration {
    TIMEOUT + SCHEDULING_MARGIN
}

/// Shorter than [`TIMEOUT`] by the clocks' granularity: a call this fast did not wait for it.
fn less_than_the_timeout() -> Duration {
    TIMEOUT * 9 / 10
}

fn unavailable<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Unavailable { server, message }) => format!("{server}: {message}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn a_heartbeat_is_one_round_trip_when_the_room_is_unchanged_and_two_when_it_changed() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 1000);
    s.upsert("r", "other", &state(&[]), 2, 100).unwrap(); // connects
                                                          // Counted twice: by the store, and by the server itself (the replies it wrote); both must agree.
    let server = std::cell::RefCell::new(server.connection());
    let idle = replies_written(&mut server.borrow_mut(), &|| {});
    let rt = |f: &dyn Fn()| {
        let before = s.round_trips();
        let seen = replies_written(&mut server.borrow_mut(), f) - idle;
        let counted = s.round_trips() - before;
        assert_eq!(counted, seen, "round trips the store counted, replies the server wrote");
        counted
    };
    // A join: the upsert (with both index updates) is one; its reply answers the version.
    assert_eq!(rt(&|| assert_eq!(s.upsert("r", "me", &state(&[]), 1, 100).unwrap(), Written::Joined)), 1);
    let from_reply = std::cell::Cell::new(0);
    assert_eq!(rt(&|| from_reply.set(s.room_version("r").unwrap())), 0);
    let v1 = s.room_version("r").unwrap(); // asked again: now from the server
    assert_eq!(v1, from_reply.get());
    assert_eq!(rt(&|| assert_eq!(s.room("r", Some(100), Some(50)).unwrap().len(), 2)), 1);
    // The next tick only refreshes: one round trip, and the version did not move.
    clock.advance_secs(15);
    assert_eq!(rt(&|| assert_eq!(s.upsert("r", "me", &state(&[]), 1, 100).unwrap(), Written::Refreshed)), 1);
    assert_eq!(rt(&|| assert_eq!(s.room_version("r").unwrap(), v1)), 0);
    // Any other call in between, or another room, asks the server.
    s.upsert("r", "me", &state(&[]), 1, 100).unwrap();
    assert_eq!(rt(&|| assert_eq!(s.room_version("elsewhere").unwrap(), 0)), 1);
    s.upsert("r", "me", &state(&[]), 1, 100).unwrap();
    s.room_count("r", None).unwrap();
    assert_eq!(rt(&|| assert_ne!(s.room_version("r").unwrap(), 0)), 1);
    // The calls of the plugin's native backend and live lane.
    let r = R::default();
    assert_eq!(
        rt(&|| assert_eq!(
            s.exchange(W::new("r", "me", &state(&[]), 1, 100), r, "e").unwrap().written,
            Written::Refreshed
        )),
        1
    );
    assert_eq!(rt(&|| assert_ne!(s.room_version("r").unwrap(), 0)), 0, "an exchange's reply answers the version too");
    assert_eq!(rt(&|| assert!(s.leave("r", "other", r, "e").unwrap().removed)), 1);
    assert_eq!(rt(&|| assert_eq!(s.entry("r", "me").unwrap().len(), 1)), 1);
    assert_eq!(rt(&|| assert_eq!(s.read("r", R { clients: "m", ..r }).unwrap().len(), 1)), 1);
    assert_eq!(rt(&|| assert_eq!(s.count("r", None, "m").unwrap(), 1)), 1);
    assert_eq!(rt(&|| assert_eq!(s.prefix("", r).unwrap().len(), 1)), 2);
    let token = std::cell::RefCell::new(String::new());
    assert_eq!(rt(&|| *token.borrow_mut() = s.live_token("install/1", 1, &["r"], 60, "").unwrap()), 1);
    assert_eq!(rt(&|| s.live_revoke("install/1", 1).unwrap()), 1);
    assert_eq!(s.connects(), 1, "one connection kept across every call");
    // A poll's round trips, and what it costs the server, are in store_redis_tracking.rs.
}

/// Replies the server wrote to its clients while `f` ran, by its own count (`INFO stats`
/// total_writes_processed: a pipeline is answered in one write), the INFO calls' own included.
fn replies_written(c: &mut redis::Connection, f: &dyn Fn()) -> u64 {
    let written = |c: &mut redis::Connection| -> u64 {
        let info: String = redis::cmd("INFO").arg("stats").query(c).unwrap();
        info.lines().find_map(|l| l.strip_prefix("total_writes_processed:")).unwrap().trim().parse().unwrap()
    };
    let before = written(c);
    f();
    written(c) - before
}

#[test]
fn the_version_an_upsert_returns_is_the_rooms_version() {
    let server = RedisServer::start();
    let (a, _) = store_on(&server, 1000);
    let (b, _) = store_on(&server, 1000);
    a.upsert("r", "a", &state(&[("x", "1")]), 1, 100).unwrap();
    let from_upsert = a.room_version("r").unwrap();
    assert_eq!(from_upsert, b.room_version("r").unwrap());
    // Another machine changes the room: the next version asked for is the server's.
    b.upsert("r", "b", &state(&[]), 2, 100).unwrap();
    assert_ne!(a.room_version("r").unwrap(), from_upsert);
}

#[test]
fn a_server_that_is_down_costs_an_error_at_once_and_no_hang() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, TIMEOUT.as_millis() as u64);
    server.stop(false);
    let t = Instant::now();
    let msg = unavailable(s.upsert("r", "c", &state(&[]), 1, 100));
    assert!(msg.contains(&format!("127.0.0.1:{}", server.port)), "{msg}");
    // While the back-off lasts, calls fail without trying again.
    for _ in 0..100 {
        unavailable(s.room("r", None, None));
    }
    // A refused connection waits for no timeout: all of them together stay within one.
    assert!(t.elapsed() < within_one_timeout(), "took {:?}", t.elapsed());
    assert_eq!(s.connects(), 0);
    assert!(matches!(s.link_state(), LinkState::Failing { .. }));
}

#[test]
fn a_frozen_server_costs_one_timeout_then_the_same_store_recovers() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, TIMEOUT.as_millis() as u64);
    s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
    server.signal(libc::SIGSTOP);
    let t = Instant::now();
    let msg = unavailable(s.room("r", None, None));
    let waited = t.elapsed();
    assert!(msg.contains("presence.redis_timeout_ms"), "{msg}");
    assert!(waited >= less_than_the_timeout() && waited < within_one_timeout(), "waited {waited:?}");
    // The next calls do not wait again while the back-off lasts.
    let t = Instant::now();
    unavailable(s.room_count("r", None));
    assert!(t.elapsed() < less_than_the_timeout(), "less than the timeout: {:?}", t.elapsed());
    server.signal(libc::SIGCONT);
    let deadline = Instant::now() + Duration::from_secs(5);
    let back = loop {
        match s.room("r", None, None) {
            Ok(list) => break list,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("did not recover: {e}"),
        }
    };
    assert_eq!(back.len(), 1, "the entry written before the freeze is still there");
}

#[test]
fn killed_and_restarted_mid_run_the_same_store_reconnects_by_itself() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 100);
    let mut ok = 0;
    let mut failed = 0;
    let mut recovered_after = None;
    for i in 0..400 {
        if i == 100 {
            server.stop(true); // SIGKILL: connections reset, data gone (nothing is persisted)
        }
        if i == 150 {
            server.restart();
        }
        match s.upsert("r", &format!("c{}", i % 10), &state(&[]), 1, 100) {
            Ok(_) => {
                ok += 1;
                if i >= 150 && recovered_after.is_none() {
                    recovered_after = Some(i);
                }
            }
            Err(StoreError::Unavailable { .. }) => failed += 1,
            Err(e) => panic!("unexpected {e}"),
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(failed >= 50, "every call while it was down failed: {failed}");
    let recovered_after = recovered_after.expect("never recovered");
    // The back-off is at most 2 s; calls come every ~5 ms.
    assert!(recovered_after < 150 + 2_100 / 5, "recovered only at call {recovered_after}");
    assert!(ok >= 100 + 400 - recovered_after - 1);
    assert_eq!(s.room_count("r", None).unwrap(), 10);
    assert_eq!(s.connects(), 2);
}

#[test]
fn a_restart_between_requests_is_invisible() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 100);
    s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
    server.stop(false);
    server.restart();
    // The kept connection was closed by the old server: replaced and retried within the call.
    assert_eq!(s.upsert("r", "c", &state(&[]), 1, 100).unwrap(), Written::Joined, "a new server is empty");
    assert_eq!(s.connects(), 2);
}

#[test]
fn a_server_demoted_to_replica_is_left_and_the_next_primary_used() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 200);
    s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
    // A failover as a managed service does it: the node this process talks to becomes a replica.
    let _: () = redis::cmd("REPLICAOF").arg("127.0.0.1").arg(1).query(&mut server.connection()).unwrap();
    let msg = unavailable(s.upsert("r", "c", &state(&[]), 1, 100));
    assert!(msg.contains("ReadOnly: You can't write against a read only replica"), "{msg}");
    assert!(!msg.contains("Pipeline"), "one error, not one per command of the pipeline: {msg}");
    let _: () = redis::cmd("REPLICAOF").arg("NO").arg("ONE").query(&mut server.connection()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while s.upsert("r", "c", &state(&[]), 1, 100).is_err() {
        assert!(Instant::now() < deadline, "never wrote again");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.connects(), 2, "the demoted node's connection was closed, a new one opened");
}

#[test]
fn scripts_flushed_from_the_server_are_loaded_again() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 1000);
    s.upsert("r", "c", &state(&[]), 1, 100).unwrap();
    let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut server.connection()).unwrap();
    assert_eq!(s.upsert("r", "c", &state(&[]), 1, 100).unwrap(), Written::Refreshed);
    let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut server.connection()).unwrap();
    assert_eq!(s.user(1, None).unwrap().len(), 1);
    assert_eq!(s.connects(), 1);
}

#[test]
fn a_child_process_opens_its_own_connection() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 1000);
    s.upsert("r", "parent", &state(&[]), 1, 100).unwrap();
    // SAFETY: this test's thread forks; the child only uses the store and then _exits.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = (0..50).all(|i| s.upsert("r", &format!("child{i}"), &state(&[]), 2, 100).is_ok()) && s.connects() == 2;
        // SAFETY: leave without running the parent's destructors.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    for i in 0..50 {
        s.upsert("r", &format!("parent{i}"), &state(&[]), 1, 100).unwrap();
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(status, 0, "the child could not write on a connection of its own");
    assert_eq!(s.room_count("r", None).unwrap(), 101, "no answer went to the wrong process");
    assert_eq!(s.connects(), 1);
}

#[test]
fn a_bad_url_or_server_fails_each_call_with_the_reason() {
    let clock: Option<Arc<dyn presence::store::Clock>> = None;
    let cfg = |url: &str| presence::store::RedisConfig {
        timeout: Duration::from_millis(100),
        ..redis_config(url.into(), "p:")
    };
    let s = Plain(RedisStore::new(cfg("memcached://127.0.0.1:11211"), clock.clone()));
    assert!(unavailable(s.room("r", None, None)).contains("presence.backend must be"));
    let s = Plain(RedisStore::new(cfg("redis://:secret@127.0.0.1:1"), clock));
    let msg = unavailable(s.upsert("r", "c", &state(&[]), 1, 100));
    assert!(!msg.contains("secret"), "{msg}");
    assert_eq!(s.server(), "redis://127.0.0.1:1");
}

#[test]
fn the_servers_clock_decides_when_no_clock_is_given() {
    let server = RedisServer::start();
    let s = Plain(RedisStore::new(redis_config(server.url(), "p:"), None));
    s.upsert("r", "c", &state(&[]), 1, 1).unwrap();
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut server.connection()).unwrap();
    let updated = s.room("r", None, None).unwrap().get(0).unwrap().updated_us;
    let server_now = secs * 1_000_000 + micros;
    assert!(updated <= server_now && server_now - updated < 1_000_000, "{updated} vs {server_now}");
    // Expiry by the server's clock, to the millisecond: gone 1 s after the write.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(s.room_count("r", None).unwrap(), 0);
}

/// The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag, or of the whole key.
fn key_slot(key: &str) -> u16 {
    let b = key.as_bytes();
    let hashed = match b.iter().position(|&c| c == b'{') {
        Some(open) => match b[open + 1..].iter().position(|&c| c == b'}') {
            Some(len) if len > 0 => &b[open + 1..open + 1 + len],
            _ => b,
        },
        None => b,
    };
    let mut crc: u16 = 0;
    for &byte in hashed {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc % 16384
}

#[test]
fn key_slots_follow_redis_cluster() {
    // Values from CLUSTER KEYSLOT on a cluster node.
    assert_eq!(key_slot("foo"), 12182);
    assert_eq!(key_slot("somekey"), 11058);
    assert_eq!(key_slot("{foo}.bar"), 12182);
    assert_eq!(key_slot("foo{}{bar}"), key_slot("foo{}{bar}"));
}

#[test]
fn key_layout_rooms_share_a_hash_tag_and_every_key_carries_the_prefix() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 1000);
    s.upsert("site/{odd}%name", "c", &state(&[]), 7, 100).unwrap();
    let (t, _) = store_on(&server, 1000);
    let other = Plain(RedisStore::new(redis_config(server.url(), "other:"), None));
    other.upsert("site/{odd}%name", "c", &state(&[]), 7, 100).unwrap();
    let mut c = server.connection();
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("p:*").query(&mut c).unwrap();
    keys.sort();
    assert_eq!(
        keys,
        [
            "p:rooms",
            "p:user:{7}",
            "p:{site/%7Bodd%7D%25name}:e",
            "p:{site/%7Bodd%7D%25name}:m",
            "p:{site/%7Bodd%7D%25name}:o",
            "p:{site/%7Bodd%7D%25name}:x"
        ]
    );
    let slots: Vec<u16> = keys.iter().map(|k| key_slot(k)).collect();
    assert!(slots[2..].iter().all(|&x| x == slots[2]), "a room's keys share one slot: {slots:?}");
    assert_ne!(slots[0], slots[1], "the indexes are spread");
    // The other prefix is another site: flushing one leaves the other.
    assert_eq!(t.flush("").unwrap(), 1);
    assert_eq!(other.room_count("site/{odd}%name", None).unwrap(), 1);
}

/// Calls of one command since the last `CONFIG RESETSTAT` (commands run by scripts included).
fn calls(c: &mut redis::Connection, command: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query(c).unwrap();
    let prefix = format!("cmdstat_{command}:calls=");
    info.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |rest| rest.split(',').next().unwrap().parse().unwrap())
}

fn clients(list: &presence::store::EntryList) -> Vec<String> {
    list.iter().map(|e| e.client_id.to_string()).collect()
}

#[test]
fn a_limited_read_of_a_large_room_looks_at_a_page_of_its_newest_entries_and_a_count_at_none() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 5000);
    for i in 0..5000 {
        clock.set_us(T0 + i); // one write per µs: the newest are the last written
        s.upsert("big", &format!("c{i}"), &state(&[("screen", "dashboard")]), i + 1, 150).unwrap();
    }
    clock.set_us(T0 + 10_000_000);
    let mut c = server.connection();
    let _: () = redis::cmd("CONFIG").arg("RESETSTAT").query(&mut c).unwrap();
    // The plugin's read: a max age of the ttl every entry was written with, and a limit.
    let list = s.room("big", Some(150), Some(20)).unwrap();
    assert_eq!(clients(&list), (4980..5000).rev().map(|i| format!("c{i}")).collect::<Vec<_>>());
    assert_eq!(s.room_count("big", Some(150)).unwrap(), 5000);
    // One HMGET of one page (5 000 ids would take five of 1 000), and no HVALS of the room.
    assert_eq!(calls(&mut c, "hmget"), 1);
    assert_eq!(calls(&mut c, "hvals"), 0);
    assert_eq!(calls(&mut c, "hlen"), 1);
}

#[test]
fn a_max_age_shorter_than_a_live_entrys_ttl_still_leaves_out_older_entries() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 1000);
    s.upsert("r", "long", &state(&[]), 1, 1000).unwrap();
    clock.advance_secs(200);
    s.upsert("r", "short", &state(&[]), 2, 100).unwrap();
    // "long" is live (ttl 1000) but was written 200 s ago.
    assert_eq!(clients(&s.room("r", Some(150), None).unwrap()), ["short"]);
    assert_eq!(clients(&s.room("r", Some(150), Some(5)).unwrap()), ["short"]);
    assert_eq!(s.room_count("r", Some(150)).unwrap(), 1);
    assert_eq!(s.room_count("r", Some(1000)).unwrap(), 2);
    assert_eq!(clients(&s.room("r", Some(1000), Some(5)).unwrap()), ["short", "long"]);
}

#[test]
fn a_room_written_before_the_longest_ttl_was_kept_is_read_entry_by_entry_until_it_empties() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 1000);
    let mut c = server.connection();
    s.upsert("r", "old", &state(&[]), 1, 1000).unwrap();
    // As a room written by a build that kept no `t` would be.
    let _: () = redis::cmd("HDEL").arg("p:{r}:m").arg("t").query(&mut c).unwrap();
    clock.advance_secs(200);
    s.upsert("r", "new", &state(&[]), 2, 100).unwrap();
    let t: Option<u64> = redis::cmd("HGET").arg("p:{r}:m").arg("t").query(&mut c).unwrap();
    assert_eq!(t, None, "a short ttl must not claim to bound the older entry's");
    assert_eq!(clients(&s.room("r", Some(100), None).unwrap()), ["new"]);
    assert_eq!(s.room_count("r", Some(100)).unwrap(), 1);
    // Once the room has emptied, it keeps its bound again.
    assert!(s.remove("r", "old").unwrap());
    assert!(s.remove("r", "new").unwrap());
    s.upsert("r", "again", &state(&[]), 3, 100).unwrap();
    let t: Option<u64> = redis::cmd("HGET").arg("p:{r}:m").arg("t").query(&mut c).unwrap();
    assert_eq!(t, Some(100_000_000));
}

#[test]
fn a_poll_reads_the_live_secret_and_never_creates_it() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 1000);
    let mut c = server.connection();
    let secret_exists =
        |c: &mut redis::Connection| -> bool { redis::cmd("EXISTS").arg("p:live:secret").query(c).unwrap() };
    // Another store's token, and junk: refused, and nothing is written for them.
    let other = RedisServer::start();
    let (o, _) = store_on(&other, 1000);
    let foreign = o.live_token("install/1", 7, &["r"], 60, "").unwrap();
    assert_eq!(s.live_poll(&foreign, "", None).unwrap().body, r#"{"code":"token_invalid"}"#);
    assert_eq!(s.live_poll("junk", "", None).unwrap().body, r#"{"code":"token_malformed"}"#);
    assert!(!secret_exists(&mut c), "a poll created the secret");
    // The first token creates it; every process then reads the same one.
    let token = s.live_token("install/1", 7, &["r"], 60, "").unwrap();
    assert!(secret_exists(&mut c));
    let (fresh, _) = store_on(&server, 1000);
    let before = fresh.round_trips();
    assert_eq!(fresh.live_poll(&token, "", None).unwrap().status, 200);
    assert_eq!(fresh.round_trips() - before, 2, "the first poll of a process reads the secret");
    assert_eq!(fresh.live_poll(&token, "", None).unwrap().status, 200);
    assert_eq!(fresh.round_trips() - before, 2, "then what it read is held (store_redis_tracking.rs)");
}

/// Writes the server made so far (`INFO persistence`: changes since the last save, which a
/// server without saves never resets) and script calls it ran (`INFO commandstats`).
fn writes_and_scripts(c: &mut redis::Connection) -> (u64, u64) {
    let info: String = redis::cmd("INFO").arg("persistence").query(c).unwrap();
    let writes =
        info.lines().find_map(|l| l.strip_prefix("rdb_changes_since_last_save:")).unwrap().trim().parse().unwrap();
    let stats: String = redis::cmd("INFO").arg("commandstats").query(c).unwrap();
    let scripts = stats
        .lines()
        .filter(|l| l.starts_with("cmdstat_evalsha:") || l.starts_with("cmdstat_eval:"))
        .filter_map(|l| l.split([':', ',']).find_map(|p| p.strip_prefix("calls=")?.parse::<u64>().ok()))
        .sum();
    (writes, scripts)
}

#[test]
fn a_poll_with_nothing_expired_reads_without_a_script_and_writes_nothing() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 1000);
    let mut c = server.connection();
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 100).unwrap();
    // "gone" holds only a version: its last entry left (read as 0, as room_version() reads it).
    s.upsert("gone", "a", &state(&[]), 1, 60).unwrap();
    assert!(s.remove("gone", "a").unwrap());
    let token = s.live_token("install/1", 7, &["r", "empty", "gone"], 600, "sess").unwrap();
    let v = s.room_version("r").unwrap();
    clock.advance_secs(59);
    let before = (writes_and_scripts(&mut c), s.round_trips());
    let answer = s.live_poll(&token, "sess", None).unwrap();
    assert_eq!(answer.body, format!(r#"{{"v":[{v},0,0],"t":{}}}"#, (T0 + 59_000_000) / 1000));
    assert_eq!(
        (writes_and_scripts(&mut c), s.round_trips()),
        (before.0, before.1 + 1),
        "one read, no write, no script"
    );
    // A revocation, and a token past its time, are refused by the reads too.
    s.live_revoke("install/1", 7).unwrap();
    let before = writes_and_scripts(&mut c);
    assert_eq!(s.live_poll(&token, "sess", None).unwrap().body, r#"{"code":"token_revoked"}"#);
    clock.advance_secs(600);
    assert_eq!(s.live_poll(&token, "sess", None).unwrap().body, r#"{"code":"token_expired"}"#);
    assert_eq!(writes_and_scripts(&mut c), before, "a refused poll wrote nothing");
}

#[test]
fn an_entry_expired_but_not_removed_yet_changes_the_version_the_poll_answers() {
    let server = RedisServer::start();
    let (s, clock) = store_on(&server, 1000);
    let mut c = server.connection();
    s.upsert("r", "short", &state(&[]), 1, 10).unwrap();
    s.upsert("r", "long", &state(&[]), 2, 100).unwrap();
    s.upsert("alone", "short", &state(&[]), 1, 10).unwrap();
    let token = s.live_token("install/1", 7, &["r", "alone"], 600, "sess").unwrap();
    let v = s.room_version("r").unwrap();
    clock.advance_secs(9);
    let before = writes_and_scripts(&mut c);
    let va = s.room_version("alone").unwrap();
    assert_eq!(
        s.live_poll(&token, "sess", None).unwrap().body,
        format!(r#"{{"v":[{v},{va}],"t":{}}}"#, (T0 + 9_000_000) / 1000)
    );
    assert_eq!(writes_and_scripts(&mut c).0, before.0);
    // At the expiry itself, as a read then would see it: "short" leaves both rooms.
    clock.advance_secs(1);
    let (writes, scripts) = writes_and_scripts(&mut c);
    let rt = s.round_trips();
    let answer = s.live_poll(&token, "sess", None).unwrap();
    assert_eq!(s.round_trips() - rt, 2, "the reads, then the script that removes what expired");
    let (writes_after, scripts_after) = writes_and_scripts(&mut c);
    assert!(writes_after > writes, "the expired entries were removed");
    assert_eq!(scripts_after, scripts + 1);
    let now = s.room_version("r").unwrap();
    assert!(now > v, "the room has a new version");
    assert_eq!(answer.body, format!(r#"{{"v":[{now},0],"t":{}}}"#, (T0 + 10_000_000) / 1000));
    assert_eq!(s.room("r", None, None).unwrap().len(), 1);
    // Removed once: the next poll reads again, and the version holds.
    let before = writes_and_scripts(&mut c);
    assert_eq!(s.live_poll(&token, "sess", None).unwrap().body, answer.body);
    assert_eq!(writes_and_scripts(&mut c), before);
}

#[test]
fn a_poll_on_the_servers_clock_reads_its_time() {
    let server = RedisServer::start();
    let s = Plain(RedisStore::new(redis_config(server.url(), "p:"), None));
    let mut c = server.connection();
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    let token = s.live_token("install/1", 7, &["r"], 600, "sess").unwrap();
    let v = s.room_version("r").unwrap();
    let before = writes_and_scripts(&mut c);
    let answer = s.live_poll(&token, "sess", None).unwrap();
    assert_eq!(writes_and_scripts(&mut c), before);
    let (secs, micros): (u64, u64) = redis::cmd("TIME").query(&mut c).unwrap();
    let server_ms = (secs * 1_000_000 + micros) / 1000;
    let t: u64 = answer.body.rsplit_once(r#""t":"#).unwrap().1.trim_end_matches('}').parse().unwrap();
    assert_eq!(answer.body, format!(r#"{{"v":[{v}],"t":{t}}}"#));
    assert!(t <= server_ms && server_ms - t < 60_000, "the server's time: {t} against {server_ms}");
}

#[test]
fn a_poll_over_resp3_reads_the_earliest_expiry_as_over_resp2() {
    let server = RedisServer::start();
    let clock = Arc::new(ManualClock::new(T0));
    let resp3 = format!("{}/?protocol=resp3", server.url());
    let s = Plain(RedisStore::new(redis_config(resp3, "p:"), Some(clock.clone())));
    s.upsert("r", "short", &state(&[]), 1, 10).unwrap();
    s.upsert("r", "long", &state(&[]), 2, 100).unwrap();
    let token = s.live_token("install/1", 7, &["r", "empty"], 600, "sess").unwrap();
    let v = s.room_version("r").unwrap();
    clock.advance_secs(9);
    assert_eq!(
        s.live_poll(&token, "sess", None).unwrap().body,
        format!(r#"{{"v":[{v},0],"t":{}}}"#, (T0 + 9_000_000) / 1000)
    );
    // RESP3 nests each member with its score: the expiry is still read, and acted on.
    clock.advance_secs(1);
    let answer = s.live_poll(&token, "sess", None).unwrap();
    let now = s.room_version("r").unwrap();
    assert!(now > v, "the expired entry left the room");
    assert_eq!(answer.body, format!(r#"{{"v":[{now},0],"t":{}}}"#, (T0 + 10_000_000) / 1000));
}

#[test]
fn a_roster_reads_every_card_in_one_round_trip() {
    let server = RedisServer::start();
    let (s, _) = store_on(&server, 1000);
    for id in 1..=5u64 {
        s.upsert("admin/online", &format!("user-{id}"), &state(&[]), id, 100).unwrap();
        s.upsert("admin/online", &format!("_card-{id}"), &state(&[("html", "<li>")]), id, 100).unwrap();
    }
    let token = s.live_token_roster(7, &["admin/online"], "", 5).unwrap();
    assert_eq!(s.live_poll(&token, "", None).unwrap().status, 200);
    let before = s.round_trips();
    assert_eq!(s.live_poll(&token, "", None).unwrap().status, 200);
    let poll = s.round_trips() - before;
    let before = s.round_trips();
    let answer = s.live_poll_roster(&token, "", 0).unwrap();
    let roster = s.round_trips() - before;
    assert_eq!(answer.body.matches(r#""\u003cli\u003e""#).count(), 5, "{}", answer.body);
    // The room's version, its users, their count, then the five cards at once.
    assert!(roster <= poll + 4, "a roster of five cost {roster} round trips, a poll {poll}");
}
