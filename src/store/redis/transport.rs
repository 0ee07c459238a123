//! The byte stream under the live lane's second connection (`subscriber.rs`): TCP, a unix socket,
//! or TLS over TCP for `rediss://`, verified as the main connection's (redis-rs with rustls): the
//! system's CA certificates (`SSL_CERT_FILE` and `SSL_CERT_DIR` honoured), the host's name checked,
//! no client certificate; `#insecure` is refused, as the main connection refuses it.
//!
//! - The TLS handshake is done when the stream opens, within the timeout it is given in all.
//! - Reads never wait unless asked to (`read_waiting`, which waits until a deadline in all): a
//!   TLS record that came in part stays in rustls's buffer until the rest comes.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::{ConnectionAddr, ConnectionInfo};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore};

pub(super) enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    Tls(Box<Tls>),
}

/// A TLS session over its socket. Dropped without a `close_notify`: a process forked from the
/// one that opened it drops its copy, and must write nothing into the parent's session.
pub(super) struct Tls {
    conn: ClientConnection,
    sock: TcpStream,
}

fn refused(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.into())
}

fn timed_out() -> io::Error {
    io::ErrorKind::TimedOut.into()
}

/// The time left until `deadline`; `Err` once it has come.
fn left(deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(timed_out());
    }
    Ok(left)
}

fn connect_tcp(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                s.set_nodelay(true)?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// What the main connection trusts: redis-rs builds the same from the same CA certificates
/// (any that cannot be read fails the connection there too).
fn client_config() -> io::Result<ClientConfig> {
    let found = rustls_native_certs::load_native_certs();
    if let Some(e) = found.errors.into_iter().next() {
        return Err(refused(format!("the system's CA certificates: {e}")));
    }
    let mut roots = RootCertStore::empty();
    for cert in found.certs {
        roots.add(cert).map_err(|e| refused(e.to_string()))?;
    }
    ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| refused(e.to_string()))
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}

impl Tls {
    /// TCP, then the handshake, which fails when the server's certificate is not trusted; both
    /// within `timeout` in all.
    fn connect(host: &str, port: u16, timeout: Duration) -> io::Result<Tls> {
        let deadline = Instant::now() + timeout;
        let name = ServerName::try_from(host).map_err(|e| refused(e.to_string()))?.to_owned();
        let conn = ClientConnection::new(Arc::new(client_config()?), name).map_err(|e| refused(e.to_string()))?;
        let mut tls = Tls { conn, sock: connect_tcp(host, port, left(deadline)?)? };
        while tls.conn.is_handshaking() {
            tls.set_timeouts(Some(left(deadline)?))?;
            if tls.conn.wants_write() {
                tls.conn.write_tls(&mut tls.sock)?;
                continue;
            }
            if tls.conn.read_tls(&mut tls.sock)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            if let Err(e) = tls.conn.process_new_packets() {
                // The alert that says why, if the socket takes it.
                let _ = tls.conn.write_tls(&mut tls.sock);
                return Err(refused(format!("TLS handshake: {e}")));
            }
        }
        tls.set_timeouts(Some(left(deadline)?))?;
        tls.flush()?;
        Ok(tls)
    }

    fn set_timeouts(&self, t: Option<Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(t).and_then(|_| self.sock.set_write_timeout(t))
    }

    /// Plaintext into `buf`: what rustls holds decrypted, else what the socket has. A blocking
    /// socket is waited on until `deadline` at most (`None`: its own timeout per read); a
    /// non-blocking one answers `WouldBlock` when nothing complete has come.
    fn read(&mut self, buf: &mut [u8], deadline: Option<Instant>) -> io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                // Ok(0): the server closed the session; UnexpectedEof: it closed the socket.
                done => return done,
            }
            if let Some(d) = deadline {
                self.sock.set_read_timeout(Some(left(d)?))?;
            }
            // TCP's end: the reader answers at the next turn.
            self.conn.read_tls(&mut self.sock)?;
            self.conn.process_new_packets().map_err(|e| refused(format!("TLS: {e}")))?;
            // What the session itself may have to say back (a key update): a socket that takes
            // none of it now leaves it queued for the next call.
            match self.flush() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                other => other?,
            }
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.conn.writer().write_all(buf)?;
        self.flush()
    }

    /// Sends every TLS byte rustls has queued; on a non-blocking socket, `WouldBlock` when the
    /// socket takes no more (the connection is then given up, as a short plain write is).
    fn flush(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut self.sock)? == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
        }
        Ok(())
    }
}

impl Stream {
    /// Opens the stream (the TLS handshake included) within `timeout`; it is blocking after,
    /// each read and write waiting at most `timeout`.
    pub(super) fn connect(info: &ConnectionInfo, timeout: Duration) -> io::Result<Stream> {
        let stream = match info.addr() {
            ConnectionAddr::Tcp(host, port) => Stream::Tcp(connect_tcp(host, *port, timeout)?),
            ConnectionAddr::Unix(path) => Stream::Unix(UnixStream::connect(path)?),
            ConnectionAddr::TcpTls { insecure: true, .. } => {
                return Err(io::Error::new(io::ErrorKind::Unsupported, "#insecure: the server is not verified"));
            }
            // Certificates given in code (redis-rs's `build_with_tls`): a URL never brings any.
            ConnectionAddr::TcpTls { tls_params: Some(_), .. } => {
                return Err(io::Error::new(io::ErrorKind::Unsupported, "TLS certificates given in code"));
            }
            ConnectionAddr::TcpTls { host, port, .. } => Stream::Tls(Box::new(Tls::connect(host, *port, timeout)?)),
            _ => return Err(io::Error::new(io::ErrorKind::Unsupported, "an address of another kind")),
        };
        stream.set_timeouts(Some(timeout))?;
        Ok(stream)
    }

    fn set_timeouts(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t)),
            Stream::Unix(s) => s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t)),
            Stream::Tls(s) => s.set_timeouts(t),
        }
    }

    pub(super) fn set_nonblocking(&self, yes: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nonblocking(yes),
            Stream::Unix(s) => s.set_nonblocking(yes),
            Stream::Tls(s) => s.sock.set_nonblocking(yes),
        }
    }

    /// One read that waits until `deadline` at most; the stream is non-blocking again after.
    pub(super) fn read_waiting(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        self.set_nonblocking(false)?;
        let read = match self {
            Stream::Tls(s) => s.read(buf, Some(deadline)),
            _ => left(deadline).and_then(|l| self.set_timeouts(Some(l))).and_then(|_| self.read(buf)),
        };
        self.set_nonblocking(true)?;
        read
    }

    pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf, None),
        }
    }

    pub(super) fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.write_all(buf),
            Stream::Unix(s) => s.write_all(buf),
            Stream::Tls(s) => s.write_all(buf),
        }
    }
}
