//! Request extractors whose every rejection has the service's error shape.

mod body;
mod csv;
mod document;
mod exact_numbers;
mod if_match;
mod json;
mod multipart;
mod query;

pub use body::BodyReader;
pub use csv::CsvBody;
pub use document::{Document, DocumentFormat};
pub use if_match::IfMatch;
pub use json::{parse as parse_json, require_content_type, ApiJson};
pub(crate) use multipart::read_parts;
pub use query::ApiQuery;
