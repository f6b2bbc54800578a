//! Reading MRR tables and subscription events from CSV, on `ltv-segments`' strict
//! reader: the same column mapping, delimiter, stdin (`-`), `--skip-invalid` skip
//! report and file/line/column errors as the transaction commands.
//!
//! ```
//! use ltv_saas::{read_mrr, MrrReadOptions};
//! use ltv_segments::CsvFile;
//! let csv = "customer_id,month,mrr\nacme,2024-01,100\nacme,2024-02,120\n";
//! let file = CsvFile::from_bytes("mrr.csv", csv.as_bytes().to_vec(), b',')?;
//! let (table, skipped) = read_mrr(&file, &MrrReadOptions::default())?;
//! assert_eq!(table.customers()[0].series().len(), 2);
//! assert_eq!(skipped.skipped, 0);
//!
//! let bad = "customer_id,month,mrr\nacme,2024-1,100\n";
//! let file = CsvFile::from_bytes("mrr.csv", bad.as_bytes().to_vec(), b',')?;
//! let err = read_mrr(&file, &MrrReadOptions::default()).unwrap_err();
//! assert_eq!(err.to_string(), "mrr.csv:2: column 'month': not a month in the format YYYY-MM: '2024-1'");
//! # Ok::<(), ltv_saas::SaasError>(())
//! ```

use std::borrow::Cow;

use ltv_core::Decimal;
use ltv_segments::{parse_amount, CsvFile, CsvOptions, DateFormat, FieldError, Record, SkipReport};

use crate::error::{Result, SaasError};
use crate::events::{EventDate, EventKind, SubscriptionEvent};
use crate::month::Month;
use crate::table::{MrrTable, MrrTableBuilder};

/// Column names of an MRR file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrrColumns {
    /// Customer id column (`--customer-col`), default `customer_id`.
    pub customer: String,
    /// Month column, `YYYY-MM` (`--month-col`), default `month`.
    pub month: String,
    /// MRR column, a decimal >= 0 (`--mrr-col`), default `mrr`.
    pub mrr: String,
    /// Plan column (`--plan-col`); `None` uses `plan` if the header has it.
    pub plan: Option<String>,
    /// Channel column (`--channel-col`); `None` uses `channel` if the header has it.
    pub channel: Option<String>,
}

impl Default for MrrColumns {
    fn default() -> Self {
        MrrColumns {
            customer: "customer_id".into(),
            month: "month".into(),
            mrr: "mrr".into(),
            plan: None,
            channel: None,
        }
    }
}

/// How to read an MRR file.
#[derive(Debug, Clone, Default)]
pub struct MrrReadOptions {
    /// Column names.
    pub columns: MrrColumns,
    /// Reader options (`skip_invalid`, progress).
    pub csv: CsvOptions,
    /// Add up rows of the same customer and month instead of rejecting them.
    pub sum_duplicates: bool,
}

/// Column names of a subscription-events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventColumns {
    /// Customer id column (`--customer-col`), default `customer_id`.
    pub customer: String,
    /// Event date column (`--date-col`), default `date`.
    pub date: String,
    /// Event kind column, `start|change|cancel` (`--event-col`), default `event`.
    pub event: String,
    /// MRR after the event (`--mrr-col`), default `mrr`.
    pub mrr: String,
    /// Plan column (`--plan-col`); `None` uses `plan` if the header has it.
    pub plan: Option<String>,
    /// Channel column (`--channel-col`); `None` uses `channel` if the header has it.
    pub channel: Option<String>,
}

impl Default for EventColumns {
    fn default() -> Self {
        EventColumns {
            customer: "customer_id".into(),
            date: "date".into(),
            event: "event".into(),
            mrr: "mrr".into(),
            plan: None,
            channel: None,
        }
    }
}

/// How to read a subscription-events file.
#[derive(Debug, Clone, Default)]
pub struct EventReadOptions {
    /// Column names.
    pub columns: EventColumns,
    /// How dates are written (`--date-format`).
    pub date_format: DateFormat,
    /// Reader options (`skip_invalid`, progress).
    pub csv: CsvOptions,
}

const MONTH_REASON: &str = "not a month in the format YYYY-MM";
/// Marks the rows a second pass looks for; never shown to the user.
const LOCATE: &str = "\u{0}locate";

fn optional_column(
    file: &CsvFile,
    name: Option<&str>,
    default: &str,
    flag: &str,
) -> Result<Option<usize>> {
    Ok(match name {
        Some(n) => Some(file.column(n, flag)?),
        None => file.optional_column(default),
    })
}

fn text<'a>(rec: &Record<'a, '_>, column: usize) -> Result<Cow<'a, str>, FieldError> {
    let t = rec.text(column)?;
    Ok(match t {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    })
}

fn required<'a>(rec: &Record<'a, '_>, column: usize) -> Result<Cow<'a, str>, FieldError> {
    let t = text(rec, column)?;
    if t.is_empty() {
        return Err(FieldError::new(column, "missing value"));
    }
    Ok(t)
}

fn optional(rec: &Record<'_, '_>, column: Option<usize>) -> Result<Option<String>, FieldError> {
    match column {
        None => Ok(None),
        Some(c) => {
            let t = text(rec, c)?;
            Ok((!t.is_empty()).then(|| t.into_owned()))
        }
    }
}

fn month(rec: &Record<'_, '_>, column: usize) -> Result<Month, FieldError> {
    text(rec, column)?
        .parse()
        .map_err(|_| FieldError::new(column, MONTH_REASON))
}

fn mrr(rec: &Record<'_, '_>, column: usize) -> Result<Decimal, FieldError> {
    let value = parse_amount(rec.raw(column)).map_err(|r| FieldError::new(column, r))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(FieldError::new(column, "mrr must be >= 0"));
    }
    Ok(value)
}

/// Reads an MRR file (`customer_id, month, mrr[, plan, channel]`) into a table.
///
/// # Errors
/// [`SaasError::Data`] for an unknown column or a bad row (file, line, column, text) —
/// bad rows are skipped and reported instead with `csv.skip_invalid`;
/// [`SaasError::DuplicateRow`] naming both lines unless `sum_duplicates`.
pub fn read_mrr(file: &CsvFile, options: &MrrReadOptions) -> Result<(MrrTable, SkipReport)> {
    let cols = &options.columns;
    let c = file.column(&cols.customer, "--customer-col")?;
    let m = file.column(&cols.month, "--month-col")?;
    let v = file.column(&cols.mrr, "--mrr-col")?;
    let p = optional_column(file, cols.plan.as_deref(), "plan", "--plan-col")?;
    let ch = optional_column(file, cols.channel.as_deref(), "channel", "--channel-col")?;
    // each chunk of the file is parsed and collected by its own builder in parallel;
    // the builders are then appended in file order
    let (chunks, report) = file.fold_chunks(
        &options.csv,
        || MrrTableBuilder::new(options.sum_duplicates),
        |builder: &mut MrrTableBuilder, rec| {
            let customer = required(rec, c)?;
            let when = month(rec, m)?;
            let amount = mrr(rec, v)?;
            let plan = optional_text(rec, p)?;
            let channel = optional_text(rec, ch)?;
            let line = builder.rows() as u64 + 1;
            builder
                .add_parts(
                    &customer,
                    when,
                    amount,
                    plan.as_deref(),
                    channel.as_deref(),
                    line,
                )
                .map_err(|e| FieldError::new(v, e.to_string()))
        },
    )?;
    let mut builder = MrrTableBuilder::new(options.sum_duplicates);
    for chunk in chunks {
        let offset = builder.rows() as u64;
        builder.append(chunk, offset)?;
    }
    match builder.finish() {
        Ok(table) => Ok((table, report)),
        Err(SaasError::DuplicateRow {
            customer,
            month: when,
            ..
        }) => {
            let lines = locate(file, |rec| {
                Ok(required(rec, c)? == customer.as_str() && month(rec, m)? == when)
            })?;
            let (first_line, second_line) = match lines.as_slice() {
                [a, b, ..] => (*a, *b),
                _ => (0, 0),
            };
            Err(SaasError::DuplicateRow {
                file: file.name().to_owned(),
                customer,
                month: when,
                first_line,
                second_line,
            })
        }
        Err(other) => Err(other),
    }
}

fn optional_text<'a>(
    rec: &Record<'a, '_>,
    column: Option<usize>,
) -> Result<Option<Cow<'a, str>>, FieldError> {
    match column {
        None => Ok(None),
        Some(c) => {
            let t = text(rec, c)?;
            Ok((!t.is_empty()).then_some(t))
        }
    }
}

/// Reads a subscription-events file (`customer_id, date, event, mrr[, plan, channel]`).
/// Convert the events with [`crate::events_to_rows`] or use [`read_events_table`].
///
/// # Errors
/// As for [`read_mrr`], for the event columns.
pub fn read_events(
    file: &CsvFile,
    options: &EventReadOptions,
) -> Result<(Vec<SubscriptionEvent>, SkipReport)> {
    let cols = &options.columns;
    let c = file.column(&cols.customer, "--customer-col")?;
    let d = file.column(&cols.date, "--date-col")?;
    let e = file.column(&cols.event, "--event-col")?;
    let v = file.column(&cols.mrr, "--mrr-col")?;
    let p = optional_column(file, cols.plan.as_deref(), "plan", "--plan-col")?;
    let ch = optional_column(file, cols.channel.as_deref(), "channel", "--channel-col")?;
    let (mut events, report) = file.rows(&options.csv, |rec| {
        let day = options
            .date_format
            .parse(rec.raw(d))
            .map_err(|r| FieldError::new(d, r))?;
        let (y, mo, dd) = day.ymd();
        let month = Month::new(y, mo).map_err(|_| FieldError::new(d, "date out of range"))?;
        let kind: EventKind = required(rec, e)?
            .parse()
            .map_err(|_| FieldError::new(e, "not an event (expected start, change or cancel)"))?;
        let amount = if rec.raw(v).trim_ascii().is_empty() {
            None
        } else {
            Some(mrr(rec, v)?)
        };
        Ok(SubscriptionEvent {
            customer_id: required(rec, c)?.into_owned(),
            date: EventDate { month, day: dd },
            kind,
            mrr: amount,
            plan: optional(rec, p)?,
            channel: optional(rec, ch)?,
            line: 0,
        })
    })?;
    // the real line of each event is looked up only when one is reported (see `locate`)
    for (i, ev) in events.iter_mut().enumerate() {
        ev.line = i as u64 + 1;
    }
    Ok((events, report))
}

/// Reads events and converts them to the monthly table (MRR in force at month end).
///
/// # Errors
/// As for [`read_events`] and [`crate::events_to_rows`] (a contradicting event names its
/// file line).
pub fn read_events_table(
    file: &CsvFile,
    options: &EventReadOptions,
) -> Result<(MrrTable, SkipReport)> {
    let (events, report) = read_events(file, options)?;
    let rows = match crate::events_to_rows(&events, None) {
        Ok(rows) => rows,
        Err(SaasError::Event {
            line,
            customer,
            reason,
            ..
        }) => {
            let index = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
            let line = match events.get(index) {
                Some(bad) => {
                    let same = |x: &SubscriptionEvent| {
                        x.customer_id == bad.customer_id
                            && x.date == bad.date
                            && x.kind == bad.kind
                            && x.mrr == bad.mrr
                    };
                    let nth = events.iter().take(index).filter(|x| same(x)).count();
                    let cols = &options.columns;
                    let (c, d, e) = (
                        file.column(&cols.customer, "--customer-col")?,
                        file.column(&cols.date, "--date-col")?,
                        file.column(&cols.event, "--event-col")?,
                    );
                    let lines = locate(file, |rec| {
                        Ok(required(rec, c)? == bad.customer_id.as_str()
                            && options.date_format.parse(rec.raw(d)).ok().map(|x| x.ymd())
                                == Some((
                                    bad.date.month.year(),
                                    bad.date.month.month(),
                                    bad.date.day,
                                ))
                            && required(rec, e)?.parse::<EventKind>().ok() == Some(bad.kind))
                    })?;
                    lines.get(nth).copied().unwrap_or(0)
                }
                None => 0,
            };
            return Err(SaasError::Event {
                file: file.name().to_owned(),
                line,
                customer,
                reason,
            });
        }
        Err(other) => return Err(other),
    };
    let table = MrrTable::from_rows(rows, false)?;
    Ok((table, report))
}

/// The file lines (in order, at most [`ltv_segments::SKIP_REASONS_KEPT`]) of the rows
/// `matches` selects: a second pass used only to name lines in an error, which the
/// reader reports for rejected rows.
fn locate<F>(file: &CsvFile, matches: F) -> Result<Vec<u64>>
where
    F: Fn(&Record<'_, '_>) -> Result<bool, FieldError> + Sync,
{
    let options = CsvOptions {
        skip_invalid: true,
        job: Default::default(),
    };
    let (_, report) = file.rows(&options, |rec| match matches(rec) {
        Ok(true) => Err(FieldError::new(0, LOCATE)),
        _ => Ok(()),
    })?;
    Ok(report
        .first
        .iter()
        .filter(|e| e.reason == LOCATE)
        .map(|e| e.line)
        .collect())
}
