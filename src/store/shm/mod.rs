//! [`ShmStore`]: the shared-memory backend. Prepares each request outside the lock (validate,
//! hash, checksum), then takes the segment lock for the table work only, and copies results out
//! before releasing it. Attaches lazily (php-fpm's master must not create the file as root) and
//! re-attaches when another process replaced the file.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod check;
mod content;
mod hash;
pub mod layout;
mod lists;
mod lock;
mod query;
mod repair;
mod segment;
mod table;

use crate::store::api::*;
use crate::store::clock::Clock;
use crate::store::error::{Corrupt, Result, StoreError};
use layout::{CHUNK_SIZE, LAYOUT_VERSION};
use lock::LockError;
pub use segment::Segment;
use segment::SizePolicy;
use table::{Locked, Prepared, WriteResult};

/// How often a process checks that the file at its path is still the one it mapped.
const STALE_CHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct ShmConfig {
    /// The segment file; every process using the same path shares the same table.
    pub path: PathBuf,
    /// Size of the segment in bytes.
    pub size: u64,
    /// Largest encoded state accepted.
    pub max_state_bytes: usize,
    /// Longest wait for the lock before a call gives up.
    pub lock_timeout: Duration,
}

impl ShmConfig {
    /// The default path: per user (the uid of the process) and per layout version, in /dev/shm.
    pub fn default_path() -> PathBuf {
        // SAFETY: geteuid has no preconditions.
        let uid = unsafe { libc::geteuid() };
        PathBuf::from(format!("/dev/shm/presence-v{LAYOUT_VERSION}-{uid}.seg"))
    }
}

struct Attached {
    segment: Option<Arc<Segment>>,
    checked: Instant,
    ever_attached: bool,
}

pub struct ShmStore {
    cfg: ShmConfig,
    clock: Arc<dyn Clock>,
    attached: Mutex<Attached>,
}

impl ShmStore {
    /// A store that attaches on first use.
    pub fn new(cfg: ShmConfig, clock: Arc<dyn Clock>) -> Self {
        let cfg = ShmConfig { max_state_bytes: cfg.max_state_bytes.min(layout::MAX_STATE_LIMIT), ..cfg };
        ShmStore {
            cfg,
            clock,
            attached: Mutex::new(Attached { segment: None, checked: Instant::now(), ever_attached: false }),
        }
    }

    /// A store attached now (errors surface here rather than on first use).
    pub fn open(cfg: ShmConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let s = Self::new(cfg, clock);
        s.segment()?;
        Ok(s)
    }

    pub fn config(&self) -> &ShmConfig {
        &self.cfg
    }

    fn segment(&self) -> Result<Arc<Segment>> {
        let mut a = self.attached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(seg) = a.segment.clone() {
            if a.checked.elapsed() < STALE_CHECK_EVERY {
                return Ok(seg);
            }
            a.checked = Instant::now();
            if !seg.is_stale() {
                return Ok(seg);
            }
        }
        let policy = if a.ever_attached { SizePolicy::Existing } else { SizePolicy::Requested };
        let seg = Arc::new(Segment::attach(&self.cfg.path, self.cfg.size, policy)?);
        a.segment = Some(seg.clone());
        a.checked = Instant::now();
        a.ever_attached = true;
        Ok(seg)
    }

    /// Runs `op` under the segment lock: repairs first if the previous holder died, repairs and
    /// retries once if `op` finds the table inconsistent, and empties it as the last resort.
    fn with_table<R>(&self, mut op: impl FnMut(&mut Locked<'_>) -> std::result::Result<R, Corrupt>) -> Result<R> {
        let seg = self.segment()?;
        let (mut t, needs_repair) = match Locked::acquire(&seg, self.cfg.lock_timeout) {
            Ok(x) => x,
            Err(LockError::Timeout) => return Err(StoreError::LockTimeout),
            Err(e) => {
                return Err(StoreError::Attach {
                    path: self.cfg.path.display().to_string(),
                    message: format!("segment lock unusable ({e:?}); delete the file to start over"),
                })
            }
        };
        if needs_repair {
            t.rebuild();
        }
        let result = match op(&mut t) {
            Ok(r) => r,
            Err(Corrupt) => {
                t.rebuild();
                match op(&mut t) {
                    Ok(r) => r,
                    Err(Corrupt) => {
                        t.reset_all(0);
                        op(&mut t).map_err(|_| StoreError::Attach {
                            path: self.cfg.path.display().to_string(),
                            message: "segment is damaged beyond repair".into(),
                        })?
                    }
                }
            }
        };
        t.finish();
        Ok(result)
    }

    fn min_updated(&self, now_us: u64, max_age_secs: Option<u32>) -> u64 {
        max_age_secs.map_or(0, |s| now_us.saturating_sub(u64::from(s) * 1_000_000))
    }

    /// Verifies every invariant of the table (used by tests, and by `presence_stats()` callers
    /// who want to know). Returns a description of the first violation.
    pub fn check_integrity(&self) -> Result<std::result::Result<(), String>> {
        self.with_table(|t| Ok(t.check_integrity()))
    }

    /// Takes the lock, leaves the table half-written (a room's and an entry's links pointing
    /// nowhere, counters off) and calls `hold` without releasing it: what a process SIGKILLed in
    /// the middle of a write leaves behind. Only for tests, which kill the process inside `hold`.
    #[doc(hidden)]
    pub fn testing_die_mid_write(&self, hold: impl FnOnce()) -> Result<()> {
        let seg = self.segment()?;
        let (mut t, _) = Locked::acquire(&seg, self.cfg.lock_timeout).map_err(|_| StoreError::LockTimeout)?;
        t.testing_tear();
        hold();
        t.finish();
        Ok(())
    }

    /// The mapped segment, for tests that damage it on purpose.
    #[doc(hidden)]
    pub fn testing_segment(&self) -> Result<Arc<Segment>> {
        self.segment()
    }
}

impl PresenceStore for ShmStore {
    fn upsert(&self, room: &str, client_id: &str, state: &[u8], user_id: u64, ttl_secs: u32) -> Result<Written> {
        validate_key("room", room)?;
        validate_key("client_id", client_id)?;
        validate_seconds("ttl", i64::from(ttl_secs))?;
        if state.len() > self.cfg.max_state_bytes {
            return Err(StoreError::invalid(
                "state",
                format!("is larger than presence.max_state_bytes ({} bytes) when encoded", self.cfg.max_state_bytes),
            ));
        }
        let room_hash = table::room_hash(room.as_bytes());
        let now_us = self.clock.now_us();
        let w = Prepared {
            room: room.as_bytes(),
            room_hash,
            client: client_id.as_bytes(),
            key_hash: hash::entry_key(room_hash, client_id.as_bytes()),
            state,
            checksum: hash::content_checksum(user_id, client_id.as_bytes(), state),
            user_id,
            now_us,
            expires_us: now_us + u64::from(ttl_secs) * 1_000_000,
        };
        match self.with_table(|t| t.upsert(&w))? {
            WriteResult::Done(written) => Ok(written),
            WriteResult::Full => Err(StoreError::Full { needed_bytes: room.len() + client_id.len() + state.len() }),
        }
    }

    fn room(&self, room: &str, max_age_secs: Option<u32>, limit: Option<usize>) -> Result<EntryList> {
        validate_key("room", room)?;
        let room_hash = table::room_hash(room.as_bytes());
        let now_us = self.clock.now_us();
        let min = self.min_updated(now_us, max_age_secs);
        let limit = limit.unwrap_or(usize::MAX);
        self.with_table(|t| {
            let mut out = EntryList::default();
            t.read_room(room.as_bytes(), room_hash, now_us, min, limit, &mut out)?;
            Ok(out)
        })
    }

    fn room_count(&self, room: &str, max_age_secs: Option<u32>) -> Result<u64> {
        validate_key("room", room)?;
        let room_hash = table::room_hash(room.as_bytes());
        let now_us = self.clock.now_us();
        let min = self.min_updated(now_us, max_age_secs);
        self.with_table(|t| t.count_room(room.as_bytes(), room_hash, now_us, min))
    }

    fn remove(&self, room: &str, client_id: &str) -> Result<bool> {
        validate_key("room", room)?;
        validate_key("client_id", client_id)?;
        let room_hash = table::room_hash(room.as_bytes());
        let key_hash = hash::entry_key(room_hash, client_id.as_bytes());
        let now_us = self.clock.now_us();
        self.with_table(|t| t.remove(room.as_bytes(), room_hash, key_hash, client_id.as_bytes(), now_us))
    }

    fn remove_user(&self, user_id: u64, room_prefix: &str) -> Result<u64> {
        validate_prefix("room_prefix", room_prefix)?;
        let now_us = self.clock.now_us();
        self.with_table(|t| t.remove_user(user_id, room_prefix.as_bytes(), now_us))
    }

    fn user(&self, user_id: u64, max_age_secs: Option<u32>) -> Result<EntryList> {
        let now_us = self.clock.now_us();
        let min = self.min_updated(now_us, max_age_secs);
        self.with_table(|t| {
            let mut out = EntryList::default();
            t.read_user(user_id, now_us, min, &mut out)?;
            Ok(out)
        })
    }

    fn rooms(&self, prefix: &str, max_age_secs: Option<u32>) -> Result<Vec<RoomSummary>> {
        validate_prefix("prefix", prefix)?;
        let now_us = self.clock.now_us();
        let min = self.min_updated(now_us, max_age_secs);
        self.with_table(|t| t.rooms(prefix.as_bytes(), now_us, min))
    }

    fn room_version(&self, room: &str) -> Result<u64> {
        validate_key("room", room)?;
        let room_hash = table::room_hash(room.as_bytes());
        let now_us = self.clock.now_us();
        self.with_table(|t| t.room_version(room.as_bytes(), room_hash, now_us))
    }

    fn gc(&self) -> Result<u64> {
        let now_us = self.clock.now_us();
        self.with_table(|t| t.gc(now_us))
    }

    fn flush(&self, prefix: &str) -> Result<u64> {
        validate_prefix("prefix", prefix)?;
        let now_us = self.clock.now_us();
        self.with_table(|t| {
            if prefix.is_empty() {
                Ok(t.reset_all(now_us))
            } else {
                t.flush_prefix(prefix.as_bytes(), now_us)
            }
        })
    }

    fn stats(&self) -> Result<Stats> {
        // Geometry and counters from one lock hold, so both describe the same file.
        let (g, c) = self.with_table(|t| Ok((t.geo, t.c)))?;
        let used_chunks = u64::from(g.chunk_count - c.free_chunks.min(g.chunk_count));
        let entry_bytes = std::mem::size_of::<layout::EntryRec>() as u64;
        let room_bytes = (std::mem::size_of::<layout::RoomRec>() + layout::ROOM_NAME_BYTES) as u64;
        let fixed = g.chunks_off - u64::from(g.entry_capacity) * entry_bytes - u64::from(g.room_capacity) * room_bytes;
        Ok(Stats {
            backend: "shm",
            path: self.cfg.path.display().to_string(),
            layout_version: LAYOUT_VERSION,
            bytes_total: g.total_size,
            bytes_used: fixed
                + u64::from(c.live_entries) * entry_bytes
                + u64::from(c.live_rooms) * room_bytes
                + used_chunks * CHUNK_SIZE as u64,
            capacity: u64::from(g.entry_capacity),
            live_entries: u64::from(c.live_entries),
            room_capacity: u64::from(g.room_capacity),
            rooms: u64::from(c.live_rooms),
            chunk_size: CHUNK_SIZE as u64,
            chunks_total: u64::from(g.chunk_count),
            chunks_free: u64::from(c.free_chunks),
            evicted_expired: c.evicted_expired,
            evicted_lru: c.evicted_lru,
            rejected_full: c.rejected_full,
            lock_recoveries: c.lock_recoveries,
            repairs: c.repairs,
        })
    }
}
