//! The [`PresenceStore`] trait on Redis: each call on one room is one script (one round trip);
//! calls across rooms read an index first, then run the room's script on each room it names.

use redis::{Connection, Pipeline, RedisResult};

use super::{push_entries, scripts, RedisStore, KEY_LAYOUT_VERSION};
use crate::store::api::{Exchanged, Left, PresenceStore, Read, RoomAnswer, RoomSummary, Upsert, Written};
use crate::store::entries::EntryList;
use crate::store::error::{Result, StoreError};
use crate::store::input::{ClientId, ClientPrefix, CountPrefix, MaxAge, Prefix, Room, RoomList, UserId};
use crate::store::live::{self, Grant, PollAnswer, Roster, Scope};
use crate::store::stats::{BackendStats, RedisStats, Stats};

fn written(outcome: u8) -> Written {
    match outcome {
        0 => Written::Joined,
        1 => Written::Changed,
        2 => Written::Refreshed,
        _ => Written::Expired,
    }
}

/// A limit as the scripts read it: 0 for none (a `Limit` is never 0).
fn limit_arg(read: &Read<'_>) -> usize {
    read.limit.map_or(0, |l| l.get().min(u32::MAX as usize))
}

/// The reply of an exchange or a leave after its first field: version, entries, count, previous.
type Answer = (u64, Vec<Vec<u8>>, u64, u64);

fn answer(room: Room<'_>, (version, flat, count, previous_count): Answer) -> RoomAnswer {
    let mut entries = EntryList::default();
    push_entries(&mut entries, room.as_str(), &flat);
    RoomAnswer { version, entries, count, previous_count }
}

impl PresenceStore for RedisStore {
    fn upsert(&self, w: &Upsert<'_>) -> Result<Written> {
        let now = self.now_arg();
        let write = self.on_write(&scripts::UPSERT, w, now);
        let (outcome, version, _expired): (u8, u64, u64) = self.write_indexed(w, &write)?;
        self.last_write.remember(w.room.as_str(), version, now, self.link.round_trips());
        Ok(written(outcome))
    }

    fn room(&self, room: Room<'_>, read: &Read<'_>) -> Result<EntryList> {
        let mut inv = self.on_room(&scripts::READ, room.as_str());
        inv.arg(self.now_arg()).arg(Self::max_age_us(read.max_age)).arg(limit_arg(read)).arg(read.clients.as_str());
        let flat: Vec<Vec<u8>> = self.run(&inv)?;
        let mut out = EntryList::default();
        push_entries(&mut out, room.as_str(), &flat);
        Ok(out)
    }

    fn rooms_read(&self, rooms: &RoomList<'_>, read: &Read<'_>) -> Result<Vec<EntryList>> {
        if rooms.is_empty() {
            return Ok(Vec::new());
        }
        // One script over every room's keys rather than a pipeline of one script per room: the
        // server runs one script call instead of one per room (docs/redis.md, "Round trips").
        let mut inv = scripts::ROOMS.prepare_invoke();
        for room in rooms.as_slice() {
            for k in self.keys.room(room.as_str()) {
                inv.key(k);
            }
        }
        inv.arg(self.now_arg()).arg(Self::max_age_us(read.max_age)).arg(limit_arg(read)).arg(read.clients.as_str());
        let replies: Vec<Vec<Vec<u8>>> = self.run(&inv)?;
        if replies.len() != rooms.len() {
            return Err(StoreError::Unavailable {
                server: self.server().to_string(),
                message: format!("the rooms script answered {} rooms of {}", replies.len(), rooms.len()),
            });
        }
        Ok(rooms
            .as_slice()
            .iter()
            .zip(&replies)
            .map(|(room, flat)| {
                let mut out = EntryList::default();
                push_entries(&mut out, room.as_str(), flat);
                out
            })
            .collect())
    }

    fn room_count(&self, room: Room<'_>, max_age: Option<MaxAge>, clients: ClientPrefix<'_>) -> Result<u64> {
        let mut inv = self.on_room(&scripts::COUNT, room.as_str());
        inv.arg(self.now_arg()).arg(Self::max_age_us(max_age)).arg(clients.as_str());
        self.run(&inv)
    }

    fn entry(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<EntryList> {
        let mut inv = self.on_room(&scripts::ENTRY, room.as_str());
        inv.arg(self.now_arg()).arg(client_id.as_str());
        let flat: Vec<Vec<u8>> = self.run(&inv)?;
        let mut out = EntryList::default();
        push_entries(&mut out, room.as_str(), &flat);
        Ok(out)
    }

    fn exchange(&self, w: &Upsert<'_>, read: &Read<'_>, count: CountPrefix<'_>) -> Result<Exchanged> {
        let now = self.now_arg();
        let mut inv = self.on_write(&scripts::EXCHANGE, w, now);
        inv.arg(Self::max_age_us(read.max_age)).arg(limit_arg(read)).arg(read.clients.as_str()).arg(count.as_str());
        let (outcome, version, flat, n, previous): (u8, u64, Vec<Vec<u8>>, u64, u64) = self.write_indexed(w, &inv)?;
        self.last_write.remember(w.room.as_str(), version, now, self.link.round_trips());
        Ok(Exchanged { written: written(outcome), room: answer(w.room, (version, flat, n, previous)) })
    }

    fn leave_unless_written_after(
        &self,
        room: Room<'_>,
        client_id: ClientId<'_>,
        written_us: Option<u64>,
        read: &Read<'_>,
        count: CountPrefix<'_>,
    ) -> Result<Left> {
        let mut inv = self.on_room(&scripts::LEAVE, room.as_str());
        inv.arg(self.now_arg())
            .arg(client_id.as_str())
            .arg(Self::max_age_us(read.max_age))
            .arg(limit_arg(read))
            .arg(read.clients.as_str())
            .arg(count.as_str())
            .arg(written_us.map_or_else(String::new, |w| w.to_string()));
        let (removed, version, flat, n, previous): (u8, u64, Vec<Vec<u8>>, u64, u64) = self.run(&inv)?;
        Ok(Left { removed: removed == 1, room: answer(room, (version, flat, n, previous)) })
    }

    fn prefix(&self, prefix: Prefix<'_>, read: &Read<'_>) -> Result<EntryList> {
        let now = self.now_arg();
        let names = self.indexed_rooms(prefix.as_str(), true)?;
        let invs: Vec<_> = names
            .iter()
            .map(|room| {
                let mut inv = self.on_room(&scripts::READ, room);
                inv.arg(now).arg(Self::max_age_us(read.max_age)).arg(limit_arg(read)).arg(read.clients.as_str());
                inv
            })
            .collect();
        let replies: Vec<Vec<Vec<u8>>> = self.run_all(&invs)?;
        let mut out = EntryList::default();
        for (room, flat) in names.iter().zip(&replies) {
            push_entries(&mut out, room, flat);
        }
        // Each room answered its newest `limit`: the newest `limit` of all are among them.
        out.sort_across_rooms(read.limit.map_or(usize::MAX, |l| l.get()));
        Ok(out)
    }

    fn remove(&self, room: Room<'_>, client_id: ClientId<'_>) -> Result<bool> {
        let mut inv = self.on_room(&scripts::REMOVE, room.as_str());
        inv.arg(self.now_arg()).arg(client_id.as_str());
        Ok(self.run::<u8>(&inv)? == 1)
    }

    fn remove_user(&self, user_id: UserId, room_prefix: Prefix<'_>) -> Result<u64> {
        let user_id = user_id.get();
        let now = self.now_arg();
        let rooms = self.indexed_user(user_id, room_prefix.as_str(), true)?;
        let invs: Vec<_> = rooms
            .iter()
            .map(|(room, clients)| {
                let mut inv = self.on_room(&scripts::REMOVE_USER, room);
                inv.arg(now).arg(user_id).arg(clients.as_slice());
                inv
            })
            .collect();
        Ok(self.run_all::<u64>(&invs)?.into_iter().sum())
    }

    fn user(&self, user_id: UserId, max_age: Option<MaxAge>) -> Result<EntryList> {
        let user_id = user_id.get();
        let now = self.now_arg();
        let rooms = self.indexed_user(user_id, "", false)?;
        let invs: Vec<_> = rooms
            .iter()
            .map(|(room, clients)| {
                let mut inv = self.on_room(&scripts::PICK, room);
                inv.arg(now).arg(Self::max_age_us(max_age)).arg(user_id).arg(clients.as_slice());
                inv
            })
            .collect();
        let replies: Vec<Vec<Vec<u8>>> = self.run_all(&invs)?;
        let mut out = EntryList::default();
        for (room, flat) in rooms.keys().zip(&replies) {
            push_entries(&mut out, room, flat);
        }
        out.sort_across_rooms(usize::MAX);
        Ok(out)
    }

    fn rooms(&self, prefix: Prefix<'_>, max_age: Option<MaxAge>) -> Result<Vec<RoomSummary>> {
        let now = self.now_arg();
        let names = self.indexed_rooms(prefix.as_str(), true)?;
        let invs: Vec<_> = names
            .iter()
            .map(|room| {
                let mut inv = self.on_room(&scripts::SUMMARY, room);
                inv.arg(now).arg(Self::max_age_us(max_age));
                inv
            })
            .collect();
        let counts: Vec<(u64, u64)> = self.run_all(&invs)?;
        let mut out: Vec<RoomSummary> = names
            .into_iter()
            .zip(counts)
            .filter(|(_, (entries, _))| *entries > 0)
            .map(|(room, (entries, users))| RoomSummary { room, entries, users })
            .collect();
        out.sort_by(|a, b| a.room.cmp(&b.room));
        Ok(out)
    }

    fn room_version(&self, room: Room<'_>) -> Result<u64> {
        let room = room.as_str();
        if let Some(version) = self.last_write.answer(room, self.now_arg(), self.link.round_trips()) {
            return Ok(version);
        }
        let mut inv = self.on_room(&scripts::VERSION, room);
        inv.arg(self.now_arg());
        self.run(&inv)
    }

    fn gc(&self) -> Result<u64> {
        // Not pruned first: a room the index would drop holds only expired entries, which gc
        // removes. Then the rooms index drops the rooms whose time passed a margin ago (by this
        // process's clock, which wrote those times).
        let rooms = self.indexed_rooms("", false)?;
        let now = self.now_arg();
        let mut invs: Vec<_> = Vec::with_capacity(rooms.len());
        for r in &rooms {
            let mut inv = self.on_room(&scripts::EXPIRE, r);
            inv.arg(now);
            invs.push(inv);
        }
        let stale_before = self.clock_us().saturating_sub(super::INDEX_MARGIN_US);
        let room_index = self.keys.rooms();
        self.link.call(|c: &mut Connection| {
            let mut p = Pipeline::with_capacity(invs.len() + 1);
            for inv in &invs {
                p.invoke_script(inv);
            }
            p.cmd("ZREMRANGEBYSCORE").arg(&room_index).arg("-inf").arg(format!("({stale_before}")).ignore();
            Ok(p.query::<Vec<u64>>(c)?.into_iter().sum())
        })
    }

    fn flush(&self, prefix: Prefix<'_>) -> Result<u64> {
        let rooms = self.indexed_rooms(prefix.as_str(), false)?;
        self.sum_over_rooms(&scripts::FLUSH, &rooms)
    }

    fn stats(&self) -> Result<Stats> {
        // Not pruned: rooms whose entries all expired but were not removed yet still count, as
        // they still hold memory.
        let rooms = self.indexed_rooms("", false)?;
        let (memory, lens): (String, Vec<u64>) = self.link.call(|c: &mut Connection| {
            let mut p = Pipeline::with_capacity(rooms.len() + 1);
            p.cmd("INFO").arg("memory");
            for r in &rooms {
                let [e, ..] = self.keys.room(r);
                p.cmd("HLEN").arg(e);
            }
            let mut replies: Vec<redis::Value> = p.query(c)?;
            let lens: Vec<u64> =
                replies.split_off(1).into_iter().map(redis::from_redis_value).collect::<std::result::Result<_, _>>()?;
            let memory: String = redis::from_redis_value(replies.remove(0))?;
            RedisResult::Ok((memory, lens))
        })?;
        let field = |name: &str| {
            memory
                .lines()
                .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':')))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok(Stats {
            live_entries: lens.iter().sum(),
            rooms: lens.iter().filter(|&&n| n > 0).count() as u64,
            bytes_used: field("used_memory"),
            bytes_total: field("maxmemory"),
            layout_version: KEY_LAYOUT_VERSION,
            backend: BackendStats::Redis(RedisStats {
                server: self.server().to_string(),
                server_version: self.server_version().unwrap_or_default(),
                key_prefix: self.cfg.key_prefix.clone(),
                round_trips: self.round_trips(),
                connects: self.connects(),
            }),
        })
    }

    fn live_token(&self, grant: &Grant<'_>) -> Result<String> {
        self.issue_token(grant)
    }

    fn live_revoke(&self, scope: Scope<'_>, user_id: UserId) -> Result<()> {
        self.revoke_tokens(scope, user_id.get())
    }

    fn live_poll(&self, token: &[u8], session: &[u8], scope: Option<Scope<'_>>) -> Result<PollAnswer> {
        self.poll(token, session, scope)
    }

    /// As every store reads a roster, but every card in one HMGET: three round trips in all
    /// (the read of the users and their count remove expired entries first, as every read does;
    /// four when entries that stand for no user sent the read to the whole room), not one per
    /// card.
    fn roster(&self, room: Room<'_>, version: u64, limit: usize) -> Result<Roster> {
        let (users, total) = self.roster_users(room, limit)?;
        if users.is_empty() {
            return Ok(Roster::from_reads(version, total, &users, &[]));
        }
        let ids: Vec<String> = users.iter().map(|&u| live::card_client_id(u)).collect();
        let [entries, ..] = self.keys.room(room.as_str());
        let values: Vec<Option<Vec<u8>>> =
            self.link.call(|c: &mut Connection| redis::cmd("HMGET").arg(&entries).arg(&ids).query(c))?;
        let cards: Vec<EntryList> = ids
            .iter()
            .zip(values)
            .map(|(id, value)| {
                let mut card = EntryList::default();
                if let Some(value) = value {
                    push_entries(&mut card, room.as_str(), &[id.clone().into_bytes(), value]);
                }
                card
            })
            .collect();
        Ok(Roster::from_reads(version, total, &users, &cards))
    }
}
