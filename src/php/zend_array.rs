//! Building PHP arrays with the engine's own hash-table calls, the way PHP's VM builds an array
//! literal: sized once, lists initialised packed and appended without a lookup, maps with keys
//! whose hash is already known, values moved in without a copy. ext-php-rs's general
//! `insert`/`push` convert every value and look every key up first; results are built here
//! instead. Every function takes ownership of the values it stores.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::ffi::{zend_hash_add_new, zend_hash_index_update, zend_hash_update, zval, HashTable};
use ext_php_rs::types::{ArrayKey, ZendHashTable, ZendStr, Zval};

// Exported by PHP (ZEND_API in Zend/zend_hash.h, PHP 8.x), not in ext-php-rs's bindings.
// ZEND_FASTCALL is the platform's default C convention on 64-bit targets.
extern "C" {
    fn zend_hash_real_init_packed(ht: *mut HashTable);
    fn zend_hash_real_init_mixed(ht: *mut HashTable);
    fn zend_hash_next_index_insert_new(ht: *mut HashTable, data: *mut zval) -> *mut zval;
}

/// An empty array with room for `size` elements, left uninitialised: the first insert makes it
/// packed or hashed, as PHP does.
pub fn with_capacity(size: u32) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(size)
}

/// An empty list (packed array) with room for `size` elements.
pub fn list(size: u32) -> ZBox<ZendHashTable> {
    let mut ht = with_capacity(size);
    // SAFETY: `ht` is a fresh, uninitialised array we own; initialising it packed is what
    // `array_fill()` and the VM do before appending.
    unsafe { zend_hash_real_init_packed(ht_ptr(&mut ht)) };
    ht
}

/// An empty hash with room for `size` elements, for string keys.
pub fn map(size: u32) -> ZBox<ZendHashTable> {
    let mut ht = with_capacity(size);
    // SAFETY: as in `list`: a fresh, uninitialised array we own.
    unsafe { zend_hash_real_init_mixed(ht_ptr(&mut ht)) };
    ht
}

/// Appends `value` to a list built by [`list`].
pub fn push(list: &mut ZendHashTable, mut value: Zval) {
    // SAFETY: `list` is a live array we own exclusively; the call copies the zval into the next
    // slot (or returns null when the list is full at PHP_INT_MAX elements, never here).
    let stored = unsafe { zend_hash_next_index_insert_new(list, &mut value) };
    own_moved(value, stored);
}

/// Adds `key => value` to a hash whose keys are known to be distinct (no lookup first). `key` is
/// an interned string: its hash was computed when it was interned, and the engine never writes
/// to it (no reference count, no hash to cache).
pub fn add_new(map: &mut ZendHashTable, key: &ZendStr, mut value: Zval) {
    debug_assert!(is_interned(key), "add_new needs an interned key");
    debug_assert!(map.get(ArrayKey::ZendString(key)).is_none(), "add_new with a key already present");
    // SAFETY: `map` is a live array we own exclusively; `key` is a live interned zend_string,
    // which the call only reads (see above); the zval is copied into a new bucket.
    let stored = unsafe { zend_hash_add_new(map, (key as *const ZendStr).cast_mut(), &mut value) };
    own_moved(value, stored);
}

/// Adds `key => value` to a hash that does not hold `key` yet (no lookup first), for a key that
/// is not interned: the engine takes a reference to it and caches its hash in it, hence `&mut`.
pub fn add_new_counted(map: &mut ZendHashTable, key: &mut ZendStr, mut value: Zval) {
    debug_assert!(map.get(ArrayKey::ZendString(key)).is_none(), "add_new with a key already present");
    // SAFETY: `map` is a live array we own exclusively, `key` a live zend_string we may write
    // to. (A key already present would only give a second element of that key, never unsound
    // memory; the caller rules it out.)
    let stored = unsafe { zend_hash_add_new(map, key, &mut value) };
    own_moved(value, stored);
}

/// Sets `key => value`, replacing an existing element of that key (keys read from stored bytes,
/// which are not trusted to be distinct). The engine caches the key's hash in it and, for a
/// non-interned key, takes a reference: hence `&mut`.
pub fn update(map: &mut ZendHashTable, key: &mut ZendStr, mut value: Zval) {
    // SAFETY: `map` is a live array we own exclusively, `key` a live zend_string we may write
    // to; an element replaced is destroyed by the array's destructor.
    let stored = unsafe { zend_hash_update(map, key, &mut value) };
    own_moved(value, stored);
}

/// Sets `index => value`, replacing an existing element of that index.
pub fn update_index(map: &mut ZendHashTable, index: i64, mut value: Zval) {
    // SAFETY: as in `update`; the index is taken as PHP's unsigned hash key, as the VM does.
    let stored = unsafe { zend_hash_index_update(map, index as u64, &mut value) };
    own_moved(value, stored);
}

/// After a call that copied `value` into an array: the array owns it now, so the Rust copy must
/// not release it. When nothing was stored, dropping `value` frees it.
fn own_moved(value: Zval, stored: *mut zval) {
    if stored.is_null() {
        drop(value);
    } else {
        std::mem::forget(value);
    }
}

fn ht_ptr(ht: &mut ZBox<ZendHashTable>) -> *mut HashTable {
    &mut **ht
}

/// Whether `s` is an interned string (GC_IMMUTABLE: never reference-counted or written).
fn is_interned(s: &ZendStr) -> bool {
    // SAFETY: reading the type-info word of a live zend_string's header.
    let type_info = unsafe { s.gc.u.type_info };
    type_info & ext_php_rs::ffi::GC_IMMUTABLE != 0
}
