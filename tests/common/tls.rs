//! A certificate authority of a test's own, made with openssl, and the certificates it issues
//! for 127.0.0.1: what a TLS redis-server shows (`RedisServer::start_tls`), and what
//! `SSL_CERT_FILE` makes a client trust (`TestCa::pem`). The files go when the CA is dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestCa {
    dir: PathBuf,
}

/// A server certificate, its key, and the CA that issued it.
#[derive(Clone)]
pub struct Issued {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl is not installed");
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

impl TestCa {
    /// A new CA (`name` tells two of one test apart).
    pub fn new(name: &str) -> TestCa {
        let dir = std::env::temp_dir().join(format!("presence-tls-{}", std::process::id())).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let subject = format!("/CN=presence test CA {name}");
        let mut args = vec!["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem"];
        args.extend(["-days", "2", "-subj", &subject]);
        openssl(&dir, &args);
        TestCa { dir }
    }

    /// The CA's certificate, in PEM.
    pub fn pem(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// A certificate for 127.0.0.1 issued by this CA.
    pub fn issue(&self, name: &str) -> Issued {
        self.issue_for(name, "127.0.0.1")
    }

    /// A certificate for the IP address `ip` issued by this CA.
    pub fn issue_for(&self, name: &str, ip: &str) -> Issued {
        let (key, csr, cert) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
        let subject = format!("/CN={ip}");
        openssl(&self.dir, &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", &subject]);
        std::fs::write(self.dir.join("ext.cnf"), format!("subjectAltName=IP:{ip}\n")).unwrap();
        let mut args = vec!["x509", "-req", "-in", &csr, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"];
        args.extend(["-out", &cert, "-days", "2", "-extfile", "ext.cnf"]);
        openssl(&self.dir, &args);
        Issued { cert: self.dir.join(cert), key: self.dir.join(key), ca: self.pem() }
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(base) = self.dir.parent() {
            let _ = std::fs::remove_dir(base); // once the last CA of this process is gone
        }
    }
}
