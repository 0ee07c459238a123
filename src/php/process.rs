//! This process's store: the backend `presence.backend` chose, made on the first presence call
//! (a php-fpm worker's, never the master's, which runs as root before forking) and held for the
//! life of the process. The shared-memory store attaches lazily on its first operation.

use std::sync::{Arc, Once, OnceLock};

use super::errors::warning;
use super::ini;
use crate::store::{BackendConfig, Config, PresenceStore, RedisStore, ShmStore, SystemClock};

/// The backend `presence.backend` chose.
pub enum Store {
    Shm(ShmStore),
    Redis(Box<RedisStore>),
}

impl std::ops::Deref for Store {
    type Target = dyn PresenceStore;
    fn deref(&self) -> &Self::Target {
        match self {
            Store::Shm(s) => s,
            Store::Redis(r) => r.as_ref(),
        }
    }
}

/// This process's settings and store.
pub struct Process {
    pub config: Config,
    pub store: Store,
    /// What was wrong with the php.ini values, raised once by the first presence call.
    warnings: Vec<String>,
}

static PROCESS: OnceLock<Process> = OnceLock::new();
static INI_WARNED: Once = Once::new();

/// The process's settings and store, made on first use.
pub fn get() -> &'static Process {
    let p = PROCESS.get_or_init(|| {
        let (config, warnings) = ini::config();
        // Redis: no clock given, the server's decides (one clock for every machine of a fleet).
        let store = match &config.backend {
            BackendConfig::Redis(cfg) => Store::Redis(Box::new(RedisStore::new(cfg.clone(), None))),
            BackendConfig::Shm(cfg) => {
                Store::Shm(ShmStore::new(cfg.clone(), Arc::new(SystemClock)).on_warning(warning))
            }
        };
        Process { config, store, warnings }
    });
    // Outside get_or_init: an error handler that calls presence_* again must find it done.
    let mut first = false;
    INI_WARNED.call_once(|| first = true);
    if first {
        for w in &p.warnings {
            warning(w);
        }
    }
    p
}
