//! Rendering: human tables, JSON, and writing to stdout.
//!
//! Numbers arrive here at full precision and are rounded once, by
//! [`ltv_core::present`], only in the human formats. JSON keeps the exact decimal text.
//! Every cell of a human table is [`crate::error::printable`] (a control character in
//! an id cannot reach the terminal) and columns are aligned by display width, so ids
//! in Japanese (two columns a character) line up.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

/// Writes `text` to `out` (stdout in the binary, a buffer in tests and the server),
/// with every control character but line ends and tabs written as `\u00XX`: a name
/// from a file cannot drive the terminal. In JSON (where such characters are only
/// inside strings) that is the same character, escaped.
pub fn write(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(terminal_safe(text).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// `text` with its control characters other than `\n`, `\r` and `\t` as `\u00XX`.
fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    // control characters are ASCII or U+0080..U+009F (UTF-8 lead byte 0xC2)
    let maybe = text
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')) || b == 0x7F || b == 0xC2);
    if !maybe || !text.chars().any(risky) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if risky(c) {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    std::borrow::Cow::Owned(safe)
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
        self.rows
            .push([label.into(), value.into(), note.into()].map(printable));
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
            header: header.into_iter().map(|h| printable(h.into())).collect(),
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
        self.rows
            .push(row.into_iter().map(|c| printable(c.into())).collect());
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

/// `cell` with its control characters escaped (see [`crate::error::printable`]).
fn printable(cell: String) -> String {
    match crate::error::printable(&cell) {
        std::borrow::Cow::Borrowed(_) => cell,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// Columns `s` takes on a terminal: two for a wide (East Asian) character.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
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
    fn written_text_cannot_drive_the_terminal() {
        assert_eq!(
            terminal_safe("a\x1b[2J\u{9b}b\n\tc\r\n"),
            "a\\u001b[2J\\u009bb\n\tc\r\n"
        );
        assert_eq!(terminal_safe("é plain"), "é plain");
        // still the same JSON
        let json = "{\"id\": \"x\u{9b}y\"}";
        let a: serde_json::Value = serde_json::from_str(json).unwrap();
        let b: serde_json::Value = serde_json::from_str(&terminal_safe(json)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn wide_characters_and_control_characters() {
        let mut t = Table::new(["顧客", "金額"]);
        t.push(["山田商事", "9,800"]);
        t.push(["a\x1b[2Jb", "1"]);
        assert_eq!(
            t.render(),
            "顧客          金額\n-----------  -----\n山田商事     9,800\na\\u{1b}[2Jb      1\n"
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
