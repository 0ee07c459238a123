//! The live lane's functions: a token for a signed-in user's rooms, a revocation, and the poll
//! a lightweight entry point answers with (a status and one JSON string: no PHP array is built
//! from the versions, no state is decoded).

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::{opt_int, room_names, ArrayArg, IntArg, StrArg};
use super::errors::Sig;
use super::process;
use super::zend_array;
use crate::store::live::RosterHeld;
use crate::store::{Grant, PollAnswer, Scope, StoreError, UserId};

const TOKEN: Sig =
    Sig { name: "presence_live_token", params: &["scope", "user_id", "rooms", "ttl", "session", "roster"] };

/// A token for the live lane, signed with the secret the store keeps; '' when the store cannot
/// be reached. `$roster` > 0: its polls may read that many people of its first room's roster.
#[php_function]
#[php(defaults(session = "\"\"", roster = 0))]
pub fn presence_live_token(
    scope: StrArg,
    user_id: IntArg,
    rooms: ArrayArg,
    ttl: IntArg,
    session: StrArg,
    roster: IntArg,
) -> PhpResult<String> {
    let sig = &TOKEN;
    let scope = scope.utf8(sig, "scope")?;
    let user_id = user_id.get(sig, "user_id", "int")?;
    let rooms = room_names(sig, &rooms)?;
    let ttl = ttl.get(sig, "ttl", "int")?;
    let session = session.bytes(sig, "session")?;
    let roster = roster.get(sig, "roster", "int")?;
    let grant = sig.checked(Grant::new(scope, user_id, &rooms, ttl, session).and_then(|g| g.with_roster(roster)))?;
    process::get().store.live_token(&grant).or_else(|e| sig.fail(e, String::new()))
}

const REVOKE: Sig = Sig { name: "presence_live_revoke", params: &["scope", "user_id"] };

/// Tokens of ($scope, $user_id) issued until now stop being accepted.
#[php_function]
pub fn presence_live_revoke(scope: StrArg, user_id: IntArg) -> PhpResult<bool> {
    let sig = &REVOKE;
    let scope = sig.checked(Scope::new(scope.utf8(sig, "scope")?))?;
    let user_id = sig.checked(UserId::signed_in(user_id.get(sig, "user_id", "int")?))?;
    match process::get().store.live_revoke(scope, user_id) {
        Ok(()) => Ok(true),
        Err(e) => sig.fail(e, false),
    }
}

const POLL: Sig = Sig { name: "presence_live_poll", params: &["token", "session", "scope", "roster"] };

/// `[int $status, string $json_body]` for a token: its rooms' versions, or why it is refused.
/// `$roster`: the first room's version the page holds (low 53 bits); when the room's differs,
/// its roster follows the versions (a token without the roster claim is refused); null: none.
#[php_function]
#[php(defaults(session = "\"\"", scope = "\"\""))]
pub fn presence_live_poll(
    token: StrArg,
    session: StrArg,
    scope: StrArg,
    roster: Option<IntArg>,
) -> PhpResult<ZBox<ZendHashTable>> {
    let sig = &POLL;
    let token = token.bytes(sig, "token")?;
    let session = session.bytes(sig, "session")?;
    let scope = match scope.utf8(sig, "scope")? {
        "" => None,
        s => Some(sig.checked(Scope::new(s))?),
    };
    // A store that cannot answer is no exception: the live lane answers 503 (warning as every
    // function does, once per request for an unreachable Redis) and its client falls back to a
    // heartbeat.
    let unavailable = || PollAnswer { status: 503, body: r#"{"code":"store_unavailable"}"#.into() };
    let held = match opt_int(&roster, sig, "roster")? {
        None => None,
        Some(v) if (0..1 << 53).contains(&v) => Some(RosterHeld(v as u64)),
        Some(v) => {
            return Err(sig.exception(StoreError::invalid("roster", format!("must be between 0 and 2^53-1, got {v}"))))
        }
    };
    let store = &process::get().store;
    let answer = match held {
        None => store.live_poll(token, session, scope),
        Some(held) => store.live_poll_roster(token, session, scope, held),
    };
    let answer = answer.or_else(|e| sig.fail(e, unavailable()))?;
    let mut out = zend_array::list(2);
    let mut status = ext_php_rs::types::Zval::new();
    status.set_long(i64::from(answer.status));
    zend_array::push(&mut out, status);
    let mut body = ext_php_rs::types::Zval::new();
    let _ = body.set_string(&answer.body, false);
    zend_array::push(&mut out, body);
    Ok(out)
}

/// Adds every function above to the module, in this order.
pub fn register(module: ModuleBuilder) -> ModuleBuilder {
    module
        .function(wrap_function!(presence_live_token))
        .function(wrap_function!(presence_live_revoke))
        .function(wrap_function!(presence_live_poll))
}
