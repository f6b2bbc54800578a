//! Seeded synthetic usage and MRR data for tests, the bundled sample and benchmarks
//! (`cargo xtask gen-usage`).
//!
//! [`generate`] simulates B2B SaaS accounts month by month. Each account joins in some
//! month (most at the start), on a plan (`starter`, `growth`, `scale`) with a number of
//! seats, and has its own usual level of `logins`, `active_users` and `reports`. Every
//! month it is a customer it has one row per metric (`logins`, `active_users`,
//! `reports`, `tickets`, `failed_payments`, each around its usual level with noise),
//! sometimes an NPS answer, and one MRR row (plan price × seats).
//!
//! - With [`Churn::Signal`], churn is driven by falling usage and tickets: an account
//!   may enter a decline (usage × 0.6 a month, more tickets, lower NPS, a failed payment
//!   now and then, sometimes a lost seat) and after 2–4 months churns (three times in
//!   four) or recovers; a few accounts churn without warning and a few have a one-month
//!   dip without churning, so no score can be perfect.
//! - With [`Churn::Noise`], usage, tickets and NPS are noise around each account's own
//!   level and churn strikes at random (2.5 % a month): nothing predicts it.
//!
//! Every account draws from its own generator (seeded by the seed and its number), so
//! the data is the same in every [`RowOrder`]. A churned account leaves no rows from
//! its churn month on (its MRR is 0: no row).

use std::io::{self, Write};

use ltv_saas::Month;
use ltv_segments::SplitMix64;

use crate::ids::mix;

/// The first month of generated data.
pub const START: Month = match Month::from_index(2023 * 12) {
    Some(m) => m,
    None => Month::MIN,
};

/// What drives churn in the generated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Churn {
    /// Falling usage and more tickets come before churn.
    Signal,
    /// Churn at random, unrelated to usage.
    Noise,
}

/// In which order the usage rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOrder {
    /// Month by month, accounts in order within a month (a typical export).
    Month,
    /// Account by account, months in order.
    Customer,
    /// Month by month, accounts in a different random order each month.
    Shuffled,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageConfig {
    /// Accounts.
    pub accounts: u32,
    /// Months, from [`START`].
    pub months: u32,
    /// The seed.
    pub seed: u64,
    /// What drives churn.
    pub churn: Churn,
    /// Row order.
    pub order: RowOrder,
    /// Split each month's value into rows on up to three days (as daily exports are)
    /// instead of one row per metric and month.
    pub daily: bool,
    /// Add a `segment` column (the plan) for NPS by segment.
    pub segment: bool,
    /// Write rows whose value is 0 (a metrics table does; an event export does not).
    pub zero_rows: bool,
}

impl UsageConfig {
    /// `accounts` over `months` with signal, one row per metric and month (zeros too),
    /// month order.
    pub fn new(accounts: u32, months: u32, seed: u64) -> UsageConfig {
        UsageConfig {
            accounts,
            months,
            seed,
            churn: Churn::Signal,
            order: RowOrder::Month,
            daily: false,
            segment: false,
            zero_rows: true,
        }
    }

    /// The last day of the last month: the as-of date that scores the last month.
    pub fn as_of(&self) -> ltv_segments::Day {
        let next = START.offset(i32::try_from(self.months).unwrap_or(i32::MAX));
        let first = ltv_segments::Day::from_ymd(next.year(), next.month(), 1)
            .unwrap_or(ltv_segments::Day::from_days(0));
        ltv_segments::Day::from_days(first.days() - 1)
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageStats {
    /// Usage rows.
    pub usage_rows: u64,
    /// MRR rows.
    pub mrr_rows: u64,
    /// Accounts that churned (at least once they stopped paying).
    pub churned: u64,
}

/// The usage metrics, the ticket metric and the failed-payment metric, in row order.
pub const METRICS: [&str; 5] = [
    "logins",
    "active_users",
    "reports",
    "tickets",
    "failed_payments",
];
const PLANS: [(&str, u32); 3] = [("starter", 49), ("growth", 199), ("scale", 599)];

struct Account {
    rng: SplitMix64,
    start: u32,
    alive: bool,
    plan: usize,
    seats: u32,
    base: [f64; 3],
    /// Months into a decline (0: none) and its length.
    decline: u32,
    decline_len: u32,
}

/// One account's month: its values, NPS answers and MRR (`None`: not a customer).
struct MonthRows {
    values: [f64; 5],
    nps: [Option<u8>; 2],
    mrr: u32,
    days: [u8; 5],
}

impl Account {
    fn new(config: &UsageConfig, index: u32) -> Account {
        let mut rng = SplitMix64::new(mix(config.seed ^ mix(u64::from(index) + 1)));
        // 60 % are customers from the first month, the rest join evenly later
        let start = if rng.uniform() < 0.6 || config.months < 2 {
            0
        } else {
            1 + (rng.uniform() * f64::from(config.months - 1)) as u32
        };
        let plan = match rng.uniform() {
            u if u < 0.55 => 0,
            u if u < 0.88 => 1,
            _ => 2,
        };
        let seats = 1 + (rng.uniform() * [3.0, 8.0, 20.0][plan]) as u32;
        let scale = f64::from(seats) * (0.5 * rng.normal()).exp();
        let base = [20.0 * scale, 0.8 * scale + 0.5, 3.0 * scale];
        Account {
            rng,
            start,
            alive: true,
            plan,
            seats,
            base,
            decline: 0,
            decline_len: 0,
        }
    }

    /// Steps to month `k` and returns its rows, or `None` when not a customer.
    fn month(&mut self, k: u32, churn: Churn) -> Option<MonthRows> {
        if k < self.start || !self.alive {
            return None;
        }
        let rng = &mut self.rng;
        let mut factor = 1.0;
        let mut tickets = 0.35;
        let mut failed = 0.01;
        let mut nps_mean = 8.3;
        if k > self.start {
            match churn {
                Churn::Noise => {
                    if rng.uniform() < 0.025 {
                        self.alive = false;
                        return None;
                    }
                }
                Churn::Signal => {
                    if self.decline > 0 && self.decline >= self.decline_len {
                        // the end of a decline: churn three times in four
                        self.decline = 0;
                        if rng.uniform() < 0.75 {
                            self.alive = false;
                            return None;
                        }
                    } else if self.decline > 0 {
                        self.decline += 1;
                    } else if rng.uniform() < 0.006 {
                        self.alive = false;
                        return None;
                    } else if rng.uniform() < 0.035 {
                        self.decline = 1;
                        self.decline_len = 2 + (rng.uniform() * 3.0) as u32;
                    } else if rng.uniform() < 0.04 {
                        factor = 0.65; // a dip that leads nowhere
                    }
                    if self.decline > 0 {
                        let d = f64::from(self.decline);
                        factor = 0.6f64.powf(d);
                        tickets = 0.9 + 0.5 * d;
                        failed = 0.12;
                        nps_mean = 5.0;
                        if rng.uniform() < 0.3 && self.seats > 1 {
                            self.seats -= 1;
                        }
                    }
                }
            }
        }
        let mut values = [0.0; 5];
        for (v, b) in values.iter_mut().zip(self.base) {
            *v = (b * factor * (0.3 * rng.normal()).exp()).round().max(0.0);
        }
        values[3] = f64::from(poisson(rng, tickets));
        values[4] = f64::from(u32::from(rng.uniform() < failed));
        let mut nps = [None, None];
        if rng.uniform() < 0.12 {
            let respondents = if rng.uniform() < 0.2 { 2 } else { 1 };
            for slot in nps.iter_mut().take(respondents) {
                let mean = match churn {
                    Churn::Signal => nps_mean,
                    Churn::Noise => 7.5,
                };
                *slot = Some((mean + 1.8 * rng.normal()).round().clamp(0.0, 10.0) as u8);
            }
        }
        let mut days = [1u8; 5];
        for d in &mut days {
            *d = 1 + (rng.uniform() * 28.0) as u8;
        }
        Some(MonthRows {
            values,
            nps,
            mrr: PLANS.get(self.plan).map_or(0, |p| p.1) * self.seats,
            days,
        })
    }
}

/// A Poisson draw (Knuth; means here are small).
fn poisson(rng: &mut SplitMix64, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut product = rng.uniform();
    let mut k = 0;
    while product > limit && k < 1000 {
        product *= rng.uniform();
        k += 1;
    }
    k
}

/// Writes the usage CSV (`customer_id,date,metric,value[,segment]`) to `usage` and the
/// MRR CSV (`customer_id,month,mrr,plan`) to `mrr`.
///
/// # Errors
/// I/O errors of either writer.
///
/// ```
/// use ltv_health::synthetic::{generate, UsageConfig};
/// let (mut usage, mut mrr) = (Vec::new(), Vec::new());
/// let stats = generate(&UsageConfig::new(20, 6, 7), &mut usage, &mut mrr)?;
/// let (mut again, mut mrr_again) = (Vec::new(), Vec::new());
/// generate(&UsageConfig::new(20, 6, 7), &mut again, &mut mrr_again)?;
/// assert_eq!((usage.clone(), mrr.clone()), (again, mrr_again)); // deterministic
/// assert!(usage.starts_with(b"customer_id,date,metric,value\n"));
/// assert!(stats.usage_rows >= 5 * stats.mrr_rows);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate(
    config: &UsageConfig,
    usage: &mut dyn Write,
    mrr: &mut dyn Write,
) -> io::Result<UsageStats> {
    let mut stats = UsageStats::default();
    let width = config.accounts.to_string().len().max(6);
    if config.segment {
        writeln!(usage, "customer_id,date,metric,value,segment")?;
    } else {
        writeln!(usage, "customer_id,date,metric,value")?;
    }
    writeln!(mrr, "customer_id,month,mrr,plan")?;
    let mut write = |a: &mut Account, i: u32, k: u32, stats: &mut UsageStats| -> io::Result<()> {
        let was_alive = a.alive;
        let Some(rows) = a.month(k, config.churn) else {
            if was_alive && k >= a.start && !a.alive {
                stats.churned += 1;
            }
            return Ok(());
        };
        let month = START.offset(i32::try_from(k).unwrap_or(0));
        let id = format!("a{:0width$}", i + 1);
        let segment = if config.segment {
            format!(",{}", PLANS.get(a.plan).map_or("", |p| p.0))
        } else {
            String::new()
        };
        for ((name, value), day) in METRICS.iter().zip(rows.values).zip(rows.days) {
            if value == 0.0 && !config.zero_rows {
                continue;
            }
            if config.daily && value >= 3.0 {
                // the month's value over three days: a third, a third, the rest
                let third = (value / 3.0).floor();
                for (d, part) in [
                    (day.min(9), third),
                    (day.clamp(10, 19), third),
                    (day.max(20), value - 2.0 * third),
                ] {
                    writeln!(usage, "{id},{month}-{d:02},{name},{part}{segment}")?;
                    stats.usage_rows += 1;
                }
            } else {
                writeln!(usage, "{id},{month}-{day:02},{name},{value}{segment}")?;
                stats.usage_rows += 1;
            }
        }
        for (n, answer) in rows.nps.iter().enumerate() {
            if let Some(score) = answer {
                writeln!(usage, "{id},{month}-{:02},nps,{score}{segment}", 10 + n)?;
                stats.usage_rows += 1;
            }
        }
        writeln!(
            mrr,
            "{id},{month},{},{}",
            rows.mrr,
            PLANS.get(a.plan).map_or("", |p| p.0)
        )?;
        stats.mrr_rows += 1;
        Ok(())
    };
    let mut accounts: Vec<Account> = (0..config.accounts)
        .map(|i| Account::new(config, i))
        .collect();
    match config.order {
        RowOrder::Customer => {
            for (i, a) in accounts.iter_mut().enumerate() {
                for k in 0..config.months {
                    write(a, i as u32, k, &mut stats)?;
                }
            }
        }
        RowOrder::Month | RowOrder::Shuffled => {
            let mut order: Vec<u32> = (0..config.accounts).collect();
            let mut shuffle = SplitMix64::new(mix(config.seed ^ 0x5EED));
            for k in 0..config.months {
                if config.order == RowOrder::Shuffled {
                    for i in (1..order.len()).rev() {
                        let j = (shuffle.next_u64() % (i as u64 + 1)) as usize;
                        order.swap(i, j);
                    }
                }
                for &i in &order {
                    if let Some(a) = accounts.get_mut(i as usize) {
                        write(a, i, k, &mut stats)?;
                    }
                }
            }
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(config: &UsageConfig) -> (Vec<String>, Vec<String>) {
        let (mut u, mut m) = (Vec::new(), Vec::new());
        generate(config, &mut u, &mut m).unwrap();
        let lines = |b: Vec<u8>| {
            let mut l: Vec<String> = String::from_utf8(b)
                .unwrap()
                .lines()
                .skip(1)
                .map(str::to_owned)
                .collect();
            l.sort();
            l
        };
        (lines(u), lines(m))
    }

    #[test]
    fn every_order_holds_the_same_rows() {
        let month = UsageConfig::new(200, 8, 3);
        let customer = UsageConfig {
            order: RowOrder::Customer,
            ..month
        };
        let shuffled = UsageConfig {
            order: RowOrder::Shuffled,
            ..month
        };
        assert_eq!(rows(&month), rows(&customer));
        assert_eq!(rows(&month), rows(&shuffled));
    }

    #[test]
    fn as_of_is_the_last_day() {
        assert_eq!(UsageConfig::new(1, 12, 1).as_of().to_string(), "2023-12-31");
        assert_eq!(UsageConfig::new(1, 14, 1).as_of().to_string(), "2024-02-29");
    }

    #[test]
    fn churn_rates_are_realistic() {
        let (mut u, mut m) = (std::io::sink(), std::io::sink());
        let stats = generate(&UsageConfig::new(5000, 12, 1), &mut u, &mut m).unwrap();
        // about 2–4 % of accounts churn a month
        let rate = stats.churned as f64 / stats.mrr_rows as f64;
        assert!((0.015..0.05).contains(&rate), "{rate}");
    }
}
