//! The report's two languages: ltv-core's [`Lang`], plus picking a text by language.

pub use ltv_core::Lang;

/// The English or the Japanese text.
pub fn t<'a>(lang: Lang, en: &'a str, ja: &'a str) -> &'a str {
    lang.pick(en, ja)
}

/// `<html lang>` code.
pub fn code(lang: Lang) -> &'static str {
    lang.code()
}
