//! The extension's php.ini settings, declared at module start-up and read once per process on
//! first use (in a php-fpm worker, after its pool settings apply — not in the master).

use std::path::PathBuf;
use std::time::Duration;

use ext_php_rs::flags::IniEntryPermission;
use ext_php_rs::zend::{ExecutorGlobals, IniEntryDef, IniEntryDefs};

use crate::store::{RedisConfig, ShmConfig};

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
}

/// Parses a php.ini size (`32M`, `8K`, `1G`, `4096`).
pub fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mult) = match v.chars().last()? {
        'k' | 'K' => (&v[..v.len() - 1], 1u64 << 10),
        'm' | 'M' => (&v[..v.len() - 1], 1 << 20),
        'g' | 'G' => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(mult)
}

impl Settings {
    pub fn from_ini() -> Settings {
        let ini = ExecutorGlobals::get().ini_values();
        let get = |k: &str| ini.get(k).cloned().flatten().unwrap_or_default();
        let path = get(SHM_PATH);
        Settings {
            shm: ShmConfig {
                path: if path.trim().is_empty() { ShmConfig::default_path() } else { PathBuf::from(path.trim()) },
                size: parse_size(&get(SHM_SIZE)).unwrap_or(32 << 20),
                max_state_bytes: parse_size(&get(MAX_STATE_BYTES)).unwrap_or(8 << 10) as usize,
                lock_timeout: Duration::from_secs(2),
            },
            default_ttl: get(DEFAULT_TTL)
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|t| (1..=86_400).contains(t))
                .unwrap_or(150),
            redis: Self::redis(&get),
        }
    }

    /// Anything but `shm` (or empty) is a Redis URL; one that cannot be used makes every call
    /// warn with the reason.
    fn redis(get: &impl Fn(&str) -> String) -> Option<RedisConfig> {
        let backend = get(BACKEND).trim().to_string();
        if backend.is_empty() || backend.eq_ignore_ascii_case("shm") {
            return None;
        }
        let timeout_ms = get(REDIS_TIMEOUT_MS).trim().parse::<u64>().ok().filter(|t| (1..=60_000).contains(t));
        Some(RedisConfig {
            url: backend,
            key_prefix: get(KEY_PREFIX),
            timeout: Duration::from_millis(timeout_ms.unwrap_or(100)),
            max_state_bytes: parse_size(&get(MAX_STATE_BYTES)).unwrap_or(8 << 10) as usize,
        })
    }
}
