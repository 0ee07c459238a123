//! Conversions between PHP values and the store: a state array to codec bytes (before the lock),
//! codec bytes back to a PHP array and entries to result arrays (after it). Result arrays are
//! built as PHP's VM builds a literal (see `zend_array`): the list sized and packed, each entry a
//! hash of six keys interned once at module start (hash known, no lookup), and strings that
//! repeat within a result (the room, the date, state keys, a value equal to the previous entry's)
//! shared by reference count.

use std::cell::Cell;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};

use super::zend_array;

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

/// String keys already made while converting one result, each with the last string value seen
/// under it. The same few keys (`screen`, `display_name` …) recur in every entry of a room, in the
/// same order, and some values repeat from one entry to the next (a screen id): each becomes one
/// zend_string shared by reference count instead of one allocation (and, for a key, one hash) per
/// entry. A lookup tries the key after the previous one first.
#[derive(Default)]
pub struct Caches {
    keys: Vec<CachedKey>,
    next: usize,
}

struct CachedKey {
    key: ZBox<ZendStr>,
    last_value: Option<Zval>,
}

/// Most keys cached, and the longest key or value cached: keys that repeat are short and few.
const CACHED_KEYS: usize = 32; // a bit each in `decode_array`'s `seen: u32`
const CACHED_MAX_LEN: usize = 64;

impl Caches {
    /// The cached key of these bytes (added when there is room), or None.
    fn key(&mut self, bytes: &[u8]) -> Option<usize> {
        let hint = if self.next < self.keys.len() { self.next } else { 0 };
        let i = if self.keys.get(hint).is_some_and(|k| k.key.as_bytes() == bytes) {
            hint
        } else if let Some(i) = self.keys.iter().position(|k| k.key.as_bytes() == bytes) {
            i
        } else if self.keys.len() < CACHED_KEYS && bytes.len() <= CACHED_MAX_LEN {
            self.keys.push(CachedKey { key: ZendStr::new(bytes, false), last_value: None });
            self.keys.len() - 1
        } else {
            return None;
        };
        self.next = i + 1;
        Some(i)
    }

    /// A zval of the string `bytes` stored under cached key `i`: shared with the previous value
    /// under that key when the bytes are the same.
    fn value(&mut self, i: usize, bytes: &[u8]) -> Zval {
        let slot = &mut self.keys[i].last_value;
        if let Some(z) = slot {
            if z.zend_str().is_some_and(|last| last.as_bytes() == bytes) {
                return z.shallow_clone();
            }
        }
        let z = bytes_zval(bytes);
        if bytes.len() <= CACHED_MAX_LEN {
            *slot = Some(z.shallow_clone());
        }
        z
    }
}

fn bytes_zval(bytes: &[u8]) -> Zval {
    let mut z = Zval::new();
    z.set_zend_string(ZendStr::new(bytes, false));
    z
}

fn array_zval(ht: ZBox<ZendHashTable>) -> Zval {
    let mut z = Zval::new();
    z.set_hashtable(ht);
    z
}

/// Decodes stored state bytes into a PHP array; damaged bytes give an empty array.
pub fn decode_state(bytes: &[u8], caches: &mut Caches) -> ZBox<ZendHashTable> {
    let mut dec = Decoder::new(bytes);
    match dec.next_token() {
        Ok(Token::Array(len)) => decode_array(&mut dec, len, 1, caches).unwrap_or_else(|_| ZendHashTable::new()),
        _ => ZendHashTable::new(),
    }
}

fn decode_array(
    dec: &mut Decoder<'_>,
    len: usize,
    depth: usize,
    caches: &mut Caches,
) -> Result<ZBox<ZendHashTable>, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep);
    }
    // Uninitialised: the first key makes it a packed list or a hash, as in PHP.
    let mut ht = zend_array::with_capacity(len.min(1024) as u32);
    // Cached keys already in this array: a key seen for the first time is added without a
    // lookup; a repeated one (only damaged or forged bytes have them) replaces, as PHP would.
    let mut seen: u32 = 0;
    for _ in 0..len {
        let key = dec.next_token()?;
        let cached = match key {
            Token::Str(k) => caches.key(k),
            _ => None,
        };
        let value = match dec.next_token()? {
            Token::Null => Zval::null(),
            Token::Bool(b) => {
                let mut z = Zval::new();
                z.set_bool(b);
                z
            }
            Token::Int(i) => long_zval(i),
            Token::Float(f) => double_zval(f),
            Token::Str(v) => match cached {
                Some(i) => caches.value(i, v),
                None => bytes_zval(v),
            },
            Token::Array(n) => array_zval(decode_array(dec, n, depth + 1, caches)?),
        };
        match (key, cached) {
            (Token::Int(i), _) => zend_array::update_index(&mut ht, i, value),
            (Token::Str(_), Some(i)) if seen & (1 << i) == 0 => {
                seen |= 1 << i;
                zend_array::add_new_counted(&mut ht, &mut caches.keys[i].key, value)
            }
            (Token::Str(_), Some(i)) => zend_array::update(&mut ht, &mut caches.keys[i].key, value),
            (Token::Str(k), None) => zend_array::update(&mut ht, &mut ZendStr::new(k, false), value),
            _ => return Err(CodecError::Malformed),
        }
    }
    Ok(ht)
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

const KEY_NAMES: [&str; 6] = ["room", "client_id", "user_id", "data", "date_gmt", "updated_at"];

thread_local! {
    static KEYS: Cell<Option<&'static Keys>> = const { Cell::new(None) };
}

/// Interns the result keys. Called from module start-up. The strings are persistent interned
/// strings owned by the engine's interned-string table, which frees them at engine shutdown:
/// Rust never frees them (the boxes are turned into raw pointers and the holder leaked).
pub fn intern_keys() {
    let mk = |s: &str| ZendStr::new_interned(s, true).into_raw();
    let [room, client_id, user_id, data, date_gmt, updated_at] = KEY_NAMES.map(mk);
    let keys: &'static Keys = Box::leak(Box::new(Keys { room, client_id, user_id, data, date_gmt, updated_at }));
    KEYS.with(|k| k.set(Some(keys)));
}

fn key(p: *mut ZendStr) -> &'static ZendStr {
    // SAFETY: `p` comes from `intern_keys`: a persistent interned string that lives until engine
    // shutdown, after which no PHP function of ours can run.
    unsafe { &*p }
}

/// Turns entries into PHP's list of `['room', 'client_id', 'user_id', 'data', 'date_gmt', 'updated_at']`.
pub fn entries_to_array(list: &EntryList) -> ZBox<ZendHashTable> {
    let Some(keys) = KEYS.with(|k| k.get()) else {
        // Start-up always interns the keys; without them, build the same arrays the slow way.
        return entries_to_array_uninterned(list);
    };
    let [k_room, k_client, k_user, k_data, k_date, k_updated] =
        [keys.room, keys.client_id, keys.user_id, keys.data, keys.date_gmt, keys.updated_at].map(key);
    let mut out = zend_array::list(list.len() as u32);
    let mut caches = Caches::default();
    let mut shared = SharedValues::default();
    for e in list.iter() {
        let mut a = zend_array::map(6);
        zend_array::add_new(&mut a, k_room, shared.room(e.room));
        zend_array::add_new(&mut a, k_client, bytes_zval(e.client_id.as_bytes()));
        zend_array::add_new(&mut a, k_user, long_zval(e.user_id as i64));
        zend_array::add_new(&mut a, k_data, array_zval(decode_state(e.state, &mut caches)));
        zend_array::add_new(&mut a, k_date, shared.date(e.updated_us));
        zend_array::add_new(&mut a, k_updated, double_zval(e.updated_us as f64 / 1_000_000.0));
        zend_array::push(&mut out, array_zval(a));
    }
    out
}

/// The first entry of a list as the array presence_room() lists it; `None` for an empty list.
pub fn first_entry(list: &EntryList) -> Option<ZBox<ZendHashTable>> {
    let all = entries_to_array(list);
    all.get_index(0).and_then(Zval::array).map(ToOwned::to_owned)
}

/// Values that consecutive entries share: the room (all of a room read) and the date string
/// (entries written in the same second). One zend_string each, shared by reference count.
#[derive(Default)]
struct SharedValues<'a> {
    room: Option<(&'a str, Zval)>,
    date: Option<(u64, Zval)>,
}

impl<'a> SharedValues<'a> {
    fn room(&mut self, room: &'a str) -> Zval {
        match &self.room {
            Some((r, z)) if *r == room => z.shallow_clone(),
            _ => {
                let z = bytes_zval(room.as_bytes());
                let c = z.shallow_clone();
                self.room = Some((room, z));
                c
            }
        }
    }

    fn date(&mut self, updated_us: u64) -> Zval {
        let secs = updated_us / 1_000_000;
        match &self.date {
            Some((s, z)) if *s == secs => z.shallow_clone(),
            _ => {
                let z = bytes_zval(&format_gmt_bytes(updated_us));
                let c = z.shallow_clone();
                self.date = Some((secs, z));
                c
            }
        }
    }
}

fn long_zval(v: i64) -> Zval {
    let mut z = Zval::new();
    z.set_long(v);
    z
}

fn double_zval(v: f64) -> Zval {
    let mut z = Zval::new();
    z.set_double(v);
    z
}

/// [`entries_to_array`] with keys made per call (only if start-up could not intern them).
fn entries_to_array_uninterned(list: &EntryList) -> ZBox<ZendHashTable> {
    let mut names = KEY_NAMES.map(|k| ZendStr::new(k, false));
    let mut out = zend_array::list(list.len() as u32);
    let mut caches = Caches::default();
    let mut shared = SharedValues::default();
    for e in list.iter() {
        let values = [
            shared.room(e.room),
            bytes_zval(e.client_id.as_bytes()),
            long_zval(e.user_id as i64),
            array_zval(decode_state(e.state, &mut caches)),
            shared.date(e.updated_us),
            double_zval(e.updated_us as f64 / 1_000_000.0),
        ];
        let mut a = zend_array::map(6);
        for (name, value) in names.iter_mut().zip(values) {
            zend_array::update(&mut a, name, value);
        }
        zend_array::push(&mut out, array_zval(a));
    }
    out
}
