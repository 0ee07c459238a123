//! The second connection of the live lane's client-side caching (`tracking.rs`): subscribed to
//! Redis's invalidations, read without blocking, with a PING now and then to know it still hears
//! from the server (and, after the process's own calls, to wait until it has heard everything
//! sent before them).

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use redis::ConnectionInfo;

use super::resp::{command, parse, Frame, MAX_FRAME};
use super::transport::Stream;

/// The channel Redis publishes invalidations on for RESP2 clients.
const CHANNEL: &[u8] = b"__redis__:invalidate";
/// How often at most a PING goes out on the second connection while polls come.
const PING_EVERY: Duration = Duration::from_secs(1);
/// How long after a PING was sent the copy may answer, once its PONG came back.
const TRUST: Duration = Duration::from_secs(3);
/// A PING unanswered this long: the connection is taken for dead.
const DEAD_AFTER: Duration = Duration::from_secs(10);
/// Unread bytes held at most; past it the second connection is dropped and opened anew.
const MAX_BUFFERED: usize = MAX_FRAME;

/// What a frame on the second connection says.
#[derive(Debug, PartialEq)]
pub(super) enum Note {
    /// These keys were written (or expired, or evicted).
    Keys(Vec<Vec<u8>>),
    /// Every key may have changed (FLUSHALL, FLUSHDB, the tracking table full).
    All,
    Pong,
    /// Nothing for the copy (the subscription's own confirmation).
    Other,
}

fn note(frame: Frame) -> Result<Note, ()> {
    let Frame::Array(Some(items)) = frame else { return Err(()) };
    let mut items = items.into_iter();
    let kind = match items.next() {
        Some(Frame::Bulk(Some(k))) => k,
        _ => return Err(()),
    };
    match kind.as_slice() {
        b"message" => {
            let channel = items.next();
            if channel != Some(Frame::Bulk(Some(CHANNEL.to_vec()))) {
                return Ok(Note::Other);
            }
            match items.next() {
                Some(Frame::Array(Some(keys))) => Ok(Note::Keys(
                    keys.into_iter()
                        .filter_map(|k| if let Frame::Bulk(Some(k)) = k { Some(k) } else { None })
                        .collect(),
                )),
                Some(Frame::Array(None) | Frame::Bulk(None)) => Ok(Note::All),
                _ => Err(()),
            }
        }
        b"pong" => Ok(Note::Pong),
        _ => Ok(Note::Other),
    }
}

/// The second connection: subscribed to the invalidations, read without blocking.
pub(super) struct Subscriber {
    stream: Stream,
    /// Its client id, which `CLIENT TRACKING … REDIRECT` names.
    pub(super) id: u64,
    /// Bytes read and not yet parsed (an incomplete frame).
    buf: Vec<u8>,
    /// When each PING whose PONG has not come yet was sent, oldest first.
    pending: VecDeque<Instant>,
    /// When the PING whose PONG came back last was sent (or the subscription confirmed): every
    /// invalidation Redis sent before then has been read.
    confirmed: Instant,
}

impl Subscriber {
    /// Connects, authenticates as the main connection does, and subscribes (blocking, within
    /// `timeout` per step); the stream is non-blocking after.
    pub(super) fn open(info: &ConnectionInfo, timeout: Duration) -> io::Result<Subscriber> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let mut stream = Stream::connect(info, timeout)?;
        let settings = info.redis_settings();
        let mut out = Vec::new();
        let authenticates = settings.password().is_some();
        if let Some(password) = settings.password() {
            out.extend(match settings.username() {
                Some(user) => command(&[b"AUTH", user.as_bytes(), password.as_bytes()]),
                None => command(&[b"AUTH", password.as_bytes()]),
            });
        }
        out.extend(command(&[b"CLIENT", b"ID"]));
        out.extend(command(&[b"SUBSCRIBE", CHANNEL]));
        stream.write_all(&out)?;
        let mut buf = Vec::new();
        let mut next = |stream: &mut Stream| -> io::Result<Frame> {
            loop {
                if let Some((frame, used)) = parse(&buf).map_err(|_| bad("not RESP2"))? {
                    buf.drain(..used);
                    return Ok(frame);
                }
                let mut chunk = [0u8; 512];
                match stream.read(&mut chunk)? {
                    0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                    n if buf.len() + n > MAX_BUFFERED => return Err(bad("answers past any size")),
                    n => buf.extend_from_slice(&chunk[..n]),
                }
            }
        };
        if authenticates && !matches!(next(&mut stream)?, Frame::Simple(_)) {
            return Err(bad("AUTH refused"));
        }
        let id = match next(&mut stream)? {
            Frame::Int(id) if id > 0 => id as u64,
            _ => return Err(bad("CLIENT ID refused")),
        };
        match next(&mut stream)? {
            Frame::Array(Some(items)) if items.first() == Some(&Frame::Bulk(Some(b"subscribe".to_vec()))) => {}
            _ => return Err(bad("SUBSCRIBE refused")),
        }
        stream.set_nonblocking(true)?;
        Ok(Subscriber { stream, id, buf, pending: VecDeque::new(), confirmed: Instant::now() })
    }

    /// Reads what has arrived, without waiting: the invalidations (a PONG moves `confirmed`).
    /// `Err` when the connection is closed or broken.
    pub(super) fn drain(&mut self) -> Result<Vec<Note>, ()> {
        let mut chunk = [0u8; 16 << 10];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(()),
                Ok(n) => self.take(&chunk[..n])?,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(()),
            }
        }
        let mut notes = Vec::new();
        let mut at = 0;
        while let Some((frame, used)) = parse(&self.buf[at..])? {
            at += used;
            match note(frame)? {
                Note::Pong => self.confirmed = self.pending.pop_front().ok_or(())?,
                Note::Other => {}
                n => notes.push(n),
            }
        }
        self.buf.drain(..at);
        Ok(notes)
    }

    fn take(&mut self, bytes: &[u8]) -> Result<(), ()> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() > MAX_BUFFERED {
            return Err(());
        }
        Ok(())
    }

    fn ping(&mut self) -> Result<(), ()> {
        // 14 bytes into a socket whose peer reads promptly: a short or refused write means the
        // connection is unusable.
        self.stream.write_all(&command(&[b"PING"])).map_err(|_| ())?;
        self.pending.push_back(Instant::now());
        Ok(())
    }

    /// Sends a PING and reads, waiting at most `timeout` in all, until its PONG has come: every
    /// invalidation Redis queued before it has then been read.
    pub(super) fn sync(&mut self, timeout: Duration) -> Result<Vec<Note>, ()> {
        self.ping()?;
        let deadline = Instant::now() + timeout;
        let mut notes = self.drain()?;
        while !self.pending.is_empty() {
            let mut chunk = [0u8; 16 << 10];
            match self.stream.read_waiting(&mut chunk, deadline) {
                Ok(0) | Err(_) => return Err(()),
                Ok(n) => self.take(&chunk[..n])?,
            }
            notes.extend(self.drain()?);
        }
        Ok(notes)
    }

    /// Whether a PING sent less than `TRUST` ago came back: every invalidation Redis sent
    /// before it has been read, and the connection still hears from the server.
    pub(super) fn trusted(&self) -> bool {
        self.confirmed.elapsed() <= TRUST
    }

    /// Sends a PING when none is on its way and the last came back long enough ago; `false`
    /// when one has gone unanswered too long (the connection is taken for dead).
    pub(super) fn keep_alive(&mut self) -> bool {
        match self.pending.front() {
            Some(sent) => sent.elapsed() <= DEAD_AFTER,
            None if self.confirmed.elapsed() >= PING_EVERY => self.ping().is_ok(),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<Note> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some((f, used)) = parse(&bytes[at..]).unwrap() {
            at += used;
            out.push(note(f).unwrap());
        }
        assert_eq!(at, bytes.len(), "left over");
        out
    }

    #[test]
    fn reads_invalidations_flushes_and_pongs() {
        let msg = b"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*2\r\n$3\r\nk:a\r\n$1\r\nb\r\n\
*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*-1\r\n\
*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n\
*2\r\n$4\r\npong\r\n$0\r\n\r\n\
*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n";
        assert_eq!(
            all(msg),
            [Note::Keys(vec![b"k:a".to_vec(), b"b".to_vec()]), Note::All, Note::All, Note::Pong, Note::Other]
        );
    }

    #[test]
    fn a_frame_that_is_not_a_message_is_refused() {
        // The connection is not what it should be.
        assert!(note(Frame::Int(3)).is_err());
        assert!(note(Frame::Array(Some(vec![Frame::Simple(b"message".to_vec())]))).is_err());
    }
}
