//! Fuzzing with proptest (coverage-guided fuzzers need a nightly toolchain or their own LLVM
//! plugins, neither available here): arbitrary bytes written over the records of a live segment,
//! and arbitrary bytes handed to the state decoder. `PRESENCE_FUZZ_CASES` sets the number of
//! cases (64 by default, the short run of `bin/test`; the README gives a long run's figures).
//!
//! Properties: no operation panics, hangs or fails for any reason but a full segment (reads,
//! entries, client-prefix reads and counts, exchanges and leaves, prefix reads, the live lane's
//! poll and revocation among them); every entry a read returns is one that was written, with the
//! state written last; after a rebuild
//! the table passes its full invariant check. The decoder never panics, and what it accepts
//! encodes to bytes that decode and encode to the same bytes.

mod common;

use std::collections::BTreeMap;

use common::*;
use presence::store::codec::Value;
use presence::store::shm::layout::MIN_SEGMENT;
use presence::store::{EntryList, PresenceStore, StoreError};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PRESENCE_FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
}

/// A damage: `bytes` written at `at` (a fraction of the record area, in millionths).
#[derive(Debug, Clone)]
struct Damage {
    at: u32,
    bytes: Vec<u8>,
}

fn damage() -> impl Strategy<Value = Damage> {
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..16),
        // Values that look like indices and lengths: small numbers, NIL, near the capacities.
        prop_oneof![Just(0u32), Just(1), Just(u32::MAX), 0..4096u32, Just(1 << 20), Just(64 << 20)]
            .prop_map(|v| v.to_le_bytes().to_vec()),
    ];
    (0..1_000_000u32, bytes).prop_map(|(at, bytes)| Damage { at, bytes })
}

fn run(writes: Vec<(u8, u8, u8)>, damages: Vec<Damage>) -> Result<(), TestCaseError> {
    let (s, _) = store("fuzz-segment", MIN_SEGMENT);
    let mut written = BTreeMap::new();
    for (room, client, v) in writes {
        let (room, client) = (format!("room/{}", room % 9), format!("client-{client}"));
        let st = state(&[("v", &v.to_string()), ("pad", &"p".repeat(usize::from(v) * 3))]);
        s.upsert(&room, &client, &st, u64::from(v % 4), 600).unwrap();
        written.insert((room, client), st);
    }
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    let start = g.entries_off as usize;
    let span = g.end_of_chunks() as usize - start;
    for d in &damages {
        seg.testing_scribble(start + (d.at as usize * span) / 1_000_000, &d.bytes);
    }
    let ok = |r: Result<(), StoreError>| match r {
        Ok(()) | Err(StoreError::Full { .. }) => Ok(()),
        Err(e) => Err(TestCaseError::fail(format!("an operation failed on a damaged segment: {e}"))),
    };
    let fail = |e: StoreError| TestCaseError::fail(e.to_string());
    // Every entry a read returns was written so (or is one of the writes made after the damage).
    let as_written = |list: &EntryList| -> Result<(), TestCaseError> {
        for e in list.iter() {
            if e.client_id == "after" || e.client_id == "_after" {
                continue;
            }
            let want = written.get(&(e.room.to_string(), e.client_id.to_string()));
            prop_assert_eq!(Some(e.state), want.map(Vec::as_slice), "a read returned an entry never written so");
        }
        Ok(())
    };
    let token = s.live_token("install/1", 1, &["room/0", "room/1"], 600, "").map_err(fail)?;
    for r in 0..9 {
        let room = format!("room/{r}");
        as_written(&s.room(&room, None, None).map_err(fail)?)?;
        as_written(&s.read(&room, R { max_age: Some(600), limit: Some(3), clients: "client-1" }).map_err(fail)?)?;
        as_written(&s.entry(&room, "client-1").map_err(fail)?)?;
        ok(s.count(&room, None, "client-").map(drop))?;
        ok(s.room_version(&room).map(drop))?;
        ok(s.upsert(&room, "after", &state(&[]), 1, 600).map(drop))?;
        match s.exchange(W::new(&room, "_after", &state(&[]), 2, 600), R::default(), "client-") {
            Ok(x) => as_written(&x.room.entries)?,
            Err(e) => ok(Err(e))?,
        }
        as_written(
            &s.leave(&room, "client-2", R { clients: "_", ..R::default() }, "client-").map_err(fail)?.room.entries,
        )?;
    }
    as_written(&s.prefix("room/", R { limit: Some(20), ..R::default() }).map_err(fail)?)?;
    // Answered whatever the damage (a scribbled revocation slot may refuse the token).
    ok(s.live_poll(&token, "", None).map(drop))?;
    ok(s.live_revoke("install/1", 1))?;
    ok(s.user(1, None).map(drop))?;
    ok(s.rooms("", None).map(drop))?;
    ok(s.gc().map(drop))?;
    ok(s.remove_user(2, "room/").map(drop))?;
    s.testing_rebuild().map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(s.check_integrity().unwrap(), Ok(()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_over_a_live_segment_are_survived(
        writes in proptest::collection::vec((0..20u8, 0..40u8, any::<u8>()), 1..150),
        damages in proptest::collection::vec(damage(), 1..24),
    ) {
        run(writes, damages)?;
    }

    #[test]
    fn the_state_decoder_takes_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(v) = Value::decode(&bytes) {
            let again = v.encode(1 << 20).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            // Compared as bytes: a NaN float is not equal to itself.
            let decoded = Value::decode(&again).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert_eq!(decoded.encode(1 << 20).ok(), Some(again));
        }
    }

    #[test]
    fn the_state_decoder_takes_damaged_valid_states(
        v in proptest::collection::vec((0..5u8, any::<i64>(), "[a-z]{0,12}"), 0..12),
        flips in proptest::collection::vec((any::<u16>(), any::<u8>()), 1..6),
    ) {
        let state = state(&v.iter().map(|(k, _, s)| (["a", "b", "c", "d", "e"][usize::from(*k)], s.as_str())).collect::<Vec<_>>());
        let mut bytes = state.clone();
        for (at, x) in flips {
            let i = usize::from(at) % bytes.len();
            bytes[i] ^= x;
        }
        let _ = Value::decode(&bytes);
    }
}
