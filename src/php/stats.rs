//! The store's figures as the array `presence_stats()` returns: the same keys on every backend
//! (a figure a backend does not have reads 0), then those naming the segment or the server.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::ZendHashTable;

use crate::store::{BackendStats, Config, ShmStats, Stats};

pub fn stats_array(s: &Stats, config: &Config) -> ZBox<ZendHashTable> {
    let none = ShmStats::default();
    let shm = s.shm().unwrap_or(&none);
    let mut a = ZendHashTable::new();
    let mut evictions = ZendHashTable::with_capacity(2);
    let _ = evictions.insert("expired", shm.evicted_expired as i64);
    let _ = evictions.insert("lru", shm.evicted_lru as i64);
    let rows: [(&str, i64); 12] = [
        ("capacity", shm.capacity as i64),
        ("live_entries", s.live_entries as i64),
        ("rooms", s.rooms as i64),
        ("room_capacity", shm.room_capacity as i64),
        ("bytes_used", s.bytes_used as i64),
        ("bytes_total", s.bytes_total as i64),
        ("rejected_full", shm.rejected_full as i64),
        ("lock_recoveries", shm.lock_recoveries as i64),
        ("repairs", shm.repairs as i64),
        ("layout_version", i64::from(s.layout_version)),
        ("default_ttl", i64::from(config.default_ttl.secs())),
        ("max_state_bytes", config.max_state_bytes as i64),
    ];
    for (k, v) in rows {
        let _ = a.insert(k, v);
    }
    let _ = a.insert("evictions", evictions);
    let _ = a.insert("backend", s.backend_name());
    match &s.backend {
        BackendStats::Shm(shm) => {
            let _ = a.insert("segment_path", shm.path.as_str());
        }
        BackendStats::Redis(r) => {
            let _ = a.insert("server", r.server.as_str());
            let _ = a.insert("server_version", r.server_version.as_str());
            let _ = a.insert("key_prefix", r.key_prefix.as_str());
            let _ = a.insert("round_trips", r.round_trips as i64);
            let _ = a.insert("connects", r.connects as i64);
        }
    }
    a
}
