//! What a process's live-lane polls read, kept in the process and kept exact by Redis itself
//! (server-assisted client-side caching): the poll's reads go out with `CLIENT TRACKING on
//! REDIRECT <id> OPTIN` and `CLIENT CACHING yes`, and Redis then tells a second connection of the
//! process, subscribed to `__redis__:invalidate`, of every later write to a key read that way. A
//! poll whose keys are all held answers from them with no round trip; a key written since is
//! gone from the copy, and the next poll that needs it reads it again.
//!
//! - The second connection is only ever read without blocking, at the start of a poll. Redis
//!   queues a write's invalidation while it runs the write and sends it in the same pass as the
//!   writer's answer, so a poll sees every write that finished before it, give or take that
//!   moment (microseconds on one machine, the network's delay between machines).
//! - A connection can die without saying so (a network that drops it silently). The copy is
//!   answered from only while a PING sent on the second connection less than `TRUST` ago came
//!   back: its PONG comes after every invalidation Redis sent before it. A PING goes out at most every
//!   `PING_EVERY`, and only while polls come.
//! - This process's own writes: so that its very next poll cannot fall into that moment, a poll
//!   that follows any other round trip of the process first sends a PING on the second
//!   connection and reads up to its PONG (the one wait this connection ever makes).
//! - Only polls use it, and only their keys are tracked (OPTIN): the scripts of heartbeats and
//!   reads are not, so writes elsewhere cost the second connection nothing.
//! - Not on `rediss://` (the second connection would need TLS too) and never when the server
//!   refuses the commands (an ACL, an old server or a proxy): polls then read, as before.
//! - The server's time, which decides expiry and a token's life, is the last read's TIME plus
//!   this process's monotonic clock since; a room whose earliest expiry has come is read again.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use redis::{ConnectionAddr, ConnectionInfo, Value};

use super::resp::{command, parse, Frame, MAX_FRAME};

/// The channel Redis publishes invalidations on for RESP2 clients.
const CHANNEL: &[u8] = b"__redis__:invalidate";
/// How often at most a PING goes out on the second connection while polls come.
const PING_EVERY: Duration = Duration::from_secs(1);
/// How long after a PING was sent the copy may answer, once its PONG came back.
const TRUST: Duration = Duration::from_secs(3);
/// A PING unanswered this long: the connection is taken for dead.
const DEAD_AFTER: Duration = Duration::from_secs(10);
/// Keys held at most; past it the copy starts empty again (the keys are read anew).
const MAX_KEYS: usize = 50_000;
/// Unread bytes held at most; past it the second connection is dropped and opened anew.
const MAX_BUFFERED: usize = MAX_FRAME;

enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    fn connect(info: &ConnectionInfo, timeout: Duration) -> io::Result<Stream> {
        let stream = match info.addr() {
            ConnectionAddr::Tcp(host, port) => {
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
                let mut found = None;
                for addr in (host.as_str(), *port).to_socket_addrs()? {
                    match TcpStream::connect_timeout(&addr, timeout) {
                        Ok(s) => {
                            found = Some(s);
                            break;
                        }
                        Err(e) => last = e,
                    }
                }
                let s = found.ok_or(last)?;
                s.set_nodelay(true)?;
                Stream::Tcp(s)
            }
            ConnectionAddr::Unix(path) => Stream::Unix(UnixStream::connect(path)?),
            _ => return Err(io::Error::new(io::ErrorKind::Unsupported, "no client-side caching over TLS")),
        };
        stream.set_timeouts(Some(timeout))?;
        Ok(stream)
    }

    fn set_timeouts(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t)),
            Stream::Unix(s) => s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t)),
        }
    }

    fn set_nonblocking(&self, yes: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nonblocking(yes),
            Stream::Unix(s) => s.set_nonblocking(yes),
        }
    }

    /// One read that waits at most `timeout`; the stream is non-blocking again after.
    fn read_waiting(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<usize> {
        self.set_nonblocking(false)?;
        self.set_timeouts(Some(timeout))?;
        let read = self.read(buf);
        self.set_nonblocking(true)?;
        read
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.write_all(buf),
            Stream::Unix(s) => s.write_all(buf),
        }
    }
}

/// What a frame on the second connection says.
#[derive(Debug, PartialEq)]
enum Note {
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
struct Subscriber {
    stream: Stream,
    /// Its client id, which `CLIENT TRACKING … REDIRECT` names.
    id: u64,
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
    fn open(info: &ConnectionInfo, timeout: Duration) -> io::Result<Subscriber> {
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
    fn drain(&mut self) -> Result<Vec<Note>, ()> {
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
    fn sync(&mut self, timeout: Duration) -> Result<Vec<Note>, ()> {
        self.ping()?;
        let deadline = Instant::now() + timeout;
        let mut notes = self.drain()?;
        while !self.pending.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(());
            }
            let mut chunk = [0u8; 16 << 10];
            match self.stream.read_waiting(&mut chunk, left) {
                Ok(0) | Err(_) => return Err(()),
                Ok(n) => self.take(&chunk[..n])?,
            }
            notes.extend(self.drain()?);
        }
        Ok(notes)
    }

    /// Sends a PING when none is on its way and the last came back long enough ago; `false`
    /// when one has gone unanswered too long (the connection is taken for dead).
    fn keep_alive(&mut self) -> bool {
        match self.pending.front() {
            Some(sent) => sent.elapsed() <= DEAD_AFTER,
            None if self.confirmed.elapsed() >= PING_EVERY => self.ping().is_ok(),
            None => true,
        }
    }
}

/// The process's copy of the keys its polls read.
pub(super) struct Tracker {
    /// The process that opened the second connection (a forked child opens its own).
    pid: u32,
    sub: Subscriber,
    /// Key → the reply its read gave.
    values: HashMap<Vec<u8>, Value>,
    /// The server's time (µs) at the instant the last read's answer came.
    server_time: Option<(u64, Instant)>,
    /// The process's count of round trips when the copy was last known in step: a different
    /// count means the process itself called Redis since (and may have written).
    round_trips: u64,
}

impl Tracker {
    pub(super) fn open(info: &ConnectionInfo, timeout: Duration) -> io::Result<Tracker> {
        Ok(Tracker {
            pid: std::process::id(),
            sub: Subscriber::open(info, timeout)?,
            values: HashMap::new(),
            server_time: None,
            round_trips: 0,
        })
    }

    /// The client id `CLIENT TRACKING … REDIRECT` names: the second connection's.
    pub(super) fn redirect_id(&self) -> u64 {
        self.sub.id
    }

    /// Whether this copy belongs to the calling process.
    pub(super) fn is_ours(&self) -> bool {
        self.pid == std::process::id()
    }

    /// Applies what Redis sent since the last call, without waiting. `false`: the second
    /// connection is gone, and the copy with it.
    pub(super) fn catch_up(&mut self) -> bool {
        match self.sub.drain() {
            Ok(notes) => self.apply(notes),
            Err(()) => return false,
        }
        self.sub.keep_alive()
    }

    /// Whether the copy holds every one of `keys`.
    pub(super) fn holds<'k>(&self, mut keys: impl Iterator<Item = &'k [u8]>) -> bool {
        keys.all(|k| self.values.contains_key(k))
    }

    /// Makes sure no invalidation of the process's own calls is still on its way: when the
    /// process made a round trip since the copy was last in step (`round_trips`: its count now),
    /// a PING on the second connection and its PONG, waiting at most `timeout`. `false`: the
    /// connection failed, and the copy with it.
    pub(super) fn in_step(&mut self, round_trips: u64, timeout: Duration) -> bool {
        if round_trips == self.round_trips {
            return true;
        }
        match self.sub.sync(timeout) {
            Ok(notes) => self.apply(notes),
            Err(()) => return false,
        }
        self.round_trips = round_trips;
        true
    }

    fn apply(&mut self, notes: Vec<Note>) {
        for n in notes {
            match n {
                Note::Keys(keys) => {
                    for k in keys {
                        self.values.remove(&k);
                    }
                }
                Note::All => self.values.clear(),
                Note::Pong | Note::Other => {}
            }
        }
    }

    /// The held replies for `keys`, in order; `None` unless every key is held and the second
    /// connection answered recently.
    pub(super) fn answer<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) -> Option<Vec<Value>> {
        if self.sub.confirmed.elapsed() > TRUST {
            return None;
        }
        keys.map(|k| self.values.get(k).cloned()).collect()
    }

    /// The server's time now (µs): the last read's TIME and this process's clock since.
    pub(super) fn server_now(&self) -> Option<u64> {
        let (time, at) = self.server_time?;
        time.checked_add(u64::try_from(at.elapsed().as_micros()).ok()?)
    }

    /// Keeps the replies of a poll's reads (made with the preamble), the server's time, and the
    /// process's count of round trips, the read's included.
    pub(super) fn keep<'k>(
        &mut self,
        read: impl Iterator<Item = (&'k [u8], &'k Value)>,
        server_time: Option<u64>,
        round_trips: u64,
    ) {
        if self.values.len() > MAX_KEYS {
            self.values.clear();
        }
        if round_trips == self.round_trips + 1 {
            // Only this read since the copy was in step: it still is. Otherwise the next poll
            // answered from the copy makes sure first (`in_step`).
            self.round_trips = round_trips;
        }
        for (k, v) in read {
            self.values.insert(k.to_vec(), v.clone());
        }
        if let Some(t) = server_time {
            self.server_time = Some((t, Instant::now()));
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
