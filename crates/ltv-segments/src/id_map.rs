//! Interning customer ids: short ids (≤ 15 bytes, the common case) are packed into a
//! `u128` key so a lookup never touches the file's bytes; longer ids are keyed by slice.
//! The value lives in the map entry, so one probe reads and updates it.

use crate::hash::FxMap;

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

    /// The value of `key`, made by `make(number)` if the key is new; `true` if new.
    #[inline]
    pub(crate) fn entry(&mut self, key: &'a [u8], make: impl FnOnce(u32) -> V) -> (&mut V, bool) {
        let next = self.len;
        let mut new = false;
        let value = match pack(key) {
            Some(k) => self.short.entry(k).or_insert_with(|| {
                new = true;
                make(next)
            }),
            None => self.long.entry(key).or_insert_with(|| {
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
    #[inline]
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
    }
}
