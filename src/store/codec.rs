//! The byte encoding of an entry's state (a PHP array of scalars and arrays), written before the
//! lock is taken and decoded after it is released.
//!
//! Format, one tag byte per value:
//! `0` null · `1` false · `2` true · `3` int (zigzag LEB128) · `4` float (8 bytes LE) ·
//! `5` string (LEB128 length, UTF-8 bytes) · `6` array (LEB128 count, then count × (key, value)),
//! where a key is a `3` int or a `5` string. The same PHP array always encodes to the same bytes,
//! so the store compares states by their bytes.
//!
//! Decoding trusts nothing: the bytes came from shared memory, which another process wrote.

use std::fmt;

/// Nesting depth accepted for arrays (the top-level state array is depth 1).
pub const MAX_DEPTH: usize = 32;

const T_NULL: u8 = 0;
const T_FALSE: u8 = 1;
const T_TRUE: u8 = 2;
const T_INT: u8 = 3;
const T_FLOAT: u8 = 4;
const T_STR: u8 = 5;
const T_ARRAY: u8 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodecError {
    /// The encoding grew past the limit in bytes.
    TooLarge { limit: usize },
    /// Arrays nest deeper than [`MAX_DEPTH`] (also what a cyclic array hits).
    TooDeep,
    /// A string is not valid UTF-8.
    InvalidUtf8,
    /// Bytes that are not a valid encoding (only ever seen in a damaged segment).
    Malformed,
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::TooLarge { limit } => {
                write!(f, "is larger than {limit} bytes when encoded")
            }
            CodecError::TooDeep => write!(f, "nests arrays deeper than {MAX_DEPTH} levels (or is cyclic)"),
            CodecError::InvalidUtf8 => write!(f, "contains a string that is not valid UTF-8"),
            CodecError::Malformed => write!(f, "is not a valid encoded state"),
        }
    }
}

/// Streams a state into bytes. The caller walks its own value (a PHP array, a [`Value`]) and
/// calls one method per element; limits are checked as it goes, so an oversized or too deep
/// state stops early.
pub struct Encoder {
    buf: Vec<u8>,
    limit: usize,
    depth: usize,
}

impl Encoder {
    pub fn new(limit: usize) -> Self {
        Encoder { buf: Vec::with_capacity(limit.min(256)), limit, depth: 0 }
    }

    fn check(&self) -> Result<(), CodecError> {
        if self.buf.len() > self.limit {
            Err(CodecError::TooLarge { limit: self.limit })
        } else {
            Ok(())
        }
    }

    pub fn null(&mut self) -> Result<(), CodecError> {
        self.buf.push(T_NULL);
        self.check()
    }

    pub fn bool(&mut self, v: bool) -> Result<(), CodecError> {
        self.buf.push(if v { T_TRUE } else { T_FALSE });
        self.check()
    }

    pub fn int(&mut self, v: i64) -> Result<(), CodecError> {
        self.buf.push(T_INT);
        put_varint(&mut self.buf, zigzag(v));
        self.check()
    }

    pub fn float(&mut self, v: f64) -> Result<(), CodecError> {
        self.buf.push(T_FLOAT);
        self.buf.extend_from_slice(&v.to_le_bytes());
        self.check()
    }

    /// A string value or key; rejected unless it is valid UTF-8.
    pub fn str(&mut self, v: &[u8]) -> Result<(), CodecError> {
        if std::str::from_utf8(v).is_err() {
            return Err(CodecError::InvalidUtf8);
        }
        if self.buf.len() + v.len() > self.limit {
            return Err(CodecError::TooLarge { limit: self.limit });
        }
        self.buf.push(T_STR);
        put_varint(&mut self.buf, v.len() as u64);
        self.buf.extend_from_slice(v);
        self.check()
    }

    /// Opens an array of `len` elements; each element is a key (`int` or `str`) then a value.
    pub fn begin_array(&mut self, len: usize) -> Result<(), CodecError> {
        if self.depth >= MAX_DEPTH {
            return Err(CodecError::TooDeep);
        }
        self.depth += 1;
        self.buf.push(T_ARRAY);
        put_varint(&mut self.buf, len as u64);
        self.check()
    }

    pub fn end_array(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// One decoded value; arrays announce their length and their elements follow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// String bytes as stored: valid UTF-8 when written, but not re-checked here (callers that
    /// need `&str` check; PHP strings are bytes).
    Str(&'a [u8]),
    Array(usize),
}

/// Reads tokens from encoded bytes with every length bounds-checked against what is left.
pub struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Decoder { buf, pos: 0 }
    }

    pub fn is_at_end(&self) -> bool {
        self.pos == self.buf.len()
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self.buf.get(self.pos).ok_or(CodecError::Malformed)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodecError::Malformed)
    }

    pub fn next_token(&mut self) -> Result<Token<'a>, CodecError> {
        Ok(match self.byte()? {
            T_NULL => Token::Null,
            T_FALSE => Token::Bool(false),
            T_TRUE => Token::Bool(true),
            T_INT => Token::Int(unzigzag(self.varint()?)),
            T_FLOAT => {
                let end = self.pos.checked_add(8).ok_or(CodecError::Malformed)?;
                let bytes = self.buf.get(self.pos..end).ok_or(CodecError::Malformed)?;
                self.pos = end;
                let mut b = [0u8; 8];
                b.copy_from_slice(bytes);
                Token::Float(f64::from_le_bytes(b))
            }
            T_STR => {
                let len = usize::try_from(self.varint()?).map_err(|_| CodecError::Malformed)?;
                let end = self.pos.checked_add(len).ok_or(CodecError::Malformed)?;
                let bytes = self.buf.get(self.pos..end).ok_or(CodecError::Malformed)?;
                self.pos = end;
                Token::Str(bytes)
            }
            T_ARRAY => {
                let len = usize::try_from(self.varint()?).map_err(|_| CodecError::Malformed)?;
                // Every element takes at least two bytes: a count beyond that is a lie.
                if len > (self.buf.len() - self.pos) / 2 {
                    return Err(CodecError::Malformed);
                }
                Token::Array(len)
            }
            _ => return Err(CodecError::Malformed),
        })
    }
}

/// A state as a plain Rust value, for callers that are not PHP (tests, future backends).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<(Key, Value)>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Int(i64),
    Str(String),
}

impl Value {
    pub fn encode(&self, limit: usize) -> Result<Vec<u8>, CodecError> {
        let mut enc = Encoder::new(limit);
        self.encode_into(&mut enc)?;
        Ok(enc.finish())
    }

    fn encode_into(&self, enc: &mut Encoder) -> Result<(), CodecError> {
        match self {
            Value::Null => enc.null(),
            Value::Bool(b) => enc.bool(*b),
            Value::Int(i) => enc.int(*i),
            Value::Float(f) => enc.float(*f),
            Value::Str(s) => enc.str(s.as_bytes()),
            Value::Array(items) => {
                enc.begin_array(items.len())?;
                for (k, v) in items {
                    match k {
                        Key::Int(i) => enc.int(*i)?,
                        Key::Str(s) => enc.str(s.as_bytes())?,
                    }
                    v.encode_into(enc)?;
                }
                enc.end_array();
                Ok(())
            }
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<Value, CodecError> {
        let mut dec = Decoder::new(bytes);
        let v = Self::decode_from(&mut dec, 0)?;
        if dec.is_at_end() {
            Ok(v)
        } else {
            Err(CodecError::Malformed)
        }
    }

    fn decode_from(dec: &mut Decoder<'_>, depth: usize) -> Result<Value, CodecError> {
        Ok(match dec.next_token()? {
            Token::Null => Value::Null,
            Token::Bool(b) => Value::Bool(b),
            Token::Int(i) => Value::Int(i),
            Token::Float(f) => Value::Float(f),
            Token::Str(s) => Value::Str(utf8(s)?.to_owned()),
            Token::Array(len) => {
                if depth >= MAX_DEPTH {
                    return Err(CodecError::TooDeep);
                }
                let mut items = Vec::with_capacity(len);
                for _ in 0..len {
                    let key = match dec.next_token()? {
                        Token::Int(i) => Key::Int(i),
                        Token::Str(s) => Key::Str(utf8(s)?.to_owned()),
                        _ => return Err(CodecError::Malformed),
                    };
                    items.push((key, Self::decode_from(dec, depth + 1)?));
                }
                Value::Array(items)
            }
        })
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, CodecError> {
    std::str::from_utf8(bytes).map_err(|_| CodecError::InvalidUtf8)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arr(items: Vec<(Key, Value)>) -> Value {
        Value::Array(items)
    }

    #[test]
    fn round_trips_every_kind() {
        let v = arr(vec![
            (Key::Str("screen".into()), Value::Str("dashboard ✓".into())),
            (Key::Int(-7), Value::Int(i64::MIN)),
            (Key::Int(3), Value::Float(-0.5)),
            (Key::Str("t".into()), Value::Bool(true)),
            (Key::Str("f".into()), Value::Bool(false)),
            (Key::Str("n".into()), Value::Null),
            (Key::Str("nested".into()), arr(vec![(Key::Int(0), Value::Int(i64::MAX))])),
        ]);
        let bytes = v.encode(1024).unwrap();
        assert_eq!(Value::decode(&bytes).unwrap(), v);
    }

    #[test]
    fn enforces_size_depth_and_utf8() {
        let big = arr(vec![(Key::Int(0), Value::Str("x".repeat(100)))]);
        assert_eq!(big.encode(50), Err(CodecError::TooLarge { limit: 50 }));
        let mut deep = Value::Null;
        for _ in 0..MAX_DEPTH + 1 {
            deep = arr(vec![(Key::Int(0), deep)]);
        }
        assert_eq!(deep.encode(1 << 20), Err(CodecError::TooDeep));
        let mut enc = Encoder::new(100);
        assert_eq!(enc.str(b"\xff"), Err(CodecError::InvalidUtf8));
    }

    #[test]
    fn rejects_damaged_bytes_without_panicking() {
        let good = arr(vec![(Key::Str("a".into()), Value::Str("hello".into()))]).encode(100).unwrap();
        for cut in 0..good.len() {
            assert!(Value::decode(&good[..cut]).is_err());
        }
        assert!(Value::decode(&[T_ARRAY, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(Value::decode(&[9]).is_err());
        // Deep nesting in damaged bytes stops at MAX_DEPTH instead of overflowing the stack.
        let mut bomb = Vec::new();
        for _ in 0..10_000 {
            bomb.extend_from_slice(&[T_ARRAY, 1, T_INT, 0]);
        }
        bomb.push(T_NULL);
        assert_eq!(Value::decode(&bomb), Err(CodecError::TooDeep));
    }
}
