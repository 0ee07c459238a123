//! The hashes of the layout. Bucket hashes (room names, (room, client id) keys, user ids) are
//! SipHash-1-3 under the segment's own random key ([`HashKey`], in the header): nobody outside
//! can compute which names share a bucket, so nobody can post names that pile up in one chain.
//! Every process reads the key once at attach, so all of them find the same bucket for the same
//! key. The content checksum only detects torn writes and stays unkeyed.

use std::hash::Hasher;
use std::io::Read;

use siphasher::sip::SipHasher13;

use super::layout::HashKey;

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl HashKey {
    /// A fresh key from the kernel's random source (`getrandom`, else `/dev/urandom`).
    pub(crate) fn random() -> std::io::Result<HashKey> {
        let mut bytes = [0u8; 16];
        if !fill_random(&mut bytes) {
            std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        }
        let (k0, k1) = bytes.split_at(8);
        let word = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
        Ok(HashKey { k0: word(k0), k1: word(k1) })
    }

    fn hasher(&self) -> SipHasher13 {
        SipHasher13::new_with_keys(self.k0, self.k1)
    }

    /// The hash of a room name.
    pub(crate) fn room(&self, name: &[u8]) -> u64 {
        let mut h = self.hasher();
        h.write(name);
        h.finish()
    }

    /// The hash of an entry's key: its room's hash and its client id.
    pub(crate) fn entry(&self, room_hash: u64, client_id: &[u8]) -> u64 {
        let mut h = self.hasher();
        h.write_u64(room_hash);
        h.write(client_id);
        h.finish()
    }

    /// The hash of a live lane's (scope, user): which revocation slot they share.
    pub(crate) fn revocation(&self, scope: &[u8], user_id: u64) -> u64 {
        let mut h = self.hasher();
        h.write_u64(user_id);
        h.write(scope);
        h.finish()
    }

    /// The hash of a user id in the per-user index.
    pub(crate) fn user(&self, user_id: u64) -> u64 {
        let mut h = self.hasher();
        h.write_u64(user_id);
        h.finish()
    }
}

/// Fills `buf` from `getrandom(2)`; false when the kernel has no such call.
fn fill_random(buf: &mut [u8]) -> bool {
    let mut filled = 0;
    while filled < buf.len() {
        let rest = &mut buf[filled..];
        // SAFETY: `rest` is writable memory of `rest.len()` bytes owned by this frame.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n > 0 {
            filled += n as usize;
        } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
    true
}

/// Checksum of an entry's content, checked when the table is rebuilt after a crash so that a
/// record torn by a killed writer is dropped instead of served.
pub fn content_checksum(user_id: u64, client_id: &[u8], state: &[u8]) -> u64 {
    fmix(bytes(client_id) ^ bytes(state).rotate_left(29) ^ user_id.wrapping_mul(K))
}

/// Bytes eight at a time, then the MurmurHash3 64-bit mixer (stable across builds and
/// processes, unlike std's hasher).
fn bytes(bytes: &[u8]) -> u64 {
    let mut h = K ^ (bytes.len() as u64).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut v = [0u8; 8];
        v.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(v)).wrapping_mul(K).rotate_left(31);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut v = [0u8; 8];
        v[..tail.len()].copy_from_slice(tail);
        h = (h ^ u64::from_le_bytes(v)).wrapping_mul(K).rotate_left(31);
    }
    fmix(h)
}

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_is_stable_and_spreads_near_keys() {
        let key = HashKey { k0: 1, k1: 2 };
        assert_eq!(key.room(b"admin/online"), key.room(b"admin/online"));
        assert_ne!(key.room(b"user-1"), key.room(b"user-2"));
        assert_ne!(key.room(b"abcdefgh"), key.room(b"abcdefgh\0"));
        assert_ne!(key.entry(1, b"a"), key.entry(2, b"a"));
        assert_ne!(key.user(1), key.user(2));
        let mut low_bits = std::collections::HashSet::new();
        for i in 0..1000 {
            low_bits.insert(key.room(format!("user-{i}").as_bytes()) & 1023);
        }
        assert!(low_bits.len() > 550, "poor spread: {}", low_bits.len());
    }

    #[test]
    fn another_key_gives_other_hashes() {
        let (a, b) = (HashKey { k0: 1, k1: 2 }, HashKey { k0: 1, k1: 3 });
        assert_ne!(a.room(b"admin/online"), b.room(b"admin/online"));
        assert_ne!(a.entry(7, b"c"), b.entry(7, b"c"));
        assert_ne!(a.user(7), b.user(7));
        let (r1, r2) = (HashKey::random().unwrap(), HashKey::random().unwrap());
        assert_ne!(r1, r2, "two random keys");
    }

    #[test]
    fn checksum_covers_user_client_and_state() {
        let c = content_checksum(1, b"c", b"s");
        assert_ne!(c, content_checksum(2, b"c", b"s"));
        assert_ne!(c, content_checksum(1, b"d", b"s"));
        assert_ne!(c, content_checksum(1, b"c", b"t"));
        assert_ne!(content_checksum(1, b"ab", b""), content_checksum(1, b"a", b"b"));
    }
}
