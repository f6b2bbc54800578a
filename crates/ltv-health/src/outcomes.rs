//! Outcomes: who was a customer in which month and when they churned, from the MRR
//! file that `ltv saas` reads (a customer churns in the month its MRR goes to 0) or from
//! a churn file (`customer_id,churn_date`); and, without either, activity read from
//! usage alone.
//!
//! [`Activity`] lines every customer up with the usage table: one bit per month of the
//! window for "a customer that month" and one for "churned that month", the customer's
//! start month (tenure), and with MRR the MRR of every month. Customers of the outcome
//! file without a single usage row are added (with MRR: scored as having no usage) and
//! reported; nothing is dropped silently.

use std::borrow::Cow;

use ltv_core::Decimal;
use ltv_saas::{Month, MrrTable};
use ltv_segments::{CsvFile, CsvOptions, Day, FieldError, Record, SkipReport};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::error::{HealthError, Result};
use crate::ids::IdList;
use crate::options::HealthOptions;
use crate::read::{month, Usage};

/// Months without usage after which a customer counts as gone when there are no
/// outcomes: a customer is current in a month with a usage row in it or the two before.
pub const USAGE_ONLY_ACTIVE_MONTHS: i32 = 3;

/// What the outcomes say: read with [`Outcomes::from_mrr`] or [`read_churned`].
#[derive(Debug)]
pub struct Outcomes {
    file: String,
    data: OutcomeData,
    rows_skipped: u64,
    skipped_reasons: Vec<String>,
}

#[derive(Debug)]
enum OutcomeData {
    /// MRR per customer and month.
    Mrr(MrrTable),
    /// `(customer id, churn date)` in file order, one per churned customer.
    Churned(Vec<(String, Day)>),
}

impl Outcomes {
    /// Outcomes from an MRR table read by [`ltv_saas::read_mrr`] from `file`, with the
    /// rows it skipped.
    pub fn from_mrr(file: &str, table: MrrTable, skipped: &SkipReport) -> Outcomes {
        Outcomes {
            file: file.to_owned(),
            data: OutcomeData::Mrr(table),
            rows_skipped: skipped.skipped,
            skipped_reasons: skipped.first.iter().map(ToString::to_string).collect(),
        }
    }

    fn file(&self) -> &str {
        &self.file
    }
}

/// Reads a churn file: one row per churned customer, `customer_id,churn_date`
/// (columns `customer_col` and `churn_date_col`, dates in `date_format`).
///
/// # Errors
/// [`HealthError::Segments`] for a missing column or a bad row (file, line, column);
/// [`HealthError::Outcomes`] for a customer listed twice (naming both lines).
pub fn read_churned(file: &CsvFile, options: &HealthOptions) -> Result<Outcomes> {
    let c = file.column(&options.customer_col, "customer_col")?;
    let d = file.column(&options.churn_date_col, "churn_date_col")?;
    let format = options.date_format();
    let csv = CsvOptions {
        skip_invalid: options.skip_invalid,
        progress: None,
    };
    let (rows, skipped) = file.rows(&csv, |rec| {
        let id = trimmed(rec, c)?;
        if id.is_empty() {
            return Err(FieldError::new(c, "missing value"));
        }
        let day = format
            .parse(rec.raw(d))
            .map_err(|r| FieldError::new(d, r))?;
        Ok((id.into_owned(), day))
    })?;
    let mut sorted: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    sorted.sort_unstable();
    if let Some(twice) = sorted
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| w[0].to_owned())
    {
        let lines = locate(file, c, &twice)?;
        return Err(HealthError::Outcomes {
            file: file.name().to_owned(),
            reason: format!(
                "customer {twice} is listed twice (lines {}): a churn file has one row per churned customer",
                lines
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        });
    }
    Ok(Outcomes {
        file: file.name().to_owned(),
        data: OutcomeData::Churned(rows),
        rows_skipped: skipped.skipped,
        skipped_reasons: skipped.first.iter().map(ToString::to_string).collect(),
    })
}

fn trimmed<'a>(rec: &Record<'a, '_>, column: usize) -> Result<Cow<'a, str>, FieldError> {
    Ok(match rec.text(column)? {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    })
}

/// The lines of the rows whose id is `id` (a second pass, only to name them in an
/// error: the reader numbers only the rows it rejects).
fn locate(file: &CsvFile, column: usize, id: &str) -> Result<Vec<u64>> {
    const MARK: &str = "\u{0}locate";
    let options = CsvOptions {
        skip_invalid: true,
        progress: None,
    };
    let (_, report) = file.rows(&options, |rec| match trimmed(rec, column) {
        Ok(t) if t == id => Err(FieldError::new(column, MARK)),
        _ => Ok(()),
    })?;
    Ok(report
        .first
        .iter()
        .filter(|e| e.reason == MARK)
        .map(|e| e.line)
        .collect())
}

/// Where "customer in month m" and "churned in month m" come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OutcomeKind {
    /// The MRR file: a customer while MRR > 0; churned in the month MRR goes to 0.
    Mrr,
    /// The churn file: a customer from its first usage month to its churn month.
    Churned,
    /// No outcomes: a customer while it has usage in the month or the two before.
    UsageOnly,
}

/// How the outcomes matched the usage file, with counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeSummary {
    /// Where activity and churn come from.
    pub kind: OutcomeKind,
    /// The outcome file, if any.
    pub file: Option<String>,
    /// Customers in the outcome file.
    pub customers: usize,
    /// Of those, customers without a single usage row (with MRR they are scored as
    /// having no usage; a churned customer without usage cannot be learned from).
    pub customers_without_usage: usize,
    /// The first few of them.
    pub customers_without_usage_examples: Vec<String>,
    /// Customers of the usage file the MRR file never shows as paying (not scored, not
    /// learned from).
    pub usage_customers_without_outcomes: usize,
    /// MRR rows after the scored month, or churn dates after the as-of date: not used.
    pub rows_after_scored_month: u64,
    /// Customers who churned after the scored month but on or before the as-of date:
    /// already gone, so not scored.
    pub churned_after_scored_month: usize,
    /// The MRR file's last month.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub last_month: Option<Month>,
    /// Rows of the outcome file skipped as invalid (with `skip_invalid`).
    pub rows_skipped: u64,
    /// The first reasons rows were skipped for.
    pub skipped_reasons: Vec<String>,
}

/// Every customer's months as a customer, churn months, start and MRR, lined up with
/// the usage table (customers `0..usage.customers()`, then outcome-only customers).
#[derive(Debug)]
pub(crate) struct Activity {
    pub(crate) kind: OutcomeKind,
    /// Outcome-only customers, sorted; customer `usage.customers() + i`.
    pub(crate) extra: IdList,
    /// Bit `s`: a customer in window slot `s`.
    pub(crate) active: Vec<u64>,
    /// Bit `s`: churned in slot `s` (a customer in `s − 1`, not in `s`).
    pub(crate) churn: Vec<u64>,
    /// First month as a customer (absolute month index).
    pub(crate) start: Vec<i32>,
    /// Not to be scored although active in the scored month (churned since).
    pub(crate) gone: Vec<bool>,
    /// `[slot][customer]` MRR; empty without an MRR file.
    pub(crate) mrr: Vec<Vec<f32>>,
    /// MRR in the scored month, exact; empty without an MRR file.
    pub(crate) mrr_now: Vec<Decimal>,
    pub(crate) summary: OutcomeSummary,
}

impl Activity {
    /// Number of customers (usage and outcome-only).
    pub(crate) fn len(&self) -> usize {
        self.active.len()
    }

    /// Whether `c` is a customer in slot `s`.
    pub(crate) fn is_active(&self, c: usize, s: usize) -> bool {
        self.active.get(c).is_some_and(|a| a >> s & 1 == 1)
    }

    /// Whether `c` churns in one of the `h` months after slot `s`.
    pub(crate) fn churns_within(&self, c: usize, s: usize, h: usize) -> bool {
        let mask = ((1u64 << h) - 1) << (s + 1);
        self.churn.get(c).is_some_and(|b| b & mask != 0)
    }

    /// `c`'s MRR in slot `s`, if there is an MRR file.
    pub(crate) fn mrr(&self, c: usize, s: usize) -> Option<f64> {
        if self.mrr.is_empty() {
            return None;
        }
        Some(
            self.mrr
                .get(s)
                .and_then(|v| v.get(c))
                .map_or(0.0, |&x| f64::from(x)),
        )
    }

    /// The id of outcome-only customer `c` (past the usage customers).
    pub(crate) fn extra_id(&self, usage_customers: usize, c: usize) -> &str {
        self.extra.text(c.saturating_sub(usage_customers))
    }

    /// Lines the outcomes up with `usage`.
    pub(crate) fn build(
        usage: &Usage,
        outcomes: Option<&Outcomes>,
        options: &HealthOptions,
    ) -> Result<Activity> {
        let Some(o) = outcomes else {
            return Ok(usage_only(usage));
        };
        let mut act = match &o.data {
            OutcomeData::Mrr(table) => from_mrr(usage, o.file(), table)?,
            OutcomeData::Churned(rows) => from_churned(usage, o.file(), rows, options.as_of)?,
        };
        act.summary.rows_skipped = o.rows_skipped;
        act.summary.skipped_reasons = o.skipped_reasons.clone();
        Ok(act)
    }
}

fn bits(from: usize, to: usize) -> u64 {
    if to < from {
        return 0;
    }
    let width = to - from + 1;
    let ones = if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    ones << from
}

fn usage_only(usage: &Usage) -> Activity {
    let n = usage.customers();
    let slots = usage.window.len();
    let mut active = vec![0u64; n];
    for (c, a) in active.iter_mut().enumerate() {
        let seen = usage.seen.get(c).copied().unwrap_or(0);
        for s in 0..slots {
            let from = s.saturating_sub(USAGE_ONLY_ACTIVE_MONTHS as usize - 1);
            if seen & bits(from, s) != 0 {
                *a |= 1 << s;
            }
        }
    }
    Activity {
        kind: OutcomeKind::UsageOnly,
        extra: IdList::default(),
        churn: vec![0; n],
        start: usage.first_month.clone(),
        gone: vec![false; n],
        active,
        mrr: Vec::new(),
        mrr_now: Vec::new(),
        summary: OutcomeSummary {
            kind: OutcomeKind::UsageOnly,
            file: None,
            customers: 0,
            customers_without_usage: 0,
            customers_without_usage_examples: Vec::new(),
            usage_customers_without_outcomes: 0,
            rows_after_scored_month: 0,
            churned_after_scored_month: 0,
            last_month: None,
            rows_skipped: 0,
            skipped_reasons: Vec::new(),
        },
    }
}

const EXAMPLES: usize = 5;

fn from_mrr(usage: &Usage, file: &str, table: &MrrTable) -> Result<Activity> {
    let window = usage.window;
    let scored = month(window.end);
    let last = table.last_month().ok_or_else(|| HealthError::Outcomes {
        file: file.to_owned(),
        reason: "no MRR rows".into(),
    })?;
    if last < scored {
        return Err(HealthError::Outcomes {
            file: file.to_owned(),
            reason: format!(
                "the MRR data ends in {last} but the scored month is {scored}: every customer would look churned; score as of {last}'s last day or use a newer MRR file"
            ),
        });
    }
    let n_usage = usage.customers();
    let slots = window.len();
    // match MRR customers to usage ids; the unmatched become extra customers
    let mut index = Vec::with_capacity(table.customers().len());
    let mut extra = IdList::default();
    let mut examples = Vec::new();
    let mut matched = 0usize;
    // the lookups in parallel, the numbering in order
    let found: Vec<Option<usize>> = table
        .customers()
        .par_iter()
        .map(|customer| usage.ids.find_sorted(customer.id.as_bytes()))
        .collect();
    for (customer, found) in table.customers().iter().zip(found) {
        match found {
            Some(i) => {
                matched += 1;
                index.push(i);
            }
            None => {
                let i =
                    extra
                        .push(customer.id.as_bytes())
                        .ok_or_else(|| HealthError::Outcomes {
                            file: file.to_owned(),
                            reason: "too many customers".into(),
                        })?;
                if examples.len() < EXAMPLES {
                    examples.push(customer.id.clone());
                }
                index.push(n_usage + i as usize);
            }
        }
    }
    if matched == 0 && !table.customers().is_empty() {
        return Err(mismatch(
            file,
            usage,
            table.customers().first().map(|c| c.id.as_str()),
        ));
    }
    let n = n_usage + extra.len();
    let mut active = vec![0u64; n];
    let mut churn = vec![0u64; n];
    let mut start = vec![i32::MAX; n];
    let mut mrr: Vec<Vec<f32>> = (0..slots).map(|_| vec![0f32; n]).collect();
    let mut mrr_now = vec![Decimal::ZERO; n];
    let mut after = 0u64;
    for (customer, &c) in table.customers().iter().zip(&index) {
        let series = customer.series();
        if let (Some(&(first, _)), Some(st)) = (series.first(), start.get_mut(c)) {
            *st = month_index(first);
        }
        let mut previous: Option<i32> = None;
        for &(m, value) in series {
            let mi = month_index(m);
            if mi > window.end {
                after += 1;
                continue;
            }
            // churned in every month after a paying month that is not itself paying
            if let Some(p) = previous {
                if mi > p + 1 {
                    mark(&mut churn, c, window.slot(p + 1));
                }
            }
            previous = Some(mi);
            if let Some(s) = window.slot(mi) {
                if let Some(a) = active.get_mut(c) {
                    *a |= 1 << s;
                }
                if let Some(cell) = mrr.get_mut(s).and_then(|v| v.get_mut(c)) {
                    *cell = value.to_f32().unwrap_or(f32::MAX);
                }
                if mi == window.end {
                    if let Some(now) = mrr_now.get_mut(c) {
                        *now = value;
                    }
                }
            }
        }
        if let Some(p) = previous {
            if p < window.end {
                mark(&mut churn, c, window.slot(p + 1));
            }
        }
    }
    let without_outcomes = (0..n_usage)
        .filter(|&c| start.get(c).is_some_and(|&s| s == i32::MAX))
        .count();
    for (c, s) in start.iter_mut().enumerate() {
        if *s == i32::MAX {
            *s = usage.first_month.get(c).copied().unwrap_or(window.end);
        }
    }
    Ok(Activity {
        kind: OutcomeKind::Mrr,
        extra,
        active,
        churn,
        start,
        gone: vec![false; n],
        mrr,
        mrr_now,
        summary: OutcomeSummary {
            kind: OutcomeKind::Mrr,
            file: Some(file.to_owned()),
            customers: table.customers().len(),
            customers_without_usage: table.customers().len() - matched,
            customers_without_usage_examples: examples,
            usage_customers_without_outcomes: without_outcomes,
            rows_after_scored_month: after,
            churned_after_scored_month: 0,
            last_month: Some(last),
            rows_skipped: 0,
            skipped_reasons: Vec::new(),
        },
    })
}

fn mark(bits: &mut [u64], c: usize, slot: Option<usize>) {
    if let (Some(s), Some(b)) = (slot, bits.get_mut(c)) {
        *b |= 1 << s;
    }
}

fn month_index(m: Month) -> i32 {
    m.year() * 12 + m.month() as i32 - 1
}

fn mismatch(file: &str, usage: &Usage, example: Option<&str>) -> HealthError {
    HealthError::Outcomes {
        file: file.to_owned(),
        reason: format!(
            "none of its customers appear in {} (e.g. '{}' there, '{}' in the usage file): both files must use the same customer ids",
            usage.summary.file,
            example.unwrap_or(""),
            usage.ids.text(0)
        ),
    }
}

fn from_churned(usage: &Usage, file: &str, rows: &[(String, Day)], as_of: Day) -> Result<Activity> {
    let window = usage.window;
    let n = usage.customers();
    let slots = window.len();
    let mut churn_month: Vec<Option<i32>> = vec![None; n];
    let mut gone = vec![false; n];
    let mut examples = Vec::new();
    let (mut matched, mut missing, mut after, mut gone_count) = (0usize, 0usize, 0u64, 0usize);
    for (id, day) in rows {
        let Some(c) = usage.ids.find_sorted(id.as_bytes()) else {
            missing += 1;
            if examples.len() < EXAMPLES {
                examples.push(id.clone());
            }
            continue;
        };
        matched += 1;
        if *day > as_of {
            after += 1;
            continue;
        }
        let m = day.month_index();
        if m > window.end {
            gone_count += 1;
            if let Some(g) = gone.get_mut(c) {
                *g = true;
            }
            continue;
        }
        if let Some(cm) = churn_month.get_mut(c) {
            *cm = Some(m);
        }
    }
    if matched == 0 && !rows.is_empty() {
        return Err(mismatch(
            file,
            usage,
            rows.first().map(|(id, _)| id.as_str()),
        ));
    }
    let mut active = vec![0u64; n];
    let mut churn = vec![0u64; n];
    for (c, bits) in active.iter_mut().enumerate() {
        let first = usage.first_month.get(c).copied().unwrap_or(i32::MAX);
        let end = churn_month.get(c).copied().flatten();
        for s in 0..slots {
            let m = window.start + s as i32;
            if m >= first && end.is_none_or(|e| m < e) {
                *bits |= 1 << s;
            }
        }
        if let Some(e) = end {
            if e > first {
                mark(&mut churn, c, window.slot(e));
            }
        }
    }
    Ok(Activity {
        kind: OutcomeKind::Churned,
        extra: IdList::default(),
        active,
        churn,
        start: usage.first_month.clone(),
        gone,
        mrr: Vec::new(),
        mrr_now: Vec::new(),
        summary: OutcomeSummary {
            kind: OutcomeKind::Churned,
            file: Some(file.to_owned()),
            customers: rows.len(),
            customers_without_usage: missing,
            customers_without_usage_examples: examples,
            usage_customers_without_outcomes: 0,
            rows_after_scored_month: after,
            churned_after_scored_month: gone_count,
            last_month: None,
            rows_skipped: 0,
            skipped_reasons: Vec::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_usage;
    use ltv_saas::{read_mrr, MrrReadOptions};

    fn usage(csv: &str, as_of: &str) -> Usage {
        let file = CsvFile::from_bytes("usage.csv", csv.as_bytes().to_vec(), b',').unwrap();
        read_usage(&file, &HealthOptions::new(as_of.parse().unwrap())).unwrap()
    }

    const USAGE: &str = "customer_id,date,metric,value\n\
        a,2024-01-05,logins,5\na,2024-02-05,logins,5\na,2024-03-05,logins,5\n\
        b,2024-01-05,logins,5\nb,2024-02-05,logins,1\n\
        c,2024-03-05,logins,2\n";

    #[test]
    fn mrr_activity_churn_and_extra_customers() {
        let u = usage(USAGE, "2024-04-30");
        let mrr = "customer_id,month,mrr\n\
            a,2024-01,100\na,2024-02,100\na,2024-03,100\na,2024-04,100\n\
            b,2024-01,50\nb,2024-02,50\n\
            z,2024-04,10\na,2024-05,100\n";
        let file = CsvFile::from_bytes("mrr.csv", mrr.as_bytes().to_vec(), b',').unwrap();
        let (table, skipped) = read_mrr(&file, &MrrReadOptions::default()).unwrap();
        let o = Outcomes::from_mrr("mrr.csv", table, &skipped);
        let act = Activity::build(
            &u,
            Some(&o),
            &HealthOptions::new("2024-04-30".parse().unwrap()),
        )
        .unwrap();
        // slots: 2024-01..2024-04
        assert_eq!(act.active, [0b1111, 0b0011, 0, 0b1000]);
        assert_eq!(act.churn, [0, 0b0100, 0, 0]);
        assert!(act.churns_within(1, 0, 3));
        assert!(!act.churns_within(1, 2, 3));
        assert_eq!(act.mrr(3, 3), Some(10.0));
        assert_eq!(act.mrr_now[0], Decimal::from(100));
        assert_eq!(act.extra_id(3, 3), "z");
        let s = &act.summary;
        assert_eq!(
            (
                s.customers,
                s.customers_without_usage,
                s.usage_customers_without_outcomes,
                s.rows_after_scored_month
            ),
            (3, 1, 1, 1)
        );
    }

    #[test]
    fn mrr_must_reach_the_scored_month_and_share_ids() {
        let u = usage(USAGE, "2024-04-30");
        let opts = HealthOptions::new("2024-04-30".parse().unwrap());
        let read = |csv: &str| {
            let file = CsvFile::from_bytes("mrr.csv", csv.as_bytes().to_vec(), b',').unwrap();
            let (table, skipped) = read_mrr(&file, &MrrReadOptions::default()).unwrap();
            Outcomes::from_mrr("mrr.csv", table, &skipped)
        };
        let short = read("customer_id,month,mrr\na,2024-03,100\n");
        assert_eq!(
            Activity::build(&u, Some(&short), &opts).unwrap_err().to_string(),
            "mrr.csv: the MRR data ends in 2024-03 but the scored month is 2024-04: every customer would look churned; score as of 2024-03's last day or use a newer MRR file"
        );
        let other = read("customer_id,month,mrr\nA-1,2024-04,100\n");
        assert_eq!(
            Activity::build(&u, Some(&other), &opts).unwrap_err().to_string(),
            "mrr.csv: none of its customers appear in usage.csv (e.g. 'A-1' there, 'a' in the usage file): both files must use the same customer ids"
        );
    }

    #[test]
    fn churn_file() {
        let u = usage(USAGE, "2024-03-31");
        let opts = HealthOptions::new("2024-04-30".parse().unwrap());
        let csv = "customer_id,churn_date\nb,2024-03-10\nq,2024-02-01\nc,2024-04-20\n";
        let file = CsvFile::from_bytes("churned.csv", csv.as_bytes().to_vec(), b',').unwrap();
        let o = read_churned(&file, &opts).unwrap();
        let act = Activity::build(
            &u,
            Some(&o),
            &HealthOptions::new("2024-04-30".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(act.active[1], 0b011);
        assert_eq!(act.churn[1], 0b100);
        assert!(act.gone[2]);
        assert_eq!(act.summary.customers_without_usage, 1);
        assert_eq!(act.summary.churned_after_scored_month, 1);

        let twice = "customer_id,churn_date\nb,2024-03-10\nq,2024-02-01\nb,2024-04-20\n";
        let file = CsvFile::from_bytes("churned.csv", twice.as_bytes().to_vec(), b',').unwrap();
        assert_eq!(
            read_churned(&file, &opts).unwrap_err().to_string(),
            "churned.csv: customer b is listed twice (lines 2 and 4): a churn file has one row per churned customer"
        );
    }

    #[test]
    fn usage_only_activity() {
        let u = usage(USAGE, "2024-04-30");
        let act =
            Activity::build(&u, None, &HealthOptions::new("2024-04-30".parse().unwrap())).unwrap();
        assert_eq!(act.active, [0b1111, 0b1111, 0b1100]);
    }
}
