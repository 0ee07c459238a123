//! The mapped segment: one `MAP_SHARED` mapping of the file and bounds-checked access to the
//! header and the records inside it. A leaf: it knows the layout and nothing above it (opening,
//! validating and replacing files is `attach.rs`; what the records mean is `table.rs`).
//!
//! Shared content is only ever reached through raw pointers, one read or write at a time, after
//! an index check against the geometry this process validated at attach time (never against
//! values read back from the file). This file and `lock.rs` are the only places that touch raw
//! shared memory.

use std::path::{Path, PathBuf};
use std::ptr;

use super::layout::*;
use crate::store::error::Corrupt;

/// A mapped segment, valid for the life of this value.
pub struct Segment {
    base: *mut u8,
    len: usize,
    geo: Geometry,
    /// The header's hash key, copied at attach (it never changes for a file).
    key: HashKey,
    /// The header's live secret, copied at attach (it never changes for a file).
    secret: LiveSecret,
    dev: u64,
    ino: u64,
    path: PathBuf,
}

// SAFETY: the mapping is shared memory, valid for the life of the Segment; every access to its
// mutable content happens while holding the process-shared segment lock, which also serialises
// threads of one process — except the attach's reads of the header without it: fields written
// once before the ready mark, and two single aligned words (`retired_unlocked`,
// `version_clock_unlocked`) read whole with volatile reads; and the revocation slots, which are
// only ever accessed atomically.
unsafe impl Send for Segment {}
// SAFETY: as above: concurrent `&Segment` users synchronise through the segment lock.
unsafe impl Sync for Segment {}

/// The header fields that say whose file this is, read without the lock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Identity {
    pub magic: u64,
    pub layout_version: u32,
    pub ready: u32,
    pub geometry: Geometry,
}

impl Segment {
    /// Maps `geo.total_size` bytes of the open file `fd`, whose (device, inode) are `dev`/`ino`.
    /// The caller has checked that the file is at least that long.
    pub(crate) fn map(fd: libc::c_int, geo: Geometry, dev: u64, ino: u64, path: &Path) -> std::io::Result<Segment> {
        let len = geo.total_size as usize;
        // SAFETY: mapping `len` bytes of an open file that is at least that long (the caller read
        // its size with fstat or reserved it with posix_fallocate); the kernel picks the address.
        let base =
            unsafe { libc::mmap(ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, libc::MAP_SHARED, fd, 0) };
        if base == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let mut seg = Segment {
            base: base.cast(),
            len,
            geo,
            key: HashKey::default(),
            secret: LiveSecret::default(),
            dev,
            ino,
            path: path.to_owned(),
        };
        // SAFETY: a field projection inside the mapped header (no reference is formed); written
        // before the ready mark, which the caller checks before using this copy.
        seg.key = unsafe { ptr::addr_of!((*seg.header()).hash_key).read() };
        // SAFETY: as above.
        seg.secret = unsafe { ptr::addr_of!((*seg.header()).live_secret).read() };
        Ok(seg)
    }

    /// The segment's live secret, as read at attach.
    pub(crate) fn live_secret(&self) -> &LiveSecret {
        &self.secret
    }

    /// Gives a new file its live secret. Only on a file nobody else can use yet.
    pub(crate) fn write_live_secret(&mut self, secret: LiveSecret) {
        // SAFETY: the header lies inside the mapping; no other process can see this file yet.
        unsafe { ptr::addr_of_mut!((*self.header()).live_secret).write(secret) };
        self.secret = secret;
    }

    /// Revocation slot `slot`: a not-before time (µs) that any process reads and raises with
    /// atomic operations, without the segment lock.
    pub(crate) fn revocation(&self, slot: u32) -> Result<&std::sync::atomic::AtomicU64, Corrupt> {
        let p = self.elem::<u64>(self.geo.revocations_off, self.geo.revocation_slots, slot)?;
        // SAFETY: `p` is in bounds and 8-byte aligned (elem; the section starts 64-byte aligned)
        // and lives as long as the mapping, which outlives the returned borrow of `self`. Every
        // access to this section, in every process, is atomic, so the AtomicU64 never races a
        // plain read or write.
        Ok(unsafe { std::sync::atomic::AtomicU64::from_ptr(p) })
    }

    /// The segment's hash key, as read at attach.
    pub fn hash_key(&self) -> &HashKey {
        &self.key
    }

    /// Gives a new file its hash key. Only on a file nobody else can use yet.
    pub(crate) fn write_hash_key(&mut self, key: HashKey) {
        // SAFETY: the header lies inside the mapping; no other process can see this file yet.
        unsafe { ptr::addr_of_mut!((*self.header()).hash_key).write(key) };
        self.key = key;
    }

    /// (device, inode) of the mapped file.
    pub(crate) fn file_id(&self) -> (u64, u64) {
        (self.dev, self.ino)
    }

    fn header(&self) -> *mut Header {
        self.base.cast()
    }

    /// Magic, layout version, ready mark and geometry as the header states them.
    pub(crate) fn identity(&self) -> Identity {
        let h = self.header();
        // SAFETY (each read): the mapping is at least HEADER_SIZE long (MIN_SEGMENT >
        // HEADER_SIZE) and page aligned; a plain read of an integer field, no reference formed.
        Identity {
            // SAFETY: as above.
            magic: unsafe { ptr::addr_of!((*h).magic).read() },
            // SAFETY: as above.
            layout_version: unsafe { ptr::addr_of!((*h).layout_version).read() },
            // SAFETY: as above; volatile, as a replacer or creator writes it last.
            ready: unsafe { ptr::addr_of!((*h).ready).read_volatile() },
            // SAFETY: as above.
            geometry: unsafe { ptr::addr_of!((*h).geometry).read() },
        }
    }

    /// Writes the geometry this mapping was made for into the header. Only on a file nobody else
    /// can use yet.
    pub(crate) fn write_geometry(&self) {
        // SAFETY: the header lies inside the mapping; no other process can see this file yet.
        unsafe { ptr::addr_of_mut!((*self.header()).geometry).write(self.geo) };
    }

    /// Writes magic and layout version, then, after a release fence, the ready mark: a reader
    /// that sees the mark sees everything written before it.
    pub(crate) fn mark_ready(&self) {
        let h = self.header();
        // SAFETY: a header field inside the mapping, on a file nobody else can use yet.
        unsafe { ptr::addr_of_mut!((*h).magic).write(MAGIC) };
        // SAFETY: as above.
        unsafe { ptr::addr_of_mut!((*h).layout_version).write(LAYOUT_VERSION) };
        std::sync::atomic::fence(std::sync::atomic::Ordering::Release);
        // SAFETY: as above.
        unsafe { ptr::addr_of_mut!((*h).ready).write_volatile(READY) };
    }

    /// The retired mark, read without the segment lock (an attach holds only the file's flock).
    pub(crate) fn retired_unlocked(&self) -> u32 {
        // SAFETY: a field projection inside the mapped header (no reference is formed). Holders
        // write it under the segment lock, which we do not hold: one aligned u32 read with one
        // volatile load sees their write whole or not at all.
        unsafe { ptr::addr_of!((*self.header()).counters.retired).read_volatile() }
    }

    /// The version clock, read without the segment lock (see `retired_unlocked`): a value a
    /// holder may raise a little after we read it.
    pub(crate) fn version_clock_unlocked(&self) -> u64 {
        // SAFETY: as in `retired_unlocked`; an aligned u64, read with one volatile load.
        unsafe { ptr::addr_of!((*self.header()).counters.version_clock).read_volatile() }
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
        // SAFETY: the counters lie inside the mapped header; the caller holds the segment lock,
        // or owns the file alone (initialisation), so nobody writes them meanwhile.
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
