//! `presence.backend` as a Redis address: which URLs are accepted, and how a server is named in
//! messages (never with its credentials).

use redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo};

/// The schemes `presence.backend` accepts for Redis (and servers speaking its protocol: Valkey,
/// managed Redis).
pub const SCHEMES: [&str; 3] = ["redis://", "rediss://", "unix://"];

/// Whether a `presence.backend` value names a Redis server (rather than `shm`).
pub fn is_redis_url(url: &str) -> bool {
    SCHEMES.iter().any(|s| url.starts_with(s))
}

/// The connection settings for `url`, or why it cannot be used.
pub(super) fn parse(url: &str) -> Result<ConnectionInfo, String> {
    if !is_redis_url(url) {
        return Err(format!("presence.backend must be shm, redis://…, rediss://… or unix://…, got {}", shown(url)));
    }
    let mut info = url.into_connection_info().map_err(|e| format!("presence.backend is not a usable URL: {e}"))?;
    if let ConnectionAddr::Tcp(..) | ConnectionAddr::TcpTls { .. } = info.addr() {
        // Heartbeats are small request/answer exchanges: never wait for Nagle.
        let tcp = info.tcp_settings().clone().set_nodelay(true);
        info = info.set_tcp_settings(tcp);
    }
    Ok(info)
}

/// The URL as shown in warnings and `php --ri`: the user and password left out.
pub fn shown(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.chars().take(64).collect();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_never_shown() {
        assert_eq!(shown("redis://user:secret@cache.internal:6380/2"), "redis://cache.internal:6380/2");
        assert_eq!(shown("redis://:secret@127.0.0.1"), "redis://127.0.0.1");
        assert_eq!(shown("unix:///run/redis.sock?db=3"), "unix:///run/redis.sock?db=3");
        assert_eq!(shown("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
    }

    #[test]
    fn accepts_the_three_schemes_and_refuses_others() {
        let info = parse("redis://:pw@127.0.0.1:6401/3").unwrap();
        assert_eq!(info.addr().to_string(), "127.0.0.1:6401");
        assert_eq!(info.redis_settings().db(), 3);
        assert_eq!(info.redis_settings().password(), Some("pw"));
        let unix = parse("unix:///tmp/r.sock?db=2").unwrap();
        assert_eq!(unix.addr().to_string(), "/tmp/r.sock");
        assert_eq!(unix.redis_settings().db(), 2);
        for bad in ["memcached://x", "http://h", "redis:/x", "127.0.0.1:6379"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("redis://h:notaport").is_err());
    }
}
