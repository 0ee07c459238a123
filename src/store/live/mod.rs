//! The live lane's tokens: what a store signs with the secret it keeps, and how a poll checks
//! one before any store work. A token is `base64url(payload) "." base64url(tag)`, the tag an
//! HMAC-SHA256 of the payload's text; the payload binds the scope, the user, the rooms, when it
//! was issued, when it expires, and a digest of the session it was issued to.
//!
//! Payload (little-endian): `2` (format) · issued µs (8) · expires µs (8) · user id (8) ·
//! session digest (32) · scope length (1) · scope · room count (1) · per room: length (1), name ·
//! roster (1): how many people of the first room's roster the token may read (0: none). Format
//! `1` (before the roster) is the same without the last byte, and reads as roster 0.
//!
//! Two keys are derived from the store's secret (HMAC-SHA256 of the secret over a label): one
//! signs tokens, one digests sessions, so neither value can stand in for the other. Tags and
//! digests are compared in constant time (`ring::hmac::verify`). The store checks the times
//! (expiry, revocation) with its own clock; everything else is checked here (`check.rs`), before
//! it. `answer.rs` writes what the live lane answers.

use ring::hmac;

use super::base64url;
use super::error::{Result, StoreError};
use super::input::{key, room_element, Room, Ttl, UserId};

mod answer;
mod check;
mod roster;

pub use answer::PollAnswer;
pub use check::{check_shape, check_size, read_accepted, verify, Claims, Refusal};
pub use roster::{
    card_client_id, pick_users, stands_for_its_user, Roster, RosterHeld, CARD_PREFIX, MAX_CARD_BYTES, MAX_ROSTER,
};

/// Bytes of a store's secret.
pub const SECRET_BYTES: usize = 32;
/// Longest token a poll reads; a longer one is refused before it is looked at.
pub const MAX_TOKEN_BYTES: usize = 4096;
/// Most rooms one token may name.
pub const MAX_ROOMS: usize = 32;

const FORMAT: u8 = 2;
/// The format before the roster byte, still read.
const FORMAT_1: u8 = 1;
const DIGEST_BYTES: usize = 32;
/// Payload bytes before the scope: format, three times/ids, the session digest.
const FIXED: usize = 1 + 8 + 8 + 8 + DIGEST_BYTES;

/// A store's secret: random, kept by the store, never shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Secret(pub [u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A fresh secret from the system's random source.
    pub fn random() -> std::io::Result<Secret> {
        use ring::rand::SecureRandom;
        let mut bytes = [0u8; SECRET_BYTES];
        ring::rand::SystemRandom::new()
            .fill(&mut bytes)
            .map_err(|_| std::io::Error::other("the system random source failed"))?;
        Ok(Secret(bytes))
    }
}

/// The keys derived from a secret.
pub struct Keys {
    token: hmac::Key,
    session: hmac::Key,
}

impl Keys {
    pub fn new(secret: &Secret) -> Keys {
        let root = hmac::Key::new(hmac::HMAC_SHA256, &secret.0);
        let derive = |label: &[u8]| hmac::Key::new(hmac::HMAC_SHA256, hmac::sign(&root, label).as_ref());
        Keys { token: derive(b"presence live token"), session: derive(b"presence live session") }
    }

    /// The keys of a secret read back from a store: `None` unless it is [`SECRET_BYTES`] long.
    pub fn from_bytes(secret: &[u8]) -> Option<Keys> {
        Some(Keys::new(&Secret(secret.try_into().ok()?)))
    }
}

/// Whose tokens: the plugin passes `{install}/{blog}`. 1..=191 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a>(&'a [u8]);

impl<'a> Scope<'a> {
    /// `$scope`.
    pub fn new(value: &'a str) -> Result<Self> {
        key("scope", value).map(|v| Scope(v.as_bytes()))
    }

    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

/// What a token grants, checked: a signed-in user of a scope may learn the versions of these
/// rooms until the TTL passes, from the session it was issued to.
#[derive(Debug, Clone)]
pub struct Grant<'a> {
    pub scope: Scope<'a>,
    pub user_id: u64,
    pub rooms: Vec<Room<'a>>,
    pub ttl: Ttl,
    pub session: &'a [u8],
    /// How many people of the first room's roster the token may read (0: none).
    pub roster: u8,
}

impl<'a> Grant<'a> {
    /// Checks each argument in the order `presence_live_token()` takes them (a token without
    /// the roster: [`Grant::with_roster`] adds it).
    pub fn new(scope: &'a str, user_id: i64, rooms: &[&'a str], ttl: i64, session: &'a [u8]) -> Result<Self> {
        let scope = Scope::new(scope)?;
        let user_id = UserId::signed_in(user_id)?.get();
        if rooms.is_empty() {
            return Err(StoreError::invalid("rooms", "must hold at least 1 room"));
        }
        if rooms.len() > MAX_ROOMS {
            return Err(StoreError::invalid(
                "rooms",
                format!("must hold at most {MAX_ROOMS} rooms, got {}", rooms.len()),
            ));
        }
        let rooms = rooms.iter().enumerate().map(|(i, r)| room_element(i, r)).collect::<Result<Vec<_>>>()?;
        let ttl = Ttl::new(ttl)?;
        let grant = Grant { scope, user_id, rooms, ttl, session, roster: 0 };
        let len = grant.token_len();
        if len > MAX_TOKEN_BYTES {
            return Err(StoreError::invalid(
                "rooms",
                format!("must fit a token of at most {MAX_TOKEN_BYTES} bytes, got {len}"),
            ));
        }
        Ok(grant)
    }

    /// `$roster`: the token may read up to this many people of its first room's roster
    /// (0..=[`MAX_ROSTER`]; 0 for none).
    pub fn with_roster(mut self, roster: i64) -> Result<Self> {
        self.roster = u8::try_from(roster).ok().filter(|&n| usize::from(n) <= MAX_ROSTER).ok_or_else(|| {
            StoreError::invalid("roster", format!("must be between 0 and {MAX_ROSTER}, got {roster}"))
        })?;
        Ok(self)
    }

    fn payload_len(&self) -> usize {
        FIXED + 1 + self.scope.0.len() + 1 + self.rooms.iter().map(|r| 1 + r.as_str().len()).sum::<usize>() + 1
    }

    /// The length of the token this grant becomes.
    pub fn token_len(&self) -> usize {
        self.payload_len().div_ceil(3) * 4 - (3 - self.payload_len() % 3) % 3 + 1 + 43
    }
}

fn session_digest(keys: &Keys, session: &[u8]) -> hmac::Tag {
    hmac::sign(&keys.session, session)
}

/// Signs `grant`, issued at `now_us`.
pub fn issue(keys: &Keys, grant: &Grant<'_>, now_us: u64) -> String {
    let mut payload = Vec::with_capacity(grant.payload_len());
    payload.push(FORMAT);
    payload.extend_from_slice(&now_us.to_le_bytes());
    payload.extend_from_slice(&now_us.saturating_add(grant.ttl.micros()).to_le_bytes());
    payload.extend_from_slice(&grant.user_id.to_le_bytes());
    payload.extend_from_slice(session_digest(keys, grant.session).as_ref());
    payload.push(grant.scope.0.len() as u8);
    payload.extend_from_slice(grant.scope.0);
    payload.push(grant.rooms.len() as u8);
    for r in &grant.rooms {
        payload.push(r.as_str().len() as u8);
        payload.extend_from_slice(r.as_str().as_bytes());
    }
    payload.push(grant.roster);
    let mut token = String::with_capacity(grant.token_len());
    base64url::encode_into(&payload, &mut token);
    let tag = hmac::sign(&keys.token, token.as_bytes());
    token.push('.');
    base64url::encode_into(tag.as_ref(), &mut token);
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000_000;

    fn keys(byte: u8) -> Keys {
        Keys::new(&Secret([byte; SECRET_BYTES]))
    }

    fn grant<'a>(rooms: &[&'a str], session: &'a [u8]) -> Grant<'a> {
        Grant::new("install/1", 7, rooms, 60, session).unwrap()
    }

    #[test]
    fn a_token_carries_its_grant_and_checks_out_with_the_same_secret_and_session() {
        let g = grant(&["admin/online", "post:5"], b"sess");
        let token = issue(&keys(1), &g, NOW);
        assert_eq!(token.len(), g.token_len());
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
        let c = verify(&keys(1), token.as_bytes(), b"sess", Some(Scope::new("install/1").unwrap())).unwrap();
        assert_eq!((c.issued_us, c.expires_us, c.user_id), (NOW, NOW + 60_000_000, 7));
        assert_eq!(c.scope(), b"install/1");
        assert_eq!(c.rooms().collect::<Vec<_>>(), ["admin/online", "post:5"]);
        assert_eq!(c.roster, 0);
        let with = grant(&["admin/online"], b"sess").with_roster(20).unwrap();
        let t = issue(&keys(1), &with, NOW);
        assert_eq!(t.len(), with.token_len());
        assert_eq!(verify(&keys(1), t.as_bytes(), b"sess", None).unwrap().roster, 20);
        assert_eq!(read_accepted(t.as_bytes()).map(|c| c.roster), Some(20));
        assert_eq!(
            grant(&["r"], b"").with_roster(51).unwrap_err().to_string(),
            "$roster must be between 0 and 50, got 51"
        );
        assert_eq!(c.check_time(NOW + 59_999_999), Ok(()));
        assert_eq!(c.check_time(NOW + 60_000_000), Err(Refusal::Expired));
        assert_eq!(c.check_time(NOW - 1), Err(Refusal::Expired), "issued after now: the clock stepped back");
        assert_eq!(c.check_revocation(NOW - 1), Ok(()));
        assert_eq!(c.check_revocation(NOW), Err(Refusal::Revoked));
    }

    /// A payload signed as a store signs one.
    fn signed(keys: &Keys, payload: &[u8]) -> String {
        let mut token = String::new();
        base64url::encode_into(payload, &mut token);
        let tag = hmac::sign(&keys.token, token.as_bytes());
        token.push('.');
        base64url::encode_into(tag.as_ref(), &mut token);
        token
    }

    #[test]
    fn a_format_1_token_reads_as_roster_0_and_only_without_a_byte_more() {
        let token = issue(&keys(1), &grant(&["admin/online"], b"sess").with_roster(20).unwrap(), NOW);
        let mut payload = Vec::new();
        base64url::decode_into(token.split('.').next().unwrap().as_bytes(), &mut payload).unwrap();
        // Format 1: the same payload without the roster byte.
        payload[0] = FORMAT_1;
        payload.pop();
        let old = signed(&keys(1), &payload);
        let c = verify(&keys(1), old.as_bytes(), b"sess", None).unwrap();
        assert_eq!((c.roster, c.user_id, c.rooms().collect::<Vec<_>>()), (0, 7, vec!["admin/online"]));
        assert_eq!(read_accepted(old.as_bytes()).map(|c| c.roster), Some(0));
        // Format 1 with a byte after its rooms (a roster it cannot carry), signed all the same.
        payload.push(20);
        let longer = signed(&keys(1), &payload);
        assert_eq!(verify(&keys(1), longer.as_bytes(), b"sess", None).unwrap_err(), Refusal::Malformed);
        assert!(read_accepted(longer.as_bytes()).is_none());
    }

    #[test]
    fn forged_tampered_foreign_or_misbound_tokens_are_refused() {
        let token = issue(&keys(1), &grant(&["r"], b"sess"), NOW);
        let refuse = |t: &[u8], session: &[u8], scope: Option<&str>| {
            verify(&keys(1), t, session, scope.map(|s| Scope::new(s).unwrap())).unwrap_err()
        };
        assert_eq!(verify(&keys(2), token.as_bytes(), b"sess", None).unwrap_err(), Refusal::Invalid);
        assert_eq!(refuse(token.as_bytes(), b"other", None), Refusal::Session);
        assert_eq!(refuse(token.as_bytes(), b"", None), Refusal::Session);
        assert_eq!(refuse(token.as_bytes(), b"sess", Some("install/2")), Refusal::Scope);
        // Any changed character of the payload or the tag.
        for i in 0..token.len() {
            let mut t = token.clone().into_bytes();
            if t[i] == b'.' {
                continue;
            }
            t[i] = if t[i] == b'A' { b'B' } else { b'A' };
            assert!(matches!(refuse(&t, b"sess", None), Refusal::Invalid | Refusal::Malformed), "changed at {i}");
        }
        for bad in ["", ".", "abc", "abc.", ".abc", "a.b.c"] {
            assert_eq!(refuse(bad.as_bytes(), b"sess", None), Refusal::Malformed, "{bad:?}");
        }
        let huge = vec![b'a'; MAX_TOKEN_BYTES + 1];
        assert_eq!(refuse(&huge, b"sess", None), Refusal::TooLarge);
        // A payload signed with the right key but not in this format is still refused.
        let k = keys(1);
        let mut forged = String::new();
        base64url::encode_into(b"\x02whatever", &mut forged);
        let tag = hmac::sign(&k.token, forged.as_bytes());
        forged.push('.');
        base64url::encode_into(tag.as_ref(), &mut forged);
        assert_eq!(verify(&k, forged.as_bytes(), b"", None).unwrap_err(), Refusal::Malformed);
    }

    #[test]
    fn grants_are_checked_argument_by_argument() {
        let err = |r: Result<Grant<'_>>| r.unwrap_err().to_string();
        assert_eq!(err(Grant::new("", 1, &["r"], 60, b"")), "$scope must not be empty");
        assert_eq!(err(Grant::new(&"s".repeat(192), 1, &["r"], 60, b"")), "$scope must be at most 191 bytes, got 192");
        assert_eq!(err(Grant::new("s", 0, &["r"], 60, b"")), "$user_id must be 1 or greater, got 0");
        assert_eq!(err(Grant::new("s", 1, &[], 60, b"")), "$rooms must hold at least 1 room");
        assert_eq!(err(Grant::new("s", 1, &["r"; 33], 60, b"")), "$rooms must hold at most 32 rooms, got 33");
        assert_eq!(err(Grant::new("s", 1, &["r", ""], 60, b"")), "$rooms element [1] must not be empty");
        assert_eq!(err(Grant::new("s", 1, &["r"], 0, b"")), "$ttl must be between 1 and 86400 seconds, got 0");
        let long = "r".repeat(191);
        let many: Vec<&str> = (0..32).map(|_| long.as_str()).collect();
        assert!(
            err(Grant::new("s", 1, &many, 60, b"")).starts_with("$rooms must fit a token of at most 4096 bytes, got ")
        );
        assert!(Grant::new("s", 1, &many[..15], 60, b"").is_ok());
    }
}
