//! Measurement, not a check (ignored by default): what a live-lane poll costs a Redis server
//! and the polling process, done the three ways — answered from what the process read before
//! (what a poll does while nothing it read changed), plain reads in one MULTI/EXEC (what it does
//! when it holds nothing of its rooms, or one changed), and the poll script (what it does when an
//! entry of its rooms expired; what every poll did before the reads) — alternating round by round, on a redis-server of its own, with 1, 2, 4 and 21 rooms of 20 entries a token:
//!
//!     cargo test --release --no-default-features --features testing --test redis_poll_cost -- --ignored --nocapture
//!
//! Prints, per variant, the median over rounds of the server's CPU time per poll (`INFO cpu`,
//! user + sys: reading and answering the request included), of this thread's CPU time per poll
//! (the token's check, the request and its answer, the socket calls), of the round trip, and
//! the reads' ratio to the script on each.

mod common;

use std::time::Instant;

use common::*;

const ROUNDS: usize = 9;
const POLLS_PER_ROUND: usize = 3000;

/// The server's CPU seconds so far.
fn server_cpu(c: &mut redis::Connection) -> f64 {
    let cpu: String = redis::cmd("INFO").arg("cpu").query(c).unwrap();
    let field = |name: &str| -> f64 {
        cpu.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.trim().parse().ok()).unwrap_or(0.0)
    };
    field("used_cpu_user") + field("used_cpu_sys")
}

/// This thread's CPU seconds so far.
fn thread_cpu() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
#[ignore = "a measurement: run it by name with --ignored --nocapture, in release mode"]
fn reads_against_the_poll_script() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    // The server's clock decides, as in production: the reads ask for TIME.
    let store = Plain(presence::store::RedisStore::new(redis_config(server.url(), "presence:"), None));
    for rooms in [1, 2, 4, 21] {
        let names: Vec<String> = (0..rooms).map(|i| format!("site/{rooms}/room{i}")).collect();
        for name in &names {
            for k in 0..20 {
                store.upsert(name, &format!("user-{k}"), &state(&[("screen", "dashboard")]), k + 1, 600).unwrap();
            }
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let token = store.live_token("install/1", 7, &refs, 3600, "sess").unwrap();
        let held = || store.live_poll(&token, "sess", None).unwrap();
        let reads = || store.testing_poll_by_reads(token.as_bytes(), b"sess").unwrap();
        let script = || store.testing_poll_by_script(token.as_bytes(), b"sess").unwrap();
        let versions = |body: &str| body.split_once(r#","t":"#).unwrap().0.to_string();
        assert_eq!(versions(&reads().body), versions(&script().body), "the reads and the script agree");
        assert_eq!(versions(&held().body), versions(&script().body), "and what the process holds");

        type Variant<'a> = (&'a str, &'a dyn Fn() -> presence::store::PollAnswer);
        let variants: [Variant<'_>; 3] =
            [("held (no round trip)", &held), ("reads (MULTI/EXEC)", &reads), ("the poll script", &script)];
        // Per variant, µs per poll of each round.
        type PerVariant = [Vec<f64>; 3];
        let (mut server_us, mut client_us, mut wall_us) =
            (PerVariant::default(), PerVariant::default(), PerVariant::default());
        for round in 0..ROUNDS {
            for k in 0..variants.len() {
                let v = (round + k) % variants.len();
                let (s0, c0, w0) = (server_cpu(&mut probe), thread_cpu(), Instant::now());
                for _ in 0..POLLS_PER_ROUND {
                    assert_eq!((variants[v].1)().status, 200);
                }
                let wall = w0.elapsed();
                let (s1, c1) = (server_cpu(&mut probe), thread_cpu());
                let per = |d: f64| d * 1e6 / POLLS_PER_ROUND as f64;
                server_us[v].push(per(s1 - s0));
                client_us[v].push(per(c1 - c0));
                wall_us[v].push(per(wall.as_secs_f64()));
            }
        }
        let m = |v: &PerVariant, i: usize| median(v[i].clone());
        println!("{rooms} room(s) of 20 entries, µs per poll, median of {ROUNDS} rounds of {POLLS_PER_ROUND}:");
        for (i, (label, _)) in variants.iter().enumerate() {
            println!(
                "  {label:<20} server CPU {:6.1}   polling thread CPU {:6.1}   round trip {:6.1}",
                m(&server_us, i),
                m(&client_us, i),
                m(&wall_us, i)
            );
        }
        for (label, a, b) in [("held / reads", 0, 1), ("reads / script", 1, 2)] {
            println!(
                "  {label:<20} server CPU {:6.2}   polling thread CPU {:6.2}   round trip {:6.2}",
                m(&server_us, a) / m(&server_us, b),
                m(&client_us, a) / m(&client_us, b),
                m(&wall_us, a) / m(&wall_us, b)
            );
        }
    }
}
