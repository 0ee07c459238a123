//! The settings, resolved from their text (php.ini values as PHP hands them over) into a typed
//! [`Config`], with a warning for each value that could not be used (its default applies
//! instead). The names, defaults and limits of every setting are written here once; the PHP
//! binding declares the ini entries from [`SETTINGS`] and raises the warnings.

use std::ffi::CStr;
use std::path::PathBuf;
use std::time::Duration;

use super::input::{Ttl, MAX_SECONDS, MAX_STATE_LIMIT};
use super::redis::RedisConfig;
use super::shm::layout::{MAX_SEGMENT, MIN_SEGMENT};
use super::shm::ShmConfig;

/// A setting's name and its default, as text (C strings: PHP declares them as such).
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static CStr,
    pub default: &'static CStr,
}

impl Setting {
    pub fn name(&self) -> &'static str {
        self.name.to_str().unwrap_or_default()
    }
}

pub const SHM_PATH: Setting = Setting { name: c"presence.shm_path", default: c"" };
pub const SHM_SIZE: Setting = Setting { name: c"presence.shm_size", default: c"32M" };
pub const DEFAULT_TTL: Setting = Setting { name: c"presence.default_ttl", default: c"150" };
pub const MAX_STATE_BYTES: Setting = Setting { name: c"presence.max_state_bytes", default: c"8K" };
pub const BACKEND: Setting = Setting { name: c"presence.backend", default: c"shm" };
pub const KEY_PREFIX: Setting = Setting { name: c"presence.key_prefix", default: c"presence:" };
pub const REDIS_TIMEOUT_MS: Setting = Setting { name: c"presence.redis_timeout_ms", default: c"100" };

/// Every setting, in the order PHP lists them.
pub const SETTINGS: [Setting; 7] =
    [SHM_PATH, SHM_SIZE, DEFAULT_TTL, MAX_STATE_BYTES, BACKEND, KEY_PREFIX, REDIS_TIMEOUT_MS];

// The values the defaults above stand for, used when a setting's text is unusable.
const SHM_SIZE_DEFAULT: u64 = 32 << 20;
const MAX_STATE_BYTES_DEFAULT: u64 = 8 << 10;
const REDIS_TIMEOUT_MS_DEFAULT: u64 = 100;
/// Longest `presence.redis_timeout_ms`: a minute.
const REDIS_TIMEOUT_MS_MAX: u64 = 60_000;
/// How long a call waits for the segment lock before it gives up.
const LOCK_TIMEOUT: Duration = Duration::from_secs(2);

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the entries live.
    pub backend: BackendConfig,
    /// How long an entry lives when no ttl is given.
    pub default_ttl: Ttl,
    /// Largest encoded state accepted (at most [`MAX_STATE_LIMIT`]).
    pub max_state_bytes: usize,
}

/// `presence.backend`: the shared-memory segment, or a Redis server.
#[derive(Debug, Clone)]
pub enum BackendConfig {
    Shm(ShmConfig),
    Redis(RedisConfig),
}

/// Parses a php.ini size as php.ini users write it: a whole number of bytes, optionally followed
/// by `K`, `M` or `G` (either case), spaces around allowed (`32M`, `65536k`, `4096`). Anything
/// else (`64MB`, `1.5M`, `-1`) is `None`.
pub fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (digits, mult) = match v.as_bytes().last()? {
        b'k' | b'K' => (&v[..v.len() - 1], 1u64 << 10),
        b'm' | b'M' => (&v[..v.len() - 1], 1 << 20),
        b'g' | b'G' => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

impl Config {
    /// The config for the settings' text as `text(name)` gives it (empty when unset), and what
    /// was wrong with it, in the order the settings were read.
    pub fn resolve(text: impl Fn(&str) -> String) -> (Config, Vec<String>) {
        let mut warnings = Vec::new();
        let mut size = |setting: Setting, default: u64| {
            let value = text(setting.name());
            parse_size(&value).unwrap_or_else(|| {
                warnings.push(format!(
                    "{} \"{value}\" is not a size (bytes, or a number followed by K, M or G); using {}",
                    setting.name(),
                    setting.default.to_str().unwrap_or_default()
                ));
                default
            })
        };
        let mut shm_size = size(SHM_SIZE, SHM_SIZE_DEFAULT);
        let mut max_state_bytes = size(MAX_STATE_BYTES, MAX_STATE_BYTES_DEFAULT);
        let bounded = shm_size.clamp(MIN_SEGMENT, MAX_SEGMENT);
        if bounded != shm_size {
            warnings.push(format!(
                "{} is {shm_size} bytes; segments are {MIN_SEGMENT} to {MAX_SEGMENT} bytes, so {bounded} applies",
                SHM_SIZE.name()
            ));
            shm_size = bounded;
        }
        if max_state_bytes > MAX_STATE_LIMIT as u64 {
            warnings.push(format!(
                "{} is {max_state_bytes} bytes; the largest state the store accepts is {MAX_STATE_LIMIT} bytes, which applies",
                MAX_STATE_BYTES.name()
            ));
            max_state_bytes = MAX_STATE_LIMIT as u64;
        }
        let ttl_text = text(DEFAULT_TTL.name());
        let default_ttl = ttl_text.trim().parse::<i64>().ok().and_then(|t| Ttl::new(t).ok()).unwrap_or_else(|| {
            warnings.push(format!(
                "{} \"{ttl_text}\" is not a number of seconds from 1 to {MAX_SECONDS}; using {}",
                DEFAULT_TTL.name(),
                Ttl::DEFAULT.secs()
            ));
            Ttl::DEFAULT
        });
        let path = text(SHM_PATH.name());
        let shm = ShmConfig {
            path: if path.trim().is_empty() { ShmConfig::default_path() } else { PathBuf::from(path.trim()) },
            size: shm_size,
            lock_timeout: LOCK_TIMEOUT,
        };
        let backend = match redis(&text, &mut warnings) {
            Some(r) => BackendConfig::Redis(r),
            None => BackendConfig::Shm(shm),
        };
        (Config { backend, default_ttl, max_state_bytes: max_state_bytes as usize }, warnings)
    }
}

/// Anything but `shm` (or empty) is a Redis URL; one that cannot be used makes every call fail
/// with the reason, never fall back to shared memory.
fn redis(text: &impl Fn(&str) -> String, warnings: &mut Vec<String>) -> Option<RedisConfig> {
    let backend = text(BACKEND.name()).trim().to_string();
    if backend.is_empty() || backend.eq_ignore_ascii_case("shm") {
        return None;
    }
    let timeout_text = text(REDIS_TIMEOUT_MS.name());
    let timeout_ms = timeout_text
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|t| (1..=REDIS_TIMEOUT_MS_MAX).contains(t))
        .unwrap_or_else(|| {
            warnings.push(format!(
                "{} \"{timeout_text}\" is not a number of milliseconds from 1 to {REDIS_TIMEOUT_MS_MAX}; using {REDIS_TIMEOUT_MS_DEFAULT}",
                REDIS_TIMEOUT_MS.name()
            ));
            REDIS_TIMEOUT_MS_DEFAULT
        });
    Some(RedisConfig { url: backend, key_prefix: text(KEY_PREFIX.name()), timeout: Duration::from_millis(timeout_ms) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Resolves the defaults with `set` applied on top.
    fn resolve(set: &[(&str, &str)]) -> (Config, Vec<String>) {
        let mut values: HashMap<String, String> =
            SETTINGS.iter().map(|s| (s.name().to_string(), s.default.to_str().unwrap().to_string())).collect();
        for (k, v) in set {
            values.insert((*k).to_string(), (*v).to_string());
        }
        Config::resolve(|name| values.get(name).cloned().unwrap_or_default())
    }

    fn shm(c: &Config) -> &ShmConfig {
        match &c.backend {
            BackendConfig::Shm(s) => s,
            BackendConfig::Redis(_) => panic!("expected shm"),
        }
    }

    #[test]
    fn the_defaults_need_no_warning() {
        let (c, warnings) = resolve(&[]);
        assert_eq!(warnings, Vec::<String>::new());
        // The defaults' text and the values used in their place agree.
        assert_eq!((c.default_ttl, c.max_state_bytes as u64), (Ttl::DEFAULT, MAX_STATE_BYTES_DEFAULT));
        assert_eq!(shm(&c).size, SHM_SIZE_DEFAULT);
        assert_eq!(shm(&c).path, ShmConfig::default_path());
        let (c, _) = resolve(&[("presence.backend", "redis://h")]);
        let BackendConfig::Redis(r) = c.backend else { panic!("expected redis") };
        assert_eq!(r.timeout, Duration::from_millis(REDIS_TIMEOUT_MS_DEFAULT));
    }

    #[test]
    fn sizes_are_read_as_php_ini_writes_them() {
        assert_eq!(parse_size(" 64k "), Some(65_536));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("4096"), Some(4096));
        for bad in ["64MB", "1.5M", "-1", "", "M"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_unusable_value_warns_and_its_default_applies() {
        let (c, warnings) = resolve(&[
            ("presence.shm_size", "64MB"),
            ("presence.default_ttl", "0"),
            ("presence.shm_path", " /tmp/p.seg "),
        ]);
        assert_eq!(
            warnings,
            [
                "presence.shm_size \"64MB\" is not a size (bytes, or a number followed by K, M or G); using 32M",
                "presence.default_ttl \"0\" is not a number of seconds from 1 to 86400; using 150",
            ]
        );
        assert_eq!((shm(&c).size, c.default_ttl.secs()), (32 << 20, 150));
        assert_eq!(shm(&c).path, PathBuf::from("/tmp/p.seg"));
    }

    #[test]
    fn values_beyond_the_limits_are_brought_within_them_with_a_warning() {
        let (c, warnings) = resolve(&[("presence.shm_size", "4G"), ("presence.max_state_bytes", "2M")]);
        assert_eq!(
            warnings,
            [
                "presence.shm_size is 4294967296 bytes; segments are 262144 to 1073741824 bytes, so 1073741824 applies",
                "presence.max_state_bytes is 2097152 bytes; the largest state the store accepts is 1048576 bytes, which applies",
            ]
        );
        assert_eq!((shm(&c).size, c.max_state_bytes), (MAX_SEGMENT, MAX_STATE_LIMIT));
        let (c, _) = resolve(&[("presence.shm_size", "1K")]);
        assert_eq!(shm(&c).size, MIN_SEGMENT);
    }

    #[test]
    fn a_backend_other_than_shm_is_a_redis_url() {
        let (c, warnings) = resolve(&[("presence.backend", " redis://h:1/2 "), ("presence.redis_timeout_ms", "60001")]);
        assert_eq!(
            warnings,
            ["presence.redis_timeout_ms \"60001\" is not a number of milliseconds from 1 to 60000; using 100"]
        );
        let BackendConfig::Redis(r) = c.backend else { panic!("expected redis") };
        assert_eq!(
            (r.url.as_str(), r.key_prefix.as_str(), r.timeout),
            ("redis://h:1/2", "presence:", Duration::from_millis(100))
        );
        let (c, _) = resolve(&[("presence.backend", "SHM")]);
        assert!(matches!(c.backend, BackendConfig::Shm(_)));
    }
}
