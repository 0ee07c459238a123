//! Conversions between PHP values and the store: a state array to codec bytes (before the lock),
//! codec bytes back to a PHP array and entries to result arrays (after it). Result keys are
//! interned once at module start, which makes building a room cheaper than PHP building the same
//! arrays itself.

use std::cell::Cell;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ArrayKey, ZendHashTable, ZendStr, Zval};

use crate::store::codec::{CodecError, Decoder, Encoder, Token, MAX_DEPTH};
use crate::store::{format_gmt, Entry, EntryList};

/// Why a state could not be encoded, with the path to the offending element.
pub enum StateError {
    Codec(CodecError),
    Type { found: &'static str, path: String },
}

/// Encodes a PHP array as a state, refusing values that are not arrays or scalars.
pub fn encode_state(state: Option<&ZendHashTable>, limit: usize) -> Result<Vec<u8>, StateError> {
    let mut enc = Encoder::new(limit);
    match state {
        Some(ht) => encode_array(&mut enc, ht, &mut String::new())?,
        None => {
            enc.begin_array(0).map_err(StateError::Codec)?;
            enc.end_array();
        }
    }
    Ok(enc.finish())
}

fn encode_array(enc: &mut Encoder, ht: &ZendHashTable, path: &mut String) -> Result<(), StateError> {
    // begin_array checks the depth before we recurse: a cyclic or 10 000-deep array stops here.
    enc.begin_array(ht.len()).map_err(StateError::Codec)?;
    let mut it = ht.iter();
    while let Some((key, val)) = it.next_zval() {
        let mark = path.len();
        if let Some(i) = key.long() {
            enc.int(i).map_err(StateError::Codec)?;
            path.push_str(&format!("[{i}]"));
        } else if let Some(s) = key.zend_str() {
            enc.str(s.as_bytes()).map_err(StateError::Codec)?;
            path.push_str(&format!("[\"{}\"]", String::from_utf8_lossy(s.as_bytes())));
        }
        encode_value(enc, val.dereference(), path)?;
        path.truncate(mark);
    }
    enc.end_array();
    Ok(())
}

fn encode_value(enc: &mut Encoder, v: &Zval, path: &mut String) -> Result<(), StateError> {
    let r = if v.is_null() {
        enc.null()
    } else if let Some(b) = v.bool() {
        enc.bool(b)
    } else if let Some(i) = v.long() {
        enc.int(i)
    } else if let Some(f) = v.double() {
        enc.float(f)
    } else if let Some(s) = v.zend_str() {
        enc.str(s.as_bytes())
    } else if let Some(ht) = v.array() {
        return encode_array(enc, ht, path);
    } else {
        let found = if v.is_object() { "an object" } else { "a value of another type" };
        return Err(StateError::Type { found, path: path.clone() });
    };
    r.map_err(StateError::Codec)
}

/// Decodes stored state bytes into a PHP array; damaged bytes give an empty array.
pub fn decode_state(bytes: &[u8]) -> ZBox<ZendHashTable> {
    let mut dec = Decoder::new(bytes);
    match dec.next() {
        Ok(Token::Array(len)) => decode_array(&mut dec, len, 1).unwrap_or_else(|_| ZendHashTable::new()),
        _ => ZendHashTable::new(),
    }
}

fn decode_array(dec: &mut Decoder<'_>, len: usize, depth: usize) -> Result<ZBox<ZendHashTable>, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep);
    }
    let mut ht = ZendHashTable::with_capacity(len.min(1024) as u32);
    for _ in 0..len {
        let key = match dec.next()? {
            Token::Int(i) => ArrayKey::Long(i),
            Token::Str(s) => ArrayKey::Str(s),
            _ => return Err(CodecError::Malformed),
        };
        let value: Zval = match dec.next()? {
            Token::Null => Zval::null(),
            Token::Bool(b) => zval(b),
            Token::Int(i) => zval(i),
            Token::Float(f) => zval(f),
            Token::Str(s) => zval(s),
            Token::Array(n) => zval(decode_array(dec, n, depth + 1)?),
        };
        ht.insert(key, value).map_err(|_| CodecError::Malformed)?;
    }
    Ok(ht)
}

fn zval<T: IntoZval>(v: T) -> Zval {
    v.into_zval(false).unwrap_or_else(|_| Zval::null())
}

/// The keys of a result entry, interned at module start and kept for the life of the process.
struct Keys {
    room: *mut ZendStr,
    client_id: *mut ZendStr,
    user_id: *mut ZendStr,
    data: *mut ZendStr,
    date_gmt: *mut ZendStr,
    updated_at: *mut ZendStr,
}

thread_local! {
    static KEYS: Cell<Option<&'static Keys>> = const { Cell::new(None) };
}

/// Interns the result keys. Called from module start-up. The strings are persistent interned
/// strings owned by the engine's interned-string table, which frees them at engine shutdown:
/// Rust never frees them (the boxes are turned into raw pointers and the holder leaked).
pub fn intern_keys() {
    let mk = |s: &str| ZendStr::new_interned(s, true).into_raw();
    let keys: &'static Keys = Box::leak(Box::new(Keys {
        room: mk("room"),
        client_id: mk("client_id"),
        user_id: mk("user_id"),
        data: mk("data"),
        date_gmt: mk("date_gmt"),
        updated_at: mk("updated_at"),
    }));
    KEYS.with(|k| k.set(Some(keys)));
}

fn key(p: *mut ZendStr) -> ArrayKey<'static> {
    // SAFETY: `p` comes from `intern_keys`: a persistent interned string that lives until engine
    // shutdown, after which no PHP function of ours can run.
    ArrayKey::ZendString(unsafe { &*p })
}

/// Turns entries into PHP's list of `['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at']`.
pub fn entries_to_array(list: &EntryList) -> ZBox<ZendHashTable> {
    let mut out = ZendHashTable::with_capacity(list.len() as u32);
    let keys = KEYS.with(|k| k.get());
    for e in list.iter() {
        let _ = out.push(entry_to_array(&e, keys));
    }
    out
}

fn entry_to_array(e: &Entry<'_>, keys: Option<&'static Keys>) -> ZBox<ZendHashTable> {
    let mut a = ZendHashTable::with_capacity(6);
    let date = format_gmt(e.updated_us);
    let updated = e.updated_us as f64 / 1_000_000.0;
    let data = decode_state(e.state);
    let _ = match keys {
        Some(k) => a
            .insert(key(k.room), e.room)
            .and_then(|_| a.insert(key(k.client_id), e.client_id))
            .and_then(|_| a.insert(key(k.user_id), e.user_id as i64))
            .and_then(|_| a.insert(key(k.data), data))
            .and_then(|_| a.insert(key(k.date_gmt), date.as_str()))
            .and_then(|_| a.insert(key(k.updated_at), updated)),
        None => a
            .insert("room", e.room)
            .and_then(|_| a.insert("client_id", e.client_id))
            .and_then(|_| a.insert("user_id", e.user_id as i64))
            .and_then(|_| a.insert("data", data))
            .and_then(|_| a.insert("date_gmt", date.as_str()))
            .and_then(|_| a.insert("updated_at", updated)),
    };
    a
}
