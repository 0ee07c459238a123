//! The lock's deadline does not follow the wall clock: a process whose wall clock jumps while it
//! waits still gives up after the lock timeout. The machine's clock is never touched: this test
//! binary defines its own `clock_gettime`, which the store's code (linked into this binary) calls,
//! and which reports CLOCK_REALTIME an hour ahead while a test asks for it. The kernel's own
//! clocks, which the mutex waits on, are unchanged.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use common::*;
use presence::store::{ManualClock, ShmStore, StoreError};

/// Seconds added to CLOCK_REALTIME as seen by this process's own code.
static REALTIME_SKEW: AtomicI64 = AtomicI64::new(0);

/// Every `clock_gettime` call of this binary: the kernel's answer, with CLOCK_REALTIME skewed.
///
/// # Safety
/// As `clock_gettime(2)`: `ts` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn clock_gettime(clock: libc::clockid_t, ts: *mut libc::timespec) -> libc::c_int {
    // SAFETY: the raw system call with the caller's arguments, which carry clock_gettime's contract.
    let rc = unsafe { libc::syscall(libc::SYS_clock_gettime, clock, ts) } as libc::c_int;
    if rc == 0 && clock == libc::CLOCK_REALTIME {
        // SAFETY: the system call succeeded, so `ts` is valid and filled.
        unsafe { (*ts).tv_sec += REALTIME_SKEW.load(Ordering::SeqCst) as libc::time_t };
    }
    rc
}

#[test]
fn a_wall_clock_jump_does_not_stretch_the_lock_timeout() {
    let cfg =
        presence::store::ShmConfig { lock_timeout: Duration::from_secs(1), ..config(temp_path("lock-clock"), 1 << 20) };
    let s = Plain(ShmStore::open(cfg, Arc::new(ManualClock::new(T0))).unwrap());
    let (held_tx, held_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    std::thread::scope(|scope| {
        // A holder that keeps the lock for 2 s: longer than the timeout, shorter than the watchdog.
        scope.spawn(|| {
            s.testing_die_mid_write(|| {
                held_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_secs(2));
            })
            .unwrap();
        });
        held_rx.recv().unwrap();
        REALTIME_SKEW.store(3600, Ordering::SeqCst);
        scope.spawn(|| {
            let started = Instant::now();
            let r = s.upsert("r", "c", &state(&[]), 1, 60);
            done_tx.send((r, started.elapsed())).unwrap();
        });
        let outcome = done_rx.recv_timeout(Duration::from_secs(3));
        REALTIME_SKEW.store(0, Ordering::SeqCst);
        let (r, waited) = outcome.expect("the waiter was still blocked 3 s into a 1 s lock timeout");
        assert_eq!(r, Err(StoreError::LockTimeout));
        assert!(waited < Duration::from_millis(2500), "waited {waited:?} for a 1 s timeout");
    });
}
