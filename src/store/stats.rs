//! What a store reports about itself, for `presence_stats()` and `php --ri presence`: the figures
//! every backend has, and a part of its own (a segment's geometry and counters; a server's
//! address and the connection's counters).

/// A store's figures at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Entries stored and not removed yet (a few may have expired).
    pub live_entries: u64,
    /// Rooms holding entries.
    pub rooms: u64,
    /// Bytes in use: of the segment, or the Redis server's `used_memory`.
    pub bytes_used: u64,
    /// Bytes available: the segment's size, or the server's `maxmemory` (0: no limit set).
    pub bytes_total: u64,
    /// The version of the backend's format: the segment layout, or the Redis key layout.
    pub layout_version: u32,
    /// What only this backend has.
    pub backend: BackendStats,
}

/// The part of [`Stats`] that depends on the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendStats {
    Shm(ShmStats),
    Redis(RedisStats),
}

/// A shared-memory segment's geometry and counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShmStats {
    /// The segment file.
    pub path: String,
    /// Entry records.
    pub capacity: u64,
    /// Room records.
    pub room_capacity: u64,
    /// Payload bytes of one content chunk.
    pub chunk_size: u64,
    pub chunks_total: u64,
    pub chunks_free: u64,
    /// Entries removed because their TTL passed.
    pub evicted_expired: u64,
    /// Live entries evicted, least recently written first, to make space.
    pub evicted_lru: u64,
    /// Writes refused because nothing more could be evicted.
    pub rejected_full: u64,
    /// Times a process found the lock's holder dead.
    pub lock_recoveries: u64,
    /// Times the table was rebuilt.
    pub repairs: u64,
}

/// A Redis server and this process's connection to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedisStats {
    /// The server as shown to people (the URL without credentials).
    pub server: String,
    /// `redis 7.0.15`, `valkey 8.0.1`; empty before the first connection.
    pub server_version: String,
    /// The start of every key of this site.
    pub key_prefix: String,
    /// Round trips this process made for store calls.
    pub round_trips: u64,
    /// Connections this process opened.
    pub connects: u64,
}

impl Stats {
    /// The segment's figures, when the store is the shared-memory one.
    pub fn shm(&self) -> Option<&ShmStats> {
        match &self.backend {
            BackendStats::Shm(s) => Some(s),
            BackendStats::Redis(_) => None,
        }
    }

    /// The server's figures, when the store is the Redis one.
    pub fn redis(&self) -> Option<&RedisStats> {
        match &self.backend {
            BackendStats::Redis(r) => Some(r),
            BackendStats::Shm(_) => None,
        }
    }

    /// `shm` or `redis`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            BackendStats::Shm(_) => "shm",
            BackendStats::Redis(_) => "redis",
        }
    }
}
