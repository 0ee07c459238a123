//! Base64url without padding (RFC 4648 §5), for the live lane's tokens: ASCII that travels in a
//! URL, a header or JSON unescaped. Decoding refuses anything another encoder would not write
//! (padding, other alphabets, stray bits), so a token has exactly one spelling.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends the encoding of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
}

fn value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// The bytes `text` encodes, appended to `out`; `None` for text that is not canonical base64url.
pub fn decode_into(text: &[u8], out: &mut Vec<u8>) -> Option<()> {
    if text.len() % 4 == 1 {
        return None;
    }
    out.reserve(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            n |= value(c)? << (18 - 6 * k);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = chunk.len() - 1;
        // Bits below the last whole byte must be zero: otherwise two texts decode alike.
        if keep < 3 && n & ((1 << (8 * (3 - keep))) - 1) != 0 {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(b: &[u8]) -> String {
        let mut s = String::new();
        encode_into(b, &mut s);
        s
    }

    fn dec(t: &str) -> Option<Vec<u8>> {
        let mut v = Vec::new();
        decode_into(t.as_bytes(), &mut v).map(|()| v)
    }

    #[test]
    fn matches_the_rfc_vectors_without_padding() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(enc(plain.as_bytes()), coded);
            assert_eq!(dec(coded).unwrap(), plain.as_bytes());
        }
        assert_eq!(enc(&[0xfb, 0xff]), "-_8");
        for n in 0..=300usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
            assert_eq!(dec(&enc(&bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn refuses_padding_other_alphabets_stray_bits_and_impossible_lengths() {
        for bad in ["Zg==", "Zm9v+A", "Zm9v/A", "Zh", "Zm9", "Z", "Zm9vY", "a b", "Zm8\0"] {
            assert_eq!(dec(bad), None, "{bad:?}");
        }
    }
}
