//! RESP2, as far as the live lane's second connection speaks it (`tracking.rs`): commands out,
//! frames in, read from a buffer that may hold an incomplete frame.

/// The longest frame (and bulk string) accepted: far more than any invalidation.
pub(super) const MAX_FRAME: usize = 4 << 20;

/// One RESP2 value as the second connection receives it.
#[derive(Debug, PartialEq)]
pub(super) enum Frame {
    Simple(Vec<u8>),
    Error(Vec<u8>),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Frame>>),
}

/// Arrays nest at most this deep (an invalidation is two levels).
const MAX_DEPTH: usize = 4;

/// The frame at the start of `buf` and its length, `Ok(None)` while it is incomplete, `Err` for
/// bytes that are not RESP2 (or nest deeper than any reply here).
pub(super) fn parse(buf: &[u8]) -> Result<Option<(Frame, usize)>, ()> {
    parse_at(buf, 0)
}

fn parse_at(buf: &[u8], depth: usize) -> Result<Option<(Frame, usize)>, ()> {
    if depth > MAX_DEPTH {
        return Err(());
    }
    let Some(end) = buf.windows(2).position(|w| w == b"\r\n") else { return Ok(None) };
    // A frame is a type byte, then its line: a line ending at once has no type.
    let (kind, line) = (buf.first().copied().ok_or(())?, buf.get(1..end).ok_or(())?);
    let after = end + 2;
    let number = || -> Result<i64, ()> { std::str::from_utf8(line).map_err(|_| ())?.parse().map_err(|_| ()) };
    Ok(Some(match kind {
        b'+' => (Frame::Simple(line.to_vec()), after),
        b'-' => (Frame::Error(line.to_vec()), after),
        b':' => (Frame::Int(number()?), after),
        b'$' => match number()? {
            -1 => (Frame::Bulk(None), after),
            n if n < 0 || n > MAX_FRAME as i64 => return Err(()),
            n => {
                let n = usize::try_from(n).map_err(|_| ())?;
                if buf.len() < after + n + 2 {
                    return Ok(None);
                }
                if &buf[after + n..after + n + 2] != b"\r\n" {
                    return Err(());
                }
                (Frame::Bulk(Some(buf[after..after + n].to_vec())), after + n + 2)
            }
        },
        b'*' => match number()? {
            -1 => (Frame::Array(None), after),
            n if n < 0 || n > MAX_FRAME as i64 => return Err(()),
            n => {
                let mut items = Vec::with_capacity(usize::try_from(n).map_err(|_| ())?.min(1024));
                let mut at = after;
                for _ in 0..n {
                    let Some((item, used)) = parse_at(&buf[at..], depth + 1)? else { return Ok(None) };
                    items.push(item);
                    at += used;
                }
                (Frame::Array(Some(items)), at)
            }
        },
        _ => return Err(()),
    }))
}

/// A RESP2 command.
pub(super) fn command(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incomplete_frame_waits_for_the_rest() {
        let msg = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$3\r\nkey\r\n";
        for cut in 0..msg.len() {
            assert_eq!(parse(&msg[..cut]), Ok(None), "cut at {cut}");
        }
        assert!(parse(msg).unwrap().is_some());
    }

    #[test]
    fn bytes_that_are_not_resp2_are_refused() {
        assert_eq!(parse(b"!3\r\nabc\r\n"), Err(()));
        assert_eq!(parse(b"$3\r\nabcd\r\n"), Err(()));
        assert_eq!(parse(b"$-5\r\n"), Err(()));
        assert_eq!(parse(b"*x\r\n"), Err(()));
        assert_eq!(parse(&b"*1\r\n".repeat(100)), Err(()), "nested past any reply");
        assert_eq!(parse(b"\r\n"), Err(()), "a line without a type");
        assert_eq!(parse(b"*1\r\n\r\n"), Err(()));
    }
}
