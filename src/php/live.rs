//! The live lane's functions: a token for a signed-in user's rooms, a revocation, and the poll
//! a lightweight entry point answers with (a status and one JSON string: no PHP array is built
//! from the versions, no state is decoded).

use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpResult;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::args::{type_name, ArrayArg, IntArg, StrArg};
use super::errors::Sig;
use super::process;
use super::zend_array;
use crate::store::{Grant, PollAnswer, Scope, UserId};

/// `$rooms`: a list of strings of valid UTF-8 (the store then checks each as a room name).
fn room_names<'a>(sig: &Sig, rooms: &ArrayArg<'a>) -> PhpResult<Vec<&'a str>> {
    let ht = match rooms {
        ArrayArg::Ok(ht) => *ht,
        ArrayArg::Given(t) => return Err(sig.type_error("rooms", format!("must be of type array, {t} given"))),
    };
    if !ht.has_sequential_keys() {
        return Err(sig.value_error("rooms", "must be a list of room names"));
    }
    ht.values()
        .enumerate()
        .map(|(i, z)| {
            let z = z.dereference();
            let s = z.zend_str().ok_or_else(|| {
                sig.type_error("rooms", format!("element [{i}] must be of type string, {} given", type_name(z)))
            })?;
            std::str::from_utf8(s.as_bytes())
                .map_err(|_| sig.value_error("rooms", format!("element [{i}] must be valid UTF-8")))
        })
        .collect()
}

const TOKEN: Sig = Sig { name: "presence_live_token", params: &["scope", "user_id", "rooms", "ttl", "session"] };

/// A token for the live lane, signed with the secret the store keeps; '' when the store cannot
/// be reached.
#[php_function]
#[php(defaults(session = "\"\""))]
pub fn presence_live_token(
    scope: StrArg,
    user_id: IntArg,
    rooms: ArrayArg,
    ttl: IntArg,
    session: StrArg,
) -> PhpResult<String> {
    let sig = &TOKEN;
    let scope = scope.utf8(sig, "scope")?;
    let user_id = user_id.get(sig, "user_id", "int")?;
    let rooms = room_names(sig, &rooms)?;
    let ttl = ttl.get(sig, "ttl", "int")?;
    let session = session.bytes(sig, "session")?;
    let grant = sig.checked(Grant::new(scope, user_id, &rooms, ttl, session))?;
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

const POLL: Sig = Sig { name: "presence_live_poll", params: &["token", "session", "scope"] };

/// `[int $status, string $json_body]` for a token: its rooms' versions, or why it is refused.
#[php_function]
#[php(defaults(session = "\"\"", scope = "\"\""))]
pub fn presence_live_poll(token: StrArg, session: StrArg, scope: StrArg) -> PhpResult<ZBox<ZendHashTable>> {
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
    let answer = process::get().store.live_poll(token, session, scope).or_else(|e| sig.fail(e, unavailable()))?;
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
