//! Data-driven LTV drivers: average order value, purchase frequency, monthly churn,
//! lifespan, the repeat-purchase rate and year-over-year revenue retention, measured from
//! the transactions for all customers or per group (acquisition channel, first-order
//! month).
//!
//! This module measures; it does not value. The LTV these drivers imply, and everything
//! banded against a CAC, is computed in one place on top of them (`ltv-planner`'s
//! measured baseline), so that the headline, the channels and the plan share one
//! definition.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::transactions::{Customer, Transactions};

/// Default days without an order after which a customer counts as churned.
pub const DEFAULT_INACTIVE_DAYS: u32 = 90;

/// Default window, in days after the first order, within which a second order counts
/// as a repeat purchase.
pub const DEFAULT_REPEAT_DAYS: u32 = 90;

/// How the drivers are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriverOptions {
    /// Days without an order after which a customer counts as churned (>= 1); default 90.
    #[serde(default = "default_inactive_days")]
    pub inactive_days: u32,
    /// A second order on a later day within this many days of the first is a repeat
    /// purchase (>= 1); default 90.
    #[serde(default = "default_repeat_days")]
    pub repeat_days: u32,
}

fn default_inactive_days() -> u32 {
    DEFAULT_INACTIVE_DAYS
}

fn default_repeat_days() -> u32 {
    DEFAULT_REPEAT_DAYS
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            inactive_days: DEFAULT_INACTIVE_DAYS,
            repeat_days: DEFAULT_REPEAT_DAYS,
        }
    }
}

impl DriverOptions {
    /// Checks that both windows are at least one day.
    ///
    /// # Errors
    /// [`SegmentsError::InvalidOption`] naming `inactive_days` or `repeat_days`.
    pub fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("inactive_days", self.inactive_days),
            ("repeat_days", self.repeat_days),
        ] {
            if v == 0 {
                return Err(SegmentsError::InvalidOption {
                    field,
                    value: "0".into(),
                    allowed: ">= 1 day".into(),
                });
            }
        }
        Ok(())
    }
}

/// Revenue retention from one year to the next: the customers who ordered in the
/// prior year (the 365 days before the last 365) and what they spent in the last 365
/// days. Measured only when the data cover both years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearOverYear {
    /// Customers with an order in the prior year.
    pub customers_prior: u64,
    /// Of those, customers with an order in the last year.
    pub customers_retained: u64,
    /// Their revenue in the prior year (money).
    pub revenue_prior: Decimal,
    /// Their revenue in the last year (money).
    pub revenue_current: Decimal,
    /// customers_retained ÷ customers_prior.
    pub logo_retention: Decimal,
    /// Net revenue retention: revenue_current ÷ revenue_prior (above 1 when expansion
    /// outweighs churn and contraction).
    pub nrr: Decimal,
    /// Gross revenue retention: Σ min(last year, prior year) per customer ÷
    /// revenue_prior (expansion not counted; at most 1).
    pub grr: Decimal,
}

/// The drivers of one group of customers, measured at the as-of day.
///
/// Definitions (docs/formulas.md, "Measured drivers"):
/// - a customer has churned when their last order is more than `inactive_days` before
///   the as-of day;
/// - active customer-months: for a churned customer, calendar months from the first to
///   the last order month inclusive; for a live one, from the first order month to the
///   as-of month inclusive;
/// - monthly churn = churned customers ÷ active customer-months (the constant-hazard
///   estimate); lifespan = 1 ÷ churn, in months;
/// - orders per month = orders ÷ active customer-months; per year = × 12;
/// - average order value = revenue ÷ orders;
/// - repeat rate = customers with an order on a later day within `repeat_days` of their
///   first ÷ customers whose first order is at least `repeat_days` before the as-of day;
/// - new customers per month = customers whose first order lies in the last 365 days ÷ 12
///   (or all customers ÷ the months the data span, when shorter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drivers {
    /// The as-of day.
    pub as_of: Day,
    /// Customers.
    pub customers: u64,
    /// Orders (rows).
    pub orders: u64,
    /// Sum of amounts (money).
    pub revenue: Decimal,
    /// Observed revenue per customer to date (money).
    pub revenue_per_customer: Decimal,
    /// revenue ÷ orders (money).
    pub average_order_value: Decimal,
    /// Days without an order that count as churn.
    pub inactive_days: u32,
    /// Customers counted as churned.
    pub churned_customers: u64,
    /// Customers not churned at the as-of day.
    pub active_customers: u64,
    /// Active customer-months of exposure.
    pub active_customer_months: u64,
    /// orders ÷ active customer-months.
    pub orders_per_month: Decimal,
    /// Orders per active customer and year (orders per month × 12).
    pub purchase_frequency_per_year: Decimal,
    /// churned ÷ active customer-months; `null` while no customer has churned.
    pub monthly_churn: Option<Decimal>,
    /// 1 ÷ monthly churn, in months; `null` while no customer has churned.
    pub lifespan_months: Option<Decimal>,
    /// The repeat-purchase window in days.
    pub repeat_days: u32,
    /// Customers whose first order is at least `repeat_days` before the as-of day.
    pub repeat_eligible: u64,
    /// Of those, customers with an order on a later day within `repeat_days`.
    pub repeat_customers: u64,
    /// repeat_customers ÷ repeat_eligible; `null` without eligible customers.
    pub repeat_rate: Option<Decimal>,
    /// New customers per month over the last year.
    pub new_customers_per_month: Decimal,
    /// Year-over-year revenue retention, when the data cover two full years.
    pub year_over_year: Option<YearOverYear>,
    /// The median number of days between a customer's consecutive order days (over
    /// every repeat in the group; gaps of more than 730 days count as 730); `null`
    /// without repeats. Compared with `inactive_days`, it tells whether customers who
    /// order at their usual pace would be counted as churned.
    pub median_gap_days: Option<u32>,
}

/// How to group customers for [`drivers_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// By acquisition channel (the channel of the first order; `unknown` without one),
    /// by name with `unknown` last.
    Channel,
    /// By the month of the first order (`2024-01`), oldest first.
    CohortMonth,
    /// By the quarter of the first order (`2024-Q1`), oldest first.
    CohortQuarter,
    /// By repeat status within `repeat_days` of the first order: `repeat`, `one_time`,
    /// then `too_recent` (first order less than `repeat_days` before the as-of day).
    RepeatStatus,
}

/// The drivers of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupDrivers {
    /// The channel name or the cohort month.
    pub group: String,
    /// For a cohort, its first month's index ([`Day::month_index`]); `null` otherwise.
    pub month_index: Option<i32>,
    /// For a cohort, its last month's index (the first for a month, + 2 for a quarter).
    pub last_month_index: Option<i32>,
    /// The group's drivers.
    pub drivers: Drivers,
}

/// Measures the drivers of all customers.
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for a zero window; overflow.
///
/// ```
/// use ltv_segments::{drivers, DriverOptions, LoadOptions, Transactions};
/// let csv = "customer_id,order_date,amount\n\
///            a,2024-01-01,50\na,2024-02-01,50\nb,2024-01-15,100\nc,2024-06-20,60\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let d = drivers(&tx, &DriverOptions::default())?;
/// // a and b churned; months: a Jan–Feb 2, b Jan 1, c Jun–Jun 1 → 4
/// assert_eq!((d.churned_customers, d.active_customer_months), (2, 4));
/// assert_eq!(d.monthly_churn.unwrap().to_string(), "0.5");
/// assert_eq!(d.average_order_value.to_string(), "65");
/// // a ordered again 31 days after the first order; c is too recent to count
/// assert_eq!((d.repeat_customers, d.repeat_eligible), (1, 2));
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn drivers(tx: &Transactions, options: &DriverOptions) -> Result<Drivers> {
    options.validate()?;
    let span = Span::of(tx);
    let sums = accumulate(tx, &span, options, false)?;
    sums.all.finish(&span, options)
}

/// Measures the drivers per channel or per first-order month, quarter or repeat status.
///
/// # Errors
/// As for [`drivers`].
pub fn drivers_by(
    tx: &Transactions,
    by: GroupBy,
    options: &DriverOptions,
) -> Result<Vec<GroupDrivers>> {
    let g = grouped(tx, options)?;
    Ok(match by {
        GroupBy::Channel => g.by_channel,
        GroupBy::CohortMonth => g.by_month,
        GroupBy::CohortQuarter => g.by_quarter,
        GroupBy::RepeatStatus => g.by_repeat,
    })
}

/// The drivers of all customers and of every grouping, measured in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    /// All customers.
    pub all: Drivers,
    /// Per channel, by name with `unknown` last.
    pub by_channel: Vec<GroupDrivers>,
    /// Per first-order month, oldest first.
    pub by_month: Vec<GroupDrivers>,
    /// Per first-order quarter, oldest first.
    pub by_quarter: Vec<GroupDrivers>,
    /// `repeat`, `one_time`, `too_recent`.
    pub by_repeat: Vec<GroupDrivers>,
}

/// Measures the drivers of all customers and per channel, first-order month, quarter and
/// repeat status, in one parallel pass over the customers (in fixed chunks summed in
/// order, so the result does not depend on the number of threads).
///
/// # Errors
/// As for [`drivers`].
pub fn grouped(tx: &Transactions, options: &DriverOptions) -> Result<Grouped> {
    options.validate()?;
    let span = Span::of(tx);
    let sums = accumulate(tx, &span, options, true)?;
    let finish = |acc: Acc| acc.finish(&span, options);
    let channel_names = tx.channel_names();
    let mut by_channel = Vec::new();
    for (i, acc) in sums.channels.into_iter().enumerate() {
        if acc.customers == 0 {
            continue;
        }
        let group = channel_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| "unknown".to_owned());
        by_channel.push(GroupDrivers {
            group,
            month_index: None,
            last_month_index: None,
            drivers: finish(acc)?,
        });
    }
    by_channel
        .sort_by(|a, b| (a.group == "unknown", &a.group).cmp(&(b.group == "unknown", &b.group)));
    let cohorts = |map: std::collections::BTreeMap<i32, Acc>, quarter: bool| {
        map.into_iter()
            .map(|(key, acc)| {
                let (group, first, last) = if quarter {
                    (
                        format!("{:04}-Q{}", key.div_euclid(4), key.rem_euclid(4) + 1),
                        key * 3,
                        key * 3 + 2,
                    )
                } else {
                    (
                        format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
                        key,
                        key,
                    )
                };
                Ok(GroupDrivers {
                    group,
                    month_index: Some(first),
                    last_month_index: Some(last),
                    drivers: finish(acc)?,
                })
            })
            .collect::<Result<Vec<_>>>()
    };
    let by_month = cohorts(sums.months, false)?;
    let by_quarter = cohorts(sums.quarters, true)?;
    let mut by_repeat = Vec::new();
    for (name, acc) in ["repeat", "one_time", "too_recent"]
        .into_iter()
        .zip(sums.repeat)
    {
        if acc.customers > 0 {
            by_repeat.push(GroupDrivers {
                group: name.to_owned(),
                month_index: None,
                last_month_index: None,
                drivers: finish(acc)?,
            });
        }
    }
    Ok(Grouped {
        all: finish(sums.all)?,
        by_channel,
        by_month,
        by_quarter,
        by_repeat,
    })
}

/// Customers per chunk of the parallel pass.
const CHUNK: usize = 1 << 15;

/// The sums of one chunk of customers, or of all.
struct Sums {
    all: Acc,
    /// By channel index; the last slot is customers without a channel.
    channels: Vec<Acc>,
    months: std::collections::BTreeMap<i32, Acc>,
    quarters: std::collections::BTreeMap<i32, Acc>,
    /// repeat, one-time, too recent.
    repeat: [Acc; 3],
}

impl Sums {
    fn new(channels: usize, grouped: bool) -> Sums {
        Sums {
            all: Acc {
                gaps: Some(vec![0; MAX_GAP + 1]),
                ..Acc::default()
            },
            channels: if grouped {
                (0..=channels).map(|_| Acc::default()).collect()
            } else {
                Vec::new()
            },
            months: std::collections::BTreeMap::new(),
            quarters: std::collections::BTreeMap::new(),
            repeat: Default::default(),
        }
    }

    fn merge(mut self, other: Sums) -> Result<Sums> {
        self.all.merge(other.all)?;
        for (a, b) in self.channels.iter_mut().zip(other.channels) {
            a.merge(b)?;
        }
        for (k, b) in other.months {
            self.months.entry(k).or_default().merge(b)?;
        }
        for (k, b) in other.quarters {
            self.quarters.entry(k).or_default().merge(b)?;
        }
        for (a, b) in self.repeat.iter_mut().zip(other.repeat) {
            a.merge(b)?;
        }
        Ok(self)
    }
}

/// Sums every customer into `all` and, with `grouped`, into its groups.
fn accumulate(
    tx: &Transactions,
    span: &Span,
    options: &DriverOptions,
    grouped: bool,
) -> Result<Sums> {
    let channels = tx.channel_names().len();
    let n = tx.len();
    let chunks: Vec<Result<Sums>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|k| {
            let mut sums = Sums::new(channels, grouped);
            for i in k * CHUNK..((k + 1) * CHUNK).min(n) {
                let c = tx.customer(i);
                let Some(one) = One::of(&c, span, options, sums.all.gaps.as_mut())? else {
                    continue;
                };
                sums.all.add(&one)?;
                if grouped {
                    let channel = tx.channel_index(i).map_or(channels, |c| c as usize);
                    if let Some(acc) = sums.channels.get_mut(channel) {
                        acc.add(&one)?;
                    }
                    sums.months
                        .entry(one.first.month_index())
                        .or_default()
                        .add(&one)?;
                    sums.quarters
                        .entry(one.first.quarter_index())
                        .or_default()
                        .add(&one)?;
                    let status = match one.repeated {
                        Some(true) => 0,
                        Some(false) => 1,
                        None => 2,
                    };
                    sums.repeat[status].add(&one)?;
                }
            }
            Ok(sums)
        })
        .collect();
    let mut total = Sums::new(channels, grouped);
    for chunk in chunks {
        total = total.merge(chunk?)?;
    }
    Ok(total)
}

/// Whether the customer ordered again on a later day within `days` of the first order;
/// `None` when the first order is less than `days` before the as-of day.
fn repeated(c: &Customer<'_>, first: Day, as_of: Day, days: u32) -> Option<bool> {
    let window = i32::try_from(days).unwrap_or(i32::MAX);
    (as_of - first >= window).then(|| {
        c.orders
            .iter()
            .any(|o| o.day > first && o.day - first <= window)
    })
}

/// The days that bound the measurement.
struct Span {
    as_of: Day,
    first_day: Day,
    /// The last year: days after this one, up to the as-of day.
    year_start: Day,
    /// The prior year: days after this one, up to `year_start`.
    prior_start: Day,
    /// Whether the data reach back over both years.
    two_years: bool,
}

impl Span {
    fn of(tx: &Transactions) -> Span {
        let as_of = tx.as_of();
        let year_start = as_of - 365;
        let prior_start = as_of - 730;
        Span {
            as_of,
            first_day: tx.first_day(),
            year_start,
            prior_start,
            two_years: tx.first_day() <= prior_start + 1,
        }
    }
}

/// Running sums of one group.
#[derive(Default)]
struct Acc {
    customers: u64,
    orders: u64,
    revenue: Decimal,
    churned: u64,
    months: u64,
    repeat_eligible: u64,
    repeat_customers: u64,
    new_last_year: u64,
    prior_customers: u64,
    retained_customers: u64,
    revenue_prior: Decimal,
    revenue_current: Decimal,
    revenue_capped: Decimal,
    /// gaps[d]: repeats d days after the previous order day (the last slot: more);
    /// kept for all customers only.
    gaps: Option<Vec<u64>>,
}

/// Gaps between order days are counted up to this many days.
const MAX_GAP: usize = 730;

fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or(SegmentsError::Core(ltv_core::CoreError::Overflow { what }))
}

/// One customer's contribution to every group it is in.
struct One {
    first: Day,
    orders: u64,
    revenue: Decimal,
    churned: bool,
    months: u64,
    repeated: Option<bool>,
    new_last_year: bool,
    /// (prior year, last year, capped, ordered again) when the customer ordered in the
    /// prior year.
    prior: Option<(Decimal, Decimal, Decimal, bool)>,
}

impl One {
    /// The customer's contribution; its gaps between order days go into `gaps`.
    fn of(
        c: &Customer<'_>,
        span: &Span,
        options: &DriverOptions,
        mut gaps: Option<&mut Vec<u64>>,
    ) -> Result<Option<One>> {
        let (Some(first), Some(last)) = (c.first_day(), c.last_day()) else {
            return Ok(None);
        };
        let churned = span.as_of - last > i32::try_from(options.inactive_days).unwrap_or(i32::MAX);
        let end = if churned {
            last.month_index()
        } else {
            span.as_of.month_index()
        };
        let mut previous = first;
        let mut revenue = Decimal::ZERO;
        let (mut prior, mut current, mut spent) = (Decimal::ZERO, Decimal::ZERO, false);
        for o in c.orders {
            if o.day > previous {
                if let Some(g) = gaps.as_deref_mut() {
                    let gap = usize::try_from(o.day - previous)
                        .unwrap_or(MAX_GAP)
                        .min(MAX_GAP);
                    if let Some(slot) = g.get_mut(gap) {
                        *slot += 1;
                    }
                }
                previous = o.day;
            }
            revenue = add(revenue, o.amount, "revenue")?;
            if span.two_years {
                if o.day > span.year_start {
                    current = add(current, o.amount, "revenue last year")?;
                } else if o.day > span.prior_start {
                    prior = add(prior, o.amount, "revenue prior year")?;
                    spent = true;
                }
            }
        }
        let prior = spent.then(|| {
            let again = c.orders.iter().any(|o| o.day > span.year_start);
            (prior, current, current.min(prior).max(Decimal::ZERO), again)
        });
        Ok(Some(One {
            first,
            orders: c.orders.len() as u64,
            revenue,
            churned,
            months: (end - first.month_index() + 1).max(1) as u64,
            repeated: repeated(c, first, span.as_of, options.repeat_days),
            new_last_year: first > span.year_start,
            prior,
        }))
    }
}

impl Acc {
    fn add(&mut self, one: &One) -> Result<()> {
        self.customers += 1;
        self.orders += one.orders;
        self.revenue = add(self.revenue, one.revenue, "revenue")?;
        self.churned += u64::from(one.churned);
        self.months += one.months;
        if let Some(repeat) = one.repeated {
            self.repeat_eligible += 1;
            self.repeat_customers += u64::from(repeat);
        }
        self.new_last_year += u64::from(one.new_last_year);
        if let Some((prior, current, capped, again)) = one.prior {
            self.prior_customers += 1;
            self.retained_customers += u64::from(again);
            self.revenue_prior = add(self.revenue_prior, prior, "revenue prior year")?;
            self.revenue_current = add(self.revenue_current, current, "revenue last year")?;
            self.revenue_capped = add(self.revenue_capped, capped, "retained revenue")?;
        }
        Ok(())
    }

    fn merge(&mut self, other: Acc) -> Result<()> {
        self.customers += other.customers;
        self.orders += other.orders;
        self.revenue = add(self.revenue, other.revenue, "revenue")?;
        self.churned += other.churned;
        self.months += other.months;
        self.repeat_eligible += other.repeat_eligible;
        self.repeat_customers += other.repeat_customers;
        self.new_last_year += other.new_last_year;
        self.prior_customers += other.prior_customers;
        self.retained_customers += other.retained_customers;
        self.revenue_prior = add(
            self.revenue_prior,
            other.revenue_prior,
            "revenue prior year",
        )?;
        self.revenue_current = add(
            self.revenue_current,
            other.revenue_current,
            "revenue last year",
        )?;
        self.revenue_capped = add(
            self.revenue_capped,
            other.revenue_capped,
            "retained revenue",
        )?;
        match (&mut self.gaps, other.gaps) {
            (Some(a), Some(b)) => {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            (None, Some(b)) => self.gaps = Some(b),
            _ => {}
        }
        Ok(())
    }

    fn finish(self, span: &Span, options: &DriverOptions) -> Result<Drivers> {
        let ratio = |a: Decimal, b: u64| -> Option<Decimal> {
            (b > 0).then(|| (a / Decimal::from(b)).normalize())
        };
        let orders = Decimal::from(self.orders);
        let months = Decimal::from(self.months.max(1));
        let orders_per_month = (orders / months).normalize();
        let churn = (self.churned > 0)
            .then(|| ratio(Decimal::from(self.churned), self.months))
            .flatten();
        let lifespan = (self.churned > 0)
            .then(|| (Decimal::from(self.months) / Decimal::from(self.churned)).normalize());
        // The last year, or the months the data span when shorter.
        let spanned_months = (span.as_of.month_index() - span.first_day.month_index() + 1).max(1);
        let new_per_month = if span.first_day <= span.year_start {
            Decimal::from(self.new_last_year) / Decimal::from(12)
        } else {
            Decimal::from(self.customers) / Decimal::from(spanned_months)
        };
        let year_over_year =
            (span.two_years && self.prior_customers > 0 && self.revenue_prior > Decimal::ZERO)
                .then(|| YearOverYear {
                    customers_prior: self.prior_customers,
                    customers_retained: self.retained_customers,
                    revenue_prior: self.revenue_prior,
                    revenue_current: self.revenue_current,
                    logo_retention: (Decimal::from(self.retained_customers)
                        / Decimal::from(self.prior_customers))
                    .normalize(),
                    nrr: (self.revenue_current / self.revenue_prior).normalize(),
                    grr: (self.revenue_capped / self.revenue_prior).normalize(),
                });
        let gaps = self.gaps.unwrap_or_default();
        let repeats: u64 = gaps.iter().sum();
        let median_gap_days = (repeats > 0).then(|| {
            let mut seen = 0;
            let mut median = MAX_GAP;
            for (d, n) in gaps.iter().enumerate() {
                seen += n;
                if seen * 2 >= repeats {
                    median = d;
                    break;
                }
            }
            u32::try_from(median).unwrap_or(u32::MAX)
        });
        Ok(Drivers {
            as_of: span.as_of,
            customers: self.customers,
            orders: self.orders,
            revenue: self.revenue,
            revenue_per_customer: ratio(self.revenue, self.customers).unwrap_or_default(),
            average_order_value: ratio(self.revenue, self.orders).unwrap_or_default(),
            inactive_days: options.inactive_days,
            churned_customers: self.churned,
            active_customers: self.customers - self.churned,
            active_customer_months: self.months,
            orders_per_month,
            // from the counts, so that whole numbers stay whole
            purchase_frequency_per_year: (orders * Decimal::from(12) / months).normalize(),
            monthly_churn: churn,
            lifespan_months: lifespan,
            repeat_days: options.repeat_days,
            repeat_eligible: self.repeat_eligible,
            repeat_customers: self.repeat_customers,
            repeat_rate: ratio(Decimal::from(self.repeat_customers), self.repeat_eligible),
            new_customers_per_month: new_per_month.normalize(),
            year_over_year,
            median_gap_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx(rows: &[(&str, Option<&str>, &str, &str)]) -> Transactions {
        Transactions::from_rows(
            rows.iter().map(|(i, c, day, a)| {
                (*i, *c, day.parse().unwrap(), a.parse::<Decimal>().unwrap())
            }),
            None,
        )
        .unwrap()
    }

    #[test]
    fn groups_add_up_to_the_whole() {
        let t = tx(&[
            ("a", Some("ads"), "2022-01-05", "100"),
            ("a", Some("ads"), "2022-02-05", "50"),
            ("b", Some("ads"), "2022-01-10", "30"),
            ("c", Some("seo"), "2022-02-10", "40"),
            ("c", Some("seo"), "2023-03-01", "40"),
            ("c", Some("seo"), "2024-03-01", "60"),
            ("d", None, "2024-02-01", "10"),
        ]);
        let o = DriverOptions::default();
        let all = drivers(&t, &o).unwrap();
        let by = drivers_by(&t, GroupBy::Channel, &o).unwrap();
        let names: Vec<&str> = by.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(names, ["ads", "seo", "unknown"]);
        let sum = |f: fn(&Drivers) -> u64| by.iter().map(|g| f(&g.drivers)).sum::<u64>();
        assert_eq!(sum(|d| d.customers), all.customers);
        assert_eq!(sum(|d| d.orders), all.orders);
        assert_eq!(sum(|d| d.churned_customers), all.churned_customers);
        assert_eq!(
            sum(|d| d.active_customer_months),
            all.active_customer_months
        );
        // seo: c ordered each year, 2022-02 … 2024-03 (as of 2024-03-01), 26 months, live
        let seo = &by[1].drivers;
        assert_eq!((seo.active_customer_months, seo.monthly_churn), (26, None));
        // year over year: the prior year (2022-03-02 … 2023-03-01) has c only (40),
        // who spent 60 in the last year
        let yoy = all.year_over_year.unwrap();
        assert_eq!((yoy.customers_prior, yoy.customers_retained), (1, 1));
        assert_eq!(yoy.nrr.to_string(), "1.5");
        assert_eq!(yoy.grr.to_string(), "1");
        let repeat = drivers_by(&t, GroupBy::RepeatStatus, &o).unwrap();
        let status: Vec<(&str, u64)> = repeat
            .iter()
            .map(|g| (g.group.as_str(), g.drivers.customers))
            .collect();
        // a repeats within 90 days; b and c do not; d is too recent
        assert_eq!(status, [("repeat", 1), ("one_time", 2), ("too_recent", 1)]);
        // gaps: a 31 days; c 384 and 366 days (2024 is a leap year) → median 366
        assert_eq!(all.median_gap_days, Some(366));
        let quarters = drivers_by(&t, GroupBy::CohortQuarter, &o).unwrap();
        assert_eq!(quarters[0].group, "2022-Q1");
        assert_eq!(
            (quarters[0].month_index, quarters[0].last_month_index),
            (Some(2022 * 12), Some(2022 * 12 + 2))
        );
        let cohorts = drivers_by(&t, GroupBy::CohortMonth, &o).unwrap();
        assert_eq!(cohorts[0].group, "2022-01");
        assert_eq!(cohorts.last().unwrap().group, "2024-02");
    }

    #[test]
    fn zero_windows_are_refused() {
        let t = tx(&[("a", None, "2024-01-01", "1")]);
        let err = drivers(
            &t,
            &DriverOptions {
                inactive_days: 0,
                repeat_days: 90,
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "inactive_days must be >= 1 day, got 0");
    }
}
