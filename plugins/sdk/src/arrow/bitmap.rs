//! Arrow bitmaps: validity masks and boolean values, one bit per row, least significant bit
//! first, starting at a bit offset (an imported array's `offset` rarely falls on a byte).

use super::memory::Bytes;

/// A window of `len` bits starting `offset` bits into `bytes`.
#[derive(Clone)]
pub(crate) struct Bitmap {
    bytes: Bytes,
    offset: usize,
    len: usize,
}

impl Bitmap {
    /// `None` when `bytes` is too short for the window.
    pub(crate) fn new(bytes: Bytes, offset: usize, len: usize) -> Option<Bitmap> {
        let bits = offset.checked_add(len)?;
        (bytes.len() >= bits.div_ceil(8)).then_some(Bitmap { bytes, offset, len })
    }

    /// Packs `bits` (offset 0).
    pub(crate) fn from_bools(bits: impl IntoIterator<Item = bool>) -> Bitmap {
        let mut packed = Vec::new();
        let mut len = 0;
        for bit in bits {
            if len % 8 == 0 {
                packed.push(0u8);
            }
            if bit {
                if let Some(last) = packed.last_mut() {
                    *last |= 1 << (len % 8);
                }
            }
            len += 1;
        }
        Bitmap {
            bytes: Bytes::from_vec(packed),
            offset: 0,
            len,
        }
    }

    /// Bit `i` of the window; `i` must be below `len`.
    pub(crate) fn get(&self, i: usize) -> bool {
        debug_assert!(i < self.len);
        let bit = self.offset + i;
        self.bytes.as_slice()[bit / 8] & (1 << (bit % 8)) != 0
    }

    /// How many bits of the window are 0 (whole 64-bit words at a time).
    pub(crate) fn count_zeros(&self) -> usize {
        let bytes = self.bytes.as_slice();
        let bit = |i: usize| usize::from(bytes[i / 8] & (1 << (i % 8)) != 0);
        let (start, end) = (self.offset, self.offset + self.len);
        let first_byte = start.div_ceil(8);
        let last_byte = end / 8;
        if first_byte >= last_byte {
            return self.len - (start..end).map(bit).sum::<usize>();
        }
        let head: usize = (start..first_byte * 8).map(bit).sum();
        let tail: usize = (last_byte * 8..end).map(bit).sum();
        let middle = &bytes[first_byte..last_byte];
        let words = middle.chunks_exact(8);
        let rest: usize = words
            .remainder()
            .iter()
            .map(|b| b.count_ones() as usize)
            .sum();
        let whole: usize = words
            .map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
            .map(|w| w.count_ones() as usize)
            .sum();
        self.len - head - tail - rest - whole
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    pub(crate) fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_and_reads_lsb_first() {
        let bits = [
            true, false, true, true, false, false, false, false, true, false,
        ];
        let bitmap = Bitmap::from_bools(bits);
        assert_eq!(bitmap.bytes().as_slice(), &[0b0000_1101, 0b0000_0001]);
        for (i, bit) in bits.iter().enumerate() {
            assert_eq!(bitmap.get(i), *bit);
        }
        assert_eq!(bitmap.count_zeros(), 6);
    }

    #[test]
    fn windows_count_only_their_bits() {
        let bits: Vec<bool> = (0..400).map(|i| i % 3 == 0 || i % 7 == 1).collect();
        let all = Bitmap::from_bools(bits.iter().copied());
        for offset in [0, 1, 5, 8, 13, 64, 67] {
            for len in [0, 1, 7, 9, 20, 63, 64, 130, 300] {
                let window = Bitmap::new(all.bytes().clone(), offset, len).expect("fits");
                let zeros = bits[offset..offset + len].iter().filter(|b| !**b).count();
                assert_eq!(window.count_zeros(), zeros, "offset {offset} len {len}");
                for i in 0..len {
                    assert_eq!(window.get(i), bits[offset + i]);
                }
            }
        }
        assert!(Bitmap::new(all.bytes().clone(), 395, 6).is_none());
    }
}
