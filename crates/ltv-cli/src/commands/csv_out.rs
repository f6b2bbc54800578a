//! Writing CSV output: fields quoted only when needed, exact decimals, and text that
//! a spreadsheet would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`) neutralised with
//! a `'` in front unless `--raw-csv` ([`ltv_segments::csv_field`]).
//!
//! Besides [`field`] (one field as text), byte-level pieces for large tables:
//! [`push_field`], [`push_int`] and [`push_decimal`] append to a row buffer exactly
//! what `field`, `Display` of the integer and `Decimal::to_string` would produce, and
//! [`write_rows`] formats rows in parallel, in order, a few chunks at a time.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ltv_core::Decimal;
use rayon::prelude::*;

/// `--raw-csv`: write text fields as they are (set once per run, before any output).
static RAW: AtomicBool = AtomicBool::new(false);

/// Sets `--raw-csv` for the fields written from now on.
pub(crate) fn set_raw(raw: bool) {
    RAW.store(raw, Ordering::Relaxed);
}

pub(crate) fn is_raw() -> bool {
    RAW.load(Ordering::Relaxed)
}

/// A CSV field: a formula-like text neutralised (unless `--raw-csv`), quoted (with
/// `"` doubled) when it contains a delimiter, quote or line end.
pub(crate) fn field(s: &str) -> std::borrow::Cow<'_, str> {
    ltv_segments::csv_field(s, is_raw())
}

fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends [`field`]`(s)`.
pub(crate) fn push_field(buf: &mut Vec<u8>, s: &str) {
    if !is_raw() && ltv_segments::is_formula_like(s) {
        buf.extend_from_slice(field(s).as_bytes());
        return;
    }
    if needs_quotes(s) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// Appends an integer as `Display` writes it.
pub(crate) fn push_int(buf: &mut Vec<u8>, value: impl itoa::Integer) {
    buf.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Appends `d.to_string()`: sign (also of a negative zero), the mantissa's digits with
/// the point `scale` places from the right, a `0` before a leading point, and every
/// trailing zero the scale keeps (`0.05`, `-1.50`, `0.00`).
pub(crate) fn push_decimal(buf: &mut Vec<u8>, d: Decimal) {
    if d.is_sign_negative() {
        buf.push(b'-');
    }
    let mut digits = itoa::Buffer::new();
    let mantissa = d.mantissa().unsigned_abs();
    let digits = match u64::try_from(mantissa) {
        Ok(small) => digits.format(small),
        Err(_) => digits.format(mantissa),
    }
    .as_bytes();
    let scale = d.scale() as usize;
    if scale == 0 {
        buf.extend_from_slice(digits);
    } else if let Some(whole) = digits.len().checked_sub(scale).filter(|&w| w > 0) {
        let (whole, fraction) = digits.split_at(whole);
        buf.extend_from_slice(whole);
        buf.push(b'.');
        buf.extend_from_slice(fraction);
    } else {
        // |d| < 1 (a zero mantissa formats as the single digit "0")
        buf.extend_from_slice(b"0.");
        buf.resize(buf.len() + (scale - digits.len()), b'0');
        buf.extend_from_slice(digits);
    }
}

/// `--excel`: a UTF-8 byte-order mark before the output and CRLF line ends, what
/// Excel needs to open a CSV file as UTF-8 (Japanese Excel otherwise reads it as
/// Shift_JIS).
pub(crate) struct Excel<'a> {
    out: &'a mut dyn Write,
    started: bool,
    /// The last byte written was a CR (a CRLF in the output stays one).
    after_cr: bool,
}

impl<'a> Excel<'a> {
    pub(crate) fn new(out: &'a mut dyn Write) -> Self {
        Excel {
            out,
            started: false,
            after_cr: false,
        }
    }

    /// Flushes what was written.
    pub(crate) fn finish(mut self) -> anyhow::Result<()> {
        self.flush()?;
        Ok(())
    }
}

impl Write for Excel<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.started {
            self.out.write_all(b"\xEF\xBB\xBF")?;
            self.started = true;
        }
        let mut converted = Vec::with_capacity(buf.len() + buf.len() / 16);
        for &b in buf {
            if b == b'\n' && !self.after_cr {
                converted.push(b'\r');
            }
            converted.push(b);
            self.after_cr = b == b'\r';
        }
        self.out.write_all(&converted)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Rows per chunk formatted by one task.
const CHUNK_ROWS: usize = 32 * 1024;

/// Writes rows `0..rows`, each appended to a buffer by `row(i, buf)` (with its line
/// end), in order. Chunks of [`CHUNK_ROWS`] rows are formatted in parallel, a wave of a
/// few chunks per thread at a time, so memory stays at a few megabytes.
pub(crate) fn write_rows(
    out: &mut dyn Write,
    rows: usize,
    row: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> io::Result<()> {
    let chunks_per_wave = 4 * rayon::current_num_threads().max(1);
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); chunks_per_wave];
    let mut start = 0;
    while start < rows {
        let end = rows.min(start + CHUNK_ROWS * chunks_per_wave);
        buffers.par_iter_mut().enumerate().for_each(|(c, buf)| {
            buf.clear();
            let lo = end.min(start + c * CHUNK_ROWS);
            for i in lo..end.min(lo + CHUNK_ROWS) {
                row(i, buf);
            }
        });
        for buf in &buffers {
            out.write_all(buf)?;
        }
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn excel_output_has_a_bom_and_crlf() {
        let mut out = Vec::new();
        let mut excel = Excel::new(&mut out);
        excel.write_all(b"a,b\n1,2\r\n").unwrap();
        excel.write_all(b"\"x\ny\",3\n").unwrap();
        excel.finish().unwrap();
        assert_eq!(out, b"\xEF\xBB\xBFa,b\r\n1,2\r\n\"x\r\ny\",3\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        for (text, want) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3+cmd", "'-2+3+cmd"),
            ("\tx", "'\tx"),
            ("-12.50", "-12.50"),
            ("+3", "+3"),
            ("1e5", "1e5"),
            ("plain", "plain"),
        ] {
            assert_eq!(super::field(text), want, "{text}");
            let mut buf = Vec::new();
            push_field(&mut buf, text);
            assert_eq!(String::from_utf8(buf).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn quotes_when_needed() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"x\""), "\"say \"\"x\"\"\"");
    }

    fn decimal_text(d: Decimal) -> String {
        let mut buf = Vec::new();
        push_decimal(&mut buf, d);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn decimals_as_to_string() {
        for text in [
            "0",
            "0.00",
            "0.05",
            "-0.05",
            "1",
            "-1",
            "12.340",
            "-12.340",
            "100",
            "0.5",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
        ] {
            let d: Decimal = text.parse().unwrap();
            assert_eq!(decimal_text(d), d.to_string(), "{text}");
            assert_eq!(decimal_text(d), text);
        }
        // a negative zero keeps its sign in `to_string`
        let negative_zero = Decimal::from_parts(0, 0, 0, true, 2);
        assert_eq!(decimal_text(negative_zero), negative_zero.to_string());
        assert_eq!(decimal_text(Decimal::MIN), Decimal::MIN.to_string());
    }

    #[test]
    fn rows_in_order_across_waves() {
        let rows = 3 * CHUNK_ROWS * 4 * rayon::current_num_threads() + 17;
        let mut out = Vec::new();
        write_rows(&mut out, rows, |i, buf| {
            push_int(buf, i);
            buf.push(b'\n');
        })
        .unwrap();
        let expected: String = (0..rows).map(|i| format!("{i}\n")).collect();
        assert!(out == expected.as_bytes());
        let mut empty = Vec::new();
        write_rows(&mut empty, 0, |_, _| unreachable!()).unwrap();
        assert!(empty.is_empty());
    }

    proptest! {
        #[test]
        fn decimal_matches_to_string(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0u32..=28, small in any::<bool>(),
        ) {
            // small mantissas too, so that |d| < 1 and zeros are common
            let (mid, hi, lo) = if small { (0, 0, lo % 1000) } else { (mid, hi, lo) };
            let d = Decimal::from_parts(lo, mid, hi, negative, scale);
            prop_assert_eq!(decimal_text(d), d.to_string());
        }

        #[test]
        fn field_bytes_match_field(s in "[-=+@a-z0-9.,\"\\n\\r\\t é]{0,12}") {
            let mut buf = Vec::new();
            push_field(&mut buf, &s);
            prop_assert_eq!(String::from_utf8(buf).unwrap(), field(&s).into_owned());
        }

        #[test]
        fn ints_match_display(v in any::<i64>()) {
            let mut buf = Vec::new();
            push_int(&mut buf, v);
            prop_assert_eq!(String::from_utf8(buf).unwrap(), v.to_string());
        }
    }
}
