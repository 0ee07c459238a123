//! A real redis-server for one test: started on a free loopback port with nothing persisted,
//! stopped (by the PID in its PID file, and only if that process is still this server) when the
//! handle is dropped. Tests can stop it, restart it on the same port, or pause it. A server
//! started with a certificate (`start_tls`) takes TLS on a second port as well.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use super::tls::Issued;

pub struct RedisServer {
    pub port: u16,
    dir: PathBuf,
    /// The TLS port and the certificate the server shows there.
    tls: Option<(u16, Issued)>,
}

/// Whether `pid` is a running process (a zombie nobody reaped yet counts as gone).
fn alive(pid: libc::pid_t) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

fn free_port() -> u16 {
    // The kernel picks a free port; the small window before redis-server binds it is retried below.
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    l.local_addr().unwrap().port()
}

impl RedisServer {
    /// Starts a server; panics with the reason when redis-server is missing or does not start.
    pub fn start() -> RedisServer {
        Self::start_with(None)
    }

    /// Starts a server that also takes TLS on a port of its own, showing `cert` (clients are not
    /// asked for one).
    pub fn start_tls(cert: &Issued) -> RedisServer {
        Self::start_with(Some(cert))
    }

    fn start_with(cert: Option<&Issued>) -> RedisServer {
        let base = std::env::temp_dir().join(format!("presence-redis-{}", std::process::id()));
        for attempt in 0..5 {
            let port = free_port();
            let dir = base.join(format!("{port}"));
            std::fs::create_dir_all(&dir).unwrap();
            let s = RedisServer { port, dir, tls: cert.map(|c| (free_port(), c.clone())) };
            if s.launch() {
                return s;
            }
            eprintln!("redis-server on port {port} did not start (attempt {attempt}); trying another port");
        }
        panic!("redis-server did not start; see {}", base.display());
    }

    fn pid_file(&self) -> PathBuf {
        self.dir.join("redis.pid")
    }

    fn launch(&self) -> bool {
        let _ = std::fs::remove_file(self.pid_file());
        let status = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "yes", "--pidfile"])
            .arg(self.pid_file())
            .arg("--dir")
            .arg(&self.dir)
            .arg("--logfile")
            .arg(self.dir.join("redis.log"))
            .args(self.tls.iter().flat_map(|(port, c)| {
                let mut args: Vec<std::ffi::OsString> =
                    vec!["--tls-port".into(), port.to_string().into(), "--tls-auth-clients".into(), "no".into()];
                for (flag, file) in
                    [("--tls-cert-file", &c.cert), ("--tls-key-file", &c.key), ("--tls-ca-cert-file", &c.ca)]
                {
                    args.push(flag.into());
                    args.push(file.clone().into_os_string());
                }
                args
            }))
            .status()
            .expect("redis-server is not installed (apt-get install redis-server)");
        if !status.success() {
            return false;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.ping() && self.pid().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port that takes TLS (a server started with `start_tls`).
    pub fn tls_port(&self) -> u16 {
        self.tls.as_ref().expect("a server started with start_tls").0
    }

    pub fn tls_url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.tls_port())
    }

    /// A plain connection, for tests that look at the keys themselves.
    pub fn connection(&self) -> redis::Connection {
        let c = redis::Client::open(self.url()).unwrap();
        c.get_connection_with_timeout(Duration::from_secs(2)).unwrap()
    }

    fn ping(&self) -> bool {
        let Ok(c) = redis::Client::open(self.url()) else { return false };
        let Ok(mut conn) = c.get_connection_with_timeout(Duration::from_millis(200)) else { return false };
        redis::cmd("PING").query::<String>(&mut conn).is_ok()
    }

    /// The server's PID, if the PID file names a live redis-server serving this port.
    pub fn pid(&self) -> Option<libc::pid_t> {
        let pid: libc::pid_t = std::fs::read_to_string(self.pid_file()).ok()?.trim().parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        (cmdline.contains("redis-server") && cmdline.contains(&format!(":{}", self.port))).then_some(pid)
    }

    /// Sends `signal` to the server.
    pub fn signal(&self, signal: libc::c_int) {
        if let Some(pid) = self.pid() {
            // SAFETY: kill has no memory preconditions; pid was checked to be this server.
            unsafe { libc::kill(pid, signal) };
        }
    }

    /// Stops the server (SIGKILL when `hard`, else SIGTERM) and waits until it is gone.
    pub fn stop(&self, hard: bool) {
        let Some(pid) = self.pid() else { return };
        self.signal(if hard { libc::SIGKILL } else { libc::SIGTERM });
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        if alive(pid) {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = std::fs::remove_file(self.pid_file());
    }

    /// Starts the server again on the same port (after `stop`).
    pub fn restart(&self) {
        assert!(self.launch(), "redis-server did not restart on port {}", self.port);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop(false);
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(base) = self.dir.parent() {
            let _ = std::fs::remove_dir(base); // once the last server of this process is gone
        }
    }
}
