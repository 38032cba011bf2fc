//! Consistent bucketing: MurmurHash3 x86_32 (seed 0) over `salt ":" value`, scaled to
//! [0, 100 000). The exact algorithm is published in `docs/evaluation.md`; changing
//! anything here changes which variant users get and needs a new spec version.

/// Number of buckets: weights are expressed out of this total.
pub const BUCKETS: u32 = 100_000;

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

/// Incremental MurmurHash3 x86_32 so the hash input can be fed in pieces without
/// building a string (evaluation must not allocate).
#[derive(Debug, Clone, Copy, Default)]
pub struct Murmur3 {
    h: u32,
    tail: u32,
    tail_len: u32,
    len: u32,
}

#[inline]
fn mix_k(mut k: u32) -> u32 {
    k = k.wrapping_mul(C1);
    k = k.rotate_left(15);
    k.wrapping_mul(C2)
}

impl Murmur3 {
    /// A hasher with seed 0.
    pub fn new() -> Self {
        Murmur3::default()
    }

    #[inline]
    fn block(&mut self, k: u32) {
        self.h ^= mix_k(k);
        self.h = self.h.rotate_left(13);
        self.h = self.h.wrapping_mul(5).wrapping_add(0xe654_6b64);
    }

    /// Feeds bytes.
    #[inline]
    pub fn write(&mut self, mut bytes: &[u8]) {
        // MurmurHash3 takes the length modulo 2^32.
        self.len = self.len.wrapping_add(bytes.len() as u32);
        if self.tail_len > 0 {
            // Complete the pending partial block first.
            let take = (4 - self.tail_len as usize).min(bytes.len());
            for (i, &b) in bytes[..take].iter().enumerate() {
                self.tail |= u32::from(b) << (8 * (self.tail_len as usize + i));
            }
            self.tail_len += take as u32;
            bytes = &bytes[take..];
            if self.tail_len < 4 {
                return;
            }
            let k = self.tail;
            self.tail = 0;
            self.tail_len = 0;
            self.block(k);
        }
        let mut chunks = bytes.chunks_exact(4);
        for chunk in &mut chunks {
            self.block(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
        }
        let rest = chunks.remainder();
        for (i, &b) in rest.iter().enumerate() {
            self.tail |= u32::from(b) << (8 * i);
        }
        self.tail_len = rest.len() as u32;
    }

    /// The hash of everything fed so far.
    #[inline]
    pub fn finish(self) -> u32 {
        let mut h = self.h;
        if self.tail_len > 0 {
            h ^= mix_k(self.tail);
        }
        h ^= self.len;
        h ^= h >> 16;
        h = h.wrapping_mul(0x85eb_ca6b);
        h ^= h >> 13;
        h = h.wrapping_mul(0xc2b2_ae35);
        h ^ (h >> 16)
    }
}

/// MurmurHash3 x86_32 with seed 0 of one byte string.
pub fn murmur3_32(bytes: &[u8]) -> u32 {
    let mut m = Murmur3::new();
    m.write(bytes);
    m.finish()
}

/// Maps a 32-bit hash to a bucket in [0, 100 000).
#[inline]
pub fn bucket_of_hash(hash: u32) -> u32 {
    ((u64::from(hash) * u64::from(BUCKETS)) >> 32) as u32
}

/// The hash of `salt ":" value`.
pub fn hash(salt: &str, value: &str) -> u32 {
    let mut m = salted(salt);
    m.write(value.as_bytes());
    m.finish()
}

/// The bucket of `value` for a flag with `salt`.
pub fn bucket(salt: &str, value: &str) -> u32 {
    bucket_of_hash(hash(salt, value))
}

/// A hasher that has already consumed `salt ":"`; compiled flags keep one so each
/// evaluation only hashes the value.
pub fn salted(salt: &str) -> Murmur3 {
    let mut m = Murmur3::new();
    m.write(salt.as_bytes());
    m.write(b":");
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_from_the_reference_implementation() {
        // Values published with the reference MurmurHash3 (seed 0).
        assert_eq!(murmur3_32(b""), 0);
        assert_eq!(murmur3_32(b"hello"), 0x248b_fa47);
        assert_eq!(murmur3_32(b"The quick brown fox jumps over the lazy dog"), 0x2e4f_f723);
    }

    #[test]
    fn feeding_in_pieces_equals_feeding_at_once() {
        let text = b"salt-value:some user key with several blocks";
        for split in 0..text.len() {
            for split2 in split..text.len() {
                let mut m = Murmur3::new();
                m.write(&text[..split]);
                m.write(&text[split..split2]);
                m.write(&text[split2..]);
                assert_eq!(m.finish(), murmur3_32(text), "split at {split}/{split2}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_split_of_any_input_hashes_as_the_whole(
            text in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            cuts in proptest::collection::vec(0usize..40, 0..5),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort_unstable();
            let mut m = Murmur3::new();
            let mut at = 0;
            for c in cuts.into_iter().chain([text.len()]) {
                m.write(&text[at..c]);
                at = c;
            }
            proptest::prop_assert_eq!(m.finish(), murmur3_32(&text));
            // And against an independent implementation.
            let reference = murmur3::murmur3_32(&mut std::io::Cursor::new(&text), 0).expect("in-memory read");
            proptest::prop_assert_eq!(murmur3_32(&text), reference);
        }
    }

    #[test]
    fn buckets_cover_the_whole_range() {
        assert_eq!(bucket_of_hash(0), 0);
        assert_eq!(bucket_of_hash(u32::MAX), BUCKETS - 1);
        assert_eq!(bucket_of_hash(0x8000_0000), BUCKETS / 2);
    }
}
