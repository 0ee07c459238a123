//! What the tests of the Redis live poll's copy (`src/store/redis/tracking.rs`) share: a poll
//! that must answer from the copy, the round trips a call makes (counted by the store and by the
//! server), and a poll that must see a change within a bound.

use std::time::{Duration, Instant};

use presence::store::{PollAnswer, RedisStore};

use super::{redis_config, state, Plain};

/// A store on the server's clock, as in production.
pub fn on_server_clock(url: String) -> Plain<RedisStore> {
    Plain(RedisStore::new(redis_config(url, "p:"), None))
}

/// Calls of `command` the server ran so far (`INFO commandstats`).
pub fn calls(c: &mut redis::Connection, command: &str) -> u64 {
    let stats: String = redis::cmd("INFO").arg("commandstats").query(c).unwrap();
    stats
        .lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{command}:")))
        .and_then(|l| l.split(',').find_map(|p| p.strip_prefix("calls=")?.parse().ok()))
        .unwrap_or(0)
}

/// What an answer says of the rooms (`{"v":[…]`, without the server's time) or why it refused.
pub fn said(a: &PollAnswer) -> String {
    format!("{} {}", a.status, a.body.split(",\"t\"").next().unwrap_or_default())
}

/// Polls until the answer differs from `before`, for at most a second; the new answer.
pub fn changes_within(s: &Plain<RedisStore>, token: &str, before: &PollAnswer) -> PollAnswer {
    changes_within_for(s, token, before, Duration::from_secs(1))
}

pub fn changes_within_for(s: &Plain<RedisStore>, token: &str, before: &PollAnswer, bound: Duration) -> PollAnswer {
    let until = Instant::now() + bound;
    loop {
        let now = s.live_poll(token, "", None).unwrap();
        if said(&now) != said(before) {
            return now;
        }
        assert!(Instant::now() < until, "the poll still answers {} {bound:?} after the change", said(before));
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Room `r` with one entry and a token naming it, polled once by `s` (which reads): the token
/// and that first answer.
pub fn polled_once(s: &Plain<RedisStore>) -> (String, PollAnswer) {
    s.upsert("r", "a", &state(&[]), 1, 60).unwrap();
    let token = s.live_token("install/1", 1, &["r"], 600, "").unwrap();
    let first = s.live_poll(&token, "", None).unwrap();
    (token, first)
}

/// The store's round trips of a poll of `token` that must answer what `before` said.
pub fn held(s: &Plain<RedisStore>, probe: &mut redis::Connection, token: &str, before: &PollAnswer) -> u64 {
    round_trips(s, probe, || assert_eq!(said(&s.live_poll(token, "", None).unwrap()), said(before))).0
}

/// `f`'s round trips, counted by the store and by the server (its EXEC and script calls).
pub fn round_trips(s: &Plain<RedisStore>, probe: &mut redis::Connection, f: impl FnOnce()) -> (u64, u64) {
    let (rt, server) = (s.round_trips(), calls(probe, "exec") + calls(probe, "evalsha"));
    f();
    (s.round_trips() - rt, calls(probe, "exec") + calls(probe, "evalsha") - server)
}

/// What a process that never polled before answers for `token`.
pub fn other_view(store: &Plain<RedisStore>, token: &str) -> String {
    said(&store.live_poll(token, "", None).unwrap())
}
