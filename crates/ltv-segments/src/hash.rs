//! A small, fast, non-cryptographic hasher for interning customer ids (the FxHash of
//! rustc) with a finaliser. The keys come from the user's own file, so hash flooding is not a concern.

use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash: multiply-rotate over 8-byte words.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    /// The multiply leaves the low bits depending only on the low input bits, and
    /// hashbrown picks buckets by the low bits: fold the high bits down (the SplitMix64
    /// finaliser) so ids that differ only in their last characters spread out.
    #[inline]
    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `HashMap<K, V, FxBuild>`.
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;
pub(crate) type FxMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

/// Byte strings (channel names) numbered 0, 1, … in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct Names<'a> {
    numbers: FxMap<&'a [u8], u32>,
    names: Vec<&'a [u8]>,
}

impl<'a> Names<'a> {
    /// The number of `name`, given the next one if it is new.
    pub(crate) fn number(&mut self, name: &'a [u8]) -> u32 {
        let next = self.names.len() as u32;
        *self.numbers.entry(name).or_insert_with(|| {
            self.names.push(name);
            next
        })
    }

    /// The numbers of `names`, in order (for renumbering another `Names`' list).
    pub(crate) fn numbers(&mut self, names: &[&'a [u8]]) -> Vec<u32> {
        names.iter().map(|&name| self.number(name)).collect()
    }

    /// The names, by number.
    pub(crate) fn names(&self) -> &[&'a [u8]] {
        &self.names
    }

    /// The names, by number.
    pub(crate) fn into_names(self) -> Vec<&'a [u8]> {
        self.names
    }
}
