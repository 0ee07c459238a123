//! The extension's php.ini settings, declared at module start-up and read once per process on
//! first use (in a php-fpm worker, after its pool settings apply — not in the master).

use std::path::PathBuf;
use std::time::Duration;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};

use crate::store::{RedisConfig, ShmConfig, MAX_STATE_LIMIT};

pub const SHM_PATH: &str = "presence.shm_path";
pub const SHM_SIZE: &str = "presence.shm_size";
pub const DEFAULT_TTL: &str = "presence.default_ttl";
pub const MAX_STATE_BYTES: &str = "presence.max_state_bytes";
pub const BACKEND: &str = "presence.backend";
pub const KEY_PREFIX: &str = "presence.key_prefix";
pub const REDIS_TIMEOUT_MS: &str = "presence.redis_timeout_ms";

/// System-wide only: a script must not point the store at another file or resize it.
pub static INI_ENTRIES: IniEntryDefs<8> = IniEntryDefs::new([
    IniEntryDef::new(c"presence.shm_path", c"", IniEntryPermission::System),
    IniEntryDef::new(c"presence.shm_size", c"32M", IniEntryPermission::System),
    IniEntryDef::new(c"presence.default_ttl", c"150", IniEntryPermission::System),
    IniEntryDef::new(c"presence.max_state_bytes", c"8K", IniEntryPermission::System),
    IniEntryDef::new(c"presence.backend", c"shm", IniEntryPermission::System),
    IniEntryDef::new(c"presence.key_prefix", c"presence:", IniEntryPermission::System),
    IniEntryDef::new(c"presence.redis_timeout_ms", c"100", IniEntryPermission::System),
    IniEntryDef::end(),
]);

/// The settings in force for this process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub shm: ShmConfig,
    /// Seconds an entry lives when `$ttl` is not given.
    pub default_ttl: u32,
    /// `presence.backend`: the shared-memory segment (`shm`), or a Redis server.
    pub redis: Option<RedisConfig>,
    /// What was wrong with the php.ini values (each then replaced by its default), reported once
    /// as `E_WARNING`s by the first presence_* call of the process.
    pub warnings: Vec<String>,
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

impl Settings {
    pub fn from_ini() -> Settings {
        let ini = ExecutorGlobals::get().ini_values();
        let get = |k: &str| ini.get(k).cloned().flatten().unwrap_or_default();
        let mut warnings = Vec::new();
        let mut size = |name: &str, default: u64, default_text: &str| {
            let text = get(name);
            parse_size(&text).unwrap_or_else(|| {
                warnings.push(format!(
                    "{name} \"{text}\" is not a size (bytes, or a number followed by K, M or G); using {default_text}"
                ));
                default
            })
        };
        let shm_size = size(SHM_SIZE, 32 << 20, "32M");
        let mut max_state_bytes = size(MAX_STATE_BYTES, 8 << 10, "8K");
        if max_state_bytes > MAX_STATE_LIMIT as u64 {
            warnings.push(format!(
                "{MAX_STATE_BYTES} is {max_state_bytes} bytes; the largest state the store accepts is {MAX_STATE_LIMIT} bytes, which applies"
            ));
            max_state_bytes = MAX_STATE_LIMIT as u64;
        }
        let ttl_text = get(DEFAULT_TTL);
        let default_ttl =
            ttl_text.trim().parse::<u32>().ok().filter(|t| (1..=86_400).contains(t)).unwrap_or_else(|| {
                warnings.push(format!(
                    "{DEFAULT_TTL} \"{ttl_text}\" is not a number of seconds from 1 to 86400; using 150"
                ));
                150
            });
        let path = get(SHM_PATH);
        Settings {
            shm: ShmConfig {
                path: if path.trim().is_empty() { ShmConfig::default_path() } else { PathBuf::from(path.trim()) },
                size: shm_size,
                max_state_bytes: max_state_bytes as usize,
                lock_timeout: Duration::from_secs(2),
            },
            default_ttl,
            redis: Self::redis(&get, max_state_bytes as usize, &mut warnings),
            warnings,
        }
    }

    /// Anything but `shm` (or empty) is a Redis URL; one that cannot be used makes every call
    /// warn with the reason.
    fn redis(get: &impl Fn(&str) -> String, max_state_bytes: usize, warnings: &mut Vec<String>) -> Option<RedisConfig> {
        let backend = get(BACKEND).trim().to_string();
        if backend.is_empty() || backend.eq_ignore_ascii_case("shm") {
            return None;
        }
        let timeout_text = get(REDIS_TIMEOUT_MS);
        let timeout_ms =
            timeout_text.trim().parse::<u64>().ok().filter(|t| (1..=60_000).contains(t)).unwrap_or_else(|| {
                warnings.push(format!(
                    "{REDIS_TIMEOUT_MS} \"{timeout_text}\" is not a number of milliseconds from 1 to 60000; using 100"
                ));
                100
            });
        Some(RedisConfig {
            url: backend,
            key_prefix: get(KEY_PREFIX),
            timeout: Duration::from_millis(timeout_ms),
            max_state_bytes,
        })
    }
}
