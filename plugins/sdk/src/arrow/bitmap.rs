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

    /// How many bits of the window are 0.
    pub(crate) fn count_zeros(&self) -> usize {
        let bytes = self.bytes.as_slice();
        let (start, end) = (self.offset, self.offset + self.len);
        let mut ones = 0usize;
        let mut bit = start;
        // Head and tail bit by bit, the whole bytes between at once.
        while bit < end && bit % 8 != 0 {
            ones += usize::from(bytes[bit / 8] & (1 << (bit % 8)) != 0);
            bit += 1;
        }
        let whole_end = end - end % 8;
        if bit < whole_end {
            ones += bytes[bit / 8..whole_end / 8]
                .iter()
                .map(|byte| byte.count_ones() as usize)
                .sum::<usize>();
            bit = whole_end;
        }
        while bit < end {
            ones += usize::from(bytes[bit / 8] & (1 << (bit % 8)) != 0);
            bit += 1;
        }
        self.len - ones
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
        let bits: Vec<bool> = (0..40).map(|i| i % 3 == 0).collect();
        let all = Bitmap::from_bools(bits.iter().copied());
        for offset in [0, 1, 5, 8, 13] {
            for len in [0, 1, 7, 9, 20] {
                let window = Bitmap::new(all.bytes().clone(), offset, len).expect("fits");
                let zeros = bits[offset..offset + len].iter().filter(|b| !**b).count();
                assert_eq!(window.count_zeros(), zeros, "offset {offset} len {len}");
                for i in 0..len {
                    assert_eq!(window.get(i), bits[offset + i]);
                }
            }
        }
        assert!(Bitmap::new(all.bytes().clone(), 35, 6).is_none());
    }
}
