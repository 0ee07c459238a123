//! [`ShmStore`]: the shared-memory backend. Prepares each request outside the lock (hash under
//! the segment's key, checksum), then takes the segment lock for the table work only, and copies
//! results out before releasing it. Attaches lazily (php-fpm's master must not create the file as
//! root) and re-attaches when another process replaced the file.
//!
//! Layers, each using only those below it: `layout` (the binary format) and `hash` → `segment`
//! (the mapping, bounds-checked access) and `lock` (the robust mutex) → `table` (the `Locked`
//! guard, rooms, lookups, removal) with `lists`, `content`, `expiry`, `write`, `query`,
//! `exchange`, `repair`, `check`; `live` (revocation slots) → `attach` (open, validate, create,
//! replace) → this file (attaching, the lock protocol) → `backend` (each call of the
//! [`crate::store::PresenceStore`] trait: prepared, then run under the lock).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod attach;
mod backend;
mod check;
mod content;
mod exchange;
mod expiry;
mod hash;
pub mod layout;
mod lists;
mod live;
mod lock;
mod query;
mod repair;
mod segment;
mod table;
mod write;

use crate::store::clock::Clock;
use crate::store::error::{Corrupt, Result, StoreError};
use crate::store::live::{Keys, Secret};
use layout::{HashKey, LAYOUT_VERSION};
use lock::LockError;
pub use segment::Segment;
use table::Locked;

/// How often a process checks that the file at its path is still the one it mapped.
const STALE_CHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct ShmConfig {
    /// The segment file; every process using the same path shares the same table.
    pub path: PathBuf,
    /// Size of the segment in bytes (a file found at the path keeps its own).
    pub size: u64,
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
    /// This process was told (and told its caller) that the live file has another size.
    warned_size: bool,
}

/// The live lane's keys of one file, named by (device, inode).
type FileKeys = ((u64, u64), Arc<Keys>);

/// How a store reports what it noticed without failing (PHP turns it into an `E_WARNING`).
pub type WarningHook = fn(&str);

pub struct ShmStore {
    cfg: ShmConfig,
    clock: Arc<dyn Clock>,
    attached: Mutex<Attached>,
    /// Called with each warning, outside every lock; without it, warnings wait for
    /// [`ShmStore::take_warnings`].
    on_warning: Option<WarningHook>,
    warnings: Mutex<Vec<String>>,
    /// The live lane's keys, derived from the secret of the file they name.
    live_keys: Mutex<Option<FileKeys>>,
}

impl ShmStore {
    /// A store that attaches on first use.
    pub fn new(cfg: ShmConfig, clock: Arc<dyn Clock>) -> Self {
        ShmStore {
            cfg,
            clock,
            attached: Mutex::new(Attached { segment: None, checked: Instant::now(), warned_size: false }),
            on_warning: None,
            warnings: Mutex::new(Vec::new()),
            live_keys: Mutex::new(None),
        }
    }

    /// Reports warnings through `hook` as they happen (each call that attaches calls it, before
    /// taking the segment lock).
    pub fn on_warning(mut self, hook: WarningHook) -> Self {
        self.on_warning = Some(hook);
        self
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

    /// Warnings not yet reported (when no hook is set): e.g. that the live file has another size
    /// than this process's configuration asks for.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn warn(&self, message: String) {
        self.warnings.lock().unwrap_or_else(|p| p.into_inner()).push(message);
    }

    /// Hands queued warnings to the hook. Called with no lock held: the hook may call into PHP,
    /// whose error handler may call the store again.
    fn report_warnings(&self) {
        if let Some(hook) = self.on_warning {
            for w in self.take_warnings() {
                hook(&w);
            }
        }
    }

    fn segment(&self) -> Result<Arc<Segment>> {
        let seg = self.segment_inner(None);
        self.report_warnings();
        seg
    }

    /// The attached segment; re-attaches when the file at the path is no longer the one mapped
    /// (checked once a second) or when `replaced` names the mapping in use (found retired, or
    /// with an unusable lock: condemned, it is replaced if still at the path).
    fn segment_inner(&self, replaced: Option<(&Segment, bool)>) -> Result<Arc<Segment>> {
        let mut a = self.attached.lock().unwrap_or_else(|p| p.into_inner());
        if let (Some(seg), None) = (a.segment.clone(), replaced) {
            if a.checked.elapsed() < STALE_CHECK_EVERY {
                return Ok(seg);
            }
            a.checked = Instant::now();
            if !attach::is_stale(&seg) {
                return Ok(seg);
            }
        }
        let condemned = replaced.filter(|(_, condemn)| *condemn).map(|(seg, _)| seg.file_id());
        let (seg, note) = attach::attach(&self.cfg.path, self.cfg.size, self.clock.now_us(), condemned)?;
        if let Some(live) = note.adopted_size.filter(|_| !a.warned_size) {
            a.warned_size = true;
            self.warn(format!(
                "presence.shm_size asks for {} bytes, but the live segment {} has {live}: using it as it is \
                 (every process of the machine shares it); delete the file to resize it",
                self.cfg.size,
                self.cfg.path.display()
            ));
        }
        let seg = Arc::new(seg);
        a.segment = Some(seg.clone());
        a.checked = Instant::now();
        Ok(seg)
    }

    /// The live lane's keys for a segment (derived once per file this process attaches).
    fn live_keys(&self, seg: &Segment) -> Arc<Keys> {
        let mut cached = self.live_keys.lock().unwrap_or_else(|p| p.into_inner());
        match &*cached {
            Some((id, keys)) if *id == seg.file_id() => keys.clone(),
            _ => {
                let keys = Arc::new(Keys::new(&Secret(seg.live_secret().0)));
                *cached = Some((seg.file_id(), keys.clone()));
                keys
            }
        }
    }

    /// Runs `op` under the segment lock: repairs first if the previous holder died, repairs and
    /// retries once if `op` finds the table inconsistent, and empties it as the last resort.
    /// Before any work, a file another process replaced (marked retired) is left for the new one.
    ///
    /// `prepare` runs before the lock, with the segment (again if the call moves to another
    /// file, which has another hash key and secret); when it answers `Err`, that is the call's
    /// answer and the lock is not taken. `op` gets what it made, and the time read under the
    /// lock: holders see it move forward in lock order, and a wall clock stepped back is noticed
    /// (every expiry is then capped at `now + TTL` at once).
    fn with_segment<P, R>(
        &self,
        prepare: impl Fn(&Segment) -> std::result::Result<P, R>,
        mut op: impl FnMut(&mut Locked<'_>, &P, u64) -> std::result::Result<R, Corrupt>,
    ) -> Result<R> {
        let mut seg = self.segment()?;
        for _ in 0..4 {
            let prepared = match prepare(&seg) {
                Ok(p) => p,
                Err(answer) => return Ok(answer),
            };
            let replaced = match Locked::acquire(&seg, self.cfg.lock_timeout) {
                Ok((t, needs_repair)) if !t.is_retired() => {
                    return self.run_locked(t, needs_repair, &mut |t, now_us| op(t, &prepared, now_us))
                }
                Ok((t, _)) => {
                    t.finish();
                    false
                }
                Err(LockError::Timeout) => return Err(StoreError::LockTimeout),
                Err(LockError::NotRecoverable) => true,
                Err(e) => return Err(StoreError::LockUnusable { path: self.path_shown(), reason: format!("{e:?}") }),
            };
            let next = self.segment_inner(Some((&seg, replaced)));
            self.report_warnings();
            seg = next?;
        }
        Err(StoreError::Attach { path: self.path_shown(), message: "the segment kept being replaced".into() })
    }

    /// [`Self::with_segment`] for work prepared with the segment's hash key only.
    fn with_table<P, R>(
        &self,
        prepare: impl Fn(&HashKey) -> P,
        op: impl FnMut(&mut Locked<'_>, &P, u64) -> std::result::Result<R, Corrupt>,
    ) -> Result<R> {
        self.with_segment(|seg| Ok(prepare(seg.hash_key())), op)
    }

    /// [`Self::with_table`] for work that hashes nothing.
    fn locked<R>(&self, mut op: impl FnMut(&mut Locked<'_>, u64) -> std::result::Result<R, Corrupt>) -> Result<R> {
        self.with_table(|_| (), |t, (), now_us| op(t, now_us))
    }

    fn path_shown(&self) -> String {
        self.cfg.path.display().to_string()
    }

    fn run_locked<R>(
        &self,
        mut t: Locked<'_>,
        needs_repair: bool,
        op: &mut impl FnMut(&mut Locked<'_>, u64) -> std::result::Result<R, Corrupt>,
    ) -> Result<R> {
        let now_us = self.clock.now_us();
        let damaged_clock = t.reseed_damaged_version_clock(now_us);
        if needs_repair || damaged_clock || t.notice_clock(now_us).is_err() {
            t.repair(now_us);
        }
        let result = match op(&mut t, now_us) {
            Ok(r) => Ok(r),
            Err(Corrupt) => {
                t.repair(now_us);
                op(&mut t, now_us).or_else(|Corrupt| {
                    t.reset_all(0);
                    op(&mut t, now_us).map_err(|Corrupt| StoreError::Damaged { path: self.path_shown() })
                })
            }
        };
        t.finish();
        result
    }

    /// Verifies every invariant of the table (used by tests, and by `presence_stats()` callers
    /// who want to know). Returns a description of the first violation.
    pub fn check_integrity(&self) -> Result<std::result::Result<(), String>> {
        self.locked(|t, _| Ok(t.check_integrity()))
    }

    /// Takes the lock, leaves the table half-written (a room's and an entry's links pointing
    /// nowhere, counters off) and calls `hold` without releasing it: what a process SIGKILLed in
    /// the middle of a write leaves behind. Only for tests, which kill the process inside `hold`.
    #[cfg(feature = "testing")]
    pub fn testing_die_mid_write(&self, hold: impl FnOnce()) -> Result<()> {
        let seg = self.segment()?;
        let (mut t, _) = Locked::acquire(&seg, self.cfg.lock_timeout).map_err(|_| StoreError::LockTimeout)?;
        t.testing_tear();
        hold();
        t.finish();
        Ok(())
    }

    /// Leaves the segment lock unrecoverable (what a failed `pthread_mutex_consistent` leaves).
    #[cfg(feature = "testing")]
    pub fn testing_make_lock_unrecoverable(&self) -> Result<()> {
        let seg = self.segment()?;
        // SAFETY: the lock of a mapping validated at attach time; this process does not hold it.
        unsafe { lock::testing_make_unrecoverable(seg.lock_ptr()) };
        Ok(())
    }

    /// The mapped segment, for tests that damage it on purpose.
    #[cfg(feature = "testing")]
    pub fn testing_segment(&self) -> Result<Arc<Segment>> {
        self.segment()
    }

    /// Rebuilds the table now and returns how long the lock was held for it (measurements).
    #[cfg(feature = "testing")]
    pub fn testing_rebuild(&self) -> Result<Duration> {
        self.locked(|t, now_us| {
            let started = Instant::now();
            t.repair(now_us);
            Ok(started.elapsed())
        })
    }

    /// Live evictions made while an expired entry was stored, counted by test builds (always 0).
    #[cfg(feature = "testing")]
    pub fn testing_audit(&self) -> Result<u64> {
        self.locked(|t, _| Ok(t.figures().1.audit_live_evicted_with_expired))
    }

    /// Records visited by room and entry lookups on this thread so far: what a lookup costs,
    /// for tests that compare work rather than time.
    #[cfg(feature = "testing")]
    pub fn testing_chain_steps() -> u64 {
        table::testing_chain_steps()
    }

    /// Entries visited by walks of a room on this thread so far: what a read that walks a room
    /// costs, for tests that check which reads walk one.
    #[cfg(feature = "testing")]
    pub fn testing_walk_steps() -> u64 {
        table::testing_walk_steps()
    }
}
