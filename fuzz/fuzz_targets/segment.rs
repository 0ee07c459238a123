//! Arbitrary bytes over the records of a live segment: every read returns only entries that were
//! written, with their state; no operation fails but for a full segment (reads, entries,
//! client-prefix reads and counts, exchanges, leaves, prefix reads, the live lane's poll); after
//! a rebuild the table passes its full invariant check. Input: pairs of (position, length, bytes).
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use presence::store::codec::{Key, Value};
use presence::store::shm::layout::MIN_SEGMENT;
use presence::store::{
    ClientId, ClientPrefix, CountPrefix, EncodedState, EntryList, Grant, ManualClock, Prefix, PresenceStore, Read,
    Room, ShmConfig, ShmStore, StoreError, Ttl, Upsert, UserId,
};

const ROOMS: u64 = 7;
const CLIENTS: u64 = 30;

fn state(room: u64, client: u64) -> Vec<u8> {
    let pad = "p".repeat(((room * 31 + client * 7) % 300) as usize);
    Value::Array(vec![
        (Key::Str("k".into()), Value::Int((room * 1000 + client) as i64)),
        (Key::Str("pad".into()), Value::Str(pad)),
    ])
    .encode(1 << 20)
    .unwrap()
}

fn upsert(s: &ShmStore, room: &str, client: &str, state: &[u8], user: u64) -> Result<(), StoreError> {
    let state = EncodedState::new(state, 1 << 20).unwrap();
    let (room, client, ttl) = (Room::new(room).unwrap(), ClientId::new(client).unwrap(), Ttl::new(600).unwrap());
    s.upsert(&Upsert::new(room, client, state, UserId::from(user), ttl)).map(drop)
}

fn store() -> &'static ShmStore {
    static STORE: OnceLock<ShmStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("presence-fuzz-segment-{}.seg", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let cfg = ShmConfig { path, size: MIN_SEGMENT, lock_timeout: Duration::from_secs(5) };
        ShmStore::open(cfg, Arc::new(ManualClock::new(1_800_000_000_000_000))).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let s = store();
    s.flush(Prefix::ALL).unwrap();
    for r in 0..ROOMS {
        for c in 0..CLIENTS {
            upsert(s, &format!("room/{r}"), &format!("c{c}"), &state(r, c), c % 5).unwrap();
        }
    }
    let seg = s.testing_segment().unwrap();
    let g = *seg.geometry();
    let start = g.entries_off as usize;
    let span = g.end_of_chunks() as usize - start;
    let mut rest = data;
    while rest.len() >= 4 {
        let at = u32::from_le_bytes([rest[0], rest[1], rest[2], 0]) as usize % span;
        let len = usize::from(rest[3] % 16).min(rest.len() - 4);
        seg.testing_scribble(start + at, &rest[4..4 + len]);
        rest = &rest[4 + len..];
    }
    let fine = |r: Result<(), StoreError>| match r {
        Ok(()) | Err(StoreError::Full { .. }) => {}
        Err(e) => panic!("an operation failed on a damaged segment: {e}"),
    };
    // Every entry a read returns was written so (those written after the damage are skipped).
    let as_written = |list: &EntryList| {
        for e in list.iter().filter(|e| !e.client_id.starts_with("after") && !e.client_id.starts_with("_after")) {
            let r: u64 = e.room.strip_prefix("room/").and_then(|r| r.parse().ok()).expect("a room that was written");
            let c: u64 =
                e.client_id.strip_prefix('c').and_then(|c| c.parse().ok()).expect("a client id that was written");
            assert_eq!(e.state, &state(r, c)[..], "an entry came back altered");
            assert_eq!(e.user_id, c % 5);
        }
    };
    let grant = Grant::new("install/1", 1, &["room/0", "room/1"], 600, b"").unwrap();
    let token = s.live_token(&grant).unwrap();
    let picked = Read { clients: ClientPrefix::new("client_prefix", "c1").unwrap(), ..Read::VISIBLE };
    let count = CountPrefix::new("c").unwrap();
    for r in 0..ROOMS {
        let room = format!("room/{r}");
        let name = Room::new(&room).unwrap();
        as_written(&s.room(name, &Read::VISIBLE).unwrap());
        as_written(&s.room(name, &picked).unwrap());
        as_written(&s.entry(name, ClientId::new("c1").unwrap()).unwrap());
        fine(s.room_count(name, None, picked.clients).map(drop));
        fine(s.room_version(name).map(drop));
        fine(upsert(s, &room, "after", &state(r, 99), 1).map(drop));
        let st = state(r, 98);
        let w = Upsert::new(
            name,
            ClientId::new("_after").unwrap(),
            EncodedState::new(&st, 1 << 20).unwrap(),
            UserId::from(2),
            Ttl::new(600).unwrap(),
        );
        match s.exchange(&w, &Read::VISIBLE, count) {
            Ok(x) => as_written(&x.room.entries),
            Err(e) => fine(Err(e)),
        }
        as_written(&s.leave(name, ClientId::new("c2").unwrap(), &picked, count).unwrap().room.entries);
    }
    as_written(&s.prefix(Prefix::new("prefix", "room/").unwrap(), &Read::VISIBLE).unwrap());
    // Answered whatever the damage (a scribbled revocation slot may refuse the token).
    fine(s.live_poll(token.as_bytes(), b"", None).map(drop));
    fine(s.live_revoke(grant.scope, UserId::from(1)));
    fine(s.user(UserId::from(1), None).map(drop));
    fine(s.rooms(Prefix::ALL, None).map(drop));
    fine(s.remove_user(UserId::from(2), Prefix::new("room_prefix", "room/").unwrap()).map(drop));
    fine(s.gc().map(drop));
    s.testing_rebuild().unwrap();
    assert_eq!(s.check_integrity().unwrap(), Ok(()));
});
