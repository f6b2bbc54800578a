//! Data-driven LTV drivers: average order value, purchase frequency, monthly churn,
//! lifespan, the repeat-purchase rate and year-over-year revenue retention, measured from
//! the transactions for all customers or per group (acquisition channel, first-order
//! month).
//!
//! This module measures; it does not value. The LTV these drivers imply, and everything
//! banded against a CAC, is computed in one place on top of them (`ltv-planner`'s
//! measured baseline), so that the headline, the channels and the plan share one
//! definition.

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
    let mut acc = Acc::default();
    for c in tx.customers() {
        acc.add(&c, &span, options)?;
    }
    acc.finish(&span, options)
}

/// Measures the drivers per channel or per first-order month.
///
/// # Errors
/// As for [`drivers`].
pub fn drivers_by(
    tx: &Transactions,
    by: GroupBy,
    options: &DriverOptions,
) -> Result<Vec<GroupDrivers>> {
    options.validate()?;
    let span = Span::of(tx);
    // (name, first and last month of a cohort, running sums)
    type Group = (String, Option<(i32, i32)>, Acc);
    let mut groups: Vec<Group> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for c in tx.customers() {
        let Some(first) = c.first_day() else { continue };
        let (key, month) = match by {
            GroupBy::Channel => (c.channel.unwrap_or("unknown").to_owned(), None),
            GroupBy::CohortMonth => {
                let m = first.month_index();
                (
                    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                    Some((m, m)),
                )
            }
            GroupBy::CohortQuarter => {
                let q = first.quarter_index();
                let m = q * 3;
                (
                    format!("{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1),
                    Some((m, m + 2)),
                )
            }
            GroupBy::RepeatStatus => {
                let status = match repeated(&c, first, span.as_of, options.repeat_days) {
                    None => "too_recent",
                    Some(true) => "repeat",
                    Some(false) => "one_time",
                };
                (status.to_owned(), None)
            }
        };
        let i = match index.get(&key) {
            Some(i) => *i,
            None => {
                groups.push((key.clone(), month, Acc::default()));
                index.insert(key, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some((_, _, acc)) = groups.get_mut(i) {
            acc.add(&c, &span, options)?;
        }
    }
    match by {
        GroupBy::Channel => {
            groups.sort_by(|a, b| (a.0 == "unknown", &a.0).cmp(&(b.0 == "unknown", &b.0)))
        }
        GroupBy::CohortMonth | GroupBy::CohortQuarter => groups.sort_by_key(|g| g.1),
        GroupBy::RepeatStatus => groups.sort_by_key(|g| match g.0.as_str() {
            "repeat" => 0,
            "one_time" => 1,
            _ => 2,
        }),
    }
    groups
        .into_iter()
        .map(|(group, months, acc)| {
            Ok(GroupDrivers {
                group,
                month_index: months.map(|m| m.0),
                last_month_index: months.map(|m| m.1),
                drivers: acc.finish(&span, options)?,
            })
        })
        .collect()
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
    /// gaps[d]: repeats d days after the previous order day (the last slot: more).
    gaps: Vec<u64>,
}

/// Gaps between order days are counted up to this many days.
const MAX_GAP: usize = 730;

fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal> {
    a.checked_add(b)
        .ok_or(SegmentsError::Core(ltv_core::CoreError::Overflow { what }))
}

impl Acc {
    fn add(&mut self, c: &Customer<'_>, span: &Span, options: &DriverOptions) -> Result<()> {
        let (Some(first), Some(last)) = (c.first_day(), c.last_day()) else {
            return Ok(());
        };
        self.customers += 1;
        self.orders += c.orders.len() as u64;
        let end = if span.as_of - last > i32::try_from(options.inactive_days).unwrap_or(i32::MAX) {
            self.churned += 1;
            last.month_index()
        } else {
            span.as_of.month_index()
        };
        self.months += (end - first.month_index() + 1).max(1) as u64;
        if let Some(repeat) = repeated(c, first, span.as_of, options.repeat_days) {
            self.repeat_eligible += 1;
            self.repeat_customers += u64::from(repeat);
        }
        if first > span.year_start {
            self.new_last_year += 1;
        }
        if self.gaps.is_empty() {
            self.gaps = vec![0; MAX_GAP + 1];
        }
        let mut previous = first;
        let (mut prior, mut current, mut spent) = (Decimal::ZERO, Decimal::ZERO, false);
        for o in c.orders {
            if o.day > previous {
                let gap = usize::try_from(o.day - previous)
                    .unwrap_or(MAX_GAP)
                    .min(MAX_GAP);
                if let Some(slot) = self.gaps.get_mut(gap) {
                    *slot += 1;
                }
                previous = o.day;
            }
            self.revenue = add(self.revenue, o.amount, "revenue")?;
            if span.two_years {
                if o.day > span.year_start {
                    current = add(current, o.amount, "revenue last year")?;
                } else if o.day > span.prior_start {
                    prior = add(prior, o.amount, "revenue prior year")?;
                    spent = true;
                }
            }
        }
        if spent {
            self.prior_customers += 1;
            if c.orders.iter().any(|o| o.day > span.year_start) {
                self.retained_customers += 1;
            }
            self.revenue_prior = add(self.revenue_prior, prior, "revenue prior year")?;
            self.revenue_current = add(self.revenue_current, current, "revenue last year")?;
            self.revenue_capped = add(
                self.revenue_capped,
                current.min(prior).max(Decimal::ZERO),
                "retained revenue",
            )?;
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
        let repeats: u64 = self.gaps.iter().sum();
        let median_gap_days = (repeats > 0).then(|| {
            let mut seen = 0;
            let mut median = MAX_GAP;
            for (d, n) in self.gaps.iter().enumerate() {
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
