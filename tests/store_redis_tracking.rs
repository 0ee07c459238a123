//! The live lane's polls on Redis answer from what the process read before, kept exact by
//! Redis's own invalidations (client-side caching, `src/store/redis/tracking.rs`), against a
//! real redis-server per test: a poll that finds every key held makes no round trip; a write by
//! another process, a revocation, an expiry, a flush, a lost connection and a server that
//! refuses the commands each make the next poll read.
//!
//! Redis queues an invalidation when the write runs; another process's poll sees it once it has
//! arrived, which on one machine is microseconds: `changes_within` allows a second.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::poll_copy::*;
use common::*;
use presence::store::{ManualClock, RedisStore};

#[test]
fn a_poll_answers_from_what_it_read_until_another_process_writes() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    let other = on_server_clock(server.url());
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    s.upsert("q", "a", &state(&[]), 1, 60).unwrap();
    let token = s.live_token("install/1", 1, &["r", "q"], 600, "").unwrap();
    let first = s.live_poll(&token, "", None).unwrap();
    assert_eq!(first.status, 200, "{}", first.body);

    let mut held = None;
    assert_eq!(round_trips(&s, &mut probe, || held = Some(s.live_poll(&token, "", None).unwrap())), (0, 0));
    assert_eq!(said(&held.unwrap()), said(&first), "nothing changed: the same versions");

    // Another process (another machine) writes to one of the rooms: the next polls read again.
    other.upsert("q", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(moved.status, 200);
    assert_eq!(said(&moved), other_view(&other, &token), "the versions another process reads");
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&moved))),
        (0, 0)
    );

    // A revocation is a key the polls read too: it ends the token at the next poll.
    other.live_revoke("install/1", 1).unwrap();
    let revoked = changes_within(&s, &token, &moved);
    assert_eq!(revoked.status, 403, "{}", revoked.body);
}

#[test]
fn the_process_own_write_shows_in_its_very_next_poll() {
    let server = RedisServer::start();
    let s = on_server_clock(server.url());
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    let token = s.live_token("install/1", 1, &["r"], 600, "").unwrap();
    let mut last = s.live_poll(&token, "", None).unwrap();
    for i in 0..50 {
        s.live_poll(&token, "", None).unwrap(); // held
        s.upsert("r", &format!("c{i}"), &state(&[]), 2, 60).unwrap();
        let now = s.live_poll(&token, "", None).unwrap();
        assert_ne!(said(&now), said(&last), "write {i} not seen by the same process's next poll");
        last = now;
    }
}

#[test]
fn after_the_process_own_write_one_ping_keeps_the_other_rooms_held() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    s.upsert("q", "a", &state(&[]), 1, 60).unwrap();
    let (on_r, on_q) = (
        s.live_token("install/1", 1, &["r"], 600, "").unwrap(),
        s.live_token("install/1", 1, &["q"], 600, "").unwrap(),
    );
    let q = s.live_poll(&on_q, "", None).unwrap();
    let r = s.live_poll(&on_r, "", None).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let pings = calls(&mut probe, "ping");
    // q did not change: still answered from the copy, once a PING's PONG showed that no
    // invalidation of the write is still on its way.
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&on_q, "", None).unwrap()), said(&q))),
        (0, 0)
    );
    assert_eq!(calls(&mut probe, "ping") - pings, 1);
    // r did: read again.
    let mut moved = None;
    assert_eq!(round_trips(&s, &mut probe, || moved = Some(s.live_poll(&on_r, "", None).unwrap())), (1, 1));
    assert_ne!(said(&moved.unwrap()), said(&r));
}

#[test]
fn an_entry_whose_time_came_is_removed_by_the_next_poll_without_any_write() {
    let server = RedisServer::start();
    let clock = Arc::new(ManualClock::new(T0));
    let s = Plain(RedisStore::new(redis_config(server.url(), "p:"), Some(clock.clone())));
    let mut probe = server.connection();
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 600).unwrap();
    let token = s.live_token("install/1", 1, &["r"], 3600, "").unwrap();
    let before = s.live_poll(&token, "", None).unwrap();
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&before))),
        (0, 0)
    );
    clock.advance_secs(61);
    let mut after = None;
    let (store_rt, server_calls) = round_trips(&s, &mut probe, || after = Some(s.live_poll(&token, "", None).unwrap()));
    let after = after.unwrap();
    assert_eq!(after.status, 200);
    assert_ne!(said(&after), said(&before), "a's expiry gives the room a new version");
    assert_eq!((store_rt, server_calls), (2, 2), "the reads find the expired entry, the script removes it");
    assert_eq!(s.room_count("r", None).unwrap(), 1);
}

#[test]
fn a_lost_second_connection_or_a_flush_makes_the_polls_read_again() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    let other = on_server_clock(server.url());
    let (token, first) = polled_once(&s);
    assert_eq!(held(&s, &mut probe, &token, &first), 0);

    // The server drops the subscribed connection: the next poll reads, and opens another.
    let killed: u64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub").query(&mut probe).unwrap();
    assert_eq!(killed, 1, "one subscribed connection: the store's");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first))).0,
        1
    );
    assert_eq!(held(&s, &mut probe, &token, &first), 0);
    // The new connection tracks as the first did.
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(moved.status, 200);

    // FLUSHDB tells every tracking client that every key may have changed.
    assert_eq!(held(&s, &mut probe, &token, &moved), 0);
    let _: () = redis::cmd("FLUSHDB").query(&mut probe).unwrap();
    let flushed = changes_within(&s, &token, &moved);
    // The process still holds the secret's keys; the room is gone.
    assert_eq!(said(&flushed), r#"200 {"v":[0]"#);
}

#[test]
fn a_server_that_refuses_client_side_caching_is_read_on_every_poll() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    // Two accounts: one may not turn tracking on, one may run no CLIENT command at all (so the
    // second connection cannot even learn its id).
    for (user, rule) in [("notrack", "-client|tracking"), ("noclient", "-client")] {
        let _: () = redis::cmd("ACL")
            .arg("SETUSER")
            .arg(user)
            .arg("on")
            .arg(">pw")
            .arg("~*")
            .arg("&*")
            .arg("+@all")
            .arg(rule)
            .query(&mut probe)
            .unwrap();
    }
    let writer = on_server_clock(server.url());
    for user in ["notrack", "noclient"] {
        let url = server.url().replace("redis://", &format!("redis://{user}:pw@"));
        let s = on_server_clock(url);
        let room = format!("room-{user}");
        s.upsert(&room, "a", &state(&[]), 1, 60).unwrap();
        let token = s.live_token("install/1", 1, &[room.as_str()], 600, "").unwrap();
        let first = s.live_poll(&token, "", None).unwrap();
        assert_eq!(first.status, 200, "{user}: {}", first.body);
        for _ in 0..3 {
            let (store_rt, _) =
                round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first)));
            assert_eq!(store_rt, 1, "{user}: every poll reads");
        }
        writer.upsert(&room, "b", &state(&[]), 2, 60).unwrap();
        assert_ne!(said(&s.live_poll(&token, "", None).unwrap()), said(&first), "{user}: the write is seen at once");
    }
}

#[test]
fn a_resp3_connection_is_kept_exact_the_same_way() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(format!("{}?protocol=resp3", server.url()));
    let other = on_server_clock(server.url());
    let (token, first) = polled_once(&s);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first))),
        (0, 0)
    );
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(said(&moved), other_view(&other, &token));
}

#[test]
fn the_second_connection_is_checked_while_polls_come_and_the_copy_stays_usable() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    let (token, first) = polled_once(&s);
    let pings = calls(&mut probe, "ping");
    // Polls every 300 ms for 4.5 s, longer than the copy is trusted without an answered PING
    // (3 s): the PINGs sent along the way keep every poll answered from it.
    // (A read every 5 s keeps the main connection known to be alive: at most one here.)
    let mut reads = 0;
    for _ in 0..15 {
        std::thread::sleep(Duration::from_millis(300));
        reads +=
            round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first))).0;
    }
    assert!(reads <= 1, "{reads} polls read");
    let sent = calls(&mut probe, "ping") - pings;
    assert!((3..=5).contains(&sent), "about a PING a second while polls come, got {sent}");
}

#[test]
fn a_main_connection_replaced_tracks_nothing_and_the_copy_starts_empty() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    let other = on_server_clock(server.url());
    let (token, first) = polled_once(&s);
    assert_eq!(held(&s, &mut probe, &token, &first), 0);
    // Every plain connection but the probe's goes: the store's main one (its subscribed one stays).
    let _: u64 =
        redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes").query(&mut probe).unwrap();
    s.upsert("q", "a", &state(&[]), 1, 60).unwrap(); // connects anew
    assert_eq!(s.connects(), 2);
    // Redis forgot what it tracked for the old connection: nothing will say that r changed.
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(said(&moved), other_view(&other, &token));
}

#[test]
fn a_main_connection_the_server_closed_unnoticed_holds_the_copy_back_at_most_five_seconds() {
    let server = RedisServer::start();
    let s = on_server_clock(server.url());
    let (token, first) = polled_once(&s);
    s.live_poll(&token, "", None).unwrap();
    // The server closes connections idle for a second (subscribed ones excepted).
    let _: () = redis::cmd("CONFIG").arg("SET").arg("timeout").arg("1").query(&mut server.connection()).unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let other = on_server_clock(server.url());
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within_for(&s, &token, &first, Duration::from_secs(5) + Duration::from_secs(1));
    assert_eq!(said(&moved), other_view(&other, &token));
    assert_eq!(s.connects(), 2, "the poll that read found the connection closed and opened another");
}

#[test]
fn expiry_and_a_token_end_come_by_the_server_clock_without_any_write() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    s.upsert("r", "a", &state(&[]), 1, 1).unwrap();
    s.upsert("r", "b", &state(&[]), 2, 600).unwrap();
    let long = s.live_token("install/1", 1, &["r"], 600, "").unwrap();
    let short = s.live_token("install/1", 1, &["r"], 1, "").unwrap();
    let first = s.live_poll(&long, "", None).unwrap();
    assert_eq!(s.live_poll(&short, "", None).unwrap().status, 200);
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&long, "", None).unwrap()), said(&first))).0,
        0
    );
    std::thread::sleep(Duration::from_millis(1300));
    let after = s.live_poll(&long, "", None).unwrap();
    assert_ne!(said(&after), said(&first), "a's expiry gives the room a new version");
    assert_eq!(s.room_count("r", None).unwrap(), 1);
    assert_eq!(s.live_poll(&short, "", None).unwrap().status, 403, "the short token's life is over");
}

#[test]
fn a_write_to_any_one_key_a_poll_reads_makes_the_next_poll_read_it() {
    let server = RedisServer::start();
    let mut probe = server.connection();
    let s = on_server_clock(server.url());
    s.upsert("r", "a", &state(&[]), 1, 600).unwrap();
    let token = s.live_token("install/1", 1, &["r"], 600, "").unwrap();
    let mut last = s.live_poll(&token, "", None).unwrap();
    // Each of the keys the poll reads, written alone by another client: the version field, the
    // entries' hash (gone: the room reads as empty), the revocation.
    let writes: [(&str, redis::Cmd); 3] = [
        ("the version", redis::cmd("HSET").arg("p:{r}:m").arg("v").arg(424242).clone()),
        ("the entries", redis::cmd("DEL").arg("p:{r}:e").clone()),
        ("the revocation", redis::cmd("SET").arg("p:live:revoked:1:install/1").arg(u64::MAX / 2).clone()),
    ];
    for (what, write) in writes {
        assert_eq!(
            round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&last))).0,
            0
        );
        let _: () = write.query(&mut probe).unwrap();
        let now = changes_within(&s, &token, &last);
        assert_ne!(said(&now), said(&last), "{what}");
        last = now;
    }
    assert_eq!(last.status, 403, "revoked: {}", last.body);
}
