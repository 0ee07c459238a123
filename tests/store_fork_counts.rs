//! Two real processes (`fork`) racing on one room through exchange and leave with a count prefix:
//! every change of the count from 1 to 2 and from 2 to 1 is seen by exactly one of them, on shared
//! memory and on Redis. Each round both processes are released at once to join (an exchange),
//! report, then released at once to leave; nothing else orders them. One test function, so no
//! other test thread is running when we fork.

mod common;

use std::io::{BufRead, BufReader, Write};

use common::process::{fork_child, pipe, wait};
use common::*;

const ROUNDS: usize = 100;
const ROOM: &str = "post:1";

/// What one exchange or leave saw: (previous count, count, version).
type Seen = (u64, u64, u64);

/// A store for a child to open on its own (its own mapping, or its own connection).
type Open = dyn Fn() -> Plain<Box<dyn TestStore>>;

/// Runs the rounds in two children; returns per round and per child what the join and the leave
/// saw.
fn race(open: &Open) -> Vec<[(Seen, Seen); 2]> {
    let mut children = Vec::new();
    for me in 0..2u64 {
        let (go_rx, go_tx) = pipe();
        let (seen_rx, seen_tx) = pipe();
        // The closure owns the child's ends: the parent drops its copies once it has forked.
        let pid = fork_child(move || {
            let s = open();
            let client = format!("editor-{me}");
            let mut seen_tx = seen_tx;
            let mut go = BufReader::new(go_rx);
            let r = R::default();
            let mut line = String::new();
            loop {
                line.clear();
                go.read_line(&mut line).unwrap();
                let (prev, count, version) = match line.trim() {
                    "join" => {
                        let x = s.exchange(W::new(ROOM, &client, &state(&[]), me + 1, 600), r, "editor-").unwrap();
                        (x.room.previous_count, x.room.count, x.room.version)
                    }
                    "leave" => {
                        let l = s.leave(ROOM, &client, r, "editor-").unwrap();
                        assert!(l.removed);
                        (l.room.previous_count, l.room.count, l.room.version)
                    }
                    _ => return,
                };
                writeln!(seen_tx, "{prev} {count} {version}").unwrap();
            }
        });
        children.push((pid, go_tx, BufReader::new(seen_rx)));
    }
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let mut step = |word: &str| -> [Seen; 2] {
            for (_, go, _) in children.iter_mut() {
                writeln!(go, "{word}").unwrap();
            }
            let mut out = [(0, 0, 0); 2];
            for (i, (_, _, seen)) in children.iter_mut().enumerate() {
                let mut line = String::new();
                seen.read_line(&mut line).unwrap();
                let v: Vec<u64> = line.split_whitespace().map(|x| x.parse().unwrap()).collect();
                out[i] = (v[0], v[1], v[2]);
            }
            out
        };
        let joins = step("join");
        let leaves = step("leave");
        rounds.push([(joins[0], leaves[0]), (joins[1], leaves[1])]);
    }
    for (pid, mut go, _) in children {
        writeln!(go, "quit").unwrap();
        assert_eq!(wait(pid), 0, "a child failed");
    }
    rounds
}

/// Each round: exactly one join saw 1 -> 2, exactly one leave saw 2 -> 1; and all operations,
/// put in the order of the versions they answered, form one chain where each saw the count the
/// one before it left.
fn check(rounds: &[[(Seen, Seen); 2]]) {
    let mut all: Vec<Seen> = Vec::new();
    for (n, round) in rounds.iter().enumerate() {
        let ups = round.iter().filter(|(j, _)| (j.0, j.1) == (1, 2)).count();
        let downs = round.iter().filter(|(_, l)| (l.0, l.1) == (2, 1)).count();
        assert_eq!((ups, downs), (1, 1), "round {n}: {round:?}");
        for (j, l) in round {
            all.push(*j);
            all.push(*l);
        }
    }
    all.sort_by_key(|s| s.2);
    let mut before = 0;
    for (i, s) in all.iter().enumerate() {
        assert!(i == 0 || s.2 > all[i - 1].2, "two operations answered one version");
        assert_eq!(s.0, before, "operation {i} saw a count nobody left: {s:?}");
        before = s.1;
    }
    assert_eq!(before, 0);
}

#[test]
fn two_processes_see_each_change_between_one_and_two_editors_exactly_once() {
    // Shared memory: one segment file, mapped by each child on its own.
    let path = temp_path("fork-counts");
    let anchor = Plain(
        presence::store::ShmStore::open(
            config(path.clone(), 4 << 20),
            std::sync::Arc::new(presence::store::SystemClock),
        )
        .unwrap(),
    );
    // A viewer that stays keeps the room (and its versions) alive between rounds.
    anchor.upsert(ROOM, "viewer", &state(&[]), 9, 3600).unwrap();
    let shm_path = path.clone();
    check(&race(&move || {
        let s = presence::store::ShmStore::open(
            config(shm_path.clone(), 4 << 20),
            std::sync::Arc::new(presence::store::SystemClock),
        )
        .unwrap();
        Plain(Box::new(s) as Box<dyn TestStore>)
    }));
    assert_eq!(anchor.check_integrity().unwrap(), Ok(()));
    let _ = std::fs::remove_file(&path);

    // Redis: one server, a connection per child (the server's clock decides).
    let server = RedisServer::start();
    let url = server.url();
    let anchor = Plain(presence::store::RedisStore::new(redis_config(url.clone(), "fork:"), None));
    anchor.upsert(ROOM, "viewer", &state(&[]), 9, 3600).unwrap();
    check(&race(&move || {
        let s = presence::store::RedisStore::new(redis_config(url.clone(), "fork:"), None);
        Plain(Box::new(s) as Box<dyn TestStore>)
    }));
}
