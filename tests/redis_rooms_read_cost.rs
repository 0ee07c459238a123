//! Measurement, not a check (ignored by default): what reading many small rooms at once costs a
//! Redis server, done the two ways one round trip allows — one script over every room's keys
//! (what `rooms_read` does) or a pipeline of one read script per room — alternating round by
//! round, on a redis-server of its own:
//!
//!     cargo test --release --no-default-features --features testing --test redis_rooms_read_cost -- --ignored --nocapture
//!
//! Prints, per variant, the median over rounds of the server's CPU time (`INFO cpu`, user + sys:
//! parsing the requests included), of the time its command statistics give the scripts
//! (`INFO commandstats`, `cmdstat_evalsha`), and of the round trip as this process sees it.

mod common;

use std::time::{Duration, Instant};

use common::*;
use presence::store::{PresenceStore, Read, RoomList};

const ROOMS: usize = 1000;
const PER_ROOM: usize = 5;
const ROUNDS: usize = 15;

/// `read.lua` with its preludes, as the store builds its per-room read script.
fn per_room_script() -> redis::Script {
    redis::Script::new(concat!(
        include_str!("../src/store/redis/lua/clock.lua"),
        include_str!("../src/store/redis/lua/room.lua"),
        include_str!("../src/store/redis/lua/reads.lua"),
        include_str!("../src/store/redis/lua/read.lua"),
    ))
}

/// The server's CPU seconds so far and the µs its statistics give EVALSHA.
fn server_clock(c: &mut redis::Connection) -> (f64, u64) {
    let cpu: String = redis::cmd("INFO").arg("cpu").query(c).unwrap();
    let field = |name: &str| -> f64 {
        cpu.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(':')?.trim().parse().ok()).unwrap_or(0.0)
    };
    let stats: String = redis::cmd("INFO").arg("commandstats").query(c).unwrap();
    let usec = stats
        .lines()
        .find_map(|l| {
            l.strip_prefix("cmdstat_evalsha:")?.split(',').find_map(|p| p.strip_prefix("usec=")?.parse().ok())
        })
        .unwrap_or(0);
    (field("used_cpu_user") + field("used_cpu_sys"), usec)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[test]
#[ignore = "a measurement: run it by name with --ignored --nocapture, in release mode"]
fn one_script_against_a_pipeline_of_per_room_scripts() {
    let server = RedisServer::start();
    let store = Plain(presence::store::RedisStore::new(redis_config(server.url(), "presence:"), None));
    let names: Vec<String> = (0..ROOMS).map(|i| format!("netbench/{i}/admin/online")).collect();
    for name in &names {
        for k in 0..PER_ROOM {
            let who = state(&[("display_name", &format!("Person {k}")), ("avatar_url", "https://example.org/a.png")]);
            store.upsert(name, &format!("user-{k}"), &who, k as u64 + 1, 600).unwrap();
        }
    }
    let client = redis::Client::open(server.url().as_str()).unwrap();
    let mut probe = client.get_connection_with_timeout(Duration::from_secs(5)).unwrap();
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(5)).unwrap();
    let script = per_room_script();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let rooms = RoomList::new(&refs).unwrap();
    let read = Read::VISIBLE;

    let one_script = |_: &mut redis::Connection| {
        let lists = PresenceStore::rooms_read(&store.0, &rooms, &read).unwrap();
        lists.iter().map(|l| l.len()).sum::<usize>()
    };
    let pipeline = |c: &mut redis::Connection| {
        let mut p = redis::Pipeline::with_capacity(ROOMS);
        for name in &names {
            let mut inv = script.prepare_invoke();
            for suffix in ["e", "o", "x", "m"] {
                inv.key(format!("presence:{{{name}}}:{suffix}"));
            }
            inv.arg(0).arg(0).arg(0).arg("");
            p.invoke_script(&inv);
        }
        let replies: Vec<Vec<Vec<u8>>> = p.query(c).unwrap();
        replies.iter().map(|r| r.len() / 2).sum::<usize>()
    };
    // Load the per-room script on the connection the pipeline uses (a pipeline does not retry
    // a NOSCRIPT), and check both variants read the same entries.
    let mut inv = script.prepare_invoke();
    inv.key("presence:{x}:e").key("presence:{x}:o").key("presence:{x}:x").key("presence:{x}:m");
    let _: Vec<Vec<u8>> = inv.arg(0).arg(0).arg(0).arg("").invoke(&mut conn).unwrap();
    assert_eq!(one_script(&mut conn), ROOMS * PER_ROOM);
    assert_eq!(pipeline(&mut conn), ROOMS * PER_ROOM);

    type Variant<'a> = (&'a str, &'a dyn Fn(&mut redis::Connection) -> usize);
    let variants: [Variant<'_>; 2] =
        [("one script over every room", &one_script), ("a pipeline of per-room scripts", &pipeline)];
    let mut cpu = [Vec::new(), Vec::new()];
    let mut usec = [Vec::new(), Vec::new()];
    let mut wall = [Vec::new(), Vec::new()];
    for round in 0..ROUNDS {
        for k in 0..variants.len() {
            let v = (round + k) % variants.len();
            let (cpu0, us0) = server_clock(&mut probe);
            let t = Instant::now();
            assert_eq!((variants[v].1)(&mut conn), ROOMS * PER_ROOM);
            let elapsed = t.elapsed().as_secs_f64();
            let (cpu1, us1) = server_clock(&mut probe);
            cpu[v].push((cpu1 - cpu0) * 1000.0);
            usec[v].push((us1 - us0) as f64 / 1000.0);
            wall[v].push(elapsed * 1000.0);
        }
    }
    println!("{ROOMS} rooms of {PER_ROOM} entries, median of {ROUNDS} rounds (ms):");
    for (v, (label, _)) in variants.iter().enumerate() {
        println!(
            "  {label:<32} server CPU {:6.2}   EVALSHA time {:6.2}   round trip {:6.2}",
            median(cpu[v].clone()),
            median(usec[v].clone()),
            median(wall[v].clone())
        );
    }
}
