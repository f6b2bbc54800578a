//! [`ReadQuery`]: the query parameters that say how to read a transactions CSV, shared
//! by every endpoint whose body is one (`/v1/customers`, `/v1/rfm`, `/v1/cohorts`,
//! `/v1/channels`, `/v1/forecast/purchases`, `/v1/forecast/clv`), as the CLI's
//! `ReadArgs` are shared by its commands.
//!
//! An endpoint's query embeds it with `#[serde(flatten)]` and keeps
//! `deny_unknown_fields`, so an unknown parameter is still a 400. A flattened struct
//! receives every value as text (serde buffers them), so its one non-text field,
//! `skip_invalid`, is read by [`flag`]; the endpoint's own numbers and booleans sit in
//! the outer struct, which reads them directly.

use std::io::Read;
use std::str::FromStr;

use ltv_segments::{
    AmountFormat, CsvFile, CsvOptions, CustomerTable, DateFormat, Day, Encoding, LoadOptions,
    TransactionColumns, Transactions,
};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;

use crate::error::ApiError;

/// `customer_col`, `date_col`, `amount_col`, `channel_col`, `date_format`,
/// `delimiter`, `skip_invalid`, `as_of`, `encoding`, `amount_format`: the reading flags
/// of the CLI, snake_case.
///
/// Its [`IntoParams`] lists them in each endpoint's OpenAPI entry: `params(ReadQuery, …)`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// default customer_id
    #[serde(default = "customer_col")]
    #[param(required = false)]
    customer_col: String,
    /// default order_date
    #[serde(default = "date_col")]
    #[param(required = false)]
    date_col: String,
    /// default amount
    #[serde(default = "amount_col")]
    #[param(required = false)]
    amount_col: String,
    /// acquisition channel column
    channel_col: Option<String>,
    /// strftime pattern; default YYYY-MM-DD
    date_format: Option<String>,
    /// one character or `tab`; default `,`
    #[serde(default = "comma")]
    #[param(required = false)]
    delimiter: String,
    /// skip bad rows instead of refusing the file
    #[serde(default, deserialize_with = "flag")]
    #[param(required = false)]
    skip_invalid: bool,
    /// YYYY-MM-DD (or as date_format says); default the latest order day
    as_of: Option<String>,
    /// utf-8, shift_jis (cp932) or auto (default: a byte-order mark, else UTF-8, else Shift_JIS)
    encoding: Option<String>,
    /// plain (default) or grouped (thousands separators and a currency sign: `¥9,800`)
    amount_format: Option<String>,
}

fn customer_col() -> String {
    "customer_id".to_owned()
}
fn date_col() -> String {
    "order_date".to_owned()
}
fn amount_col() -> String {
    "amount".to_owned()
}
fn comma() -> String {
    ",".to_owned()
}

/// A boolean sent as `true`/`false` (text, as a flattened query field arrives) or as a
/// JSON-style boolean.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<bool, E> {
            match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            }
        }
    }
    d.deserialize_any(Flag)
}

fn bad_query(message: String) -> ApiError {
    ApiError::InvalidQuery { message }
}

/// The day `text` (YYYY-MM-DD) of the query parameter `name`.
///
/// # Errors
/// [`ApiError::InvalidQuery`] naming the parameter.
pub fn day(name: &str, text: &str) -> Result<Day, ApiError> {
    Day::from_str(text).map_err(|e| bad_query(format!("{name}: {e}")))
}

impl ReadQuery {
    /// The field delimiter: one ASCII character other than a quote or a line break, or
    /// `tab` (as the CLI's `--delimiter`).
    ///
    /// # Errors
    /// [`ApiError::InvalidQuery`].
    pub fn delimiter(&self) -> Result<u8, ApiError> {
        ltv_segments::parse_delimiter(&self.delimiter).map_err(bad_query)
    }

    /// The same options from named text fields (a form upload rather than a query
    /// string): a missing or empty field takes the query's default.
    ///
    /// # Errors
    /// [`ApiError::InvalidQuery`] for a `skip_invalid` other than `true` or `false`.
    pub fn from_fields<'a>(field: impl Fn(&str) -> Option<&'a str>) -> Result<Self, ApiError> {
        let text =
            |name: &str, default: fn() -> String| field(name).map_or_else(default, str::to_owned);
        let skip_invalid = match field("skip_invalid") {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(bad_query(format!(
                    "skip_invalid must be true or false, got '{other}'"
                )))
            }
        };
        Ok(ReadQuery {
            customer_col: text("customer_col", customer_col),
            date_col: text("date_col", date_col),
            amount_col: text("amount_col", amount_col),
            channel_col: field("channel_col").map(str::to_owned),
            date_format: field("date_format").map(str::to_owned),
            delimiter: text("delimiter", comma),
            skip_invalid,
            as_of: field("as_of").map(str::to_owned),
            encoding: field("encoding").map(str::to_owned),
            amount_format: field("amount_format").map(str::to_owned),
        })
    }

    /// The library's load options.
    ///
    /// # Errors
    /// [`ApiError::InvalidQuery`] for an `as_of` that is not a `YYYY-MM-DD` day.
    pub fn load_options(&self) -> Result<LoadOptions, ApiError> {
        let date_format = DateFormat::from_option(self.date_format.as_deref());
        let as_of = self
            .as_of
            .as_deref()
            .map(|t| match day("as_of", t) {
                Ok(d) => Ok(d),
                Err(iso) => match &date_format {
                    DateFormat::Iso => Err(iso),
                    custom => custom
                        .parse(t.as_bytes())
                        .map_err(|e| bad_query(format!("as_of: {e}"))),
                },
            })
            .transpose()?;
        let amount_format = self
            .amount_format
            .as_deref()
            .map(str::parse::<AmountFormat>)
            .transpose()
            .map_err(bad_query)?
            .unwrap_or_default();
        Ok(LoadOptions {
            columns: TransactionColumns {
                customer: self.customer_col.clone(),
                date: self.date_col.clone(),
                amount: self.amount_col.clone(),
                channel: self.channel_col.clone(),
            },
            date_format,
            csv: CsvOptions {
                skip_invalid: self.skip_invalid,
                job: Default::default(),
            },
            as_of,
            amount_format,
        })
    }

    /// The validated options, ready to read a body on the pool.
    ///
    /// # Errors
    /// As [`ReadQuery::delimiter`] and [`ReadQuery::load_options`].
    pub fn reader(&self) -> Result<TransactionsReader, ApiError> {
        Ok(TransactionsReader {
            delimiter: self.delimiter()?,
            load: self.load_options()?,
            encoding: self.encoding()?,
        })
    }

    /// The file's character encoding (default auto).
    ///
    /// # Errors
    /// [`ApiError::InvalidQuery`] for an unknown name.
    pub fn encoding(&self) -> Result<Encoding, ApiError> {
        self.encoding
            .as_deref()
            .map(str::parse::<Encoding>)
            .transpose()
            .map_err(bad_query)
            .map(Option::unwrap_or_default)
    }
}

/// How to read a transactions body: checked in the handler, used on the pool.
#[derive(Debug, Clone)]
pub struct TransactionsReader {
    delimiter: u8,
    load: LoadOptions,
    encoding: Encoding,
}

impl TransactionsReader {
    /// The load options, reading as part of the heavy job running on this thread.
    fn with_job(&self) -> LoadOptions {
        let mut load = self.load.clone();
        load.csv.job = crate::pool::current_job();
        load
    }

    /// Reads and loads the transactions of `body` (named `name` in errors).
    ///
    /// # Errors
    /// [`ApiError::InvalidData`] for a body that cannot be read or a bad row (with its
    /// line and column).
    pub fn read(&self, name: &str, body: impl Read) -> Result<Transactions, ApiError> {
        Ok(Transactions::load(
            &CsvFile::from_reader_encoded(name, body, self.delimiter, self.encoding)?,
            &self.with_job(),
        )?)
    }

    /// Reads every customer's totals from an uploaded transactions file in one pass
    /// (what RFM and the customer summaries need; the orders are not kept).
    ///
    /// # Errors
    /// As for [`ReadQuery::read`].
    pub fn table(&self, name: &str, body: impl Read) -> Result<CustomerTable, ApiError> {
        Ok(CustomerTable::load(
            &CsvFile::from_reader_encoded(name, body, self.delimiter, self.encoding)?,
            &self.with_job(),
        )?)
    }

    /// Loads the transactions of a file already in memory.
    ///
    /// # Errors
    /// [`ApiError::InvalidData`] for a bad row (with its line and column).
    pub fn load(&self, name: &str, bytes: Vec<u8>) -> Result<Transactions, ApiError> {
        Ok(Transactions::load(
            &CsvFile::from_bytes_encoded(name, bytes, self.delimiter, self.encoding)?,
            &self.with_job(),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(flatten)]
        read: ReadQuery,
        #[serde(default)]
        n: u32,
        #[serde(default)]
        yes: bool,
    }

    fn parse(query: &str) -> Result<Outer, String> {
        let uri: axum::http::Uri = format!("/x?{query}")
            .parse()
            .map_err(|_| "uri".to_owned())?;
        axum::extract::Query::<Outer>::try_from_uri(&uri)
            .map(|q| q.0)
            .map_err(|e| e.body_text())
    }

    #[test]
    fn flattened_fields_of_every_type_are_read() {
        let q =
            parse("n=3&yes=true&skip_invalid=true&delimiter=tab&as_of=2024-01-31&customer_col=id")
                .unwrap();
        assert_eq!((q.n, q.yes), (3, true));
        assert!(q.read.skip_invalid);
        assert_eq!(q.read.delimiter().unwrap(), b'\t');
        let load = q.read.load_options().unwrap();
        assert_eq!(load.columns.customer, "id");
        assert_eq!(load.as_of, Some("2024-01-31".parse().unwrap()));
        let q = parse("").unwrap();
        assert!(!q.read.skip_invalid);
        assert_eq!(q.read.delimiter().unwrap(), b',');
    }

    #[test]
    fn unknown_and_malformed_parameters_are_refused() {
        assert!(parse("bin=3").is_err());
        assert!(parse("skip_invalid=yes").is_err());
        assert!(parse("n=x").is_err());
        assert!(parse("delimiter=ab").unwrap().read.delimiter().is_err());
        assert!(parse("delimiter=%22").unwrap().read.delimiter().is_err());
        assert!(parse("as_of=yesterday")
            .unwrap()
            .read
            .load_options()
            .is_err());
    }
}
