//! `php --ri presence` / phpinfo(): the settings in force and the live state of the store (the
//! segment, or the Redis server and the connection to it).

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use super::functions::{global, Store};
use crate::store::{LinkState, PresenceStore, RedisStore, LAYOUT_VERSION_INFO};

pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    let g = global();
    let s = &g.settings;
    info_table_start!();
    info_table_row!("presence support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_row!("presence.default_ttl", s.default_ttl.to_string());
    info_table_row!("presence.max_state_bytes", g.store.max_state_bytes().to_string());
    match &g.store {
        Store::Shm(shm) => {
            info_table_row!("presence.backend", "shm");
            info_table_row!("segment layout version", LAYOUT_VERSION_INFO.to_string());
            info_table_row!("presence.shm_path", s.shm.path.display().to_string());
            info_table_row!("presence.shm_size", s.shm.size.to_string());
            shm_state(shm);
        }
        Store::Redis(redis) => redis_state(redis),
    }
    info_table_end!();
}

fn shm_state(store: &dyn PresenceStore) {
    match store.stats() {
        Ok(st) => {
            info_table_row!("entries (live / capacity)", format!("{} / {}", st.live_entries, st.capacity));
            info_table_row!("rooms (live / capacity)", format!("{} / {}", st.rooms, st.room_capacity));
            info_table_row!("bytes (used / total)", format!("{} / {}", st.bytes_used, st.bytes_total));
            info_table_row!("evictions (expired / lru)", format!("{} / {}", st.evicted_expired, st.evicted_lru));
            info_table_row!("writes refused (full)", st.rejected_full.to_string());
            info_table_row!("lock recoveries / repairs", format!("{} / {}", st.lock_recoveries, st.repairs));
        }
        Err(e) => info_table_row!("segment", format!("not attached: {e}")),
    }
}

fn redis_state(redis: &RedisStore) {
    let cfg = redis.config();
    info_table_row!("presence.backend", redis.server());
    info_table_row!("presence.key_prefix", cfg.key_prefix.as_str());
    info_table_row!("presence.redis_timeout_ms", cfg.timeout.as_millis().to_string());
    // Asking for the counts connects, so the connection row below says how that went.
    let stats = redis.stats();
    let state = match redis.link_state() {
        LinkState::Connected { server_version } => format!("connected ({server_version})"),
        LinkState::Idle => "not connected".to_string(),
        LinkState::Failing { error, retry_in } => {
            format!("unavailable: {error}; next attempt in {} ms", retry_in.as_millis())
        }
    };
    info_table_row!("connection", state);
    if let Ok(st) = stats {
        info_table_row!("entries (live) / rooms", format!("{} / {}", st.live_entries, st.rooms));
        info_table_row!("server memory (used / maxmemory)", format!("{} / {}", st.bytes_used, st.bytes_total));
        info_table_row!("key layout version", st.layout_version.to_string());
    }
}
