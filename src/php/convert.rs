//! Conversions between PHP values and the store: a state array to codec bytes (before the lock),
//! codec bytes back to a PHP array and entries to result arrays (after it). Result keys are
//! interned once at module start, which makes building a room cheaper than PHP building the same
//! arrays itself.

use std::cell::Cell;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ArrayKey, ZendHashTable, ZendStr, Zval};

use crate::store::codec::{CodecError, Decoder, Encoder, Token, MAX_DEPTH};
use crate::store::{format_gmt_bytes, EntryList};

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

/// String keys already made while converting one result: the same few keys (`screen`,
/// `display_name` …) recur in every entry of a room, so each becomes one zend_string shared by
/// reference count instead of one allocation and one hash per entry.
#[derive(Default)]
pub struct KeyCache {
    keys: Vec<ZBox<ZendStr>>,
}

const KEY_CACHE_SIZE: usize = 32;

impl KeyCache {
    fn get(&mut self, bytes: &[u8]) -> Option<&ZendStr> {
        let i = match self.keys.iter().position(|k| k.as_bytes() == bytes) {
            Some(i) => i,
            None if self.keys.len() < KEY_CACHE_SIZE && bytes.len() <= 64 => {
                self.keys.push(ZendStr::new(bytes, false));
                self.keys.len() - 1
            }
            None => return None,
        };
        Some(&self.keys[i])
    }
}

fn bytes_zval(bytes: &[u8]) -> Zval {
    let mut z = Zval::new();
    z.set_zend_string(ZendStr::new(bytes, false));
    z
}

/// Decodes stored state bytes into a PHP array; damaged bytes give an empty array.
pub fn decode_state(bytes: &[u8], keys: &mut KeyCache) -> ZBox<ZendHashTable> {
    let mut dec = Decoder::new(bytes);
    match dec.next_token() {
        Ok(Token::Array(len)) => decode_array(&mut dec, len, 1, keys).unwrap_or_else(|_| ZendHashTable::new()),
        _ => ZendHashTable::new(),
    }
}

fn decode_array(
    dec: &mut Decoder<'_>,
    len: usize,
    depth: usize,
    keys: &mut KeyCache,
) -> Result<ZBox<ZendHashTable>, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep);
    }
    let mut ht = ZendHashTable::with_capacity(len.min(1024) as u32);
    for _ in 0..len {
        let key = dec.next_token()?;
        let value: Zval = match dec.next_token()? {
            Token::Null => Zval::null(),
            Token::Bool(b) => zval(b),
            Token::Int(i) => zval(i),
            Token::Float(f) => zval(f),
            Token::Str(s) => bytes_zval(s),
            Token::Array(n) => zval(decode_array(dec, n, depth + 1, keys)?),
        };
        let inserted = match key {
            Token::Int(i) => ht.insert(ArrayKey::Long(i), value),
            Token::Str(s) => match keys.get(s) {
                Some(k) => ht.insert(ArrayKey::ZendString(k), value),
                None => {
                    let k = ZendStr::new(s, false);
                    ht.insert(ArrayKey::ZendString(&k), value)
                }
            },
            _ => return Err(CodecError::Malformed),
        };
        inserted.map_err(|_| CodecError::Malformed)?;
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
    let mut data_keys = KeyCache::default();
    // Consecutive entries of a room share the room string (and often the second of date_gmt):
    // one zend_string each, shared by reference count.
    let mut room: Option<(&str, Zval)> = None;
    let mut date: Option<(u64, Zval)> = None;
    for e in list.iter() {
        let room_z = match &room {
            Some((r, z)) if *r == e.room => z.shallow_clone(),
            _ => {
                let z = bytes_zval(e.room.as_bytes());
                let c = z.shallow_clone();
                room = Some((e.room, z));
                c
            }
        };
        let secs = e.updated_us / 1_000_000;
        let date_z = match &date {
            Some((s, z)) if *s == secs => z.shallow_clone(),
            _ => {
                let z = bytes_zval(&format_gmt_bytes(e.updated_us));
                let c = z.shallow_clone();
                date = Some((secs, z));
                c
            }
        };
        let mut a = ZendHashTable::with_capacity(6);
        let data = decode_state(e.state, &mut data_keys);
        let updated = e.updated_us as f64 / 1_000_000.0;
        let _ = match keys {
            Some(k) => a
                .insert(key(k.room), room_z)
                .and_then(|_| a.insert(key(k.client_id), bytes_zval(e.client_id.as_bytes())))
                .and_then(|_| a.insert(key(k.user_id), e.user_id as i64))
                .and_then(|_| a.insert(key(k.data), data))
                .and_then(|_| a.insert(key(k.date_gmt), date_z))
                .and_then(|_| a.insert(key(k.updated_at), updated)),
            None => a
                .insert("room", room_z)
                .and_then(|_| a.insert("client_id", e.client_id))
                .and_then(|_| a.insert("user_id", e.user_id as i64))
                .and_then(|_| a.insert("data", data))
                .and_then(|_| a.insert("date_gmt", date_z))
                .and_then(|_| a.insert("updated_at", updated)),
        };
        let _ = out.push(a);
    }
    out
}
