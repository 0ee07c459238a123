//! Opening a segment file: creating, validating or replacing it, then mapping it. Sits above
//! the table (a new file is initialised with an empty table) and below the store.
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
use std::time::Duration;

use super::layout::*;
use super::lock;
use super::repair;
use super::segment::Segment;
use super::table::Locked;
use crate::store::error::StoreError;

/// How long a replacer waits for the old file's lock before it renames without the retired mark.
const RETIRE_WAIT: Duration = Duration::from_secs(2);

struct Fd(libc::c_int);

impl Drop for Fd {
    fn drop(&mut self) {
        // The mapping keeps the open file description (and so an flock on it) alive after
        // close: unlock explicitly. Unlocking a descriptor that holds no lock is harmless.
        // SAFETY: we own this open descriptor.
        unsafe { libc::flock(self.0, libc::LOCK_UN) };
        // SAFETY: we own this descriptor and close it once; nothing uses it after.
        unsafe { libc::close(self.0) };
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

/// Whether a file owned by `file_uid` may hold this process's table: one of its own user, of
/// root, or of the owner of its directory (who can replace any file there anyway, and to whom a
/// root process hands the file it creates there). Anyone else could read the table, its hash key
/// and the live secret (and forge tokens), or write into it: in a world-writable directory such
/// as /dev/shm, another local user can create the file at a predictable path first.
fn owner_is_trusted(file_uid: libc::uid_t, own_uid: libc::uid_t, dir_uid: Option<libc::uid_t>) -> bool {
    file_uid == own_uid || file_uid == 0 || Some(file_uid) == dir_uid
}

/// Refuses a file another user owns (see [`owner_is_trusted`]), before anything is read from or
/// written into it. It cannot be replaced either: in a sticky directory only its owner may.
fn refuse_foreign_owner(st: &libc::stat, path: &Path) -> Result<(), StoreError> {
    // SAFETY: geteuid has no preconditions.
    let own_uid = unsafe { libc::geteuid() };
    let dir_uid = path.parent().and_then(|d| c_path(d).ok()).and_then(|d| stat_path(&d)).map(|d| d.st_uid);
    if owner_is_trusted(st.st_uid, own_uid, dir_uid) {
        return Ok(());
    }
    Err(StoreError::Attach {
        path: path.display().to_string(),
        message: format!(
            "the file belongs to uid {}, not to this process's user (uid {own_uid}) nor to its directory's owner: \
             another user could read or change the table; delete it or set presence.shm_path to a directory of the site's user",
            st.st_uid
        ),
    })
}

/// What an attach found besides the segment.
#[derive(Debug, Default)]
pub(crate) struct AttachNote {
    /// The live file's size when it differs from the size this process asked for.
    pub adopted_size: Option<u64>,
}

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
        refuse_foreign_owner(&st, path)?;
        // Under our flock nobody is replacing this file: a `.new` beside it is a dead replacer's.
        let tmp = temp_path(path);
        if let Ok(ctmp) = c_path(&tmp) {
            // SAFETY: ctmp is NUL-terminated; a missing file is fine.
            unsafe { libc::unlink(ctmp.as_ptr()) };
        }
        if st.st_size == 0 {
            let seg = create_in(&fd, path, geo, &st, now_us).inspect_err(|_| {
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
            Some(existing_geo) => Some(map(&fd, path, existing_geo, &st)?),
            None => None,
        };
        return match old {
            Some(seg) if !is_condemned && header_is_valid(&seg) => {
                let live = seg.geometry().total_size;
                let adopted_size = (live != size).then_some(live);
                Ok((seg, AttachNote { adopted_size }))
            }
            old => Ok((replace(path, geo, now_us, old.as_ref())?, AttachNote::default())),
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
    let seed = old.filter(|o| lock_is_plausible(o)).map_or(now_us, |o| now_us.max(next_version_seed(o)));
    let fd = open_file(&ctmp, &tmp, libc::O_CREAT | libc::O_EXCL)?;
    let created = fstat(&fd, &tmp).and_then(|st| create_in(&fd, path, geo, &st, seed));
    let seg = match created {
        Ok(seg) => seg,
        Err(e) => {
            // SAFETY: ctmp is NUL-terminated; the temporary file is ours.
            unsafe { libc::unlink(ctmp.as_ptr()) };
            return Err(e);
        }
    };
    hand_to_directory_owner(&fd, path);
    let retired = old.filter(|o| lock_is_plausible(o)).is_some_and(|o| set_retired(o, true));
    // SAFETY: both paths are NUL-terminated.
    if unsafe { libc::rename(ctmp.as_ptr(), cpath.as_ptr()) } != 0 {
        let err = os_err(path, "replacing the segment (is it owned by another user?)");
        if retired {
            old.map(|o| set_retired(o, false));
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
fn create_in(fd: &Fd, path: &Path, geo: Geometry, st: &libc::stat, version_seed: u64) -> Result<Segment, StoreError> {
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
    let key = HashKey::random().map_err(|e| StoreError::Attach {
        path: path.display().to_string(),
        message: format!("no random source for the hash key: {e}"),
    })?;
    let secret = crate::store::live::Secret::random().map_err(|e| StoreError::Attach {
        path: path.display().to_string(),
        message: format!("no random source for the live secret: {e}"),
    })?;
    let mut seg = map(fd, path, geo, st)?;
    seg.write_hash_key(key);
    seg.write_live_secret(LiveSecret(secret.0));
    initialise(&seg, version_seed)?;
    Ok(seg)
}

fn map(fd: &Fd, path: &Path, geo: Geometry, st: &libc::stat) -> Result<Segment, StoreError> {
    Segment::map(fd.0, geo, st.st_dev, st.st_ino, path)
        .map_err(|e| StoreError::Attach { path: path.display().to_string(), message: format!("mmap: {e}") })
}

/// True when the header says this file was initialised by this layout with this geometry, so
/// its lock lives where ours does and was initialised (the magic may be what got damaged).
fn lock_is_plausible(seg: &Segment) -> bool {
    let id = seg.identity();
    id.layout_version == LAYOUT_VERSION && id.ready == READY && id.geometry == *seg.geometry()
}

/// True when the file can be used as it is: ours, finished, the geometry its size gives, and
/// not retired by a replacer.
fn header_is_valid(seg: &Segment) -> bool {
    seg.identity().magic == MAGIC && lock_is_plausible(seg) && seg.retired_unlocked() == 0
}

/// The version a file replacing `seg` starts at: above every version it handed out (with a
/// margin for a holder raising the clock after we read it), unless that would leave
/// JavaScript's exact range (a damaged counter).
fn next_version_seed(seg: &Segment) -> u64 {
    let v = seg.version_clock_unlocked().saturating_add(1 << 20);
    if v < MAX_VERSION / 2 {
        v
    } else {
        0
    }
}

/// Sets or clears the retired mark under the file's lock; false when the lock could not be
/// taken (a damaged file: nobody can be writing to it through the lock either).
fn set_retired(seg: &Segment, retired: bool) -> bool {
    match Locked::acquire(seg, RETIRE_WAIT) {
        Ok((mut t, needs_repair)) => {
            t.set_retired(retired);
            // A table its last holder left half-written keeps its mark for whoever uses it next.
            if !needs_repair {
                t.finish();
            }
            true
        }
        Err(_) => false,
    }
}

/// Writes a fresh header, mutex and empty table, its room versions starting at
/// `version_seed` (µs). Only called on a file nobody else can use yet (empty under our flock,
/// or a temporary file not yet renamed into place).
fn initialise(seg: &Segment, version_seed: u64) -> Result<(), StoreError> {
    seg.write_geometry();
    // SAFETY: the lock space is inside the header, 64-byte aligned (asserted in layout.rs),
    // large enough for a pthread_mutex_t, and not yet visible to any other process.
    unsafe { lock::init(seg.lock_ptr()) }.map_err(|e| StoreError::Attach {
        path: seg.path().display().to_string(),
        message: format!("initialising the lock: {e:?}"),
    })?;
    seg.set_counters(&Counters { version_clock: version_seed.min(MAX_VERSION / 2), ..Counters::default() });
    repair::reset(seg);
    seg.mark_ready();
    Ok(())
}

/// True when the file at the segment's path is no longer the one mapped (replaced or deleted).
pub(crate) fn is_stale(seg: &Segment) -> bool {
    let (dev, ino) = seg.file_id();
    match c_path(seg.path()).ok().and_then(|p| stat_path(&p)) {
        Some(st) => st.st_ino != ino || st.st_dev != dev,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::owner_is_trusted;

    #[test]
    fn only_a_file_of_this_user_root_or_the_directory_owner_is_trusted() {
        assert!(owner_is_trusted(33, 33, Some(0)), "the site user's own file in /dev/shm");
        assert!(owner_is_trusted(0, 33, Some(0)), "root's");
        assert!(owner_is_trusted(33, 0, Some(33)), "handed by root to the directory's owner");
        assert!(!owner_is_trusted(1000, 33, Some(0)), "another user's, in /dev/shm");
        assert!(!owner_is_trusted(1000, 0, Some(33)), "another user's, in the site's directory");
        assert!(!owner_is_trusted(1000, 33, None), "another user's, directory unknown");
    }
}
