//! Where everything lives in Redis: key names, hash tags, index members.
//!
//! Every key starts with `presence.key_prefix` (`P`, default `presence:`), so sites sharing one
//! Redis keep apart by prefix. The layout, for a room `R` (its name escaped, see [`tag`]):
//!
//! ```text
//! P{R}:e     hash  client id -> "<updated µs>:<user id>:<encoded state>"
//! P{R}:o     zset  client id scored by its write time (µs; newest last)
//! P{R}:x     zset  client id scored by its expiry (µs)
//! P{R}:m     hash  v = room version, t = a ttl (µs) no live entry exceeds, r = reserved client
//!                  ids in E, c = the count the last exchange or leave with a count prefix left
//! Prooms     zset  room name, scored by a time up to which it may hold live entries
//! Puser:{U}  zset  "<room length>:<room><client id>" of user U, scored the same way
//! Plive:secret               string  the live lane's secret (32 bytes), created once
//! Plive:revoked:<U>:<scope>  string  µs: tokens of (scope, user U) issued until then are refused
//! ```
//!
//! The braces are Redis Cluster hash tags: the four keys of a room always share one slot, so
//! every per-room operation is one script on one slot. The two kinds of index live in slots of
//! their own and are written by plain commands (ZADD, ZADD GT for the rooms) ahead of the room's
//! script in the same pipeline. An index score is a time by which the member's entries have
//! expired, plus a margin: members are dropped only once it has passed, when an index is read,
//! so an index may name more than exists (readers check the room), never less while an entry
//! lives. Index keys expire a day after their last write.

/// Escapes a room name for use inside a hash tag: `{`, `}` and `%` become `%7B`, `%7D`, `%25`,
/// so the tag always ends at the brace this module put after it and distinct rooms never share
/// a key.
fn tag(room: &str, out: &mut String) {
    for c in room.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
}

/// Key names under one prefix.
#[derive(Debug, Clone)]
pub(super) struct Keys {
    prefix: String,
}

impl Keys {
    pub(super) fn new(prefix: &str) -> Self {
        Keys { prefix: prefix.to_string() }
    }

    /// The room's four keys, in the order every room script takes them: E, O, X, M.
    pub(super) fn room(&self, room: &str) -> [String; 4] {
        let mut base = String::with_capacity(self.prefix.len() + room.len() + 4);
        base.push_str(&self.prefix);
        base.push('{');
        tag(room, &mut base);
        base.push('}');
        [format!("{base}:e"), format!("{base}:o"), format!("{base}:x"), format!("{base}:m")]
    }

    /// The index of rooms.
    pub(super) fn rooms(&self) -> String {
        format!("{}rooms", self.prefix)
    }

    /// The live lane's secret (32 random bytes, created by the first process that issues a token).
    pub(super) fn live_secret(&self) -> String {
        format!("{}live:secret", self.prefix)
    }

    /// The time at or before which tokens of (scope, user) are refused.
    pub(super) fn live_revoked(&self, scope: &[u8], user_id: u64) -> Vec<u8> {
        let mut key = format!("{}live:revoked:{user_id}:", self.prefix).into_bytes();
        key.extend_from_slice(scope);
        key
    }

    /// The index of one user's entries.
    pub(super) fn user(&self, user_id: u64) -> String {
        format!("{}user:{{{user_id}}}", self.prefix)
    }
}

/// A member of a user's index: the room and the client id, unambiguous whatever bytes they hold.
pub(super) fn user_member(room: &str, client_id: &str) -> String {
    format!("{}:{room}{client_id}", room.len())
}

/// The room and client id of a user index member; `None` for a member this code did not write.
pub(super) fn parse_user_member(member: &[u8]) -> Option<(&str, &str)> {
    let colon = member.iter().position(|&b| b == b':')?;
    let len: usize = std::str::from_utf8(&member[..colon]).ok()?.parse().ok()?;
    let rest = member.get(colon + 1..)?;
    if len == 0 || rest.len() <= len {
        return None;
    }
    let room = std::str::from_utf8(&rest[..len]).ok()?;
    let client = std::str::from_utf8(&rest[len..]).ok()?;
    Some((room, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_keys_share_one_hash_tag_whatever_the_name() {
        let k = Keys::new("presence:");
        assert_eq!(k.room("admin/online")[0], "presence:{admin/online}:e");
        assert_eq!(k.room("a}b{c%")[3], "presence:{a%7Db%7Bc%25}:m");
        assert_ne!(k.room("%7D")[0], k.room("}")[0]);
        assert_eq!(k.user(42), "presence:user:{42}");
        assert_eq!(k.rooms(), "presence:rooms");
        assert_eq!(k.live_secret(), "presence:live:secret");
        assert_eq!(k.live_revoked(b"site/1", 7), b"presence:live:revoked:7:site/1");
    }

    #[test]
    fn user_members_round_trip() {
        for (room, client) in [("r", "c"), ("12:ab", "3:x"), ("r\0x", "\0"), ("é", "ü")] {
            let m = user_member(room, client);
            assert_eq!(parse_user_member(m.as_bytes()), Some((room, client)));
        }
        assert_eq!(parse_user_member(b"5:abc"), None);
        assert_eq!(parse_user_member(b"x:abc"), None);
        assert_eq!(parse_user_member(b"0:abc"), None);
    }
}
