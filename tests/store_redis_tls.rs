//! `rediss://`: the Redis backend over TLS, against a redis-server with a certificate from a test
//! CA. The server is verified: trusted through SSL_CERT_FILE it answers, untrusted it is refused.
//! The live poll's copy (`src/store/redis/tracking.rs`) works over TLS as over TCP: its second
//! connection verifies the server too.
//!
//! A binary of its own, as its tests set an environment variable of the process; they take
//! turns (`env_turn`).

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::poll_copy::*;
use common::process::{fork_child, wait};
use common::tls::{Issued, TestCa};
use common::*;
use presence::store::{ClientPrefix, PresenceStore, RedisStore, Room, StoreError};

/// Held by each test while it runs: SSL_CERT_FILE is the process's.
fn env_turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Makes clients trust `ca` (and the system's CAs no longer): rustls reads the CA certificates
/// it trusts each time it connects.
fn trust(ca: &TestCa) {
    std::env::set_var("SSL_CERT_FILE", ca.pem());
}

#[test]
fn rediss_connects_to_a_server_it_trusts_and_refuses_one_it_does_not() {
    let _turn = env_turn();
    std::env::remove_var("SSL_CERT_FILE");
    let ca = TestCa::new("connects");
    let server = RedisServer::start_tls(&ca.issue("server"));
    let room = Room::new("r").unwrap();

    let untrusted = RedisStore::new(redis_config(server.tls_url(), "tls:"), None);
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        match untrusted.room_count(room, None, ClientPrefix::VISIBLE) {
            Err(StoreError::Unavailable { message, .. }) if message.contains("certificate") => break message,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(150)),
            other => panic!("an untrusted server was not refused: {other:?}"),
        }
    };
    assert!(refused.contains("UnknownIssuer"), "{refused}");

    trust(&ca);
    let trusted = Plain(RedisStore::new(redis_config(server.tls_url(), "tls:"), None));
    assert!(trusted.upsert("r", "c", &[6, 0], 1, 60).is_ok());
    assert_eq!(trusted.room_count("r", None).unwrap(), 1);
    assert!(trusted.server().starts_with("rediss://"));
}

#[test]
fn over_tls_a_poll_answers_from_the_copy_and_sees_every_write() {
    let _turn = env_turn();
    let ca = TestCa::new("copy");
    trust(&ca);
    let server = RedisServer::start_tls(&ca.issue("server"));
    // The probe counts the server's calls on its plain port.
    let mut probe = server.connection();
    let s = on_server_clock(server.tls_url());
    let other = on_server_clock(server.tls_url());
    let (token, first) = polled_once(&s);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first))),
        (0, 0)
    );

    // Another client's write: the invalidation comes over TLS, and the next polls read it.
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(said(&moved), other_view(&other, &token));
    assert_eq!(held(&s, &mut probe, &token, &moved), 0);

    // The process's own writes: each next poll waits for the PONG over TLS, and sees the write.
    let mut last = moved;
    for i in 0..20 {
        assert_eq!(held(&s, &mut probe, &token, &last), 0);
        s.upsert("r", &format!("c{i}"), &state(&[]), 3, 60).unwrap();
        let now = s.live_poll(&token, "", None).unwrap();
        assert_ne!(said(&now), said(&last), "write {i} not seen by the same process's next poll");
        last = now;
    }
}

/// From the first poll on (the main connection is open already), the server shows new
/// connections `shown`: the second connection, opened at that poll, must refuse it, and every poll
/// then reads, without waiting, and no subscribed connection is left.
fn refused_second_connection_leaves_every_poll_reading(ca: &TestCa, shown: &Issued) {
    let server = RedisServer::start_tls(&ca.issue("server"));
    let mut probe = server.connection();
    let s = on_server_clock(server.tls_url());
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap(); // the main connection: trusted
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("tls-cert-file")
        .arg(shown.cert.to_str().unwrap())
        .arg("tls-key-file")
        .arg(shown.key.to_str().unwrap())
        .query(&mut probe)
        .unwrap();
    let started = Instant::now();
    let (token, first) = polled_once(&s);
    assert_eq!(first.status, 200, "{}", first.body);
    for _ in 0..3 {
        let (store_rt, _) =
            round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first)));
        assert_eq!(store_rt, 1, "every poll reads");
    }
    // Nothing waited: the refused handshake costs a poll no more than the one timeout.
    assert!(started.elapsed() < Duration::from_secs(2) + SCHEDULING_MARGIN, "{:?}", started.elapsed());
    let subscribed: String = redis::cmd("CLIENT").arg("LIST").arg("TYPE").arg("pubsub").query(&mut probe).unwrap();
    assert_eq!(subscribed, "", "no second connection");
    let other = on_server_clock(server.url());
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    assert_ne!(said(&s.live_poll(&token, "", None).unwrap()), said(&first), "the write is seen at once");
}

#[test]
fn a_second_connection_that_does_not_trust_the_server_leaves_every_poll_reading() {
    let _turn = env_turn();
    let (ca, stranger) = (TestCa::new("verify"), TestCa::new("stranger"));
    trust(&ca);
    refused_second_connection_leaves_every_poll_reading(&ca, &stranger.issue("server"));
}

#[test]
fn a_second_connection_shown_a_trusted_certificate_for_another_address_leaves_every_poll_reading() {
    let _turn = env_turn();
    let ca = TestCa::new("name");
    trust(&ca);
    // Signed by the trusted CA, but for 127.0.0.2: the host name check, not the chain, refuses it.
    refused_second_connection_leaves_every_poll_reading(&ca, &ca.issue_for("elsewhere", "127.0.0.2"));
}

#[test]
fn a_killed_tls_second_connection_stops_the_copy_until_it_is_back() {
    let _turn = env_turn();
    let ca = TestCa::new("killed");
    trust(&ca);
    let server = RedisServer::start_tls(&ca.issue("server"));
    let mut probe = server.connection();
    let s = on_server_clock(server.tls_url());
    let other = on_server_clock(server.tls_url());
    let (token, first) = polled_once(&s);
    assert_eq!(held(&s, &mut probe, &token, &first), 0);

    let killed: u64 = redis::cmd("CLIENT").arg("KILL").arg("TYPE").arg("pubsub").query(&mut probe).unwrap();
    assert_eq!(killed, 1, "one subscribed connection: the store's");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        round_trips(&s, &mut probe, || assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first))).0,
        1,
        "the copy is gone with its connection: the poll reads, and opens another"
    );
    assert_eq!(held(&s, &mut probe, &token, &first), 0);
    other.upsert("r", "b", &state(&[]), 2, 60).unwrap();
    let moved = changes_within(&s, &token, &first);
    assert_eq!(said(&moved), other_view(&other, &token));
}

/// A TCP relay to the server's `port` that passes the server's bytes on 16 at a time, a
/// millisecond apart: every TLS record reaches the client in parts. Its port.
fn dribbling_relay(port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let relay = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let (Ok(client), Ok(server)) = (client, TcpStream::connect(("127.0.0.1", port))) else { continue };
            let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_client, &mut to_server);
                let _ = to_server.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let (mut from_server, mut to_client) = (server, client);
                let _ = to_client.set_nodelay(true);
                let mut bytes = [0u8; 16];
                while let Ok(n @ 1..) = from_server.read(&mut bytes) {
                    if to_client.write_all(&bytes[..n]).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                let _ = to_client.shutdown(Shutdown::Both);
            });
        }
    });
    relay
}

#[test]
fn tls_records_that_come_in_parts_are_read_whole() {
    let _turn = env_turn();
    let ca = TestCa::new("parts");
    trust(&ca);
    let server = RedisServer::start_tls(&ca.issue("server"));
    let s = on_server_clock(format!("rediss://127.0.0.1:{}", dribbling_relay(server.tls_port())));
    let other = on_server_clock(server.tls_url());
    let (token, mut last) = polled_once(&s);
    assert_eq!(last.status, 200, "{}", last.body);
    // Polls a millisecond apart: the second connection is read, without waiting, while PONGs
    // and invalidations are halfway in; each of another client's writes still shows.
    let mut reads = 0;
    for i in 0..10 {
        for _ in 0..50 {
            let rt = s.round_trips();
            assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&last));
            reads += s.round_trips() - rt;
            std::thread::sleep(Duration::from_millis(1));
        }
        other.upsert("r", &format!("w{i}"), &state(&[]), 2, 60).unwrap();
        last = changes_within(&s, &token, &last);
        assert_eq!(said(&last), other_view(&other, &token));
    }
    assert!(reads <= 2, "{reads} of 500 polls of unchanged rooms read");
    // The process's own writes: the wait for the PONG reads records that come in parts too.
    for i in 0..5 {
        s.upsert("r", &format!("own{i}"), &state(&[]), 3, 60).unwrap();
        let now = s.live_poll(&token, "", None).unwrap();
        assert_ne!(said(&now), said(&last), "write {i} not seen by the same process's next poll");
        last = now;
    }
}

#[test]
fn a_forked_process_opens_its_own_tls_connections_and_leaves_the_parent_s_alone() {
    let _turn = env_turn();
    let ca = TestCa::new("fork");
    trust(&ca);
    let server = RedisServer::start_tls(&ca.issue("server"));
    let mut probe = server.connection();
    let s = on_server_clock(server.tls_url());
    let other = on_server_clock(server.tls_url());
    let (token, first) = polled_once(&s);
    assert_eq!(held(&s, &mut probe, &token, &first), 0);
    let subscribed = pubsub_ids(&mut probe);
    assert_eq!(subscribed.len(), 1, "the parent's second connection");
    // The child inherits both TLS sessions: it must write nothing into them, and open its own.
    let child = fork_child(|| {
        assert_eq!(said(&s.live_poll(&token, "", None).unwrap()), said(&first));
        s.upsert("r", "child", &state(&[]), 2, 60).unwrap();
        assert_ne!(said(&s.live_poll(&token, "", None).unwrap()), said(&first));
    });
    assert_eq!(wait(child), 0, "the child's polls and write");
    // The parent's sessions still work: the child's write reaches its copy, which answers again.
    let moved = changes_within(&s, &token, &first);
    assert_eq!(said(&moved), other_view(&other, &token));
    assert_eq!(held(&s, &mut probe, &token, &moved), 0);
    assert_eq!(s.connects(), 1, "the parent's main connection was kept");
    assert!(pubsub_ids(&mut probe).contains(&subscribed[0]), "the parent's second connection was kept");
}

/// The ids of the server's subscribed connections.
fn pubsub_ids(probe: &mut redis::Connection) -> Vec<String> {
    let list: String = redis::cmd("CLIENT").arg("LIST").arg("TYPE").arg("pubsub").query(probe).unwrap();
    list.lines().filter_map(|l| l.split(' ').next().map(str::to_string)).collect()
}
