//! Checking a token before any store work: its size, shape and tag, the session it was issued
//! to, the scope asked for; then, with the store's clock, its time and its revocation.

use ring::hmac;

use super::{Keys, Scope, DIGEST_BYTES, FIXED, FORMAT, FORMAT_1, MAX_ROOMS, MAX_ROSTER, MAX_TOKEN_BYTES};
use crate::store::base64url;
use crate::store::input::Room;

/// Why a poll refused a token. A refused token writes nothing to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Longer than [`MAX_TOKEN_BYTES`]: refused before it is read.
    TooLarge,
    /// Not a token of this format.
    Malformed,
    /// Its tag is not this store's (forged, altered, or signed with a secret since replaced).
    Invalid,
    /// Issued to another session.
    Session,
    /// Issued for another scope than the poll asked for.
    Scope,
    /// Its time passed (or it was issued after the store's now: the clock stepped back since).
    Expired,
    /// Issued before its (scope, user) was revoked.
    Revoked,
    /// Asked for a roster without the claim to read one.
    Roster,
}

impl Refusal {
    /// The HTTP status the live lane answers with.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::TooLarge => 400,
            _ => 403,
        }
    }

    /// The `code` of the answer's JSON body.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge => "token_too_large",
            Refusal::Malformed => "token_malformed",
            Refusal::Invalid => "token_invalid",
            Refusal::Session => "token_session",
            Refusal::Scope => "token_scope",
            Refusal::Expired => "token_expired",
            Refusal::Revoked => "token_revoked",
            Refusal::Roster => "roster_not_allowed",
        }
    }
}

/// A token whose tag, session and scope checked out: what it grants.
#[derive(Debug)]
pub struct Claims {
    pub issued_us: u64,
    pub expires_us: u64,
    pub user_id: u64,
    /// How many people of the first room's roster the token may read (0: none).
    pub roster: u8,
    payload: Vec<u8>,
    scope: (usize, usize),
    rooms: Vec<(usize, usize)>,
}

impl Claims {
    pub fn scope(&self) -> &[u8] {
        &self.payload[self.scope.0..self.scope.1]
    }

    /// The first room the token names: the one whose roster it may read.
    pub fn first_room(&self) -> &str {
        self.rooms().next().unwrap_or("")
    }

    /// Its rooms, in the order the token names them.
    pub fn rooms(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        // Checked as UTF-8 when the token was read.
        self.rooms.iter().map(|&(s, e)| std::str::from_utf8(&self.payload[s..e]).unwrap_or(""))
    }

    /// Refuses a token whose time has passed at `now_us`, or that was issued after it: the
    /// store's clock stepped back since, and a revocation made now would not reach it (nor would
    /// its expiry come in its TTL). Its client asks for a new token.
    pub fn check_time(&self, now_us: u64) -> std::result::Result<(), Refusal> {
        if now_us >= self.expires_us || now_us < self.issued_us {
            return Err(Refusal::Expired);
        }
        Ok(())
    }

    /// Refuses a token issued at or before `not_before_us` (its scope and user's last revocation).
    pub fn check_revocation(&self, not_before_us: u64) -> std::result::Result<(), Refusal> {
        if self.issued_us <= not_before_us {
            return Err(Refusal::Revoked);
        }
        Ok(())
    }
}

/// Refuses a token too long to read, before anything else (not even the secret is needed).
pub fn check_size(token: &[u8]) -> std::result::Result<(), Refusal> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Refusal::TooLarge);
    }
    Ok(())
}

/// A token's signed text and its tag, when it has the shape of one (no secret needed).
fn split(token: &[u8]) -> std::result::Result<(&[u8], Vec<u8>), Refusal> {
    check_size(token)?;
    let dot = token.iter().position(|&b| b == b'.').ok_or(Refusal::Malformed)?;
    let (text, tag_text) = (&token[..dot], &token[dot + 1..]);
    let mut tag = Vec::with_capacity(DIGEST_BYTES);
    base64url::decode_into(tag_text, &mut tag).ok_or(Refusal::Malformed)?;
    if tag.len() != DIGEST_BYTES {
        return Err(Refusal::Malformed);
    }
    Ok((text, tag))
}

/// Refuses what is not a token by its shape alone: what a store without a secret yet (nothing
/// ever issued) can tell about one it must refuse anyway.
pub fn check_shape(token: &[u8]) -> std::result::Result<(), Refusal> {
    split(token).map(drop)
}

/// Checks a token's size, shape and tag, the session it was issued to and, when given, its
/// scope: everything that needs neither the store nor a clock.
pub fn verify(
    keys: &Keys,
    token: &[u8],
    session: &[u8],
    scope: Option<Scope<'_>>,
) -> std::result::Result<Claims, Refusal> {
    let (text, tag) = split(token)?;
    hmac::verify(&keys.token, text, &tag).map_err(|_| Refusal::Invalid)?;
    // Signed by this store: what follows reads its own writing, and is still checked.
    let mut payload = Vec::with_capacity(text.len() / 4 * 3 + 2);
    base64url::decode_into(text, &mut payload).ok_or(Refusal::Malformed)?;
    let claims = parse(payload).ok_or(Refusal::Malformed)?;
    let digest = &claims.payload[25..FIXED];
    hmac::verify(&keys.session, session, digest).map_err(|_| Refusal::Session)?;
    if scope.is_some_and(|s| s.0 != claims.scope()) {
        return Err(Refusal::Scope);
    }
    Ok(claims)
}

/// The claims of a token the store accepted a moment ago (its poll answered 200), read again
/// without the keys: what it grants beyond its rooms' versions. `None` for anything else.
pub fn read_accepted(token: &[u8]) -> Option<Claims> {
    let (text, _) = split(token).ok()?;
    let mut payload = Vec::with_capacity(text.len() / 4 * 3 + 2);
    base64url::decode_into(text, &mut payload)?;
    parse(payload)
}

fn parse(payload: Vec<u8>) -> Option<Claims> {
    let word = |at: usize| -> Option<u64> { Some(u64::from_le_bytes(payload.get(at..at + 8)?.try_into().ok()?)) };
    let format = *payload.first()?;
    if format != FORMAT && format != FORMAT_1 {
        return None;
    }
    let (issued_us, expires_us, user_id) = (word(1)?, word(9)?, word(17)?);
    // A length byte, then that many bytes: their range.
    fn field(payload: &[u8], at: &mut usize) -> Option<(usize, usize)> {
        let len = usize::from(*payload.get(*at)?);
        let range = (*at + 1, *at + 1 + len);
        payload.get(range.0..range.1)?;
        *at = range.1;
        Some(range)
    }
    let mut at = FIXED;
    let scope = field(&payload, &mut at)?;
    let count = usize::from(*payload.get(at)?);
    at += 1;
    if scope.0 == scope.1 || count == 0 || count > MAX_ROOMS {
        return None;
    }
    let mut rooms = Vec::with_capacity(count);
    for _ in 0..count {
        let r = field(&payload, &mut at)?;
        std::str::from_utf8(&payload[r.0..r.1]).ok().filter(|s| Room::new(s).is_ok())?;
        rooms.push(r);
    }
    let mut roster = 0;
    if format == FORMAT {
        roster = *payload.get(at)?;
        at += 1;
        if usize::from(roster) > MAX_ROSTER {
            return None;
        }
    }
    (at == payload.len()).then_some(Claims { issued_us, expires_us, user_id, roster, payload, scope, rooms })
}
