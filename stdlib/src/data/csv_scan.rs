//! A quote-aware pass over CSV bytes: record boundaries, field counts and line numbers.
//!
//! polars reads CSV fast but reports problems without line numbers, and fills a short row
//! with nulls without saying so. This pass (a byte loop, a few milliseconds per ten
//! megabytes) finds ragged rows before polars sees the file, and maps a row number back to
//! its line when polars rejects a value. Blank lines are skipped, as polars skips them.

use aimass_engine::StageError;

use super::errors::{EMPTY_FILE, RAGGED_ROW};

/// One record: the line it starts on (1-based), its byte range and its field count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub fields: usize,
}

pub struct Records<'a> {
    bytes: &'a [u8],
    delimiter: u8,
    pos: usize,
    line: usize,
}

impl<'a> Records<'a> {
    pub fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        Self {
            bytes,
            delimiter,
            pos: bom,
            line: 1,
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let b = self.bytes;
        // Skip blank lines.
        loop {
            if self.pos >= b.len() {
                return None;
            }
            match b[self.pos] {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                }
                b'\r' if b.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                _ => break,
            }
        }
        let (start, line) = (self.pos, self.line);
        let mut fields = 1;
        let mut quoted = false;
        let mut end = b.len();
        while self.pos < b.len() {
            let c = b[self.pos];
            self.pos += 1;
            if c == b'"' {
                quoted = !quoted;
            } else if c == b'\n' {
                self.line += 1;
                if !quoted {
                    end = self.pos - 1;
                    break;
                }
            } else if c == self.delimiter && !quoted {
                fields += 1;
            }
        }
        if end > start && b[end - 1] == b'\r' {
            end -= 1;
        }
        Some(Record {
            line,
            start,
            end,
            fields,
        })
    }
}

/// What the pass learnt about a well-formed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The first record's fields, unquoted: the column names when the file has a header.
    pub first: Vec<String>,
    /// Records after the header (all records without one).
    pub rows: usize,
}

/// Checks that the file has a record and that every record has as many fields as the first.
pub fn check(bytes: &[u8], delimiter: u8, header: bool, file: &str) -> Result<Shape, StageError> {
    let mut records = Records::new(bytes, delimiter);
    let Some(first) = records.next() else {
        return Err(StageError::new(format!("{file} is empty"))
            .code(EMPTY_FILE)
            .help("the file has no rows, not even a header"));
    };
    let mut rows = usize::from(!header);
    for r in records {
        if r.fields != first.fields {
            let what = if r.fields > first.fields {
                "more"
            } else {
                "fewer"
            };
            return Err(StageError::new(format!(
                "{file}, line {}: the row has {} but the {} has {} ({what} than expected)",
                r.line,
                fields(r.fields),
                if header { "header" } else { "first row" },
                first.fields
            ))
            .code(RAGGED_ROW)
            .help("check the row for a missing or extra delimiter, or an unbalanced quote"));
        }
        rows += 1;
    }
    Ok(Shape {
        first: split_fields(&bytes[first.start..first.end], delimiter),
        rows,
    })
}

fn fields(n: usize) -> String {
    if n == 1 {
        "1 field".to_string()
    } else {
        format!("{n} fields")
    }
}

/// The line on which data row `row` (0-based, after the header) starts.
pub fn line_of_row(bytes: &[u8], delimiter: u8, header: bool, row: usize) -> Option<usize> {
    Records::new(bytes, delimiter)
        .nth(row + usize::from(header))
        .map(|r| r.line)
}

/// Splits one record into unquoted fields.
pub fn split_fields(record: &[u8], delimiter: u8) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < record.len() {
        let c = record[i];
        if c == b'"' {
            if quoted && record.get(i + 1) == Some(&b'"') {
                cur.push(b'"');
                i += 1;
            } else {
                quoted = !quoted;
            }
        } else if c == delimiter && !quoted {
            fields.push(String::from_utf8_lossy(&cur).into_owned());
            cur.clear();
        } else {
            cur.push(c);
        }
        i += 1;
    }
    fields.push(String::from_utf8_lossy(&cur).into_owned());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_know_their_lines_and_fields() {
        let text = b"a,b,c\n1,\"x\ny\",3\n\n4,5,6\r\n7,8";
        let recs: Vec<(usize, usize)> = Records::new(text, b',')
            .map(|r| (r.line, r.fields))
            .collect();
        assert_eq!(recs, vec![(1, 3), (2, 3), (5, 3), (6, 2)]);
        assert_eq!(line_of_row(text, b',', true, 1), Some(5));
    }

    #[test]
    fn ragged_rows_are_found_with_their_line() {
        let err = check(b"a,b\n1,2\n3\n", b',', true, "f.csv")
            .err()
            .map(|e| e.message);
        assert_eq!(
            err.as_deref(),
            Some("f.csv, line 3: the row has 1 field but the header has 2 (fewer than expected)")
        );
        let err = check(b"", b',', true, "f.csv").err().map(|e| e.code);
        assert_eq!(err.as_deref(), Some(EMPTY_FILE));
    }

    #[test]
    fn header_fields_are_unquoted() {
        assert_eq!(
            split_fields(b"\"a,b\",c,\"say \"\"hi\"\"\"", b','),
            vec!["a,b", "c", "say \"hi\""]
        );
    }
}
