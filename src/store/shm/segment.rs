//! The shared segment file: opening, validating, creating or replacing it, mapping it
//! `MAP_SHARED`, and bounds-checked access to its records. This file and `lock.rs` are the only
//! places that touch raw shared memory.
//!
//! Attach protocol (under `flock` on the file, so two processes never initialise it at once):
//! - an empty file (just created) gets its space reserved (`posix_fallocate`: no SIGBUS later on
//!   a full tmpfs) and is initialised in place; if the space is not there, the file is left empty
//!   and the attach fails;
//! - a file with a valid header (magic, layout version, ready mark, geometry matching its size,
//!   not retired) is used as it is, whatever size this process was configured for: a live table
//!   is never wiped because two processes disagree about `presence.shm_size` (the caller is told,
//!   to warn);
//! - anything else (another layout, truncated, garbage) is replaced: a new file is created and
//!   initialised completely beside it (`<path>.new`), then the old file is marked retired under
//!   its lock (when it has a usable one), then the new file is renamed over the path. Nothing is
//!   renamed unless every step before succeeded. Processes still mapping the old file are never
//!   handed a file that shrinks under them (which would be SIGBUS); they find the retired mark at
//!   their next lock and attach again. A `<path>.new` left by a replacer that died is removed by
//!   the next attach (under the flock, no replacer can be working on it).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::ptr;

use super::layout::*;
use super::lock;
use crate::store::error::{Corrupt, StoreError};

/// A mapped segment. Shared content is only ever reached through raw pointers, one read or write
/// at a time, after an index check against the geometry this process validated at attach time
/// (never against values read back from the file).
pub struct Segment {
    base: *mut u8,
    len: usize,
    geo: Geometry,
    dev: u64,
    ino: u64,
    path: PathBuf,
}

// SAFETY: the mapping is shared memory, valid for the life of the Segment; every access to its
// mutable content happens while holding the process-shared segment lock, which also serialises
// threads of one process.
unsafe impl Send for Segment {}
// SAFETY: as above: concurrent `&Segment` users synchronise through the segment lock.
unsafe impl Sync for Segment {}

struct Fd(libc::c_int);

impl Drop for Fd {
    fn drop(&mut self) {
        // The mapping keeps the open file description (and so an flock on it) alive after
        // close: unlock explicitly. Unlocking a descriptor that holds no lock is harmless.
        // SAFETY: we own this descriptor; it is unlocked and closed once.
        unsafe {
            libc::flock(self.0, libc::LOCK_UN);
            libc::close(self.0);
        }
    }
}

fn os_err(path: &Path, what: &str) -> StoreError {
    StoreError::Attach {
        path: path.display().to_string(),
        message: format!("{what}: {}", std::io::Error::last_os_error()),
    }
}

/// Where a replacement is built before it is renamed over `path`.
fn temp_path(path: &Path) -> PathBuf {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    PathBuf::from(tmp)
}

fn c_path(path: &Path) -> Result<CString, StoreError> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| StoreError::Attach {
        path: path.display().to_string(),
        message: "path contains a NUL byte".into(),
    })
}

fn fstat(fd: &Fd, path: &Path) -> Result<libc::stat, StoreError> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fd is open; st is a valid out-parameter.
    if unsafe { libc::fstat(fd.0, st.as_mut_ptr()) } != 0 {
        return Err(os_err(path, "fstat"));
    }
    // SAFETY: fstat succeeded and filled st.
    Ok(unsafe { st.assume_init() })
}

fn stat_path(cpath: &CString) -> Option<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: cpath is NUL-terminated; st is a valid out-parameter.
    if unsafe { libc::stat(cpath.as_ptr(), st.as_mut_ptr()) } != 0 {
        return None;
    }
    // SAFETY: stat succeeded and filled st.
    Some(unsafe { st.assume_init() })
}

fn open_file(cpath: &CString, path: &Path, extra: libc::c_int) -> Result<Fd, StoreError> {
    // SAFETY: cpath is NUL-terminated; the flags and mode are plain integers.
    let fd = unsafe { libc::open(cpath.as_ptr(), libc::O_RDWR | libc::O_CLOEXEC | libc::O_NOFOLLOW | extra, 0o600) };
    if fd < 0 {
        Err(os_err(path, "open"))
    } else {
        Ok(Fd(fd))
    }
}

/// A root process (a php-fpm master, `wp` run as root) that creates the file hands it to the
/// owner of its directory, so the site user's workers can open it. In a world-writable directory
/// (/dev/shm) there is no such owner to pick: the file stays with its creator, whose uid is part of
/// the default file name anyway.
fn hand_to_directory_owner(fd: &Fd, path: &Path) {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let Some(dir) = path.parent().and_then(|d| c_path(d).ok()) else {
        return;
    };
    let Some(st) = stat_path(&dir) else { return };
    if st.st_mode & 0o002 == 0 && st.st_uid != 0 {
        // SAFETY: fd is open; a failure leaves the file root-owned, which the worker reports.
        unsafe { libc::fchown(fd.0, st.st_uid, st.st_gid) };
    }
}

/// What an attach found besides the segment.
#[derive(Debug, Default)]
pub(crate) struct AttachNote {
    /// The live file's size when it differs from the size this process asked for.
    pub adopted_size: Option<u64>,
}

impl Segment {
    /// Opens, validates or (re)creates the segment at `path` and maps it. `size` is used when the
    /// file is created; an existing valid file keeps its own size. `now_us` seeds the room
    /// versions of a new file. `condemned` names a file (device, inode) whose lock is unusable:
    /// if it is still at the path, it is replaced even though its header checks out.
    pub(crate) fn attach(
        path: &Path,
        size: u64,
        now_us: u64,
        condemned: Option<(u64, u64)>,
    ) -> Result<(Segment, AttachNote), StoreError> {
        let geo = Geometry::for_size(size).ok_or_else(|| StoreError::Attach {
            path: path.display().to_string(),
            message: format!("size {size} is outside {MIN_SEGMENT}..={MAX_SEGMENT} bytes"),
        })?;
        let cpath = c_path(path)?;
        for _ in 0..8 {
            let fd = open_file(&cpath, path, libc::O_CREAT)?;
            // SAFETY: fd is open. Blocks while another process initialises or replaces the file.
            if unsafe { libc::flock(fd.0, libc::LOCK_EX) } != 0 {
                return Err(os_err(path, "flock"));
            }
            let st = fstat(&fd, path)?;
            // Replaced by someone else between our open and our flock: start over on the new file.
            match stat_path(&cpath) {
                Some(now) if now.st_ino == st.st_ino && now.st_dev == st.st_dev => {}
                _ => continue,
            }
            // Under our flock nobody is replacing this file: a `.new` beside it is a dead replacer's.
            let tmp = temp_path(path);
            if let Ok(ctmp) = c_path(&tmp) {
                // SAFETY: ctmp is NUL-terminated; a missing file is fine.
                unsafe { libc::unlink(ctmp.as_ptr()) };
            }
            if st.st_size == 0 {
                let seg = Self::create_in(&fd, path, geo, &st, now_us).inspect_err(|_| {
                    // Leave it empty, as found, so that the next attach tries again.
                    // SAFETY: fd is open for writing and flocked by us.
                    unsafe { libc::ftruncate(fd.0, 0) };
                })?;
                hand_to_directory_owner(&fd, path);
                return Ok((seg, AttachNote::default()));
            }
            let is_condemned = condemned == Some((st.st_dev, st.st_ino));
            let existing = u64::try_from(st.st_size).ok().and_then(Geometry::for_size);
            let old = match existing {
                Some(existing_geo) => Some(Self::map(&fd, path, existing_geo, &st)?),
                None => None,
            };
            return match old {
                Some(seg) if !is_condemned && seg.header_is_valid() => {
                    let adopted_size = (seg.geo.total_size != size).then_some(seg.geo.total_size);
                    Ok((seg, AttachNote { adopted_size }))
                }
                old => Ok((Self::replace(path, geo, now_us, old.as_ref())?, AttachNote::default())),
            };
        }
        Err(StoreError::Attach { path: path.display().to_string(), message: "the file kept being replaced".into() })
    }

    /// Creates a complete new segment beside `path`, marks `old` (the file there, if it has a
    /// usable lock) retired, and renames the new file over the path. The caller holds the flock
    /// on the file at `path`. On any failure nothing is renamed and the temporary file is gone.
    fn replace(path: &Path, geo: Geometry, now_us: u64, old: Option<&Segment>) -> Result<Segment, StoreError> {
        let tmp = temp_path(path);
        let ctmp = c_path(&tmp)?;
        let cpath = c_path(path)?;
        // Versions continue above the old file's, if it is one of ours (else the clock decides).
        let seed = old.filter(|o| o.lock_is_plausible()).map_or(now_us, |o| now_us.max(o.next_version_seed()));
        let fd = open_file(&ctmp, &tmp, libc::O_CREAT | libc::O_EXCL)?;
        let created = fstat(&fd, &tmp).and_then(|st| Self::create_in(&fd, path, geo, &st, seed));
        let seg = match created {
            Ok(seg) => seg,
            Err(e) => {
                // SAFETY: ctmp is NUL-terminated; the temporary file is ours.
                unsafe { libc::unlink(ctmp.as_ptr()) };
                return Err(e);
            }
        };
        hand_to_directory_owner(&fd, path);
        let retired = old.filter(|o| o.lock_is_plausible()).is_some_and(|o| o.set_retired(true));
        // SAFETY: both paths are NUL-terminated.
        if unsafe { libc::rename(ctmp.as_ptr(), cpath.as_ptr()) } != 0 {
            let err = os_err(path, "replacing the segment (is it owned by another user?)");
            if retired {
                old.map(|o| o.set_retired(false));
            }
            // SAFETY: ctmp is NUL-terminated; the temporary file is ours.
            unsafe { libc::unlink(ctmp.as_ptr()) };
            return Err(err);
        }
        Ok(seg)
    }

    /// Reserves the file's space, maps and initialises it. Every failure is returned before the
    /// file is used: on a tmpfs without the space, `posix_fallocate` says so (ENOSPC), where pages
    /// merely sized by `ftruncate` would kill the first process that touches them (SIGBUS).
    fn create_in(
        fd: &Fd,
        path: &Path,
        geo: Geometry,
        st: &libc::stat,
        version_seed: u64,
    ) -> Result<Segment, StoreError> {
        // SAFETY: fd is open for writing; the size was validated by Geometry::for_size.
        let rc = unsafe { libc::posix_fallocate(fd.0, 0, geo.total_size as libc::off_t) };
        if rc != 0 {
            let why = std::io::Error::from_raw_os_error(rc);
            let dir = path.parent().map_or_else(String::new, |d| d.display().to_string());
            return Err(StoreError::Attach {
                path: path.display().to_string(),
                message: format!(
                    "cannot reserve {} bytes for the segment in {dir} ({why}); free space there or lower presence.shm_size",
                    geo.total_size
                ),
            });
        }
        let seg = Self::map(fd, path, geo, st)?;
        seg.initialise(version_seed)?;
        Ok(seg)
    }

    fn map(fd: &Fd, path: &Path, geo: Geometry, st: &libc::stat) -> Result<Segment, StoreError> {
        let len = geo.total_size as usize;
        // SAFETY: mapping `len` bytes of an open file that is at least that long (its size was
        // read by fstat or reserved by posix_fallocate just before); the kernel picks the address.
        let base =
            unsafe { libc::mmap(ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd.0, 0) };
        if base == libc::MAP_FAILED {
            return Err(os_err(path, "mmap"));
        }
        Ok(Segment { base: base.cast(), len, geo, dev: st.st_dev, ino: st.st_ino, path: path.to_owned() })
    }

    /// (device, inode) of the mapped file.
    pub(crate) fn file_id(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    /// True when the header says this file was initialised by this layout with this geometry, so
    /// its lock lives where ours does and was initialised (the magic may be what got damaged).
    fn lock_is_plausible(&self) -> bool {
        let h = self.header();
        // SAFETY: plain reads of integer header fields inside the mapping (no reference formed).
        let (version, ready, geometry) = unsafe {
            (
                ptr::addr_of!((*h).layout_version).read(),
                ptr::addr_of!((*h).ready).read_volatile(),
                ptr::addr_of!((*h).geometry).read(),
            )
        };
        version == LAYOUT_VERSION && ready == READY && geometry == self.geo
    }

    /// The version a file replacing this one starts at: above every version this one handed out,
    /// unless that would leave JavaScript's exact range (a damaged counter).
    fn next_version_seed(&self) -> u64 {
        let v = self.counters().version_clock.saturating_add(1 << 20);
        if v < MAX_VERSION / 2 {
            v
        } else {
            0
        }
    }

    /// Sets or clears the retired mark under the file's lock; false when the lock could not be
    /// taken (a damaged file: nobody can be writing to it through the lock either).
    fn set_retired(&self, retired: bool) -> bool {
        // SAFETY: the lock lies in this mapping and was initialised (lock_is_plausible).
        match unsafe { lock::acquire(self.lock_ptr(), std::time::Duration::from_secs(2)) } {
            Ok(_) => {
                let mut c = self.counters();
                c.retired = u32::from(retired);
                self.set_counters(&c);
                // SAFETY: acquired just above.
                unsafe { lock::release(self.lock_ptr()) };
                true
            }
            Err(_) => false,
        }
    }

    fn header(&self) -> *mut Header {
        self.base.cast()
    }

    fn header_is_valid(&self) -> bool {
        let h = self.header();
        // SAFETY: the mapping is at least HEADER_SIZE long (MIN_SEGMENT > HEADER_SIZE) and page
        // aligned; these are plain reads of integer fields (no reference is formed).
        let (magic, version, ready, geometry) = unsafe {
            (
                ptr::addr_of!((*h).magic).read(),
                ptr::addr_of!((*h).layout_version).read(),
                ptr::addr_of!((*h).ready).read_volatile(),
                ptr::addr_of!((*h).geometry).read(),
            )
        };
        magic == MAGIC
            && version == LAYOUT_VERSION
            && ready == READY
            && geometry == self.geo
            && self.counters().retired == 0
    }

    /// Writes a fresh header, mutex and empty table, its room versions starting at
    /// `version_seed` (µs). Only called on a file nobody else can use yet (empty under our flock,
    /// or a temporary file not yet renamed into place).
    fn initialise(&self, version_seed: u64) -> Result<(), StoreError> {
        let h = self.header();
        // SAFETY: the header lies inside the mapping; no other process can see this file yet.
        unsafe {
            ptr::addr_of_mut!((*h).geometry).write(self.geo);
        }
        // SAFETY: the lock space is inside the header, 64-byte aligned (asserted in layout.rs),
        // large enough for a pthread_mutex_t, and not yet visible to any other process.
        unsafe { lock::init(ptr::addr_of_mut!((*h).lock).cast()) }.map_err(|e| StoreError::Attach {
            path: self.path.display().to_string(),
            message: format!("initialising the lock: {e:?}"),
        })?;
        self.set_counters(&Counters { version_clock: version_seed.min(MAX_VERSION / 2), ..Counters::default() });
        super::repair::reset(self);
        // SAFETY: header fields inside the mapping; `ready` is written last, after a fence, so a
        // reader that sees READY sees everything before it.
        unsafe {
            ptr::addr_of_mut!((*h).magic).write(MAGIC);
            ptr::addr_of_mut!((*h).layout_version).write(LAYOUT_VERSION);
            std::sync::atomic::fence(std::sync::atomic::Ordering::Release);
            ptr::addr_of_mut!((*h).ready).write_volatile(READY);
        }
        Ok(())
    }

    /// True when the file at our path is no longer the one we mapped (replaced or deleted).
    pub fn is_stale(&self) -> bool {
        match c_path(&self.path).ok().and_then(|p| stat_path(&p)) {
            Some(st) => st.st_ino != self.ino || st.st_dev != self.dev,
            None => true,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geo
    }

    pub(crate) fn lock_ptr(&self) -> *mut libc::pthread_mutex_t {
        // SAFETY: a field projection inside the mapped header (no dereference).
        unsafe { ptr::addr_of_mut!((*self.header()).lock).cast() }
    }

    // ---- Bounds-checked record access. Callers hold the segment lock (or own the file). ----

    /// Pointer to element `i` of a section of `T`s at `off` holding `count` elements.
    fn elem<T>(&self, off: u64, count: u32, i: u32) -> Result<*mut T, Corrupt> {
        if i >= count {
            return Err(Corrupt);
        }
        let at = off as usize + i as usize * std::mem::size_of::<T>();
        debug_assert!(at + std::mem::size_of::<T>() <= self.len);
        debug_assert!(at.is_multiple_of(std::mem::align_of::<T>()));
        // SAFETY: `i < count` and the geometry (validated at attach) places `count` elements of
        // `T` at `off` inside the mapping, so `at` is in bounds and aligned.
        Ok(unsafe { self.base.add(at) }.cast())
    }

    pub(crate) fn counters(&self) -> Counters {
        // SAFETY: the counters lie inside the mapped header; the lock is held by the caller.
        unsafe { ptr::addr_of!((*self.header()).counters).read() }
    }

    pub(crate) fn set_counters(&self, c: &Counters) {
        // SAFETY: as above.
        unsafe { ptr::addr_of_mut!((*self.header()).counters).write(*c) }
    }

    pub(crate) fn entry(&self, i: u32) -> Result<EntryRec, Corrupt> {
        let p = self.elem::<EntryRec>(self.geo.entries_off, self.geo.entry_capacity, i)?;
        // SAFETY: p is in bounds and aligned (elem); EntryRec is plain integers, any bits valid.
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_entry(&self, i: u32, rec: &EntryRec) -> Result<(), Corrupt> {
        let p = self.elem::<EntryRec>(self.geo.entries_off, self.geo.entry_capacity, i)?;
        // SAFETY: p is in bounds and aligned (elem); the lock is held.
        unsafe { p.write(*rec) };
        Ok(())
    }

    pub(crate) fn room(&self, i: u32) -> Result<RoomRec, Corrupt> {
        let p = self.elem::<RoomRec>(self.geo.rooms_off, self.geo.room_capacity, i)?;
        // SAFETY: p is in bounds and aligned (elem); RoomRec is plain integers.
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_room(&self, i: u32, rec: &RoomRec) -> Result<(), Corrupt> {
        let p = self.elem::<RoomRec>(self.geo.rooms_off, self.geo.room_capacity, i)?;
        // SAFETY: p is in bounds and aligned (elem); the lock is held.
        unsafe { p.write(*rec) };
        Ok(())
    }

    /// Copies room `i`'s name (of `len` bytes, checked) into `dst`.
    pub(crate) fn room_name(&self, i: u32, len: u32, dst: &mut [u8; ROOM_NAME_BYTES]) -> Result<usize, Corrupt> {
        let len = len as usize;
        if len == 0 || len > MAX_KEY_BYTES {
            return Err(Corrupt);
        }
        let p = self.elem::<[u8; ROOM_NAME_BYTES]>(self.geo.room_names_off, self.geo.room_capacity, i)?;
        // SAFETY: p addresses ROOM_NAME_BYTES in bounds; len <= MAX_KEY_BYTES < ROOM_NAME_BYTES.
        unsafe { ptr::copy_nonoverlapping(p.cast::<u8>(), dst.as_mut_ptr(), len) };
        Ok(len)
    }

    pub(crate) fn set_room_name(&self, i: u32, name: &[u8]) -> Result<(), Corrupt> {
        if name.len() > MAX_KEY_BYTES {
            return Err(Corrupt);
        }
        let p = self.elem::<[u8; ROOM_NAME_BYTES]>(self.geo.room_names_off, self.geo.room_capacity, i)?;
        // SAFETY: p addresses ROOM_NAME_BYTES in bounds; name is shorter; the lock is held.
        unsafe { ptr::copy_nonoverlapping(name.as_ptr(), p.cast::<u8>(), name.len()) };
        Ok(())
    }

    pub(crate) fn entry_bucket(&self, b: u32) -> Result<u32, Corrupt> {
        let p = self.elem::<u32>(self.geo.entry_buckets_off, self.geo.entry_buckets, b)?;
        // SAFETY: in bounds and aligned (elem).
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_entry_bucket(&self, b: u32, head: u32) -> Result<(), Corrupt> {
        let p = self.elem::<u32>(self.geo.entry_buckets_off, self.geo.entry_buckets, b)?;
        // SAFETY: in bounds and aligned (elem); the lock is held.
        unsafe { p.write(head) };
        Ok(())
    }

    pub(crate) fn user_bucket(&self, b: u32) -> Result<u32, Corrupt> {
        let p = self.elem::<u32>(self.geo.user_buckets_off, self.geo.entry_buckets, b)?;
        // SAFETY: in bounds and aligned (elem).
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_user_bucket(&self, b: u32, head: u32) -> Result<(), Corrupt> {
        let p = self.elem::<u32>(self.geo.user_buckets_off, self.geo.entry_buckets, b)?;
        // SAFETY: in bounds and aligned (elem); the lock is held.
        unsafe { p.write(head) };
        Ok(())
    }

    pub(crate) fn room_bucket(&self, b: u32) -> Result<u32, Corrupt> {
        let p = self.elem::<u32>(self.geo.room_buckets_off, self.geo.room_buckets, b)?;
        // SAFETY: in bounds and aligned (elem).
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_room_bucket(&self, b: u32, head: u32) -> Result<(), Corrupt> {
        let p = self.elem::<u32>(self.geo.room_buckets_off, self.geo.room_buckets, b)?;
        // SAFETY: in bounds and aligned (elem); the lock is held.
        unsafe { p.write(head) };
        Ok(())
    }

    pub(crate) fn chunk_next(&self, c: u32) -> Result<u32, Corrupt> {
        let p = self.elem::<u32>(self.geo.chunk_next_off, self.geo.chunk_count, c)?;
        // SAFETY: in bounds and aligned (elem).
        Ok(unsafe { p.read() })
    }

    pub(crate) fn set_chunk_next(&self, c: u32, next: u32) -> Result<(), Corrupt> {
        let p = self.elem::<u32>(self.geo.chunk_next_off, self.geo.chunk_count, c)?;
        // SAFETY: in bounds and aligned (elem); the lock is held.
        unsafe { p.write(next) };
        Ok(())
    }

    /// Copies `dst.len()` (≤ CHUNK_SIZE) bytes out of chunk `c`.
    pub(crate) fn read_chunk(&self, c: u32, dst: &mut [u8]) -> Result<(), Corrupt> {
        let p = self.elem::<[u8; CHUNK_SIZE]>(self.geo.chunks_off, self.geo.chunk_count, c)?;
        if dst.len() > CHUNK_SIZE {
            return Err(Corrupt);
        }
        // SAFETY: p addresses CHUNK_SIZE bytes in bounds; dst is no longer; the lock is held.
        unsafe { ptr::copy_nonoverlapping(p.cast::<u8>(), dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }

    /// Copies `src` (≤ CHUNK_SIZE bytes) into chunk `c`.
    pub(crate) fn write_chunk(&self, c: u32, src: &[u8]) -> Result<(), Corrupt> {
        let p = self.elem::<[u8; CHUNK_SIZE]>(self.geo.chunks_off, self.geo.chunk_count, c)?;
        if src.len() > CHUNK_SIZE {
            return Err(Corrupt);
        }
        // SAFETY: p addresses CHUNK_SIZE bytes in bounds; src is no longer; the lock is held.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), p.cast::<u8>(), src.len()) };
        Ok(())
    }

    /// Fills a whole section with 0xFF bytes (every u32 becomes NIL). Used by `reset`.
    pub(crate) fn fill_buckets_nil(&self) {
        for (off, count) in [
            (self.geo.entry_buckets_off, self.geo.entry_buckets),
            (self.geo.user_buckets_off, self.geo.entry_buckets),
            (self.geo.room_buckets_off, self.geo.room_buckets),
        ] {
            debug_assert!(off as usize + count as usize * 4 <= self.len);
            // SAFETY: the geometry places `count` u32 buckets at `off`, inside the mapping.
            unsafe { ptr::write_bytes(self.base.add(off as usize), 0xFF, count as usize * 4) };
        }
    }

    /// Scribbles over bytes of the segment: only for tests that prove damage is survived.
    #[cfg(feature = "testing")]
    pub fn testing_scribble(&self, offset: usize, bytes: &[u8]) {
        if offset.checked_add(bytes.len()).is_some_and(|end| end <= self.len) {
            // SAFETY: the range was checked against the mapping's length just above.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.base.add(offset), bytes.len()) };
        }
    }
}

impl Drop for Segment {
    fn drop(&mut self) {
        // SAFETY: base/len are the mapping created in `map`, unmapped once here; nothing borrows
        // it any more (guards borrow the Segment).
        unsafe { libc::munmap(self.base.cast(), self.len) };
    }
}
