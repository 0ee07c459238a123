//! Child processes for the multi-process store tests: fork, wait, SIGKILL, and a pipe to report
//! back through.

use std::os::fd::{FromRawFd, OwnedFd};

/// Forks; the child runs `f` then leaves with `_exit`: 0, or 101 if `f` panicked. Returns the
/// child's pid.
pub fn fork_child(f: impl FnOnce()) -> libc::pid_t {
    // SAFETY: fork in a process whose only other thread (the test harness's main thread) is
    // parked waiting for this test; glibc's fork resets malloc locks in the child.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_ok();
        // SAFETY: leave the child without running the parent's atexit handlers or destructors.
        unsafe { libc::_exit(if ok { 0 } else { 101 }) };
    }
    pid
}

/// Waits for a child; its wait status.
pub fn wait(pid: libc::pid_t) -> i32 {
    let mut status = 0;
    // SAFETY: pid is our child; status is a valid out-parameter.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    status
}

/// SIGKILLs a child and waits for it; its wait status (a child that had already exited shows
/// its exit instead).
pub fn kill(pid: libc::pid_t) -> i32 {
    // SAFETY: pid is our own child, not yet waited for.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    wait(pid)
}

/// A pipe: (read end, write end).
pub fn pipe() -> (std::fs::File, std::fs::File) {
    let mut fds = [0; 2];
    // SAFETY: fds is a valid array of two ints.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just created and are owned here alone.
    let read = unsafe { OwnedFd::from_raw_fd(fds[0]) };
    // SAFETY: as above, for the write end.
    let write = unsafe { OwnedFd::from_raw_fd(fds[1]) };
    (read.into(), write.into())
}
