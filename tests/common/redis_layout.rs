//! The invariants of the Redis key layout, checked from outside with plain commands (the Redis
//! counterpart of the shared-memory table's `check_integrity()`):
//! - a room's entries hash, order zset and expiry zset hold the same client ids;
//! - every value is `<updated µs>:<user id>:<state>`, its order score is that time;
//! - the meta key counts the reserved client ids (`r`) of the room;
//! - a room with entries has a version, and its meta key no TTL shorter than its entries' keys;
//! - every live entry is named by the rooms index and by its user's index, with a score no
//!   earlier than its expiry (indexes may name more, never less).

use std::collections::{BTreeMap, BTreeSet};

use redis::Connection;

fn unescape(tag: &str) -> String {
    tag.replace("%7B", "{").replace("%7D", "}").replace("%25", "%")
}

fn zset(conn: &mut Connection, key: &str) -> BTreeMap<Vec<u8>, f64> {
    redis::cmd("ZRANGE")
        .arg(key)
        .arg(0)
        .arg(-1)
        .arg("WITHSCORES")
        .query::<Vec<(Vec<u8>, f64)>>(conn)
        .unwrap()
        .into_iter()
        .collect()
}

pub fn check_layout(conn: &mut Connection, prefix: &str, now_us: u64) -> Result<(), String> {
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}*")).query(conn).unwrap();
    let bases: BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| k.strip_suffix(":e").or_else(|| k.strip_suffix(":o")).or_else(|| k.strip_suffix(":x")))
        .collect();
    let rooms_index = zset(conn, &format!("{prefix}rooms"));
    for base in bases {
        let tag = base.strip_prefix(prefix).and_then(|t| t.strip_prefix('{')).and_then(|t| t.strip_suffix('}'));
        let room = unescape(tag.ok_or_else(|| format!("{base}: not a room key"))?);
        let e: BTreeMap<Vec<u8>, Vec<u8>> = redis::cmd("HGETALL").arg(format!("{base}:e")).query(conn).unwrap();
        let o = zset(conn, &format!("{base}:o"));
        let x = zset(conn, &format!("{base}:x"));
        let ids: BTreeSet<_> = e.keys().collect();
        if ids != o.keys().collect() || ids != x.keys().collect() {
            return Err(format!("room {room}: entries, order and expiry hold different client ids"));
        }
        let reserved: Option<u64> = redis::cmd("HGET").arg(format!("{base}:m")).arg("r").query(conn).unwrap();
        let reserved_ids = e.keys().filter(|id| id.first() == Some(&b'_')).count() as u64;
        if reserved.unwrap_or(0) != reserved_ids {
            return Err(format!("room {room}: r = {reserved:?}, but {reserved_ids} reserved client ids"));
        }
        let version: Option<u64> = redis::cmd("HGET").arg(format!("{base}:m")).arg("v").query(conn).unwrap();
        if !e.is_empty() && version.unwrap_or(0) == 0 {
            return Err(format!("room {room}: entries but no version"));
        }
        // Absolute expiry times (ms): two PTTLs, even in one transaction, are measured a
        // millisecond apart now and then, which made equal expiries look unequal.
        let (pe, pm): (i64, i64) = redis::pipe()
            .cmd("PEXPIRETIME")
            .arg(format!("{base}:e"))
            .cmd("PEXPIRETIME")
            .arg(format!("{base}:m"))
            .query(conn)
            .unwrap();
        if !e.is_empty() && pm != -1 && (pe == -1 || pm < pe) {
            return Err(format!("room {room}: its version would expire before its entries ({pm} < {pe} ms)"));
        }
        // Reads whose max age is at least `t` skip each entry's age test: no live entry may have
        // a longer ttl.
        let longest_ttl: Option<u64> = redis::cmd("HGET").arg(format!("{base}:m")).arg("t").query(conn).unwrap();
        for (client, value) in &e {
            let mut parts = value.splitn(3, |&b| b == b':');
            let updated = parts.next().and_then(|p| std::str::from_utf8(p).ok()?.parse::<u64>().ok());
            let user = parts.next().and_then(|p| std::str::from_utf8(p).ok()?.parse::<u64>().ok());
            let (Some(updated), Some(user), Some(_)) = (updated, user, parts.next()) else {
                return Err(format!("room {room}: a value that is not <updated>:<user>:<state>"));
            };
            if o[client] != updated as f64 {
                return Err(format!("room {room}: an entry ordered by {} but written at {updated}", o[client]));
            }
            let expires = x[client];
            if expires <= now_us as f64 {
                continue; // expired, awaiting removal by the next operation on its room
            }
            if longest_ttl.is_some_and(|t| expires - updated as f64 > t as f64) {
                return Err(format!(
                    "room {room}: entry {} lives longer than the room's t",
                    String::from_utf8_lossy(client)
                ));
            }
            if rooms_index.get(room.as_bytes()).is_none_or(|&s| s < expires) {
                return Err(format!("room {room}: live but missing from the rooms index"));
            }
            let client = String::from_utf8_lossy(client);
            let member = format!("{}:{room}{client}", room.len());
            let by_user = zset(conn, &format!("{prefix}user:{{{user}}}"));
            if by_user.get(member.as_bytes()).is_none_or(|&s| s < expires) {
                return Err(format!("room {room}: entry {client} of user {user} missing from the user's index"));
            }
        }
    }
    Ok(())
}
