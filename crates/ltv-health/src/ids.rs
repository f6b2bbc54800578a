//! Customer ids: interned while a file is read (an id of up to 15 bytes is packed into
//! 16 bytes and never compared as text), then kept sorted in one byte arena so that
//! every later step runs in id order, whatever the row order or thread count.

use std::hash::Hasher;

/// A byte string of at most 15 bytes (an id, a metric name, a date), packed with its
/// length in the top byte: two compares instead of a `memcmp` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packed([u64; 2]);

impl Packed {
    /// `bytes` packed, or `None` when longer than 15 bytes. Built from whole-word loads
    /// (no byte copy through the stack, which would stall the load that follows).
    pub(crate) fn new(bytes: &[u8]) -> Option<Packed> {
        let len = bytes.len();
        if len > 15 {
            return None;
        }
        let (first, second) = if len <= 8 {
            (small_word(bytes), 0)
        } else {
            let (a, b) = bytes.split_at(8);
            (u64::from_le_bytes(a.try_into().ok()?), small_word(b))
        };
        Some(Packed([first, second | (len as u64) << 56]))
    }
}

impl Packed {
    /// Whether the packed bytes are printable ASCII without a quote, not starting or
    /// ending with a blank: text that reads the same decoded and trimmed (checked a
    /// word at a time).
    pub(crate) fn is_plain(&self) -> bool {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let len = (self.0[1] >> 56) as usize;
        if len == 0 {
            return false;
        }
        // padding bytes (and the length byte) read as 'a'
        let valid = |bytes: usize| -> u64 {
            if bytes >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * bytes)) - 1
            }
        };
        let fill = |w: u64, keep: u64| (w & keep) | (0x6161_6161_6161_6161 & !keep);
        let words = [
            fill(self.0[0], valid(len)),
            fill(
                self.0[1] & !(0xFF << 56),
                valid(len.saturating_sub(8)) & !(0xFF << 56),
            ),
        ];
        let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
        let above = |x: u64, n: u64| (x.wrapping_add(ONES * (127 - n)) | x) & HIGH != 0;
        let bad = words
            .iter()
            .any(|&w| below(w, 0x20) || above(w, 0x7E) || below(w ^ (ONES * 0x22), 1));
        let byte = |i: usize| (self.0[i / 8] >> (8 * (i % 8))) as u8;
        !bad && byte(0) != b' ' && byte(len - 1) != b' '
    }
}

/// Up to 8 bytes as a little-endian word, zero above them: two overlapping loads whose
/// shared bytes are equal, OR-ed.
fn small_word(b: &[u8]) -> u64 {
    let len = b.len();
    let word = |at: usize| -> u64 {
        b.get(at..at + 4)
            .and_then(|w| w.try_into().ok())
            .map_or(0, |w: [u8; 4]| u64::from(u32::from_le_bytes(w)))
    };
    let byte = |at: usize| b.get(at).map_or(0, |&x| u64::from(x));
    match len {
        0 => 0,
        1..=3 => byte(0) | byte(len / 2) << (8 * (len / 2)) | byte(len - 1) << (8 * (len - 1)),
        _ => word(0) | word(len - 4) << (8 * (len - 4)),
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
/// in the same order every month). A wrong guess, or a new id, probes [`Slots`].
#[derive(Debug, Default)]
pub(crate) struct Interner {
    slots: Slots,
    arena: IdList,
    /// Per index: the packed id, or for a long id [`LONG_KEY`].
    keys: Vec<Packed>,
    /// Per index: the index that followed it last time (`u32::MAX`: none yet).
    next: Vec<u32>,
    last: Option<u32>,
}

/// The 32 hash bits an id is filed under.
fn tag(key: Option<Packed>, id: &[u8]) -> u32 {
    let hash = match key {
        Some(k) => mix(k.0[0] ^ k.0[1].rotate_left(32).wrapping_mul(K)),
        None => hash_bytes(id),
    };
    (hash >> 32) as u32
}

/// The key slot of a long id (a short id's second word has its length, at most 15, in
/// the top byte, so it never equals this).
const LONG_KEY: Packed = Packed([0, u64::MAX]);

/// An open-addressing table of ids: each slot is (32 hash bits, index + 1), 8 bytes,
/// linear probing, at most half full. The slot position comes from the stored hash
/// bits, so growing never reads an id again.
#[derive(Debug, Default)]
struct Slots {
    table: Vec<u64>,
    len: usize,
}

impl Slots {
    const EMPTY: u64 = 0;

    fn mask(&self) -> usize {
        self.table.len().wrapping_sub(1)
    }

    /// The index whose tag is `tag` and for which `same` holds, if any.
    fn find(&self, tag: u32, same: impl Fn(u32) -> bool) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut at = tag as usize & mask;
        loop {
            let slot = *self.table.get(at)?;
            if slot == Self::EMPTY {
                return None;
            }
            let index = (slot as u32).wrapping_sub(1);
            if (slot >> 32) as u32 == tag && same(index) {
                return Some(index);
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `index` under `tag` (it is not in the table).
    fn insert(&mut self, tag: u32, index: u32) {
        if (self.len + 1) * 2 > self.table.len() {
            self.grow();
        }
        let mask = self.mask();
        let mut at = tag as usize & mask;
        while self.table.get(at).is_some_and(|&s| s != Self::EMPTY) {
            at = (at + 1) & mask;
        }
        if let Some(slot) = self.table.get_mut(at) {
            *slot = u64::from(tag) << 32 | u64::from(index.wrapping_add(1));
            self.len += 1;
        }
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.table);
        self.table = vec![Self::EMPTY; (old.len() * 2).max(1 << 12)];
        let mask = self.mask();
        for slot in old.into_iter().filter(|&s| s != Self::EMPTY) {
            let mut at = (slot >> 32) as usize & mask;
            while self.table.get(at).is_some_and(|&s| s != Self::EMPTY) {
                at = (at + 1) & mask;
            }
            if let Some(dst) = self.table.get_mut(at) {
                *dst = slot;
            }
        }
    }
}

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
        self.index_packed(Packed::new(id), id)
    }

    /// The index of `id` (packed as `key`, `Packed::new(id)`) if it is known.
    pub(crate) fn find(&mut self, key: Option<Packed>, id: &[u8]) -> Option<u32> {
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
        let i = self.slots.find(tag(key, id), |i| self.holds(i, key, id))?;
        self.follow(i);
        Some(i)
    }

    /// Remembers that `i` came after the last id.
    fn follow(&mut self, i: u32) {
        if let Some(n) = self.last.and_then(|l| self.next.get_mut(l as usize)) {
            *n = i;
        }
        self.last = Some(i);
    }

    /// [`Interner::index`] with `id` already packed (`Packed::new(id)`).
    pub(crate) fn index_packed(&mut self, key: Option<Packed>, id: &[u8]) -> Option<u32> {
        if let Some(i) = self.find(key, id) {
            return Some(i);
        }
        let i = self.arena.push(id)?;
        self.keys.push(key.unwrap_or(LONG_KEY));
        self.next.push(u32::MAX);
        self.slots.insert(tag(key, id), i);
        self.follow(i);
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
    fn many_ids_through_growth_and_mispredictions() {
        let mut ids = Interner::default();
        let name = |i: u32| {
            if i % 7 == 0 {
                format!("a-long-customer-identifier-{i:08}")
            } else {
                format!("c{i}")
            }
        };
        for i in 0..100_000u32 {
            assert_eq!(ids.index(name(i).as_bytes()), Some(i));
        }
        // out of order: every lookup a misprediction
        for i in (0..100_000u32).rev().step_by(3) {
            assert_eq!(ids.index(name(i).as_bytes()), Some(i));
        }
        assert_eq!(ids.len(), 100_000);
        let mut s = Slots::default();
        for i in 0..10_000 {
            s.insert(7, i); // one tag for all: every probe compares ids
        }
        assert_eq!(s.find(7, |i| i == 9_999), Some(9_999));
        assert_eq!(s.find(7, |_| false), None);
        assert_eq!(s.find(8, |_| true), None);
    }

    #[test]
    fn packing_is_the_bytes_and_the_length() {
        for len in 0..=15usize {
            let bytes: Vec<u8> = (1..=len as u8).map(|b| b.wrapping_mul(37)).collect();
            let mut padded = [0u8; 16];
            padded[..len].copy_from_slice(&bytes);
            padded[15] = len as u8;
            let expected = Packed([
                u64::from_le_bytes(padded[..8].try_into().unwrap()),
                u64::from_le_bytes(padded[8..].try_into().unwrap()),
            ]);
            assert_eq!(Packed::new(&bytes), Some(expected), "{len}");
        }
        assert_eq!(Packed::new(&[0; 16]), None);
    }

    #[test]
    fn plain_text_word_at_a_time() {
        let plain = |t: &[u8]| Packed::new(t).is_some_and(|p| p.is_plain());
        let simple = |t: &[u8]| {
            !t.is_empty()
                && t.iter().all(|&b| (b' '..=b'~').contains(&b) && b != b'"')
                && t[0] != b' '
                && t[t.len() - 1] != b' '
        };
        let mut cases: Vec<Vec<u8>> = vec![
            b"c1".to_vec(),
            b"a b".to_vec(),
            b" a".to_vec(),
            b"a ".to_vec(),
            b"".to_vec(),
            b"x\"y".to_vec(),
            b"tab\there".to_vec(),
            b"~~~".to_vec(),
            b"\x7f".to_vec(),
            "caf\u{e9}".as_bytes().to_vec(),
            b"123456789012345".to_vec(),
            b"12345678 ".to_vec(),
            b"a\0b".to_vec(),
            b"!".to_vec(),
        ];
        for b in 0u8..=255 {
            cases.push(vec![b'a', b, b'z']);
            cases.push(vec![b'a'; 9].into_iter().chain([b]).collect());
            cases.push(vec![b]);
        }
        for t in cases {
            assert_eq!(plain(&t), simple(&t), "{t:?}");
        }
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
