//! Reading the usage file (`customer_id,date,metric,value[,segment]`) in one streaming,
//! parallel pass into monthly sums per customer and metric.
//!
//! The file is read by `ltv-segments`' strict reader ([`CsvFile::fold_chunks`]): one
//! chunk of the file per thread, every bad cell an error with file, line, column and
//! text (or, with `skip_invalid`, skipped and counted). Each chunk keeps:
//!
//! - its customers, interned by id (ids of up to 15 bytes packed into 16 bytes);
//! - per month of the window and stored metric, one `f32` per customer: the month's
//!   sum (vectors grow as customers appear, by a quarter at a time);
//! - NPS answers as a list (customer, day, score, segment): they are few and are not
//!   summed;
//! - counts of the rows it does not use, by reason.
//!
//! Memory is therefore the monthly cells (4 bytes per customer, month and metric a
//! chunk has seen) plus the ids, not the rows: a file of daily rows takes no more than
//! one of monthly rows. A file sorted by date or by customer gives each chunk its own
//! months or customers, so chunks hardly overlap. The chunks are then merged into one
//! table with customers sorted by id, so every later step runs in the same order
//! whatever the row order and the number of threads.
//!
//! Months: the scored month is the last complete calendar month on or before the
//! as-of date; the window is the `history_months` months ending there. Rows after the
//! as-of date, in the incomplete month after the scored one, or before the window are
//! counted and not summed (rows before the window still date the customer's first
//! month, for tenure).

use std::borrow::Cow;

use ltv_saas::Month;
use ltv_segments::{parse_amount, CsvFile, CsvOptions, DateFormat, Day, FieldError, Record};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::error::{HealthError, Result};
use crate::ids::{IdList, Interner, Packed};
use crate::options::{
    HealthOptions, DEFAULT_FAILED_PAYMENTS_METRIC, DEFAULT_NPS_METRIC, DEFAULT_TICKETS_METRIC,
};

/// Most distinct metric names a usage file may have.
pub const MAX_METRICS: usize = 64;
/// 10^0 ..= 10^15, exact in f64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];
/// Usage values must be below this (far beyond any count; keeps `f32` sums finite).
const MAX_VALUE: f64 = 1e15;

/// What a metric is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// A product-usage metric (logins, active users, a feature): level, trend, breadth.
    Usage,
    /// Support tickets per month.
    Tickets,
    /// NPS answers, 0–10.
    Nps,
    /// Failed payments per month.
    FailedPayments,
    /// In the file but not among the usage metrics asked for: counted, not used.
    NotUsed,
}

/// One metric name of the usage file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricSummary {
    /// The name as written in the file.
    pub name: String,
    /// What it is used for.
    pub role: Role,
    /// Valid rows with this name (any date).
    pub rows: u64,
}

/// What was read from the usage file and what was not used, with counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageSummary {
    /// The usage file as the user named it.
    pub file: String,
    /// Valid rows read.
    pub rows: u64,
    /// Rows summed into a month of the window.
    pub rows_used: u64,
    /// Rows dated after the as-of date (not used).
    pub rows_after_as_of: u64,
    /// Rows on or before the as-of date but after the scored month, which is incomplete
    /// (not used: a partial month would look like falling usage).
    pub rows_in_incomplete_month: u64,
    /// Rows before the history window (only their customer's first month is used).
    pub rows_before_window: u64,
    /// Rows of metrics that are not among the usage metrics asked for.
    pub rows_of_unused_metrics: u64,
    /// Rows skipped as invalid (with `skip_invalid`).
    pub rows_skipped: u64,
    /// The first reasons rows were skipped for.
    pub skipped_reasons: Vec<String>,
    /// Distinct customers (ids) with a row on or before the scored month.
    pub customers: usize,
    /// First month with usage in the window.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub first_month: Month,
    /// The scored month: the last complete month on or before the as-of date.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub scored_month: Month,
    /// Months between the first and the scored month without a single row: usage reads
    /// as zero for everyone there.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub months_without_rows: Vec<Month>,
    /// Every metric name found, with its role and rows.
    pub metrics: Vec<MetricSummary>,
}

/// The months read: absolute month indices (`year × 12 + month − 1`), inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: i32,
    pub(crate) end: i32,
}

impl Window {
    /// Number of months.
    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.end - self.start + 1).unwrap_or(0)
    }

    /// The slot of absolute month `m`, if inside.
    pub(crate) fn slot(&self, m: i32) -> Option<usize> {
        (self.start..=self.end)
            .contains(&m)
            .then(|| (m - self.start) as usize)
    }

    /// The month of slot `s`.
    pub(crate) fn month(&self, s: usize) -> Month {
        month(self.start + s as i32)
    }
}

/// The calendar month of an absolute month index.
pub(crate) fn month(index: i32) -> Month {
    Month::from_index(index).unwrap_or(Month::MIN)
}

/// The scored month of an as-of day: its own month if it is the month's last day,
/// else the month before.
pub(crate) fn scored_month(as_of: Day) -> i32 {
    let next = Day::from_days(as_of.days() + 1);
    if next.month_index() != as_of.month_index() {
        as_of.month_index()
    } else {
        as_of.month_index() - 1
    }
}

/// One NPS answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Answer {
    pub(crate) customer: u32,
    pub(crate) day: i32,
    pub(crate) score: u8,
    /// Index into [`Usage::segments`], or `u16::MAX` for none.
    pub(crate) segment: u16,
}

pub(crate) const NO_SEGMENT: u16 = u16::MAX;

/// A stored (summed) metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub(crate) name: String,
    pub(crate) role: Role,
}

/// The usage file as monthly sums per customer and metric; read with [`read_usage`].
#[derive(Debug)]
pub struct Usage {
    pub(crate) ids: IdList,
    /// Each customer's first month with any row (absolute index; may precede the window).
    pub(crate) first_month: Vec<i32>,
    /// Per customer, bit `s` set when it has any row in window slot `s`.
    pub(crate) seen: Vec<u64>,
    pub(crate) window: Window,
    pub(crate) stored: Vec<Stored>,
    /// Indices into `stored` of the usage metrics, in order.
    pub(crate) usage: Vec<usize>,
    pub(crate) tickets: Option<usize>,
    pub(crate) failed: Option<usize>,
    /// Whether the file has an NPS metric.
    pub(crate) has_nps: bool,
    /// `[slot × stored.len() + metric]` → one sum per customer (shorter vectors: 0).
    pub(crate) cells: Vec<Vec<f32>>,
    /// NPS answers sorted by customer and day.
    pub(crate) answers: Vec<Answer>,
    /// Per customer, the range of its answers: `answer_start[c]..answer_start[c + 1]`.
    pub(crate) answer_start: Vec<u32>,
    pub(crate) segments: Vec<String>,
    pub(crate) summary: UsageSummary,
}

impl Usage {
    /// What was read and what was not used.
    pub fn summary(&self) -> &UsageSummary {
        &self.summary
    }

    /// Number of customers.
    pub fn customers(&self) -> usize {
        self.ids.len()
    }

    /// Customer `c`'s sum of stored metric `k` in window slot `s` (0 when none).
    pub(crate) fn value(&self, c: usize, s: usize, k: usize) -> f64 {
        self.cells
            .get(s * self.stored.len() + k)
            .and_then(|v| v.get(c))
            .map_or(0.0, |&x| f64::from(x))
    }

    /// Customer `c`'s NPS answers, by day.
    pub(crate) fn answers_of(&self, c: usize) -> &[Answer] {
        let from = self.answer_start.get(c).copied().unwrap_or(0) as usize;
        let to = self.answer_start.get(c + 1).copied().unwrap_or(0) as usize;
        self.answers.get(from..to).unwrap_or(&[])
    }
}

/// How each metric name is used, from the options.
struct Roles {
    usage: Option<Vec<String>>,
    tickets: String,
    nps: String,
    failed: String,
}

impl Roles {
    fn of(&self, name: &str) -> Role {
        if name == self.tickets {
            Role::Tickets
        } else if name == self.nps {
            Role::Nps
        } else if name == self.failed {
            Role::FailedPayments
        } else {
            match &self.usage {
                Some(list) if !list.iter().any(|m| m == name) => Role::NotUsed,
                _ => Role::Usage,
            }
        }
    }
}

struct Config {
    customer: usize,
    date: usize,
    metric: usize,
    value: usize,
    segment: Option<usize>,
    format: DateFormat,
    as_of: Date,
    window: Window,
    roles: Roles,
}

struct LocalMetric {
    name: String,
    /// The name packed, when it has at most 15 bytes.
    key: Option<Packed>,
    role: Role,
    rows: u64,
}

/// What one chunk of the file collects.
struct Chunk {
    ids: Interner,
    first_month: Vec<i32>,
    seen: Vec<u64>,
    metrics: Vec<LocalMetric>,
    last_metric: usize,
    /// `[slot × MAX_METRICS + local metric]`.
    cells: Vec<Blocks>,
    answers: Vec<Answer>,
    segments: Vec<String>,
    /// The last date cell (packed) and what it gave.
    last_date: Option<(Packed, Date)>,
    slot_rows: Vec<u64>,
    rows: u64,
    after: u64,
    incomplete: u64,
    before: u64,
    unused: u64,
}

impl Chunk {
    fn new(slots: usize) -> Chunk {
        Chunk {
            ids: Interner::default(),
            first_month: Vec::new(),
            seen: Vec::new(),
            metrics: Vec::new(),
            last_metric: 0,
            cells: (0..slots * MAX_METRICS)
                .map(|_| Blocks::default())
                .collect(),
            answers: Vec::new(),
            segments: Vec::new(),
            last_date: None,
            slot_rows: vec![0; slots],
            rows: 0,
            after: 0,
            incomplete: 0,
            before: 0,
            unused: 0,
        }
    }

    /// The date of a date cell.
    fn day(&mut self, raw: &[u8], format: &DateFormat) -> Result<Date, String> {
        let key = Packed::new(raw);
        if let (Some(key), Some((last, date))) = (key, self.last_date) {
            if key == last {
                return Ok(date);
            }
        }
        let date = match (format, iso_ymd(raw)) {
            // the common case without a day number; the same rules as `DateFormat::Iso`
            // (a test pins the two together)
            (DateFormat::Iso, Some((y, m, d))) => {
                if !valid_ymd(y, m, d) {
                    return Err(format!("not a date in the format {}", format.describe()));
                }
                Date { y, m, d }
            }
            _ => {
                let (y, m, d) = format.parse(raw)?.ymd();
                Date { y, m, d }
            }
        };
        if let Some(key) = key {
            self.last_date = Some((key, date));
        }
        Ok(date)
    }

    fn metric(&mut self, rec: &Record<'_, '_>, cfg: &Config) -> Result<usize, FieldError> {
        let column = cfg.metric;
        // metrics are few: compare the packed cell with the packed names, the last one
        // first (only plain names have a key, so an equal cell needs no decoding)
        if let Some(key) = Packed::new(rec.raw(column)) {
            if self
                .metrics
                .get(self.last_metric)
                .is_some_and(|m| m.key == Some(key))
            {
                return Ok(self.last_metric);
            }
            if let Some(i) = self.metrics.iter().position(|m| m.key == Some(key)) {
                self.last_metric = i;
                return Ok(i);
            }
        }
        let name = trimmed(rec, column)?;
        if name.is_empty() {
            return Err(FieldError::new(column, "missing value"));
        }
        let found = match self.metrics.iter().position(|m| m.name == name) {
            Some(i) => i,
            None => {
                if self.metrics.len() == MAX_METRICS {
                    return Err(FieldError::new(
                        column,
                        format!(
                            "more than {MAX_METRICS} distinct metric names: is this the metric column?"
                        ),
                    ));
                }
                self.metrics.push(LocalMetric {
                    key: Packed::new(name.as_bytes()).filter(Packed::is_plain),
                    name: name.clone().into_owned(),
                    role: cfg.roles.of(&name),
                    rows: 0,
                });
                self.metrics.len() - 1
            }
        };
        self.last_metric = found;
        Ok(found)
    }

    fn segment(&mut self, name: &str) -> u16 {
        if name.is_empty() {
            return NO_SEGMENT;
        }
        match self.segments.iter().position(|s| s == name) {
            Some(i) => i as u16,
            None if self.segments.len() < usize::from(NO_SEGMENT) => {
                self.segments.push(name.to_owned());
                (self.segments.len() - 1) as u16
            }
            None => NO_SEGMENT,
        }
    }

    /// The index of the row's customer. An id cell without quotes equal to a known
    /// id is that id (every id is checked, decoded and trimmed before it is first
    /// added, so an equal cell needs nothing more); any other goes through the
    /// reader's decoding and trimming.
    fn customer(
        &mut self,
        rec: &Record<'_, '_>,
        raw: &[u8],
        column: usize,
    ) -> Result<u32, FieldError> {
        if !raw.contains(&b'"') {
            if let Some(i) = self.ids.find(Packed::new(raw), raw) {
                return Ok(i);
            }
        }
        let id = trimmed(rec, column)?;
        if id.is_empty() {
            return Err(FieldError::new(column, "missing value"));
        }
        let bytes = id.as_bytes();
        self.ids
            .index_packed(Packed::new(bytes), bytes)
            .ok_or_else(|| FieldError::new(column, "too many distinct customers"))
    }

    fn row(&mut self, cfg: &Config, rec: &Record<'_, '_>) -> Result<(), FieldError> {
        let raw_id = rec.raw(cfg.customer);
        let date = self
            .day(rec.raw(cfg.date), &cfg.format)
            .map_err(|r| FieldError::new(cfg.date, r))?;
        let local = self.metric(rec, cfg)?;
        let role = self.metrics.get(local).map_or(Role::NotUsed, |m| m.role);
        let value = parse_value(rec.raw(cfg.value)).map_err(|r| FieldError::new(cfg.value, r))?;
        if role == Role::Nps && (value.fract() != 0.0 || value > 10.0) {
            return Err(FieldError::new(
                cfg.value,
                "an NPS answer must be a whole number from 0 to 10",
            ));
        }
        let segment = match (role, cfg.segment) {
            (Role::Nps, Some(col)) => Some(trimmed(rec, col)?),
            _ => None,
        };
        self.rows += 1;
        if let Some(m) = self.metrics.get_mut(local) {
            m.rows += 1;
        }
        let month = date.month_index();
        if date > cfg.as_of || month > cfg.window.end {
            // not used, but still a valid id
            if trimmed(rec, cfg.customer)?.is_empty() {
                return Err(FieldError::new(cfg.customer, "missing value"));
            }
            if date > cfg.as_of {
                self.after += 1;
            } else {
                self.incomplete += 1;
            }
            return Ok(());
        }
        let customer = self.customer(rec, raw_id, cfg.customer)?;
        let c = customer as usize;
        if c == self.first_month.len() {
            self.first_month.push(month);
            self.seen.push(0);
        } else if let Some(first) = self.first_month.get_mut(c) {
            *first = (*first).min(month);
        }
        let Some(slot) = cfg.window.slot(month) else {
            self.before += 1;
            return Ok(());
        };
        if let Some(bits) = self.seen.get_mut(c) {
            *bits |= 1 << slot;
        }
        if let Some(n) = self.slot_rows.get_mut(slot) {
            *n += 1;
        }
        match role {
            Role::NotUsed => self.unused += 1,
            Role::Nps => {
                let segment = segment.map_or(NO_SEGMENT, |s| self.segment(&s));
                let day = Day::from_ymd(date.y, date.m, date.d).map_or(0, Day::days);
                self.answers.push(Answer {
                    customer,
                    day,
                    score: value as u8,
                    segment,
                });
            }
            Role::Usage | Role::Tickets | Role::FailedPayments => {
                if let Some(cells) = self.cells.get_mut(slot * MAX_METRICS + local) {
                    cells.add(c, value as f32);
                }
            }
        }
        Ok(())
    }
}

/// Customers per block of a chunk's cells.
const BLOCK: usize = 1 << 14;

/// One month and metric of a chunk: a value per customer, in blocks allocated as
/// customers appear (never moved, at most one block partly empty).
#[derive(Debug, Default)]
struct Blocks(Vec<Option<Box<[f32; BLOCK]>>>);

impl Blocks {
    /// Adds `x` to customer `i`'s value.
    fn add(&mut self, i: usize, x: f32) {
        let (b, at) = (i / BLOCK, i % BLOCK);
        if b >= self.0.len() {
            self.0.resize_with(b + 1, || None);
        }
        if let Some(block) = self.0.get_mut(b) {
            let block = block.get_or_insert_with(|| Box::new([0.0; BLOCK]));
            if let Some(cell) = block.get_mut(at) {
                *cell += x;
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// `(customer, value)` of every value that is not 0.
    fn values(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.0.iter().enumerate().flat_map(|(b, block)| {
            block
                .iter()
                .flat_map(|values| values.iter())
                .enumerate()
                .filter(|(_, &x)| x != 0.0)
                .map(move |(at, &x)| (b * BLOCK + at, x))
        })
    }
}

/// A calendar date as read; ordered like the days it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date {
    y: i32,
    m: u32,
    d: u32,
}

impl Date {
    fn month_index(self) -> i32 {
        self.y * 12 + self.m as i32 - 1
    }
}

/// Whether `y`-`m`-`d` is a day `Day::from_ymd` accepts (years 0–9999).
fn valid_ymd(y: i32, m: u32, d: u32) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (0..=9999).contains(&y) && (1..=days).contains(&d)
}

/// `YYYY-MM-DD` (optionally followed by `T` or a blank and a time) as numbers, by the
/// rules of [`Day::parse_iso`]; `None` when it does not have that shape.
fn iso_ymd(raw: &[u8]) -> Option<(i32, u32, u32)> {
    let text = raw.trim_ascii();
    if text.len() < 10 || (text.len() > 10 && !matches!(text[10], b'T' | b' ')) {
        return None;
    }
    if text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    Some((
        num(&text[0..4])? as i32,
        num(&text[5..7])?,
        num(&text[8..10])?,
    ))
}

fn trimmed<'a>(rec: &Record<'a, '_>, column: usize) -> Result<Cow<'a, str>, FieldError> {
    Ok(match rec.text(column)? {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    })
}

/// A usage value: a decimal >= 0 (the syntax of [`parse_amount`]) below 10^15.
fn parse_value(raw: &[u8]) -> Result<f64, &'static str> {
    let raw = raw.trim_ascii();
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut scale: Option<i32> = None;
    let mut fast = !raw.is_empty();
    for &b in raw {
        match b {
            b'0'..=b'9' if digits < 15 => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => {
                fast = false;
                break;
            }
        }
    }
    let value = if fast && digits > 0 {
        // at most 15 digits: exact in f64, and one division rounds once
        match scale {
            None | Some(0) => mantissa as f64,
            Some(s) => mantissa as f64 / POW10[s as usize],
        }
    } else {
        let exact = parse_amount(raw)?;
        if exact.is_sign_negative() && !exact.is_zero() {
            return Err("usage values must be >= 0");
        }
        exact.to_f64().ok_or("not a number")?
    };
    if value >= MAX_VALUE {
        return Err("too large: usage values must be below 10^15");
    }
    Ok(value)
}

/// Reads the usage file named `file` with `options`' columns, metric names, as-of date
/// and history window.
///
/// # Errors
/// [`HealthError::Segments`] for a missing column or a bad row (file, line, column,
/// text; `skip_invalid` skips and counts bad rows instead); [`HealthError::UnknownMetric`]
/// for a metric named in the options that the file does not have;
/// [`HealthError::TooManyMetrics`]; [`HealthError::NoData`] when no row falls in the
/// window or no metric is a usage metric.
pub fn read_usage(file: &CsvFile, options: &HealthOptions) -> Result<Usage> {
    read_usage_with_progress(file, options, None)
}

/// [`read_usage`] with a progress callback (bytes done, bytes total).
pub(crate) fn read_usage_with_progress(
    file: &CsvFile,
    options: &HealthOptions,
    progress: Option<fn(u64, u64)>,
) -> Result<Usage> {
    options.validate()?;
    let end = scored_month(options.as_of);
    let window = Window {
        start: end - options.history_months as i32 + 1,
        end,
    };
    let segment = match &options.segment_col {
        Some(name) => Some(file.column(name, "segment_col")?),
        None => file.optional_column("segment"),
    };
    let cfg = Config {
        customer: file.column(&options.customer_col, "customer_col")?,
        date: file.column(&options.date_col, "date_col")?,
        metric: file.column(&options.metric_col, "metric_col")?,
        value: file.column(&options.value_col, "value_col")?,
        segment,
        format: options.date_format(),
        as_of: {
            let (y, m, d) = options.as_of.ymd();
            Date { y, m, d }
        },
        window,
        roles: Roles {
            usage: options.usage_metrics.clone(),
            tickets: name_or(&options.tickets_metric, DEFAULT_TICKETS_METRIC),
            nps: name_or(&options.nps_metric, DEFAULT_NPS_METRIC),
            failed: name_or(
                &options.failed_payments_metric,
                DEFAULT_FAILED_PAYMENTS_METRIC,
            ),
        },
    };
    let csv = CsvOptions {
        skip_invalid: options.skip_invalid,
        progress,
    };
    let slots = window.len();
    let (chunks, skipped) = file.fold_chunks(
        &csv,
        || Chunk::new(slots),
        |chunk: &mut Chunk, rec| chunk.row(&cfg, rec),
    )?;
    let mut usage = merge(file.name(), chunks, &cfg, options)?;
    usage.summary.rows_skipped = skipped.skipped;
    usage.summary.skipped_reasons = skipped.first.iter().map(ToString::to_string).collect();
    Ok(usage)
}

fn name_or(name: &Option<String>, default: &str) -> String {
    name.as_deref().unwrap_or(default).trim().to_owned()
}

/// The chunks' customers, metrics and cells as one table with customers sorted by id.
fn merge(name: &str, chunks: Vec<Chunk>, cfg: &Config, options: &HealthOptions) -> Result<Usage> {
    let file = name.to_owned();
    // metrics: every name found, checked against the options
    let mut names: Vec<(String, Role, u64)> = Vec::new();
    for chunk in &chunks {
        for m in &chunk.metrics {
            match names.iter_mut().find(|(n, _, _)| *n == m.name) {
                Some(found) => found.2 += m.rows,
                None => names.push((m.name.clone(), m.role, m.rows)),
            }
        }
    }
    names.sort();
    if names.len() > MAX_METRICS {
        let examples: Vec<&str> = names.iter().take(5).map(|(n, _, _)| n.as_str()).collect();
        return Err(HealthError::TooManyMetrics {
            file,
            limit: MAX_METRICS,
            examples: examples.join(", "),
        });
    }
    let available = || {
        if names.is_empty() {
            "no rows".to_owned()
        } else {
            names
                .iter()
                .map(|(n, _, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let explicit = [
        ("tickets_metric", &options.tickets_metric),
        ("nps_metric", &options.nps_metric),
        ("failed_payments_metric", &options.failed_payments_metric),
    ];
    for (field, wanted) in explicit {
        if let Some(w) = wanted {
            if !names.iter().any(|(n, _, _)| n == w.trim()) {
                return Err(HealthError::UnknownMetric {
                    file,
                    metric: w.clone(),
                    field,
                    available: available(),
                });
            }
        }
    }
    for w in options.usage_metrics.iter().flatten() {
        if !names.iter().any(|(n, _, _)| n == w) {
            return Err(HealthError::UnknownMetric {
                file,
                metric: w.clone(),
                field: "usage_metrics",
                available: available(),
            });
        }
    }
    // the stored metrics, in order: usage (as asked, else by name), tickets, failed
    let mut stored: Vec<Stored> = Vec::new();
    match &options.usage_metrics {
        Some(list) => stored.extend(list.iter().map(|n| Stored {
            name: n.clone(),
            role: Role::Usage,
        })),
        None => stored.extend(names.iter().filter(|(_, r, _)| *r == Role::Usage).map(
            |(n, _, _)| Stored {
                name: n.clone(),
                role: Role::Usage,
            },
        )),
    }
    let usage_idx: Vec<usize> = (0..stored.len()).collect();
    let mut push_role = |role: Role| -> Option<usize> {
        let (n, _, _) = names.iter().find(|(_, r, _)| *r == role)?;
        stored.push(Stored {
            name: n.clone(),
            role,
        });
        Some(stored.len() - 1)
    };
    let tickets = push_role(Role::Tickets);
    let failed = push_role(Role::FailedPayments);
    let has_nps = names.iter().any(|(_, r, _)| *r == Role::Nps);
    let metrics: Vec<MetricSummary> = names
        .iter()
        .map(|(n, r, rows)| MetricSummary {
            name: n.clone(),
            role: *r,
            rows: *rows,
        })
        .collect();

    // customers: chunk 0's ids first, then the others' new ones; then sorted
    let mut chunks = chunks;
    let mut global = match chunks.first_mut() {
        Some(first) => std::mem::take(&mut first.ids),
        None => Interner::default(),
    };
    let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(chunks.len());
    remaps.push((0..global.len() as u32).collect());
    for chunk in chunks.iter_mut().skip(1) {
        let ids = std::mem::take(&mut chunk.ids).into_list();
        let mut map = Vec::with_capacity(ids.len());
        for i in 0..ids.len() {
            map.push(
                global
                    .index(ids.get(i))
                    .ok_or_else(|| HealthError::NoData {
                        file: file.clone(),
                        reason: "too many distinct customers".into(),
                    })?,
            );
        }
        remaps.push(map);
    }
    let unsorted = global.into_list();
    let n = unsorted.len();
    // sorted by the first 16 bytes as one big-endian number, the rest compared only
    // when those are equal: the order of the byte strings
    let prefix = |id: &[u8]| -> u128 {
        let mut bytes = [0u8; 16];
        for (b, x) in bytes.iter_mut().zip(id) {
            *b = *x;
        }
        u128::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(u128, u32)> = (0..n as u32)
        .into_par_iter()
        .map(|i| (prefix(unsorted.get(i as usize)), i))
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| unsorted.get(a.1 as usize).cmp(unsorted.get(b.1 as usize)))
    });
    let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
    let mut rank = vec![0u32; n];
    let mut ids = IdList::default();
    for (pos, &g) in order.iter().enumerate() {
        if let Some(r) = rank.get_mut(g as usize) {
            *r = pos as u32;
        }
        ids.push(unsorted.get(g as usize));
    }
    drop(unsorted);
    drop(order);
    for map in &mut remaps {
        for g in map.iter_mut() {
            *g = rank.get(*g as usize).copied().unwrap_or(0);
        }
    }
    drop(rank);

    let mut first_month = vec![i32::MAX; n];
    let mut seen = vec![0u64; n];
    let mut slot_rows = vec![0u64; cfg.window.len()];
    let mut summary = UsageSummary {
        file: file.clone(),
        rows: 0,
        rows_used: 0,
        rows_after_as_of: 0,
        rows_in_incomplete_month: 0,
        rows_before_window: 0,
        rows_of_unused_metrics: 0,
        rows_skipped: 0,
        skipped_reasons: Vec::new(),
        customers: n,
        first_month: month(cfg.window.start),
        scored_month: month(cfg.window.end),
        months_without_rows: Vec::new(),
        metrics,
    };
    for (chunk, map) in chunks.iter().zip(&remaps) {
        for (local, &g) in map.iter().enumerate() {
            let g = g as usize;
            if let (Some(f), Some(&l)) = (first_month.get_mut(g), chunk.first_month.get(local)) {
                *f = (*f).min(l);
            }
            if let (Some(s), Some(&l)) = (seen.get_mut(g), chunk.seen.get(local)) {
                *s |= l;
            }
        }
        for (total, &k) in slot_rows.iter_mut().zip(&chunk.slot_rows) {
            *total += k;
        }
        summary.rows += chunk.rows;
        summary.rows_after_as_of += chunk.after;
        summary.rows_in_incomplete_month += chunk.incomplete;
        summary.rows_before_window += chunk.before;
        summary.rows_of_unused_metrics += chunk.unused;
    }
    summary.rows_used = summary.rows
        - summary.rows_after_as_of
        - summary.rows_in_incomplete_month
        - summary.rows_before_window
        - summary.rows_of_unused_metrics;

    // segments by name
    let mut segments: Vec<String> = Vec::new();
    let mut segment_maps: Vec<Vec<u16>> = Vec::new();
    for chunk in &chunks {
        let mut map = Vec::with_capacity(chunk.segments.len());
        for s in &chunk.segments {
            let i = match segments.iter().position(|x| x == s) {
                Some(i) => i,
                None => {
                    segments.push(s.clone());
                    segments.len() - 1
                }
            };
            map.push(u16::try_from(i).unwrap_or(NO_SEGMENT));
        }
        segment_maps.push(map);
    }

    // answers, renumbered and sorted by customer and day
    let mut answers: Vec<Answer> = Vec::new();
    for ((chunk, map), smap) in chunks.iter_mut().zip(&remaps).zip(&segment_maps) {
        for a in std::mem::take(&mut chunk.answers) {
            answers.push(Answer {
                customer: map.get(a.customer as usize).copied().unwrap_or(0),
                segment: smap
                    .get(usize::from(a.segment))
                    .copied()
                    .unwrap_or(NO_SEGMENT),
                ..a
            });
        }
    }
    answers.par_sort_unstable();
    let answer_start = if answers.is_empty() {
        Vec::new()
    } else {
        let mut start = vec![0u32; n + 1];
        for a in &answers {
            if let Some(s) = start.get_mut(a.customer as usize + 1) {
                *s += 1;
            }
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        start
    };

    // cells: for each month and stored metric, the chunks' vectors scattered to the
    // sorted customers (and freed as they are consumed)
    let k = stored.len();
    let slots = cfg.window.len();
    let mut sources: Vec<Vec<(usize, Blocks)>> = (0..slots * k).map(|_| Vec::new()).collect();
    for (ci, chunk) in chunks.iter_mut().enumerate() {
        for (local, m) in chunk.metrics.iter().enumerate() {
            let Some(g) = stored.iter().position(|s| s.name == m.name) else {
                continue;
            };
            for s in 0..slots {
                if let (Some(v), Some(dst)) = (
                    chunk.cells.get_mut(s * MAX_METRICS + local),
                    sources.get_mut(s * k + g),
                ) {
                    if !v.is_empty() {
                        dst.push((ci, std::mem::take(v)));
                    }
                }
            }
        }
        chunk.cells = Vec::new();
    }
    drop(chunks);
    let cells: Vec<Vec<f32>> = sources
        .into_par_iter()
        .map(|parts| {
            if parts.is_empty() {
                return Vec::new();
            }
            let mut out = vec![0f32; n];
            for (ci, v) in parts {
                let Some(map) = remaps.get(ci) else { continue };
                for (local, x) in v.values() {
                    if let Some(cell) = map.get(local).and_then(|&g| out.get_mut(g as usize)) {
                        *cell += x;
                    }
                }
            }
            out
        })
        .collect();

    // the window starts at the first month with a row
    let Some(first_slot) = slot_rows.iter().position(|&r| r > 0) else {
        return Err(HealthError::NoData {
            file,
            reason: format!(
                "no usage rows in the {} complete months up to {} (the as-of date is {}){}",
                cfg.window.len(),
                month(cfg.window.end),
                options.as_of,
                if summary.rows_in_incomplete_month > 0 {
                    format!(
                        "; {} rows fall in the incomplete month after it",
                        summary.rows_in_incomplete_month
                    )
                } else {
                    String::new()
                }
            ),
        });
    };
    if usage_idx.is_empty() {
        return Err(HealthError::NoData {
            file,
            reason: format!(
                "no usage metric: the file has {} (usage metrics are every metric but tickets, NPS and failed payments, or those named by usage_metrics)",
                available()
            ),
        });
    }
    let window = Window {
        start: cfg.window.start + first_slot as i32,
        end: cfg.window.end,
    };
    let cells: Vec<Vec<f32>> = cells.into_iter().skip(first_slot * k).collect();
    for bits in &mut seen {
        *bits >>= first_slot;
    }
    summary.first_month = month(window.start);
    summary.months_without_rows = slot_rows
        .iter()
        .enumerate()
        .skip(first_slot)
        .filter(|(_, &r)| r == 0)
        .map(|(s, _)| month(cfg.window.start + s as i32))
        .collect();
    Ok(Usage {
        ids,
        first_month,
        seen,
        window,
        stored,
        usage: usage_idx,
        tickets,
        failed,
        has_nps,
        cells,
        answers,
        answer_start,
        segments,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn read(csv: &str, options: &HealthOptions) -> Result<Usage> {
        let file = CsvFile::from_bytes("usage.csv", csv.as_bytes().to_vec(), b',')?;
        read_usage(&file, options)
    }

    #[test]
    fn values() {
        assert_eq!(parse_value(b"12"), Ok(12.0));
        assert_eq!(parse_value(b" 0.25 "), Ok(0.25));
        assert_eq!(parse_value(b".5"), Ok(0.5));
        assert_eq!(parse_value(b"+3"), Ok(3.0));
        assert_eq!(parse_value(b"-0"), Ok(0.0));
        assert_eq!(
            parse_value(b"1234567890.123456789"),
            Ok(1_234_567_890.123_456_8)
        );
        assert_eq!(parse_value(b"-1"), Err("usage values must be >= 0"));
        assert_eq!(parse_value(b""), Err("missing value"));
        assert!(parse_value(b"1e3").is_err());
        assert!(parse_value(b"1,5").is_err());
        assert!(parse_value(b"1000000000000000").is_err());
    }

    #[test]
    fn iso_fast_path_agrees_with_the_date_parser() {
        let format = DateFormat::Iso;
        for text in [
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "0000-01-01",
            "9999-12-31",
            "2024-06-01T10:00:00Z",
            "2024-06-01 10:00",
            "2024-06-01x",
            "2024/06/01",
            "2024-6-1",
            " 2024-06-01 ",
            "2024-06-31",
            "",
            "abcd-ef-gh",
            "2024-06-1",
            "+024-06-01",
        ] {
            let general = format.parse(text.as_bytes()).ok();
            let fast = iso_ymd(text.as_bytes())
                .filter(|&(y, m, d)| valid_ymd(y, m, d))
                .and_then(|(y, m, d)| Day::from_ymd(y, m, d));
            assert_eq!(fast, general, "{text:?}");
            if let Some(day) = general {
                let (y, m, _) = iso_ymd(text.as_bytes()).unwrap();
                assert_eq!(y * 12 + m as i32 - 1, day.month_index(), "{text:?}");
            }
        }
    }

    #[test]
    fn valid_days_are_those_day_accepts() {
        for y in [0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999, 10000, -1] {
            for m in 0..=13 {
                for d in 0..=32 {
                    assert_eq!(
                        valid_ymd(y, m, d),
                        Day::from_ymd(y, m, d).is_some(),
                        "{y}-{m}-{d}"
                    );
                }
            }
        }
    }

    #[test]
    fn scored_month_is_the_last_complete_one() {
        assert_eq!(
            month(scored_month(day("2024-06-30"))).to_string(),
            "2024-06"
        );
        assert_eq!(
            month(scored_month(day("2024-06-29"))).to_string(),
            "2024-05"
        );
        assert_eq!(
            month(scored_month(day("2024-02-29"))).to_string(),
            "2024-02"
        );
        assert_eq!(
            month(scored_month(day("2024-12-31"))).to_string(),
            "2024-12"
        );
    }

    #[test]
    fn sums_per_month_and_counts_what_it_does_not_use() {
        let csv = "customer_id,date,metric,value\n\
                   b,2024-05-02,logins,3\n\
                   a,2024-05-03,logins,4\n\
                   a,2024-05-20,logins,1.5\n\
                   a,2024-06-01,tickets,2\n\
                   a,2024-06-02,nps,9\n\
                   a,2024-07-02,logins,9\n\
                   c,2022-01-01,logins,1\n\
                   b,2024-06-30,seats,4\n";
        let mut o = HealthOptions::new(day("2024-07-15"));
        o.usage_metrics = Some(vec!["logins".into()]);
        let u = read(csv, &o).unwrap();
        let s = u.summary();
        assert_eq!(s.scored_month.to_string(), "2024-06");
        assert_eq!(s.first_month.to_string(), "2024-05");
        assert_eq!(
            (
                s.rows,
                s.rows_used,
                s.rows_in_incomplete_month,
                s.rows_before_window,
                s.rows_of_unused_metrics
            ),
            (8, 5, 1, 1, 1)
        );
        assert_eq!(u.ids.text(0), "a");
        assert_eq!(u.ids.text(2), "c");
        assert_eq!(u.value(0, 0, 0), 5.5);
        assert_eq!(u.value(1, 0, 0), 3.0);
        assert_eq!(u.tickets.map(|t| u.value(0, 1, t)), Some(2.0));
        assert_eq!(u.answers_of(0).len(), 1);
        assert_eq!(u.answers_of(1).len(), 0);
        assert_eq!(month(u.first_month[2]).to_string(), "2022-01");
        assert_eq!(u.seen[0], 0b11);
        assert_eq!(u.seen[2], 0);
        let roles: Vec<_> = s
            .metrics
            .iter()
            .map(|m| (m.name.as_str(), m.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("logins", Role::Usage),
                ("nps", Role::Nps),
                ("seats", Role::NotUsed),
                ("tickets", Role::Tickets)
            ]
        );
    }

    #[test]
    fn ids_are_decoded_and_trimmed_however_they_are_written() {
        let csv = "customer_id,date,metric,value\n\
                   acme,2024-06-01,logins,1\n\
                   \" acme\",2024-06-02,logins,2\n\
                   \"a\"\"b\",2024-06-03,logins,4\n\
                   a\"\"b,2024-06-03,logins,8\n\
                   顧客,2024-06-04,logins,16\n\
                   顧客\u{3000},2024-06-05,logins,32\n\
                   acme,2024-06-06,logins,64\n";
        let u = read(csv, &HealthOptions::new(day("2024-06-30"))).unwrap();
        let ids: Vec<(&str, f64)> = (0..u.customers())
            .map(|c| (u.ids.text(c), u.value(c, 0, 0)))
            .collect();
        assert_eq!(
            ids,
            [
                ("a\"\"b", 8.0),
                ("a\"b", 4.0),
                ("acme", 67.0),
                ("顧客", 48.0)
            ]
        );
        let o = HealthOptions::new(day("2024-06-30"));
        let err = read("customer_id,date,metric,value\n ,2024-07-01,logins,1\n", &o).unwrap_err();
        assert!(err.to_string().contains("missing value"), "{err}");
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let o = HealthOptions::new(day("2024-06-30"));
        let err = read("customer_id,date,metric,value\na,2024-06-01,nps,11\n", &o).unwrap_err();
        assert_eq!(
            err.to_string(),
            "usage.csv:2: column 'value': an NPS answer must be a whole number from 0 to 10: '11'"
        );
        let err = read("customer_id,date,metric,value\na,2024-06-01,nps,7.5\n", &o).unwrap_err();
        assert!(err.to_string().contains("whole number"), "{err}");
        let err = read(
            "customer_id,date,metric,value\na,2024-06-01,logins,-2\n",
            &o,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "usage.csv:2: column 'value': usage values must be >= 0: '-2'"
        );
        let err = read("customer_id,date,metric,value\na,2024-06-31,logins,2\n", &o).unwrap_err();
        assert!(err.to_string().contains("not a date"), "{err}");
        let err = read("customer_id,when,metric,value\n", &o).unwrap_err();
        assert!(err.to_string().contains("no column 'date'"), "{err}");
    }

    #[test]
    fn unknown_metrics_in_options_are_errors() {
        let csv = "customer_id,date,metric,value\na,2024-06-01,logins,1\na,2024-06-01,tickets,1\n";
        let mut o = HealthOptions::new(day("2024-06-30"));
        o.nps_metric = Some("score".into());
        assert_eq!(
            read(csv, &o).unwrap_err().to_string(),
            "usage.csv: no metric 'score' (set by nps_metric); the file has: logins, tickets"
        );
        let mut o = HealthOptions::new(day("2024-06-30"));
        o.usage_metrics = Some(vec!["loginz".into()]);
        let err = read(csv, &o).unwrap_err();
        assert_eq!(err.field(), Some("usage_metrics"));
        let o = HealthOptions::new(day("2024-06-30"));
        let err = read(
            "customer_id,date,metric,value\na,2024-06-01,tickets,1\n",
            &o,
        )
        .unwrap_err();
        assert!(err.to_string().contains("no usage metric"), "{err}");
        let err = read("customer_id,date,metric,value\na,2024-07-01,logins,1\n", &o).unwrap_err();
        assert_eq!(
            err.to_string(),
            "usage.csv: no usage rows in the 24 complete months up to 2024-06 (the as-of date is 2024-06-30)"
        );
    }

    #[test]
    fn row_order_and_chunking_do_not_change_the_table() {
        let mut rows = Vec::new();
        for c in 0..12000 {
            for m in 1..=6 {
                rows.push(format!(
                    "cust{c:05},2024-0{m}-1{},logins,{}\n",
                    c % 9,
                    (c * m) % 17
                ));
                if c % 7 == 0 {
                    rows.push(format!("cust{c:05},2024-0{m}-02,tickets,1\n"));
                }
            }
        }
        let o = HealthOptions::new(day("2024-06-30"));
        let sorted = format!("customer_id,date,metric,value\n{}", rows.concat());
        rows.reverse();
        let reversed = format!("customer_id,date,metric,value\n{}", rows.concat());
        let a = read(&sorted, &o).unwrap();
        let b = read(&reversed, &o).unwrap();
        assert_eq!(a.ids, b.ids);
        assert_eq!(a.cells, b.cells);
        assert_eq!(a.first_month, b.first_month);
        assert_eq!(a.seen, b.seen);
        assert_eq!(a.value(3, 2, 0), 9.0);
        assert!(sorted.len() > 2 << 20, "the file must span several chunks");
    }
}
