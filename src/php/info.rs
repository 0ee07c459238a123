//! `php --ri presence` / phpinfo(): the settings in force and the live state of the store (the
//! segment, or the Redis server and the connection to it).

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use super::errors::c_text;

use super::process::{self, Store};
use crate::store::shm::layout::LAYOUT_VERSION;
use crate::store::{LinkState, PresenceStore, RedisStore, ShmStore};

pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    let p = process::get();
    info_table_start!();
    row("presence support", "enabled");
    row("version", env!("CARGO_PKG_VERSION"));
    row("presence.default_ttl", p.config.default_ttl.secs().to_string());
    row("presence.max_state_bytes", p.config.max_state_bytes.to_string());
    match &p.store {
        Store::Shm(shm) => {
            row("presence.backend", "shm");
            row("segment layout version", LAYOUT_VERSION.to_string());
            row("presence.shm_path", shm.config().path.display().to_string());
            row("presence.shm_size", shm.config().size.to_string());
            shm_state(shm);
        }
        Store::Redis(redis) => redis_state(redis),
    }
    info_table_end!();
}

/// One row. Values come from php.ini and from the server, and may hold a NUL byte, on which
/// `info_table_row!` panics (here, in a C callback, that aborts the process): `c_text` first.
fn row(name: &str, value: impl AsRef<str>) {
    info_table_row!(name, c_text(value.as_ref()).as_ref());
}

fn shm_state(store: &ShmStore) {
    match store.stats() {
        Ok(st) => {
            let shm = st.shm().cloned().unwrap_or_default();
            row("entries (live / capacity)", format!("{} / {}", st.live_entries, shm.capacity));
            row("rooms (live / capacity)", format!("{} / {}", st.rooms, shm.room_capacity));
            row("bytes (used / total)", format!("{} / {}", st.bytes_used, st.bytes_total));
            row("evictions (expired / lru)", format!("{} / {}", shm.evicted_expired, shm.evicted_lru));
            row("writes refused (full)", shm.rejected_full.to_string());
            row("lock recoveries / repairs", format!("{} / {}", shm.lock_recoveries, shm.repairs));
        }
        Err(e) => row("segment", format!("not attached: {e}")),
    }
}

fn redis_state(redis: &RedisStore) {
    let cfg = redis.config();
    row("presence.backend", redis.server());
    row("presence.key_prefix", cfg.key_prefix.as_str());
    row("presence.redis_timeout_ms", cfg.timeout.as_millis().to_string());
    // Asking for the counts connects, so the connection row below says how that went.
    let stats = redis.stats();
    let state = match redis.link_state() {
        LinkState::Connected { server_version } => format!("connected ({server_version})"),
        LinkState::Idle => "not connected".to_string(),
        LinkState::Failing { error, retry_in } => {
            format!("unavailable: {error}; next attempt in {} ms", retry_in.as_millis())
        }
    };
    row("connection", state);
    if let Ok(st) = stats {
        row("entries (live) / rooms", format!("{} / {}", st.live_entries, st.rooms));
        row("server memory (used / maxmemory)", format!("{} / {}", st.bytes_used, st.bytes_total));
        row("key layout version", st.layout_version.to_string());
    }
}
