//! Entry content in the chunk area: an entry's client id bytes then its encoded state, in a chain
//! of fixed 128-byte chunks (`chunk_next` links them), and the free chunk list. Runs under the
//! segment lock ([`Locked`]); every chunk index read back is range-checked.

use super::layout::*;
use super::table::Locked;
use crate::store::error::Corrupt;

impl Locked<'_> {
    /// The chunk indices of an entry's content, checked for range and length.
    pub(crate) fn chain(&self, e: &EntryRec) -> Result<Vec<u32>, Corrupt> {
        let n = chunks_for(e.checked_content_len().ok_or(Corrupt)?);
        if n > self.geo.chunk_count as usize {
            return Err(Corrupt);
        }
        let mut out = Vec::with_capacity(n);
        let mut c = e.first_chunk;
        for _ in 0..n {
            if c >= self.geo.chunk_count {
                return Err(Corrupt);
            }
            out.push(c);
            c = self.seg.chunk_next(c)?;
        }
        Ok(out)
    }

    /// Appends the first `len` bytes of an entry's content (client id, then state) to `out`. The
    /// record's lengths are checked against the layout's limits and the chunk count first, so a
    /// corrupt length neither allocates nor walks further than a valid entry could.
    pub(crate) fn read_content(&self, e: &EntryRec, len: usize, out: &mut Vec<u8>) -> Result<(), Corrupt> {
        let len = len.min(e.checked_content_len().ok_or(Corrupt)?);
        if chunks_for(len) > self.geo.chunk_count as usize {
            return Err(Corrupt);
        }
        let mut c = e.first_chunk;
        let mut left = len;
        let mut buf = [0u8; CHUNK_SIZE];
        for _ in 0..chunks_for(len) {
            let take = left.min(CHUNK_SIZE);
            self.seg.read_chunk(c, &mut buf[..take])?;
            out.extend_from_slice(&buf[..take]);
            left -= take;
            if left == 0 {
                break;
            }
            c = self.seg.chunk_next(c)?;
        }
        Ok(())
    }

    /// Copies an entry's client id into `buf` (no allocation: it runs on room walks) and
    /// returns it.
    pub(crate) fn read_client<'b>(&self, e: &EntryRec, buf: &'b mut [u8; MAX_KEY_BYTES]) -> Result<&'b [u8], Corrupt> {
        let len = e.client_len as usize;
        if len > MAX_KEY_BYTES || e.checked_content_len().is_none() {
            return Err(Corrupt);
        }
        let mut c = e.first_chunk;
        let mut at = 0;
        while at < len {
            let take = (len - at).min(CHUNK_SIZE);
            self.seg.read_chunk(c, &mut buf[at..at + take])?;
            at += take;
            if at < len {
                c = self.seg.chunk_next(c)?;
            }
        }
        Ok(&buf[..len])
    }

    pub(crate) fn content_equals(&self, e: &EntryRec, client: &[u8], state: &[u8]) -> Result<bool, Corrupt> {
        if e.client_len as usize != client.len() || e.state_len as usize != state.len() {
            return Ok(false);
        }
        let len = e.checked_content_len().ok_or(Corrupt)?;
        let mut stored = Vec::with_capacity(len);
        self.read_content(e, len, &mut stored)?;
        Ok(stored.len() == client.len() + state.len()
            && stored[..client.len()] == *client
            && stored[client.len()..] == *state)
    }

    /// Writes `client ++ state` into `e`'s chain, reusing its chunks and taking or returning the
    /// difference from the free list. Returns false (changing nothing) if chunks are short.
    pub(crate) fn write_content(&mut self, e: &mut EntryRec, client: &[u8], state: &[u8]) -> Result<bool, Corrupt> {
        let needed = chunks_for(client.len() + state.len());
        let mut chain = if e.first_chunk == NIL { Vec::new() } else { self.chain(e)? };
        if needed > chain.len() && ((needed - chain.len()) as u64) > u64::from(self.c.free_chunks) {
            return Ok(false);
        }
        while chain.len() < needed {
            let c = self.c.free_chunk_head;
            if c == NIL {
                return Err(Corrupt);
            }
            self.c.free_chunk_head = self.seg.chunk_next(c)?;
            self.c.free_chunks -= 1;
            chain.push(c);
        }
        while chain.len() > needed {
            if let Some(c) = chain.pop() {
                self.push_free_chunk(c)?;
            }
        }
        for (k, &c) in chain.iter().enumerate() {
            self.seg.set_chunk_next(c, chain.get(k + 1).copied().unwrap_or(NIL))?;
        }
        let mut piece = [0u8; CHUNK_SIZE];
        let total = client.len() + state.len();
        for (k, &c) in chain.iter().enumerate() {
            let start = k * CHUNK_SIZE;
            let end = (start + CHUNK_SIZE).min(total);
            for (j, p) in (start..end).enumerate() {
                piece[j] = if p < client.len() { client[p] } else { state[p - client.len()] };
            }
            self.seg.write_chunk(c, &piece[..end - start])?;
        }
        e.first_chunk = chain[0];
        e.client_len = client.len() as u32;
        e.state_len = state.len() as u32;
        Ok(true)
    }

    pub(crate) fn push_free_chunk(&mut self, c: u32) -> Result<(), Corrupt> {
        self.seg.set_chunk_next(c, self.c.free_chunk_head)?;
        self.c.free_chunk_head = c;
        self.c.free_chunks += 1;
        Ok(())
    }
}
