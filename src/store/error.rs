//! Errors of the store core, as values: the PHP binding turns each into one exception or warning.

use std::fmt;

/// Why a store operation did not happen. Nothing stored is lost by any of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// An argument broke a documented limit; `argument` is its PHP parameter name.
    InvalidArgument { argument: &'static str, message: String },
    /// The segment has no room for this entry even after evicting expired and old entries (or,
    /// for a write that may not evict, after reclaiming expired ones).
    Full { needed_bytes: usize, may_evict: bool },
    /// The cross-process lock could not be taken in time (a live holder is stuck).
    LockTimeout,
    /// The segment file could not be opened, created, sized or mapped.
    Attach { path: String, message: String },
    /// The segment's lock can be neither taken nor recovered (an error other than a timeout or
    /// a dead holder); deleting the file starts over.
    LockUnusable { path: String, reason: String },
    /// The segment stayed inconsistent after a rebuild and after being emptied.
    Damaged { path: String },
    /// A server backend (Redis) could not be reached, did not answer within its timeout, or
    /// answered with an error. `server` is its address without credentials.
    Unavailable { server: String, message: String },
}

impl StoreError {
    pub(crate) fn invalid(argument: &'static str, message: impl Into<String>) -> Self {
        StoreError::InvalidArgument { argument, message: message.into() }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::InvalidArgument { argument, message } => write!(f, "${argument} {message}"),
            StoreError::Full { needed_bytes, may_evict: true } => write!(
                f,
                "presence segment is full: an entry of {needed_bytes} bytes does not fit even after eviction (raise presence.shm_size)"
            ),
            StoreError::Full { needed_bytes, may_evict: false } => write!(
                f,
                "presence segment is full: an entry of {needed_bytes} bytes written with $may_evict = false does not fit in the space expired entries leave, and evicts no live entry (raise presence.shm_size)"
            ),
            StoreError::LockTimeout => write!(f, "presence segment lock was not released in time"),
            StoreError::Attach { path, message } => write!(f, "cannot attach presence segment {path}: {message}"),
            StoreError::LockUnusable { path, reason } => write!(
                f,
                "cannot attach presence segment {path}: segment lock unusable ({reason}); delete the file to start over"
            ),
            StoreError::Damaged { path } => {
                write!(f, "cannot attach presence segment {path}: segment is damaged beyond repair")
            }
            StoreError::Unavailable { server, message } => write!(f, "presence backend {server} is unavailable: {message}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// The table found an index or length in shared memory that breaks an invariant. Never leaves
/// the core: the store repairs the table (rebuilding every index from the entry records) and
/// retries once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Corrupt;

pub type Result<T> = std::result::Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_segment_and_an_unusable_lock_read_as_attach_failures_did() {
        let path = "/dev/shm/p.seg".to_string();
        assert_eq!(
            StoreError::Damaged { path: path.clone() }.to_string(),
            "cannot attach presence segment /dev/shm/p.seg: segment is damaged beyond repair"
        );
        assert_eq!(
            StoreError::LockUnusable { path, reason: "Os(22)".into() }.to_string(),
            "cannot attach presence segment /dev/shm/p.seg: segment lock unusable (Os(22)); delete the file to start over"
        );
    }
}
