//! The [`PresenceStore`] trait on shared memory: each call hashes and checks what it can before
//! the lock (under the segment's key; a live token's tag), then does the table work under it.

use super::layout::{self, HashKey, CHUNK_SIZE, LAYOUT_VERSION};
use super::live as revocations;
use super::query::Filter;
use super::write::{Prepared, WriteResult};
use super::{hash, ShmStore};
use crate::store::api::{Exchanged, Left, PresenceStore, Read, RoomAnswer, RoomSummary, Upsert, Written};
use crate::store::entries::EntryList;
use crate::store::error::{Result, StoreError};
use crate::store::input::{ClientId, ClientPrefix, CountPrefix, MaxAge, Prefix, Room, RoomList, UserId};
use crate::store::live::{self, Grant, PollAnswer, Scope};
use crate::store::stats::{BackendStats, ShmStats, Stats};

/// A room's name and hash, and an entry's key hash, under one segment's key.
struct Keyed<'a> {
    room: &'a [u8],
    room_hash: u64,
    client: &'a [u8],
    key_hash: u64,
}

fn keyed<'a>(key: &HashKey, room: Room<'a>, client: Option<ClientId<'a>>) -> Keyed<'a> {
    let room = room.as_str().as_bytes();
    let room_hash = key.room(room);
    let client = client.map_or(&b""[..], |c| c.as_str().as_bytes());
    Keyed { room, room_hash, client, key_hash: key.entry(room_hash, client) }
}

/// A write hashed under one segment's key (its checksum computed once, before any of them).
fn prepared<'a>(key: &HashKey, w: &Upsert<'a>, checksum: u64) -> Prepared<'a> {
    let k = keyed(key, w.room, Some(w.client_id));
    Prepared {
        room: k.room,
        room_hash: k.room_hash,
        client: k.client,
        key_hash: k.key_hash,
        state: w.state.bytes(),
        checksum,
        user_id: w.user_id.get(),
        ttl_secs: w.ttl.secs(),
        written_at: w.written_at,
        may_evict: w.may_evict,
    }
}

fn checksum(w: &Upsert<'_>) -> u64 {
    hash::content_checksum(w.user_id.get(), w.client_id.as_str().as_bytes(), w.state.bytes())
}

fn full(w: &Upsert<'_>) -> StoreError {
    StoreError::Full {
        needed_bytes: w.room.as_str().len() + w.client_id.as_str().len() + w.state.bytes().len(),
        may_evict: w.may_evict,
    }
}

impl PresenceStore for ShmStore {
    fn upsert(&self, w: &Upsert<'_>) -> Result<Written> {
        let sum = checksum(w);
        match self.with_table(|key| prepared(key, w, sum), |t, p, now_us| t.upsert(p, now_us))? {
            WriteResult::Done(written) => Ok(written),
            WriteResult::Full => Err(full(w)),
        }
    }

    fn room(&self, room: Room<'_>, read: &Read<'_>) -> Result<EntryList> {
        self.with_table(
            |key| keyed(key, room, None),
            |t, k, now_us| {
                let mut out = EntryList::default();
                t.read_room(k.room, k.room_hash, now_us, &Filter::at(read, now_us), &mut out)?;
                Ok(out)
            },
        )
    }

    fn rooms_read(&self, rooms: &RoomList<'_>, read: &Read<'_>) -> Result<Vec<EntryList>> {
        if rooms.is_empty() {
            return Ok(Vec::new());
        }
        self.with_table(
            |key| rooms.as_slice().iter().map(|&room| keyed(key, room, None)).collect::<Vec<_>>(),
            |t, keyed, now_us| {
                let filter = Filter::at(read, now_us);
                let mut out = Vec::with_capacity(keyed.len());
                for k in keyed {
                    let mut list = EntryList::default();
                    t.read_room(k.room, k.room_hash, now_us, &filter, &mut list)?;
                    out.push(list);
                }
                Ok(out)
            },
        )
    }

    fn room_count(&self, room: Room<'_>, max_age: Option<MaxAge>, clients: ClientPrefix<'_>) -> Result<u64> {
        self.with_table(
            |key| keyed(key, room, None),
            |t, k, now_us| t.count_room(k.room, k.room_hash, now_us, min_updated(now_us, max_age), clients),
        )
    }

    fn entry(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<EntryList> {
        self.with_table(
            |key| keyed(key, room, Some(client_id)),
            |t, k, now_us| {
                let mut out = EntryList::default();
                t.read_entry(k.room, k.room_hash, k.key_hash, k.client, now_us, &mut out)?;
                Ok(out)
            },
        )
    }

    fn exchange(&self, w: &Upsert<'_>, read: &Read<'_>, count: CountPrefix<'_>) -> Result<Exchanged> {
        let sum = checksum(w);
        let done = self.with_table(
            |key| prepared(key, w, sum),
            |t, p, now_us| t.exchange(p, &Filter::at(read, now_us), count, now_us),
        )?;
        let (written, room) = done.ok_or_else(|| full(w))?;
        Ok(Exchanged { written, room })
    }

    fn leave_unless_written_after(
        &self,
        room: Room<'_>,
        client_id: ClientId<'_>,
        written_us: Option<u64>,
        read: &Read<'_>,
        count: CountPrefix<'_>,
    ) -> Result<Left> {
        let (removed, room): (bool, RoomAnswer) = self.with_table(
            |key| keyed(key, room, Some(client_id)),
            |t, k, now_us| {
                t.leave(k.room, k.room_hash, k.key_hash, k.client, written_us, &Filter::at(read, now_us), count, now_us)
            },
        )?;
        Ok(Left { removed, room })
    }

    fn prefix(&self, prefix: Prefix<'_>, read: &Read<'_>) -> Result<EntryList> {
        self.locked(|t, now_us| {
            let mut out = EntryList::default();
            t.read_prefix(prefix.as_str().as_bytes(), now_us, &Filter::at(read, now_us), &mut out)?;
            Ok(out)
        })
    }

    fn remove(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<bool> {
        self.with_table(
            |key| keyed(key, room, Some(client_id)),
            |t, k, now_us| t.remove(k.room, k.room_hash, k.key_hash, k.client, now_us),
        )
    }

    fn remove_user(&self, user_id: UserId, room_prefix: Prefix<'_>) -> Result<u64> {
        self.locked(|t, now_us| t.remove_user(user_id.get(), room_prefix.as_str().as_bytes(), now_us))
    }

    fn user(&self, user_id: UserId, max_age: Option<MaxAge>) -> Result<EntryList> {
        self.locked(|t, now_us| {
            let mut out = EntryList::default();
            t.read_user(user_id.get(), now_us, min_updated(now_us, max_age), &mut out)?;
            Ok(out)
        })
    }

    fn rooms(&self, prefix: Prefix<'_>, max_age: Option<MaxAge>) -> Result<Vec<RoomSummary>> {
        self.locked(|t, now_us| t.rooms(prefix.as_str().as_bytes(), now_us, min_updated(now_us, max_age)))
    }

    fn room_version(&self, room: Room<'_>) -> Result<u64> {
        self.with_table(|key| keyed(key, room, None), |t, k, now_us| t.room_version(k.room, k.room_hash, now_us))
    }

    fn gc(&self) -> Result<u64> {
        self.locked(|t, now_us| t.gc(now_us))
    }

    fn flush(&self, prefix: Prefix<'_>) -> Result<u64> {
        self.locked(|t, now_us| {
            if prefix.as_str().is_empty() {
                Ok(t.reset_all(now_us))
            } else {
                t.flush_prefix(prefix.as_str().as_bytes(), now_us)
            }
        })
    }

    fn stats(&self) -> Result<Stats> {
        // Geometry and counters from one lock hold, so both describe the same file.
        let (g, c) = self.locked(|t, _| Ok(t.figures()))?;
        let used_chunks = u64::from(g.chunk_count - c.free_chunks.min(g.chunk_count));
        let entry_bytes = std::mem::size_of::<layout::EntryRec>() as u64;
        let room_bytes = (std::mem::size_of::<layout::RoomRec>() + layout::ROOM_NAME_BYTES) as u64;
        let fixed = g.chunks_off - u64::from(g.entry_capacity) * entry_bytes - u64::from(g.room_capacity) * room_bytes;
        Ok(Stats {
            live_entries: u64::from(c.live_entries),
            rooms: u64::from(c.live_rooms),
            bytes_used: fixed
                + u64::from(c.live_entries) * entry_bytes
                + u64::from(c.live_rooms) * room_bytes
                + used_chunks * CHUNK_SIZE as u64,
            bytes_total: g.total_size,
            layout_version: LAYOUT_VERSION,
            backend: BackendStats::Shm(ShmStats {
                path: self.path_shown(),
                capacity: u64::from(g.entry_capacity),
                room_capacity: u64::from(g.room_capacity),
                chunk_size: CHUNK_SIZE as u64,
                chunks_total: u64::from(g.chunk_count),
                chunks_free: u64::from(c.free_chunks),
                evicted_expired: c.evicted_expired,
                evicted_lru: c.evicted_lru,
                rejected_full: c.rejected_full,
                lock_recoveries: c.lock_recoveries,
                repairs: c.repairs,
            }),
        })
    }

    fn live_token(&self, grant: &Grant<'_>) -> Result<String> {
        // The secret never changes for a file: no lock. A file replaced since this process last
        // looked signs a token the new file refuses, and the client asks again.
        let seg = self.segment()?;
        Ok(live::issue(&self.live_keys(&seg), grant, self.clock.now_us()))
    }

    fn live_revoke(&self, scope: Scope<'_>, user_id: UserId) -> Result<()> {
        // Under the lock only to be sure of writing into the file now at the path (a retired
        // one is left first): the slot itself is written atomically.
        self.locked(|t, now_us| revocations::revoke(t.seg, scope.as_bytes(), user_id.get(), now_us))
    }

    fn live_poll(&self, token: &[u8], session: &[u8], scope: Option<Scope<'_>>) -> Result<PollAnswer> {
        if let Err(why) = live::check_size(token) {
            return Ok(PollAnswer::refused(why));
        }
        self.with_segment(
            |seg| {
                // Everything that can refuse the token, before the lock: the tag, the session,
                // the scope, the time, a revocation.
                let now_us = self.clock.now_us();
                let claims = live::verify(&self.live_keys(seg), token, session, scope)
                    .and_then(|c| c.check_time(now_us).map(|()| c))
                    .map_err(PollAnswer::refused)?;
                let not_before = revocations::not_before(seg, claims.scope(), claims.user_id, now_us)
                    .map_err(|_| PollAnswer::refused(live::Refusal::Revoked))?;
                claims.check_revocation(not_before).map_err(PollAnswer::refused)?;
                let hashes: Vec<u64> = claims.rooms().map(|r| seg.hash_key().room(r.as_bytes())).collect();
                Ok((claims, hashes))
            },
            |t, (claims, hashes), now_us| {
                if let Err(why) = claims.check_time(now_us) {
                    return Ok(PollAnswer::refused(why));
                }
                let mut versions = [0u64; live::MAX_ROOMS];
                for ((room, &hash), v) in claims.rooms().zip(hashes).zip(versions.iter_mut()) {
                    *v = t.room_version(room.as_bytes(), hash, now_us)?;
                }
                Ok(PollAnswer::versions(&versions[..hashes.len()], now_us))
            },
        )
    }
}

/// The oldest `updated` time a read with `max_age` accepts.
fn min_updated(now_us: u64, max_age: Option<MaxAge>) -> u64 {
    max_age.map_or(0, |m| now_us.saturating_sub(m.micros()))
}
