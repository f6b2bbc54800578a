//! Customer ids: interned while a file is read (an id of up to 15 bytes is packed into
//! 16 bytes and never compared as text), then kept sorted in one byte arena so that
//! every later step runs in id order, whatever the row order or thread count.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// An id of at most 15 bytes, packed with its length in the top byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed([u64; 2]);

impl Packed {
    fn new(id: &[u8]) -> Option<Packed> {
        if id.len() > 15 {
            return None;
        }
        let mut bytes = [0u8; 16];
        bytes.get_mut(..id.len())?.copy_from_slice(id);
        bytes[15] = id.len() as u8;
        let (a, b) = bytes.split_at(8);
        Some(Packed([
            u64::from_le_bytes(a.try_into().ok()?),
            u64::from_le_bytes(b.try_into().ok()?),
        ]))
    }
}

impl Hash for Packed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(mix(self.0[0] ^ self.0[1].rotate_left(32).wrapping_mul(K)));
    }
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A 64-bit finaliser (murmur3's fmix64): every input bit moves every output bit, so
/// both the low bits (bucket) and the top bits (control byte) of the table are good.
pub(crate) fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A fast hasher for keys that hash themselves into one `u64` (and for byte strings).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fast(u64);

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            if let Some(w) = word.get_mut(..chunk.len()) {
                w.copy_from_slice(chunk);
            }
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(23) ^ x).wrapping_mul(K);
    }
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

type FastMap<Key, V> = HashMap<Key, V, BuildHasherDefault<Fast>>;

/// The stable 64-bit hash of a byte string (sampling decisions use it, so they do not
/// depend on row order).
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = Fast::default();
    h.write(bytes);
    h.write_u64(bytes.len() as u64);
    h.finish()
}

/// Ids in the order they were first seen, each once.
///
/// Lookups first try a prediction: the same id as the last row, or the id that
/// followed the last one the previous time (files sorted by month list the customers
/// in the same order every month). Only a wrong guess costs a hash-table probe.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    short: FastMap<Packed, u32>,
    long: FastMap<Box<[u8]>, u32>,
    arena: IdList,
    /// Per index: the packed id, or for a long id [`LONG_KEY`].
    keys: Vec<Packed>,
    /// Per index: the index that followed it last time (`u32::MAX`: none yet).
    next: Vec<u32>,
    last: Option<u32>,
}

/// The key slot of a long id (a short id's second word has its length, at most 15, in
/// the top byte, so it never equals this).
const LONG_KEY: Packed = Packed([0, u64::MAX]);

impl Interner {
    /// Whether index `i` holds `id` (packed as `key` when short).
    fn holds(&self, i: u32, key: Option<Packed>, id: &[u8]) -> bool {
        match (self.keys.get(i as usize), key) {
            (Some(k), Some(key)) => *k == key,
            (Some(&LONG_KEY), None) => self.arena.get(i as usize) == id,
            _ => false,
        }
    }

    /// The index of `id`, adding it if new; `None` past `u32::MAX - 1` ids or 4 GiB of
    /// id text.
    pub(crate) fn index(&mut self, id: &[u8]) -> Option<u32> {
        let key = Packed::new(id);
        if let Some(l) = self.last {
            if self.holds(l, key, id) {
                return Some(l);
            }
            let guess = self.next.get(l as usize).copied().unwrap_or(u32::MAX);
            if guess != u32::MAX && self.holds(guess, key, id) {
                self.last = Some(guess);
                return Some(guess);
            }
        }
        let found = match key {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(id).copied(),
        };
        let i = match found {
            Some(i) => i,
            None => {
                let i = self.arena.push(id)?;
                match key {
                    Some(key) => {
                        self.short.insert(key, i);
                        self.keys.push(key);
                    }
                    None => {
                        self.long.insert(id.into(), i);
                        self.keys.push(LONG_KEY);
                    }
                }
                self.next.push(u32::MAX);
                i
            }
        };
        if let Some(n) = self.last.and_then(|l| self.next.get_mut(l as usize)) {
            *n = i;
        }
        self.last = Some(i);
        Some(i)
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.arena.len()
    }

    /// The ids, in order of first appearance.
    #[cfg(test)]
    pub(crate) fn list(&self) -> &IdList {
        &self.arena
    }

    /// The ids, dropping the lookup tables.
    pub(crate) fn into_list(self) -> IdList {
        self.arena
    }
}

/// Ids as one byte arena and end offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdList {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl IdList {
    /// Appends `id`; its index, or `None` when full.
    pub(crate) fn push(&mut self, id: &[u8]) -> Option<u32> {
        let index = u32::try_from(self.ends.len())
            .ok()
            .filter(|&i| i < u32::MAX)?;
        let end = u32::try_from(self.bytes.len() + id.len()).ok()?;
        self.bytes.extend_from_slice(id);
        self.ends.push(end);
        Some(index)
    }

    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Id `i` as bytes (empty if out of range).
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(0),
            None => 0,
        } as usize;
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.bytes.get(start..end).unwrap_or(&[])
    }

    /// Id `i` as text (ids are read as UTF-8).
    pub(crate) fn text(&self, i: usize) -> &str {
        std::str::from_utf8(self.get(i)).unwrap_or("")
    }

    /// The index of `id` in a sorted list.
    pub(crate) fn find_sorted(&self, id: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids() {
        let mut ids = Interner::default();
        let long = b"a-very-long-customer-identifier-0001";
        assert_eq!(ids.index(b"c1"), Some(0));
        assert_eq!(ids.index(long), Some(1));
        assert_eq!(ids.index(b"c2"), Some(2));
        assert_eq!(ids.index(b"c1"), Some(0));
        assert_eq!(ids.index(long), Some(1));
        assert_eq!(ids.index(b""), Some(3));
        assert_eq!(ids.index(b"123456789012345"), Some(4));
        assert_eq!(ids.index(b"1234567890123456"), Some(5));
        assert_eq!(ids.len(), 6);
        assert_eq!(ids.list().get(1), long);
        assert_eq!(ids.list().text(5), "1234567890123456");
        assert_ne!(Packed::new(b"ab"), Packed::new(b"ab\0"));
    }

    #[test]
    fn sorted_lookup() {
        let mut list = IdList::default();
        for id in ["a", "b", "bb", "c"] {
            list.push(id.as_bytes());
        }
        assert_eq!(list.find_sorted(b"bb"), Some(2));
        assert_eq!(list.find_sorted(b"a"), Some(0));
        assert_eq!(list.find_sorted(b"d"), None);
        assert_eq!(list.find_sorted(b"ba"), None);
    }
}
