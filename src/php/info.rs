//! `php --ri presence` / phpinfo(): the settings in force and the live state of the segment.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

use super::functions::global;
use crate::store::{PresenceStore, LAYOUT_VERSION_INFO};

pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    let g = global();
    let s = &g.settings;
    info_table_start!();
    info_table_row!("presence support", "enabled");
    info_table_row!("version", env!("CARGO_PKG_VERSION"));
    info_table_row!("segment layout version", LAYOUT_VERSION_INFO.to_string());
    info_table_row!("presence.shm_path", s.shm.path.display().to_string());
    info_table_row!("presence.shm_size", s.shm.size.to_string());
    info_table_row!("presence.default_ttl", s.default_ttl.to_string());
    info_table_row!("presence.max_state_bytes", s.shm.max_state_bytes.to_string());
    match g.store.stats() {
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
    info_table_end!();
}
