//! The roster a poll may ask for: who is in the first room of its token, for a page that shows
//! them (the dashboard's "Who's online") and would otherwise wait for a heartbeat to learn who
//! arrived or left. Only a token that carries the roster claim gets it (the plugin gives the claim
//! to users the heartbeat shows that list to), and only when the room's version differs from the
//! one the page holds.
//!
//! The roster is what the heartbeat's own read of the room picks (the plugin's
//! wpp_payload_read_users): entries that stand for their user (`user-{id}`, `editor-{id}` or
//! `agent-{id}` naming the entry's own user id), one per user, newest write first, at most the
//! claim's number of them, and their total counted as the heartbeat counts it. Other entries of
//! the room (a REST client's `user-x`, say) are never listed and never push people out. With
//! each person comes their card: the `_card-{id}` entry of the same room, which the user's own
//! heartbeat writes (rendered by WordPress for no viewer in particular). Reserved client ids (`_`)
//! are never listed by reads, and the plugin's REST routes and public functions refuse to write
//! them; a card too large, or not of the card's shape, is answered as none.
//!
//! `"r":{"v":<version, low 53 bits>,"n":<total>,"u":[[<user id>,<card or null>],…]}` follows the
//! versions in the poll's JSON: at most [`MAX_ROSTER`] cards of at most [`MAX_CARD_BYTES`] each.

use std::fmt::Write as _;

use crate::store::codec::{Key, Value};
use crate::store::entries::EntryList;

/// Most people one roster lists.
pub const MAX_ROSTER: usize = 50;
/// Longest card answered (bytes of its markup); a longer one is answered as none.
pub const MAX_CARD_BYTES: usize = 2048;
/// Kinds of client id that stand for a user when they name the entry's own user id.
const USER_KINDS: [&str; 3] = ["user-", "editor-", "agent-"];
/// Client ids of the cards: `_card-{user id}` (reserved, so never listed by a read).
pub const CARD_PREFIX: &str = "_card-";
/// Versions are compared as the browser holds them: the low 53 bits.
const VERSION_MASK: u64 = (1 << 53) - 1;

/// The client id of a user's card.
pub fn card_client_id(user_id: u64) -> String {
    format!("{CARD_PREFIX}{user_id}")
}

/// Whether an entry stands for its user: `{kind}-{user id}` of its own (positive) user id, as
/// the plugin's wpp_client_ids_user_entries decides.
pub fn stands_for_its_user(client_id: &str, user_id: u64) -> bool {
    user_id > 0
        && USER_KINDS.iter().any(|kind| client_id.strip_prefix(kind).is_some_and(|named| named == user_id.to_string()))
}

/// The users a read of a room lists, in its order: one per user (the first entry that stands
/// for them, so the newest of a newest-first read).
pub fn pick_users(read: &EntryList) -> Vec<u64> {
    let mut users: Vec<u64> = Vec::new();
    for entry in read.iter() {
        if stands_for_its_user(entry.client_id, entry.user_id) && !users.contains(&entry.user_id) {
            users.push(entry.user_id);
        }
    }
    users
}

/// What a poll says it holds of the first room: the version (low 53 bits) its roster was last
/// built from; a roster is answered when the room's differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterHeld(pub u64);

impl RosterHeld {
    /// Whether the room at `version` is news to the page.
    pub fn differs(&self, version: u64) -> bool {
        self.0 != version & VERSION_MASK
    }
}

/// A room's roster as a poll answers it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roster {
    /// The room's version read before its entries (so a change in between shows again).
    pub version: u64,
    /// User entries in the room.
    pub total: u64,
    /// The first of them, newest write first, each with their card's markup if there is one.
    pub people: Vec<(u64, Option<String>)>,
}

impl Roster {
    /// The card in a `_card-{id}` entry's state: `['html' => string]`, at most
    /// [`MAX_CARD_BYTES`]; anything else is none.
    pub fn card(state: &[u8]) -> Option<String> {
        let Ok(Value::Array(items)) = Value::decode(state) else { return None };
        items.into_iter().find_map(|(k, v)| match (k, v) {
            (Key::Str(k), Value::Str(html)) if k == "html" && html.len() <= MAX_CARD_BYTES => Some(html),
            _ => None,
        })
    }

    /// A roster from the users picked (see [`pick_users`]) and each one's card entry (an empty
    /// list when there is none). A card is used only when its owner is the user it is listed
    /// for: a `_card-{id}` row someone else planted (an old table copied in, say) is none.
    pub fn from_reads(version: u64, total: u64, users: &[u64], cards: &[EntryList]) -> Roster {
        let people = users
            .iter()
            .zip(cards)
            .map(|(&user_id, c)| {
                let card = c.get(0).filter(|card| card.user_id == user_id);
                (user_id, card.and_then(|card| Roster::card(card.state)))
            })
            .collect();
        Roster { version, total, people }
    }

    /// `,"r":{…}`, to follow the versions in a poll's JSON.
    pub fn write_json(&self, out: &mut String) {
        let _ = write!(out, ",\"r\":{{\"v\":{},\"n\":{},\"u\":[", self.version & VERSION_MASK, self.total);
        for (i, (user_id, card)) in self.people.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "[{user_id},");
            match card {
                Some(html) => json_string(html, out),
                None => out.push_str("null"),
            }
            out.push(']');
        }
        out.push_str("]}");
    }
}

/// `text` as a JSON string. `<`, `>` and `&` are escaped too, so the answer stays inert if a
/// browser ever read it as markup.
fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card_state(html: &str) -> Vec<u8> {
        Value::Array(vec![(Key::Str("html".into()), Value::Str(html.into()))]).encode(1 << 16).unwrap()
    }

    #[test]
    fn a_card_is_the_html_of_its_state_when_small_enough() {
        assert_eq!(Roster::card(&card_state("<li>Ann</li>")).as_deref(), Some("<li>Ann</li>"));
        assert_eq!(Roster::card(&card_state(&"a".repeat(MAX_CARD_BYTES))).map(|c| c.len()), Some(MAX_CARD_BYTES));
        assert_eq!(Roster::card(&card_state(&"a".repeat(MAX_CARD_BYTES + 1))), None);
        let other = Value::Array(vec![(Key::Str("name".into()), Value::Str("x".into()))]).encode(100).unwrap();
        assert_eq!(Roster::card(&other), None);
        assert_eq!(Roster::card(b"\x07"), None);
    }

    #[test]
    fn the_roster_is_json_with_escaped_cards() {
        let r = Roster {
            version: (1 << 53) + 5,
            total: 3,
            people: vec![(7, Some("<li class=\"a\">O'Neil \\ \n</li>".into())), (9, None)],
        };
        let mut out = String::new();
        r.write_json(&mut out);
        assert_eq!(
            out,
            r#","r":{"v":5,"n":3,"u":[[7,"\u003cli class=\"a\"\u003eO'Neil \\ \u000a\u003c/li\u003e"],[9,null]]}"#
        );
        assert!(RosterHeld(5).differs(6) && !RosterHeld(5).differs((1 << 53) + 5));
    }
}
