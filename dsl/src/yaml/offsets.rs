//! saphyr's markers count characters; diagnostics need byte offsets.

/// Converts character indices of one text to byte offsets. Lookups move a cursor from the
/// previous one, so the mostly increasing markers of an event stream cost O(distance) each
/// rather than O(position); an ASCII text needs no conversion at all.
pub(crate) struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    /// A known (character index, byte offset) pair.
    cursor: (usize, usize),
}

impl<'t> Offsets<'t> {
    pub fn new(text: &'t str) -> Self {
        Offsets {
            text,
            ascii: text.is_ascii(),
            cursor: (0, 0),
        }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The byte offset of character `index` (the text's length past its end).
    pub fn byte(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        let (mut chars, mut bytes) = self.cursor;
        if index >= chars {
            for c in self.text[bytes..].chars() {
                if chars == index {
                    break;
                }
                chars += 1;
                bytes += c.len_utf8();
            }
        } else {
            for c in self.text[..bytes].chars().rev() {
                if chars == index {
                    break;
                }
                chars -= 1;
                bytes -= c.len_utf8();
            }
        }
        self.cursor = (chars, bytes);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let text = "é: ü\nb";
        let mut o = Offsets::new(text);
        assert_eq!(o.byte(3), 4);
        assert_eq!(o.byte(4), 6);
        assert_eq!(o.byte(1), 2);
        assert_eq!(o.byte(0), 0);
        assert_eq!(o.byte(6), 8);
        assert_eq!(o.byte(99), text.len());
    }
}
