//! Entries as a store answers them: copied out of the store into one buffer ([`EntryList`], one
//! allocation for a whole room), and read back borrowed ([`Entry`]).

use std::cmp::Ordering;

/// One entry as read, borrowed from an [`EntryList`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry<'a> {
    pub room: &'a str,
    pub client_id: &'a str,
    pub user_id: u64,
    /// Encoded state.
    pub state: &'a [u8],
    /// Last write, µs since the epoch.
    pub updated_us: u64,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    room: (u32, u32),
    client: (u32, u32),
    state: (u32, u32),
    user_id: u64,
    updated_us: u64,
}

/// Entries copied out of the store into one buffer (one allocation for a whole room).
#[derive(Debug, Default, Clone)]
pub struct EntryList {
    pub(crate) buf: Vec<u8>,
    items: Vec<Item>,
}

impl EntryList {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn text(&self, (start, end): (u32, u32)) -> &str {
        // Keys were validated as UTF-8 when written; a damaged one reads as empty rather than
        // handing invalid text on.
        std::str::from_utf8(&self.buf[start as usize..end as usize]).unwrap_or("")
    }

    pub fn get(&self, i: usize) -> Option<Entry<'_>> {
        let it = self.items.get(i)?;
        Some(Entry {
            room: self.text(it.room),
            client_id: self.text(it.client),
            user_id: it.user_id,
            state: &self.buf[it.state.0 as usize..it.state.1 as usize],
            updated_us: it.updated_us,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> + '_ {
        (0..self.items.len()).filter_map(move |i| self.get(i))
    }

    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) -> (u32, u32) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(bytes);
        (start, self.buf.len() as u32)
    }

    /// Records an entry whose client id and state were just appended to `buf` at `start`.
    pub(crate) fn push_entry(
        &mut self,
        room: (u32, u32),
        start: usize,
        client_len: usize,
        state_len: usize,
        user_id: u64,
        updated_us: u64,
    ) {
        let s = start as u32;
        let c = s + client_len as u32;
        let end = c + state_len as u32;
        if end as usize != self.buf.len() {
            self.buf.truncate(start); // short read from a damaged chain: drop the entry
            return;
        }
        self.items.push(Item { room, client: (s, c), state: (c, end), user_id, updated_us });
    }

    /// Sorts entries of several rooms as every store lists them: newest write first; equal times
    /// by room name, then by client id from the highest bytes down (a room's own order). Then
    /// keeps the first `limit`.
    pub(crate) fn sort_across_rooms(&mut self, limit: usize) {
        let buf = &self.buf;
        let bytes = |(s, e): (u32, u32)| &buf[s as usize..e as usize];
        self.items.sort_by(|a, b| {
            b.updated_us
                .cmp(&a.updated_us)
                .then_with(|| bytes(a.room).cmp(bytes(b.room)))
                .then_with(|| bytes(b.client).cmp(bytes(a.client)))
        });
        self.items.truncate(limit);
    }
}

/// The order of a room's entries: newest write first, equal times by client id from the highest
/// bytes down (what a Redis sorted set by time answers newest first, so both stores agree).
pub(crate) fn room_order(a: (u64, &[u8]), b: (u64, &[u8])) -> Ordering {
    b.0.cmp(&a.0).then_with(|| b.1.cmp(a.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(rows: &[(&str, &str, u64)]) -> EntryList {
        let mut out = EntryList::default();
        for (room, client, updated) in rows {
            let room = out.push_bytes(room.as_bytes());
            let start = out.buf.len();
            out.push_bytes(client.as_bytes());
            out.push_entry(room, start, client.len(), 0, 0, *updated);
        }
        out
    }

    #[test]
    fn entries_of_several_rooms_sort_newest_first_then_by_room_then_client_down() {
        let mut l = list(&[("b", "x", 5), ("a", "x", 5), ("a", "y", 5), ("c", "z", 9), ("a", "a", 1)]);
        l.sort_across_rooms(4);
        let got: Vec<_> = l.iter().map(|e| (e.room, e.client_id)).collect();
        assert_eq!(got, [("c", "z"), ("a", "y"), ("a", "x"), ("b", "x")]);
        assert_eq!(room_order((5, b"b"), (5, b"a")), Ordering::Less, "b before a at equal times");
        assert_eq!(room_order((4, b"z"), (5, b"a")), Ordering::Greater, "older after newer");
    }
}
