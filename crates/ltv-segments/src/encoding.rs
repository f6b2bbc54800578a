//! The character encoding of a data file: UTF-8 (with or without a byte-order mark),
//! UTF-16 with a byte-order mark, or Shift_JIS, which Japanese Excel writes.
//!
//! [`Encoding::Auto`], the default, needs no setting for any of them: a byte-order
//! mark says UTF-8 or UTF-16; without one, a file whose first 64 KiB are UTF-8 is read
//! as UTF-8 (as it is, without copying), and one whose first 64 KiB are not UTF-8 but
//! read cleanly as Shift_JIS is read as Shift_JIS. A file it guesses wrong is read
//! with the encoding given.

use std::str::FromStr;

/// How the bytes of a data file are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// A byte-order mark, else UTF-8, else Shift_JIS (see the module docs).
    #[default]
    Auto,
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// Shift_JIS as Windows writes it (code page 932, a superset of JIS X 0208
    /// Shift_JIS); `cp932` and `windows-31j` are the same.
    ShiftJis,
}

impl FromStr for Encoding {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "shift-jis" | "sjis" | "cp932" | "windows-31j" | "ms932" => Ok(Encoding::ShiftJis),
            _ => Err(format!(
                "encoding must be utf-8, shift_jis, cp932 or auto, got '{}'",
                text.chars().take(40).collect::<String>()
            )),
        }
    }
}

impl Encoding {
    /// `data` as UTF-8 bytes, read in this encoding (unchanged when it is UTF-8
    /// already): for a file handed on to a reader that takes bytes.
    pub fn to_utf8(self, data: Vec<u8>) -> Vec<u8> {
        match to_utf8(&data, self) {
            (_, Some(text)) => text,
            (_, None) => data,
        }
    }
}

/// Bytes of the start of a file looked at to guess its encoding.
const SNIFF_BYTES: usize = 64 << 10;

/// The encoding `data` is read with under `choice`, and the data as UTF-8 when it is
/// not UTF-8 already (`None`: use `data` as it is). Malformed sequences of a decoded
/// file become U+FFFD (and so a bad value in the row that has them).
pub(crate) fn to_utf8(data: &[u8], choice: Encoding) -> (&'static str, Option<Vec<u8>>) {
    let decode = |encoding: &'static encoding_rs::Encoding, body: &[u8]| {
        let (text, _) = encoding.decode_without_bom_handling(body);
        text.into_owned().into_bytes()
    };
    match choice {
        Encoding::Utf8 => ("UTF-8", None),
        Encoding::ShiftJis => ("Shift_JIS", Some(decode(encoding_rs::SHIFT_JIS, data))),
        Encoding::Auto => {
            if data.starts_with(b"\xEF\xBB\xBF") {
                return ("UTF-8", None);
            }
            if let Some(body) = data.strip_prefix(b"\xFF\xFE") {
                return ("UTF-16LE", Some(decode(encoding_rs::UTF_16LE, body)));
            }
            if let Some(body) = data.strip_prefix(b"\xFE\xFF") {
                return ("UTF-16BE", Some(decode(encoding_rs::UTF_16BE, body)));
            }
            let sample = data.get(..SNIFF_BYTES).unwrap_or(data);
            let utf8 = match std::str::from_utf8(sample) {
                Ok(_) => true,
                // a character cut at the sample's end is still UTF-8
                Err(e) => e.error_len().is_none() && sample.len() == SNIFF_BYTES,
            };
            if utf8 {
                return ("UTF-8", None);
            }
            let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(sample.len() * 2);
            let (result, _) = decoder.decode_to_string_without_replacement(
                sample,
                &mut out,
                sample.len() < SNIFF_BYTES,
            );
            let clean = !matches!(result, encoding_rs::DecoderResult::Malformed(..));
            if clean {
                ("Shift_JIS", Some(decode(encoding_rs::SHIFT_JIS, data)))
            } else {
                ("UTF-8", None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!("cp932".parse(), Ok(Encoding::ShiftJis));
        assert_eq!("Shift_JIS".parse(), Ok(Encoding::ShiftJis));
        assert_eq!("UTF-8".parse(), Ok(Encoding::Utf8));
        assert!("latin1".parse::<Encoding>().is_err());
    }

    #[test]
    fn guesses() {
        let (sjis, _, _) =
            encoding_rs::SHIFT_JIS.encode("顧客ID,注文日,金額\n山田,2024-01-01,9800\n");
        let (name, text) = to_utf8(&sjis, Encoding::Auto);
        assert_eq!(name, "Shift_JIS");
        assert_eq!(
            String::from_utf8(text.unwrap()).unwrap(),
            "顧客ID,注文日,金額\n山田,2024-01-01,9800\n"
        );
        assert_eq!(
            to_utf8("顧客ID,金額\n".as_bytes(), Encoding::Auto),
            ("UTF-8", None)
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,b\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let (name, text) = to_utf8(&utf16, Encoding::Auto);
        assert_eq!((name, text.as_deref()), ("UTF-16LE", Some(&b"a,b\n"[..])));
        // Latin-1 bytes that are not Shift_JIS either: left to the UTF-8 reader's errors
        assert_eq!(to_utf8(b"a,b\n\xFF\xFF,1\n", Encoding::Auto).0, "UTF-8");
    }
}
