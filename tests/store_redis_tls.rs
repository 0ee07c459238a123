//! `rediss://`: the Redis backend over TLS, against a redis-server with a certificate from a test
//! CA. The server is verified: trusted through SSL_CERT_FILE it answers, untrusted it is refused.
//! One test in a binary of its own, as it sets an environment variable of the process.

use std::process::Command;
use std::time::{Duration, Instant};

use presence::store::{
    ClientId, ClientPrefix, EncodedState, PresenceStore, RedisConfig, RedisStore, Room, StoreError, Ttl, Upsert, UserId,
};

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is not installed")
        .status
        .success();
    assert!(ok, "openssl {args:?} failed");
}

/// Stops the server by its PID file and removes the directory, however the test ends.
struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.0.join("redis.pid")) {
            if let Ok(pid) = pid.trim().parse::<libc::pid_t>() {
                // SAFETY: kill has no memory preconditions; the PID file is this test's server's.
                unsafe { libc::kill(pid, libc::SIGTERM) };
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn rediss_connects_to_a_server_it_trusts_and_refuses_one_it_does_not() {
    let dir = std::env::temp_dir().join(format!("presence-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _cleanup = Cleanup(dir.clone());
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=presence test CA",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let pid_file = dir.join("redis.pid");
    let status = Command::new("redis-server")
        .args(["--port", "0", "--tls-port", &port.to_string(), "--bind", "127.0.0.1", "--tls-auth-clients", "no"])
        .args(["--tls-cert-file", "server.pem", "--tls-key-file", "server.key", "--tls-ca-cert-file", "ca.pem"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "yes", "--logfile", "redis.log"])
        .arg("--pidfile")
        .arg(&pid_file)
        .arg("--dir")
        .arg(&dir)
        .current_dir(&dir)
        .status()
        .expect("redis-server is not installed");
    assert!(status.success());
    let cfg = RedisConfig {
        url: format!("rediss://127.0.0.1:{port}"),
        key_prefix: "tls:".into(),
        timeout: Duration::from_secs(2),
    };
    let room = Room::new("r").unwrap();

    let untrusted = RedisStore::new(cfg.clone(), None);
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        match untrusted.room_count(room, None, ClientPrefix::VISIBLE) {
            Err(StoreError::Unavailable { message, .. }) if message.contains("certificate") => break message,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(150)),
            other => panic!("an untrusted server was not refused: {other:?}"),
        }
    };
    assert!(refused.contains("UnknownIssuer"), "{refused}");

    // rustls reads the CA certificates it trusts when it connects: SSL_CERT_FILE adds the test CA.
    std::env::set_var("SSL_CERT_FILE", dir.join("ca.pem"));
    let trusted = RedisStore::new(cfg, None);
    let (client, state) = (ClientId::new("c").unwrap(), EncodedState::new(&[6, 0], 8192).unwrap());
    assert!(trusted.upsert(&Upsert::new(room, client, state, UserId::from(1), Ttl::new(60).unwrap())).is_ok());
    assert_eq!(trusted.room_count(room, None, ClientPrefix::VISIBLE).unwrap(), 1);
    assert!(trusted.server().starts_with("rediss://"));
}
