//! The two languages of the wording: the one `Lang` of every generated text, from
//! ltv-core (reports, summaries, warnings and these reasons share it).

pub use ltv_core::Lang;
