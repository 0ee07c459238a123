//! The segment lock: a `pthread_mutex_t` living in the shared header, process-shared and robust,
//! so that when its holder dies (SIGKILL, segfault) the kernel hands it to the next waiter with
//! `EOWNERDEAD` instead of leaving everyone blocked.
//!
//! Protocol: `acquire` → (on `OwnerDied`: mark consistent at once, then the caller repairs the
//! table) → work → `release`. Marking consistent before repairing means a process that dies while
//! repairing hands `EOWNERDEAD` to the next one, which repairs again.

use std::time::Duration;

use libc::{c_int, pthread_mutex_t};

/// What the caller must do after taking the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Acquired {
    /// The previous holder released it normally.
    Clean,
    /// The previous holder died while holding it: the table may be half-written.
    OwnerDied,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockError {
    Timeout,
    /// A holder died and nobody marked the mutex consistent: it can never be locked again.
    NotRecoverable,
    Os(c_int),
}

/// Initialises a process-shared, robust, error-checking mutex at `m`.
///
/// # Safety
/// `m` must point to writable memory of at least `size_of::<pthread_mutex_t>()` bytes, suitably
/// aligned, that no other process or thread uses until this returns.
pub(crate) unsafe fn init(m: *mut pthread_mutex_t) -> Result<(), LockError> {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
    // SAFETY: attr is local storage for the attribute object, initialised by this call.
    check(unsafe { libc::pthread_mutexattr_init(attr.as_mut_ptr()) })?;
    let attr_ptr = attr.as_mut_ptr();
    let set = [
        // SAFETY: attr was initialised above; this sets one attribute on it.
        unsafe { libc::pthread_mutexattr_setpshared(attr_ptr, libc::PTHREAD_PROCESS_SHARED) },
        // SAFETY: as above.
        unsafe { libc::pthread_mutexattr_setrobust(attr_ptr, libc::PTHREAD_MUTEX_ROBUST) },
        // SAFETY: as above.
        unsafe { libc::pthread_mutexattr_settype(attr_ptr, libc::PTHREAD_MUTEX_ERRORCHECK) },
    ];
    // SAFETY: the caller guarantees `m` is valid, aligned and exclusively ours; attr is initialised.
    let rc = unsafe { libc::pthread_mutex_init(m, attr_ptr) };
    // SAFETY: attr was initialised and is not used after this.
    unsafe { libc::pthread_mutexattr_destroy(attr_ptr) };
    for r in set {
        check(r)?;
    }
    check(rc)
}

extern "C" {
    /// glibc ≥ 2.30 (not in the `libc` crate): `pthread_mutex_timedlock` with the clock chosen.
    fn pthread_mutex_clocklock(
        m: *mut pthread_mutex_t,
        clock: libc::clockid_t,
        abstime: *const libc::timespec,
    ) -> c_int;
}

/// Takes the lock, waiting at most `timeout` — measured on CLOCK_MONOTONIC, so a wall clock
/// stepped back while waiting does not stretch the wait.
///
/// # Safety
/// `m` must point to a mutex initialised by [`init`] inside a live mapping.
pub(crate) unsafe fn acquire(m: *mut pthread_mutex_t, timeout: Duration) -> Result<Acquired, LockError> {
    // SAFETY: passed on from the caller.
    unsafe { acquire_with(m, timeout, libc::pthread_mutex_consistent) }
}

/// [`acquire`], with the call that marks a mutex consistent passed in (tests make it fail).
///
/// # Safety
/// As [`acquire`]; `consistent` must behave as `pthread_mutex_consistent`.
unsafe fn acquire_with(
    m: *mut pthread_mutex_t,
    timeout: Duration,
    consistent: unsafe extern "C" fn(*mut pthread_mutex_t) -> c_int,
) -> Result<Acquired, LockError> {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid out-parameter.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    let nanos = now.tv_nsec as u64 + u64::from(timeout.subsec_nanos());
    let deadline = libc::timespec {
        tv_sec: now.tv_sec + timeout.as_secs() as libc::time_t + (nanos / 1_000_000_000) as libc::time_t,
        tv_nsec: (nanos % 1_000_000_000) as libc::c_long,
    };
    // SAFETY: the caller guarantees `m` is an initialised mutex in mapped memory; the deadline is
    // an absolute CLOCK_MONOTONIC time.
    match unsafe { pthread_mutex_clocklock(m, libc::CLOCK_MONOTONIC, &deadline) } {
        0 => Ok(Acquired::Clean),
        libc::EOWNERDEAD => {
            // SAFETY: we now own the mutex (EOWNERDEAD hands it over); marking it consistent is
            // the documented way to keep it usable.
            let rc = unsafe { consistent(m) };
            if rc != 0 {
                // Never return holding it: released without being marked consistent, the mutex
                // becomes unrecoverable, which every later locker is told (and recreates the file).
                // SAFETY: we own the mutex since EOWNERDEAD.
                unsafe { libc::pthread_mutex_unlock(m) };
                return Err(LockError::Os(rc));
            }
            Ok(Acquired::OwnerDied)
        }
        libc::ETIMEDOUT => Err(LockError::Timeout),
        libc::ENOTRECOVERABLE => Err(LockError::NotRecoverable),
        rc => Err(LockError::Os(rc)),
    }
}

/// Releases the lock.
///
/// # Safety
/// The calling thread must hold `m`, acquired by [`acquire`].
pub(crate) unsafe fn release(m: *mut pthread_mutex_t) {
    // SAFETY: the caller holds the mutex. An error (EPERM) would mean we did not hold it, which
    // the guard type rules out; there is nothing useful to do with it in a destructor.
    unsafe { libc::pthread_mutex_unlock(m) };
}

/// Leaves `m` unrecoverable, as a failed `pthread_mutex_consistent` does: a thread takes it and
/// exits holding it, then it is taken (`EOWNERDEAD`) and released without being made consistent.
///
/// # Safety
/// As [`acquire`]; nobody holds `m`.
#[cfg(feature = "testing")]
pub(crate) unsafe fn testing_make_unrecoverable(m: *mut pthread_mutex_t) {
    let addr = m as usize;
    let _ = std::thread::spawn(move || {
        // SAFETY: passed on from the caller; this thread exits holding the mutex.
        unsafe { libc::pthread_mutex_lock(addr as *mut pthread_mutex_t) };
    })
    .join();
    // SAFETY: as above; EOWNERDEAD hands it to us, and we release it as it is.
    if unsafe { libc::pthread_mutex_lock(m) } == libc::EOWNERDEAD {
        // SAFETY: we hold it since EOWNERDEAD.
        unsafe { libc::pthread_mutex_unlock(m) };
    }
}

fn check(rc: c_int) -> Result<(), LockError> {
    if rc == 0 {
        Ok(())
    } else {
        Err(LockError::Os(rc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A robust mutex whose owner (a thread) exited while holding it.
    fn abandoned_mutex() -> Box<pthread_mutex_t> {
        // SAFETY: an all-zero pthread_mutex_t is valid storage for `init` to overwrite.
        let mut m: Box<pthread_mutex_t> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: `m` is aligned, writable and used by nobody else yet.
        unsafe { init(&mut *m) }.unwrap();
        let addr = &mut *m as *mut pthread_mutex_t as usize;
        std::thread::spawn(move || {
            // SAFETY: the mutex is initialised and outlives this thread, which exits holding it.
            assert_eq!(unsafe { libc::pthread_mutex_lock(addr as *mut pthread_mutex_t) }, 0);
        })
        .join()
        .unwrap();
        m
    }

    #[test]
    fn a_dead_owner_is_reported_and_the_mutex_handed_over() {
        let mut m = abandoned_mutex();
        // SAFETY: `m` was initialised by `init` and lives in this frame.
        assert_eq!(unsafe { acquire(&mut *m, Duration::from_secs(1)) }, Ok(Acquired::OwnerDied));
        // SAFETY: we hold it.
        unsafe { release(&mut *m) };
        // SAFETY: as above.
        assert_eq!(unsafe { acquire(&mut *m, Duration::from_secs(1)) }, Ok(Acquired::Clean));
        // SAFETY: as above.
        unsafe { release(&mut *m) };
    }

    #[test]
    fn a_failed_consistent_does_not_leave_the_mutex_held() {
        unsafe extern "C" fn failing(_: *mut pthread_mutex_t) -> c_int {
            libc::EINVAL
        }
        let mut m = abandoned_mutex();
        // SAFETY: `m` was initialised by `init`; `failing` only returns an error.
        let r = unsafe { acquire_with(&mut *m, Duration::from_secs(1), failing) };
        assert_eq!(r, Err(LockError::Os(libc::EINVAL)));
        // Still held, it would keep the next locker waiting (Timeout); released without being
        // made consistent, it tells every locker it is unrecoverable.
        let addr = &mut *m as *mut pthread_mutex_t as usize;
        let other = std::thread::spawn(move || {
            // SAFETY: as above; `m` outlives this joined thread.
            unsafe { acquire(addr as *mut pthread_mutex_t, Duration::from_millis(10)) }
        });
        assert_eq!(other.join().unwrap(), Err(LockError::NotRecoverable));
    }
}
