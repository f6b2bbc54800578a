//! Rendering: human tables, JSON, and writing to stdout.
//!
//! Numbers arrive here at full precision and are rounded once, by
//! [`ltv_core::present`], only in the human formats. JSON keeps the exact decimal text.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

/// Writes `text` to `out` (stdout in the binary, a buffer in tests and the server).
pub fn write(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Pretty JSON of `value` followed by a newline.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// A two-column table of labelled values with an optional note per row.
#[derive(Debug, Default)]
pub struct KvTable {
    title: String,
    rows: Vec<[String; 3]>,
}

impl KvTable {
    /// A table headed by `title`.
    pub fn new(title: impl Into<String>) -> Self {
        KvTable {
            title: title.into(),
            rows: Vec::new(),
        }
    }

    /// Adds `label  value`.
    pub fn row(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.note(label, value, "")
    }

    /// Adds `label  value  note`.
    pub fn note(
        &mut self,
        label: impl Into<String>,
        value: impl Into<String>,
        note: impl Into<String>,
    ) -> &mut Self {
        self.rows.push([label.into(), value.into(), note.into()]);
        self
    }

    /// The table as text.
    pub fn render(&self) -> String {
        let lw = self.rows.iter().map(|r| width(&r[0])).max().unwrap_or(0);
        let vw = self.rows.iter().map(|r| width(&r[1])).max().unwrap_or(0);
        let mut out = format!("{}\n", self.title);
        for [label, value, note] in &self.rows {
            let line = format!(
                "  {label}{}  {}{value}  {note}",
                pad(lw, label),
                pad(vw, value)
            );
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A table with a header row; the first column is left-aligned, the rest right-aligned.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns after the first that are left-aligned too (free text).
    left: Vec<usize>,
}

impl Table {
    /// A table with these column headings.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
            left: Vec::new(),
        }
    }

    /// Left-aligns column `i` as well (for free text such as reasons).
    pub fn left_aligned(mut self, i: usize) -> Self {
        self.left.push(i);
        self
    }

    /// Adds a row.
    pub fn push<S: Into<String>>(&mut self, row: impl IntoIterator<Item = S>) {
        self.rows.push(row.into_iter().map(Into::into).collect());
    }

    /// The table as text.
    pub fn render(&self) -> String {
        let cols = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        let mut widths = vec![0; cols];
        for row in self.rows.iter().chain([&self.header]) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let mut out = String::new();
        let mut line = |row: &[String]| {
            let mut text = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                if i == 0 {
                    text.push_str(cell);
                    text.push_str(&pad(*w, cell));
                } else if self.left.contains(&i) {
                    text.push_str("  ");
                    text.push_str(cell);
                    text.push_str(&pad(*w, cell));
                } else {
                    text.push_str("  ");
                    text.push_str(&pad(*w, cell));
                    text.push_str(cell);
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.header);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(w: usize, s: &str) -> String {
    " ".repeat(w.saturating_sub(width(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kv_alignment() {
        let mut t = KvTable::new("T");
        t.row("a", "1.00").note("long label", "100.00", "note");
        assert_eq!(
            t.render(),
            "T\n  a             1.00\n  long label  100.00  note\n"
        );
    }

    #[test]
    fn table_alignment() {
        let mut t = Table::new(["name", "value"]);
        t.push(["x", "1"]);
        t.push(["longer", "100"]);
        assert_eq!(
            t.render(),
            "name    value\n------  -----\nx           1\nlonger    100\n"
        );
    }
}
