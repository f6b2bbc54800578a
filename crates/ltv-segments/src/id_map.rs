//! Interning customer ids: short ids (≤ 15 bytes, the common case) are packed into a
//! `u128` key so a lookup never touches the file's bytes; longer ids are keyed by slice.
//! The value lives in the map entry, so one probe reads and updates it.

use crate::hash::FxMap;

/// A key as stored: packed short id or a slice of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key<'a> {
    /// Up to 15 bytes and the length in the top byte.
    Short(u128),
    /// A longer id.
    Long(&'a [u8]),
}

impl Key<'_> {
    /// The id's bytes, appended to `out`.
    pub(crate) fn bytes_into(&self, out: &mut Vec<u8>) {
        match self {
            Key::Short(k) => {
                let buf = k.to_le_bytes();
                let len = usize::from(buf[15]).min(15);
                out.extend_from_slice(&buf[..len]);
            }
            Key::Long(b) => out.extend_from_slice(b),
        }
    }
}

/// Maps id bytes to values numbered 0, 1, 2, … in order of first insertion.
pub(crate) struct IdMap<'a, V> {
    short: FxMap<u128, V>,
    long: FxMap<&'a [u8], V>,
    len: u32,
}

impl<'a, V> IdMap<'a, V> {
    /// A map with room for about `n` ids.
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdMap {
            short: FxMap::with_capacity_and_hasher(n, Default::default()),
            long: FxMap::default(),
            len: 0,
        }
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// All entries, in no particular order (sequential over the table's memory).
    pub(crate) fn into_entries(self) -> impl Iterator<Item = (Key<'a>, V)> {
        self.short
            .into_iter()
            .map(|(k, v)| (Key::Short(k), v))
            .chain(self.long.into_iter().map(|(k, v)| (Key::Long(k), v)))
    }

    /// The value of `key`, made by `make(number)` if the key is new; `true` if new.
    #[inline]
    pub(crate) fn entry(&mut self, key: &'a [u8], make: impl FnOnce(u32) -> V) -> (&mut V, bool) {
        let key = match pack(key) {
            Some(k) => Key::Short(k),
            None => Key::Long(key),
        };
        self.entry_key(key, make)
    }

    /// Like [`IdMap::entry`] for a key already packed.
    #[inline]
    pub(crate) fn entry_key(
        &mut self,
        key: Key<'a>,
        make: impl FnOnce(u32) -> V,
    ) -> (&mut V, bool) {
        let next = self.len;
        let mut new = false;
        let value = match key {
            Key::Short(k) => self.short.entry(k).or_insert_with(|| {
                new = true;
                make(next)
            }),
            Key::Long(key) => self.long.entry(key).or_insert_with(|| {
                new = true;
                make(next)
            }),
        };
        if new {
            self.len += 1;
        }
        (value, new)
    }

    /// The value of `key`, if present.
    #[cfg(test)]
    pub(crate) fn get(&self, key: &[u8]) -> Option<&V> {
        match pack(key) {
            Some(k) => self.short.get(&k),
            None => self.long.get(key),
        }
    }
}

/// The bytes and the length in one integer, if the id has at most 15 bytes.
#[inline]
fn pack(key: &[u8]) -> Option<u128> {
    if key.len() > 15 {
        return None;
    }
    let mut buf = [0u8; 16];
    buf[..key.len()].copy_from_slice(key);
    buf[15] = key.len() as u8;
    Some(u128::from_le_bytes(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_share_one_numbering() {
        let long = b"a-very-long-customer-identifier".as_slice();
        let mut m: IdMap<'_, u32> = IdMap::with_capacity(4);
        assert!(m.entry(b"a", |n| n).1);
        assert_eq!(*m.entry(long, |n| n).0, 1);
        assert_eq!(*m.entry(b"a\0", |n| n).0, 2); // length is part of the key
        assert_eq!(m.entry(b"a", |n| n + 100), (&mut 0, false));
        assert_eq!(m.get(long), Some(&1));
        assert_eq!(m.get(b"zz"), None);
        let mut keys: Vec<Vec<u8>> = m
            .into_entries()
            .map(|(k, _)| {
                let mut b = Vec::new();
                k.bytes_into(&mut b);
                b
            })
            .collect();
        keys.sort();
        assert_eq!(keys, [b"a".to_vec(), b"a\0".to_vec(), long.to_vec()]);
    }
}
