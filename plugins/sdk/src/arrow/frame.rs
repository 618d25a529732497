//! `Frame`: ordered, uniquely named columns of equal length, what a port carries.
//!
//! The invariants (unique names, equal lengths) are kept by every method, so export never
//! has to fail; lookups fail with the list of the columns there are, because a misspelt
//! column name is the most common mistake in a pipeline file.

use std::sync::Arc;

use super::column::Column;
use crate::error::{Error, Result};

/// A record batch: named columns of equal length.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    names: Vec<String>,
    columns: Vec<Column>,
    len: usize,
}

impl Frame {
    /// An empty frame: no columns, no rows.
    pub fn new() -> Frame {
        Frame::default()
    }

    /// A frame of `(name, column)` pairs.
    pub fn from_columns<N: Into<String>>(
        columns: impl IntoIterator<Item = (N, Column)>,
    ) -> Result<Frame> {
        let mut frame = Frame::new();
        for (name, column) in columns {
            frame.push(name, column)?;
        }
        Ok(frame)
    }

    /// A frame without columns but with a row count (what an imported empty struct gives).
    pub(crate) fn with_len(len: usize) -> Frame {
        Frame {
            len,
            ..Frame::default()
        }
    }

    /// Appends a column; an error when the name is taken or the length differs.
    pub fn push(&mut self, name: impl Into<String>, mut column: Column) -> Result<()> {
        let name = name.into();
        if name.contains('\0') {
            return Err(Error::new(format!(
                "column name {name:?} contains a NUL byte"
            )));
        }
        if self.names.contains(&name) {
            return Err(Error::new(format!("duplicate column `{name}`")));
        }
        if !self.columns.is_empty() && column.len() != self.len {
            return Err(Error::new(format!(
                "column `{name}` has {} rows, the frame {}",
                column.len(),
                self.len
            )));
        }
        self.len = column.len();
        column.label = Some(Arc::from(name.as_str()));
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// [`Frame::push`], by value, for chaining.
    pub fn with(mut self, name: impl Into<String>, column: Column) -> Result<Frame> {
        self.push(name, column)?;
        Ok(self)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The column names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// `(name, column)` pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names.iter().map(String::as_str).zip(&self.columns)
    }

    /// The column called `name`, or `None`.
    pub fn get(&self, name: &str) -> Option<&Column> {
        let index = self.names.iter().position(|n| n == name)?;
        self.columns.get(index)
    }

    /// The column called `name`; the error lists the columns and suggests the closest.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.get(name).ok_or_else(|| self.missing(name))
    }

    /// Takes the column called `name` out of the frame.
    pub fn remove(&mut self, name: &str) -> Result<Column> {
        let index = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| self.missing(name))?;
        self.names.remove(index);
        let mut column = self.columns.remove(index);
        column.label = None;
        Ok(column)
    }

    /// Renames column `from` to `to`.
    pub fn rename(&mut self, from: &str, to: impl Into<String>) -> Result<()> {
        let to = to.into();
        let index = self
            .names
            .iter()
            .position(|n| n == from)
            .ok_or_else(|| self.missing(from))?;
        if from != to && self.names.contains(&to) {
            return Err(Error::new(format!("duplicate column `{to}`")));
        }
        if let Some(column) = self.columns.get_mut(index) {
            column.label = Some(Arc::from(to.as_str()));
        }
        self.names[index] = to;
        Ok(())
    }

    /// A frame of the named columns, in the order given (sharing their data).
    pub fn select<S: AsRef<str>>(&self, names: impl IntoIterator<Item = S>) -> Result<Frame> {
        let mut frame = Frame::with_len(self.len);
        for name in names {
            let name = name.as_ref();
            frame.push(name, self.column(name)?.clone())?;
        }
        Ok(frame)
    }

    /// The `(name, column)` pairs, by value.
    pub fn into_columns(self) -> Vec<(String, Column)> {
        self.names.into_iter().zip(self.columns).collect()
    }

    fn missing(&self, name: &str) -> Error {
        let mut message = format!("no column `{name}`");
        if let Some(close) = closest(name, self.names.iter().map(String::as_str)) {
            message.push_str(&format!(" (did you mean `{close}`?)"));
        }
        if self.names.is_empty() {
            message.push_str("; the frame has no columns");
        } else {
            message.push_str("; columns: ");
            message.push_str(&self.names.join(", "));
        }
        Error::new(message)
    }
}

/// The candidate nearest to `name` by edit distance, when it is near enough to be a typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over chars, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_keeps_names_unique_and_lengths_equal() {
        let mut frame = Frame::new();
        frame
            .push("a", Column::from_f64(vec![1.0, 2.0]))
            .expect("first");
        let duplicate = frame.push("a", Column::from_f64(vec![1.0, 2.0]));
        assert!(duplicate
            .expect_err("dup")
            .message()
            .contains("duplicate column `a`"));
        let short = frame.push("b", Column::from_f64(vec![1.0]));
        assert!(short.expect_err("len").message().contains("1 rows"));
        assert_eq!(frame.width(), 1);
        assert_eq!(frame.len(), 2);
    }

    #[test]
    fn missing_column_lists_and_suggests() {
        let frame = Frame::new()
            .with("recency", Column::from_i64(vec![1]))
            .and_then(|f| f.with("frequency", Column::from_i64(vec![2])))
            .expect("frame");
        let error = frame.column("frequncy").expect_err("missing");
        assert_eq!(
            error.message(),
            "no column `frequncy` (did you mean `frequency`?); columns: recency, frequency"
        );
        let error = frame.column("zzz").expect_err("missing");
        assert_eq!(
            error.message(),
            "no column `zzz`; columns: recency, frequency"
        );
    }

    #[test]
    fn column_errors_name_the_column() {
        let frame = Frame::new()
            .with("name", Column::from_strings(["x"]))
            .expect("frame");
        let error = frame
            .column("name")
            .and_then(Column::to_f64_vec)
            .expect_err("not numeric");
        assert_eq!(error.message(), "column `name`: is LargeUtf8, not numeric");
    }

    #[test]
    fn select_rename_remove() {
        let mut frame = Frame::from_columns([
            ("a", Column::from_i64(vec![1, 2])),
            ("b", Column::from_i64(vec![3, 4])),
        ])
        .expect("frame");
        let picked = frame.select(["b", "a"]).expect("select");
        assert_eq!(picked.names().collect::<Vec<_>>(), ["b", "a"]);
        frame.rename("a", "c").expect("rename");
        assert!(frame.rename("c", "b").is_err());
        let b = frame.remove("b").expect("remove");
        assert_eq!(b.i64_values(), Some(&[3, 4][..]));
        assert_eq!(frame.names().collect::<Vec<_>>(), ["c"]);
    }
}
