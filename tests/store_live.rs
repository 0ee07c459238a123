//! The live lane through the stores' public API, on both backends: tokens answering the versions
//! of their rooms, refusals that write nothing, revocations; then a replaced segment refusing the
//! tokens of the file it replaced.

#[macro_use]
mod common;

use common::*;
use presence::store::{PollAnswer, StoreError};

on_both_backends!(
    a_live_token_answers_the_versions_of_its_rooms,
    live_tokens_that_do_not_check_out_are_refused_and_write_nothing,
    a_revocation_refuses_the_tokens_issued_until_then,
    a_token_issued_before_the_clock_stepped_back_is_refused,
    a_roster_comes_with_the_claim_in_the_order_and_limit_of_the_room_read,
    entries_that_stand_for_no_user_never_take_a_place_on_the_roster,
);

fn a_live_token_answers_the_versions_of_its_rooms(b: Backend) {
    let f = open_store(b, "live-ok", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("site/1/admin", "tab", &state(&[]), 7, 100).unwrap();
    let token = s.live_token("install/1", 7, &["site/1/admin", "site/1/post:5"], 60, "sess").unwrap();
    assert!(token.len() < 300 && token.is_ascii());
    clock.advance_secs(1);
    let answer = s.live_poll(&token, "sess", None).unwrap();
    let v = s.room_version("site/1/admin").unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, format!(r#"{{"v":[{v},0],"t":{}}}"#, (T0 + 1_000_000) / 1000));
    // A change shows at the next poll; the scope, when asked for, must be the token's.
    s.upsert("site/1/post:5", "editor", &state(&[]), 8, 100).unwrap();
    let v5 = s.room_version("site/1/post:5").unwrap();
    let again = s.live_poll(&token, "sess", Some("install/1")).unwrap();
    assert_eq!(again.body, format!(r#"{{"v":[{v},{v5}],"t":{}}}"#, (T0 + 1_000_000) / 1000));
}

fn live_tokens_that_do_not_check_out_are_refused_and_write_nothing(b: Backend) {
    let f = open_store(b, "live-refused", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    // An entry that has expired but was not removed yet: an accepted poll would remove it.
    s.upsert("room", "gone", &state(&[]), 1, 5).unwrap();
    let token = s.live_token("install/1", 7, &["room"], 60, "sess").unwrap();
    clock.advance_secs(10);
    let stored = || s.stats().unwrap().live_entries;
    assert_eq!(stored(), 1);
    let code = |a: PollAnswer| (a.status, a.body);
    let refused = |code: &str| (403, format!(r#"{{"code":"{code}"}}"#));
    assert_eq!(code(s.live_poll(&token, "other", None).unwrap()), refused("token_session"));
    assert_eq!(code(s.live_poll(&token, "", None).unwrap()), refused("token_session"));
    assert_eq!(code(s.live_poll(&token, "sess", Some("install/2")).unwrap()), refused("token_scope"));
    let mut tampered = token.clone().into_bytes();
    tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        code(s.live_poll(std::str::from_utf8(&tampered).unwrap(), "sess", None).unwrap()),
        refused("token_invalid")
    );
    let other = open_store(b, "live-refused-other", 1 << 20);
    let forged = other.store.live_token("install/1", 7, &["room"], 60, "sess").unwrap();
    assert_eq!(code(s.live_poll(&forged, "sess", None).unwrap()), refused("token_invalid"), "another store's secret");
    for junk in ["", "abc", "abc.def", "a.b.c"] {
        assert_eq!(code(s.live_poll(junk, "sess", None).unwrap()), refused("token_malformed"), "{junk:?}");
    }
    let huge = format!("{token}{}", "A".repeat(4096));
    assert_eq!(code(s.live_poll(&huge, "sess", None).unwrap()), (400, r#"{"code":"token_too_large"}"#.to_string()));
    clock.advance_secs(60);
    assert_eq!(code(s.live_poll(&token, "sess", None).unwrap()), refused("token_expired"));
    assert_eq!(stored(), 1, "no refused poll removed the expired entry");
    // Grants over the limits are refused before anything is signed.
    let rooms: Vec<String> = (0..33).map(|i| format!("r{i}")).collect();
    let rooms: Vec<&str> = rooms.iter().map(String::as_str).collect();
    assert!(matches!(
        s.live_token("install/1", 7, &rooms, 60, ""),
        Err(StoreError::InvalidArgument { argument: "rooms", .. })
    ));
    assert!(matches!(
        s.live_token("install/1", 0, &["r"], 60, ""),
        Err(StoreError::InvalidArgument { argument: "user_id", .. })
    ));
    assert!(matches!(s.live_token("", 7, &["r"], 60, ""), Err(StoreError::InvalidArgument { argument: "scope", .. })));
    assert!(matches!(
        s.live_token("s", 7, &["r"], 86_401, ""),
        Err(StoreError::InvalidArgument { argument: "ttl", .. })
    ));
    // An accepted poll is a read like room_version(): it removes what expired.
    let fresh = s.live_token("install/1", 7, &["room"], 60, "sess").unwrap();
    assert_eq!(code(s.live_poll(&fresh, "sess", None).unwrap()).0, 200);
    assert_eq!(stored(), 0);
}

fn a_revocation_refuses_the_tokens_issued_until_then(b: Backend) {
    let f = open_store(b, "live-revoked", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    let old = s.live_token("install/1", 7, &["room"], 600, "sess").unwrap();
    let other_user = s.live_token("install/1", 8, &["room"], 600, "sess").unwrap();
    let other_scope = s.live_token("install/2", 7, &["room"], 600, "sess").unwrap();
    clock.advance_secs(1);
    s.live_revoke("install/1", 7).unwrap();
    assert_eq!(s.live_poll(&old, "sess", None).unwrap().body, r#"{"code":"token_revoked"}"#);
    assert_eq!(s.live_poll(&other_user, "sess", None).unwrap().status, 200, "another user's tokens stay");
    assert_eq!(s.live_poll(&other_scope, "sess", None).unwrap().status, 200, "another scope's tokens stay");
    clock.advance_secs(1);
    let new = s.live_token("install/1", 7, &["room"], 600, "sess").unwrap();
    assert_eq!(s.live_poll(&new, "sess", None).unwrap().status, 200, "a token issued after it is accepted");
    assert_eq!(s.live_poll(&old, "sess", None).unwrap().status, 403);
}

/// A token carries its issue time; a revocation refuses the tokens issued until its own time.
/// When the store's clock steps back, a revocation's time lies before tokens issued just before
/// the step: such a token must not outlive a logout, nor its TTL.
fn a_token_issued_before_the_clock_stepped_back_is_refused(b: Backend) {
    let f = open_store(b, "live-clock-back", 1 << 20);
    let (s, clock) = (&f.store, &f.clock);
    s.upsert("room", "tab", &state(&[]), 7, 100).unwrap();
    let token = s.live_token("install/1", 7, &["room"], 600, "sess").unwrap();
    let other = s.live_token("install/1", 8, &["room"], 600, "sess").unwrap();
    clock.set_us(T0 - 3_600_000_000);
    s.live_revoke("install/1", 7).unwrap();
    assert_eq!(s.live_poll(&token, "sess", None).unwrap().status, 403, "revoked after the step back");
    assert_eq!(
        s.live_poll(&other, "sess", None).unwrap().body,
        r#"{"code":"token_expired"}"#,
        "issued after the store's now: it would live its TTL plus the step"
    );
    let fresh = s.live_token("install/1", 8, &["room"], 600, "sess").unwrap();
    assert_eq!(s.live_poll(&fresh, "sess", None).unwrap().status, 200, "a token issued now is accepted");
}

#[test]
fn a_replaced_segment_refuses_the_tokens_of_the_file_it_replaced() {
    let path = temp_path("live-replaced");
    let clock = std::sync::Arc::new(presence::store::ManualClock::new(T0));
    let s = Plain(presence::store::ShmStore::open(config(path.clone(), 1 << 20), clock.clone()).unwrap());
    let token = s.live_token("install/1", 7, &["room"], 600, "").unwrap();
    assert_eq!(s.live_poll(&token, "", None).unwrap().status, 200);
    // Another layout's file at the path: the next attach replaces it with a new file (and secret).
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let s = Plain(presence::store::ShmStore::open(config(path, 1 << 20), clock).unwrap());
    assert_eq!(s.live_poll(&token, "", None).unwrap().body, r#"{"code":"token_invalid"}"#);
    let fresh = s.live_token("install/1", 7, &["room"], 600, "").unwrap();
    assert_eq!(s.live_poll(&fresh, "", None).unwrap().status, 200);
}

/// On shared memory a poll reads a room's version without walking its entries while its expiry
/// floor says none can have expired: a room of many entries costs a poll no more than a small
/// one, and the poll writes nothing to it. Once an entry is due, the walk removes it and the
/// version the poll answers moves, as a read then would see it.
#[test]
fn a_poll_walks_a_room_only_once_an_entry_may_have_expired() {
    use presence::store::ShmStore;
    let (s, clock) = store("live-walk", 1 << 22);
    for i in 0..500 {
        s.upsert("big", &format!("c{i}"), &state(&[]), i + 1, 100).unwrap();
    }
    s.upsert("big", "short", &state(&[]), 999, 10).unwrap();
    let token = s.live_token("install/1", 7, &["big"], 600, "").unwrap();
    let v = s.room_version("big").unwrap();
    let poll = || {
        let before = ShmStore::testing_walk_steps();
        let answer = s.live_poll(&token, "", None).unwrap();
        assert_eq!(answer.status, 200);
        (answer.body, ShmStore::testing_walk_steps() - before)
    };
    clock.advance_secs(9);
    assert_eq!(
        poll(),
        (format!(r#"{{"v":[{v}],"t":{}}}"#, (T0 + 9_000_000) / 1000), 0),
        "nothing due: no entry visited"
    );
    clock.advance_secs(1);
    let (body, walked) = poll();
    assert!(walked >= 500, "an entry is due: the room is walked ({walked} entries)");
    let moved = s.room_version("big").unwrap();
    assert!(moved > v);
    assert_eq!(body, format!(r#"{{"v":[{moved}],"t":{}}}"#, (T0 + 10_000_000) / 1000));
    assert_eq!(s.room_count("big", None).unwrap(), 500);
    // The walk set the floor to the earliest expiry left: the next polls walk nothing again.
    clock.advance_secs(50);
    assert_eq!(poll().1, 0);
}

/// The roster: only for a token with the claim, only when the first room moved past the version
/// held; its people are the room read's (user entries, newest first, the claim's limit), each
/// with their card, and nothing is written.
fn a_roster_comes_with_the_claim_in_the_order_and_limit_of_the_room_read(b: Backend) {
    let f = open_store(b, "live-roster", 1 << 22);
    let (s, clock) = (&f.store, &f.clock);
    for id in 1..=6u64 {
        s.upsert("admin/online", &format!("user-{id}"), &state(&[("name", "x")]), id, 100).unwrap();
        clock.advance_secs(1);
    }
    // Not a user entry: never listed. Cards for all but user 5; user 4's too large.
    s.upsert("admin/online", "tab-9", &state(&[]), 9, 100).unwrap();
    for id in [1u64, 2, 3, 6] {
        let html = format!("<li data-user-id=\"{id}\">U{id}</li>");
        s.upsert("admin/online", &format!("_card-{id}"), &state(&[("html", &html)]), id, 100).unwrap();
    }
    s.upsert("admin/online", "_card-4", &state(&[("html", &"a".repeat(4000))]), 4, 100).unwrap();
    let version = s.room_version("admin/online").unwrap();
    let stored = s.stats().unwrap().live_entries;

    let plain = s.live_token_roster(7, &["admin/online", "post:1"], "sess", 0).unwrap();
    let answer = s.live_poll_roster(&plain, "sess", 0).unwrap();
    assert_eq!((answer.status, answer.body.as_str()), (403, r#"{"code":"roster_not_allowed"}"#), "no claim");
    assert_eq!(s.live_poll_roster(&plain, "other", 0).unwrap().body, r#"{"code":"token_session"}"#);

    let token = s.live_token_roster(7, &["admin/online", "post:1"], "sess", 4).unwrap();
    let answer = s.live_poll_roster(&token, "sess", 0).unwrap();
    assert_eq!(answer.status, 200);
    let read = s.read("admin/online", R { limit: Some(4), clients: "user-", ..R::default() }).unwrap();
    let order: Vec<u64> = read.iter().map(|e| e.user_id).collect();
    assert_eq!(order, [6, 5, 4, 3], "newest first, user entries only, the claim's limit");
    let t = (T0 + 6_000_000) / 1000;
    assert_eq!(
        answer.body,
        format!(
            r#"{{"v":[{version},0],"t":{t},"r":{{"v":{version},"n":6,"u":[[6,"\u003cli data-user-id=\"6\"\u003eU6\u003c/li\u003e"],[5,null],[4,null],[3,"\u003cli data-user-id=\"3\"\u003eU3\u003c/li\u003e"]]}}}}"#
        )
    );
    // Held: the versions only. Nothing was written by any of it.
    let held = s.live_poll_roster(&token, "sess", version).unwrap();
    assert_eq!(held.body, format!(r#"{{"v":[{version},0],"t":{t}}}"#));
    assert_eq!(s.stats().unwrap().live_entries, stored);
    assert_eq!(s.room_version("admin/online").unwrap(), version);
    // Bounded: the claim caps at 50 people.
    assert!(matches!(
        s.live_token_roster(7, &["admin/online"], "sess", 51),
        Err(StoreError::InvalidArgument { argument: "roster", .. })
    ));
}

/// The roster picks people as the heartbeat does: an entry stands for its user only when its
/// client id names its own user id (`user-{id}`, `editor-{id}`, `agent-{id}`), once per user.
/// Newer entries that stand for nobody (a REST client's `user-x`, another user's `user-3`) never
/// push people out nor raise the total; the total is the users' when the room had to be read
/// whole, the room's entry count when the 50 newest were all users. A card counts only when
/// its owner is the user it stands for.
fn entries_that_stand_for_no_user_never_take_a_place_on_the_roster(b: Backend) {
    let f = open_store(b, "live-roster-picks", 1 << 22);
    let (s, clock) = (&f.store, &f.clock);
    let roster = |room: &str| {
        let token = s.live_token_roster(7, &[room], "sess", 2).unwrap();
        let body = s.live_poll_roster(&token, "sess", 0).unwrap().body;
        let version = s.room_version(room).unwrap();
        (version, body[body.find(r#","r":"#).expect("a roster")..].to_owned())
    };
    for id in 1..=3u64 {
        s.upsert("admin/online", &format!("user-{id}"), &state(&[]), id, 100).unwrap();
        clock.advance_secs(1);
    }
    s.upsert("admin/online", "editor-2", &state(&[]), 2, 100).unwrap();
    s.upsert("admin/online", "user-3x", &state(&[]), 3, 100).unwrap();
    for name in ["a", "b", "c", "d", "e"] {
        clock.advance_secs(1);
        s.upsert("admin/online", &format!("user-{name}"), &state(&[]), 9, 100).unwrap();
    }
    s.upsert("admin/online", "user-4", &state(&[]), 9, 100).unwrap();
    // A card written by someone other than its user is none.
    s.upsert("admin/online", "_card-2", &state(&[("html", "<li>planted</li>")]), 9, 100).unwrap();
    let (version, answer) = roster("admin/online");
    assert_eq!(answer, format!(r#","r":{{"v":{version},"n":3,"u":[[2,null],[3,null]]}}}}"#));

    // Fewer than 50 entries: the whole room was read, the total is its users', however many
    // the claim lists.
    s.upsert("admin/few", "user-x", &state(&[]), 9, 100).unwrap();
    for id in 1..=3u64 {
        clock.advance_secs(1);
        s.upsert("admin/few", &format!("user-{id}"), &state(&[]), id, 100).unwrap();
    }
    let (version, answer) = roster("admin/few");
    assert_eq!(answer, format!(r#","r":{{"v":{version},"n":3,"u":[[3,null],[2,null]]}}}}"#));

    // Users only among the 50 newest (the heartbeat's read): the total is the room's count, as
    // the heartbeat's.
    s.upsert("admin/full", "user-x", &state(&[]), 9, 100).unwrap();
    for id in 1..=50u64 {
        clock.advance_secs(1);
        s.upsert("admin/full", &format!("user-{id}"), &state(&[]), id, 100).unwrap();
    }
    s.upsert("admin/full", "_card-50", &state(&[("html", "<li>50</li>")]), 50, 100).unwrap();
    let (version, answer) = roster("admin/full");
    assert_eq!(
        answer,
        format!(r#","r":{{"v":{version},"n":51,"u":[[50,"\u003cli\u003e50\u003c/li\u003e"],[49,null]]}}}}"#)
    );
}
