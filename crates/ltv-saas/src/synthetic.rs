//! Seeded synthetic MRR data for demos, tests and benchmarks.
//!
//! [`generate`] simulates a B2B SaaS business month by month: customers are acquired
//! over the period (more later, as the business grows) through one of five channels
//! onto one of four plans, pay plan price × seats, and each month may churn (less on
//! bigger plans), expand (add seats or upgrade), contract (drop a seat or downgrade)
//! or, once churned, come back. The same `(customers, months, seed)` always gives the
//! same rows: the generator is a self-contained SplitMix64, independent of any crate's
//! random-number implementation.
//!
//! ```
//! let rows = ltv_saas::synthetic::generate(50, 24, 7);
//! assert_eq!(rows, ltv_saas::synthetic::generate(50, 24, 7));
//! let table = ltv_saas::MrrTable::from_rows(rows, false)?;
//! assert!(table.customers().len() <= 50);
//! # Ok::<(), ltv_saas::SaasError>(())
//! ```

use ltv_segments::SplitMix64;
use std::io::{self, Write};

use ltv_core::Decimal;

use crate::month::Month;
use crate::table::MrrRow;

/// The first month of generated data.
pub const START: Month = match Month::from_index(2022 * 12) {
    Some(m) => m,
    None => Month::MIN,
};

/// (plan, monthly price per seat, monthly churn probability in ‰)
const PLANS: [(&str, i64, u64); 4] = [
    ("starter", 49, 40),
    ("growth", 199, 25),
    ("scale", 599, 15),
    ("enterprise", 1999, 8),
];
/// Plan mix in ‰.
const PLAN_WEIGHTS: [u64; 4] = [500, 300, 150, 50];
const CHANNELS: [&str; 5] = ["organic", "paid_search", "outbound", "partner", "events"];
const CHANNEL_WEIGHTS: [u64; 5] = [350, 250, 200, 100, 100];
/// Monthly probabilities in ‰ for an active customer (after churn is ruled out).
const EXPAND: u64 = 40;
const CONTRACT: u64 = 20;
/// Monthly probability in ‰ that a churned customer returns.
const REACTIVATE: u64 = 30;

/// The draws the generator needs, on ltv-segments' SplitMix64 (the same generator as
/// `cargo xtask gen-data`).
trait Draws {
    fn below(&mut self, n: u64) -> u64;
    fn chance(&mut self, permille: u64) -> bool;
    fn pick(&mut self, weights: &[u64]) -> usize;
}

impl Draws for SplitMix64 {
    /// Uniform in 0..n (n > 0); the modulo bias is negligible for small n.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `permille` ÷ 1000.
    fn chance(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }

    /// An index drawn with the given weights (‰, summing to 1000).
    fn pick(&mut self, weights: &[u64]) -> usize {
        let mut x = self.below(weights.iter().sum());
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Simulates `customers` customers over `months` months from [`START`], seeded by
/// `seed`. Rows are ordered by month, then customer id (`c000001`, …); months without
/// MRR have no row.
pub fn generate(customers: u32, months: u32, seed: u64) -> Vec<MrrRow> {
    let mut rng = SplitMix64::new(seed);
    let width = customers.to_string().len().max(6);
    let mut rows = Vec::new();
    for c in 0..customers {
        let id = format!("c{:0width$}", c + 1);
        // acquisition month: density rising linearly over the period (a growing business)
        // (start ÷ months)² uniform: start = ⌊√(months² × u)⌋ with u uniform in [0, 1)
        let u = rng.below(1_000_000);
        let start = (u64::from(months).pow(2) * u / 1_000_000).isqrt();
        let start = u32::try_from(start).unwrap_or(months);
        let mut plan = rng.pick(&PLAN_WEIGHTS);
        let channel = CHANNELS
            .get(rng.pick(&CHANNEL_WEIGHTS))
            .copied()
            .unwrap_or("organic");
        let mut seats: i64 = 1 + rng.below(if plan >= 2 { 10 } else { 3 }) as i64;
        let mut active = true;
        for k in start..months {
            if k > start {
                if active {
                    let (_, _, churn) = PLANS.get(plan).copied().unwrap_or(PLANS[0]);
                    if rng.chance(churn) {
                        active = false;
                    } else if rng.chance(EXPAND) {
                        if plan + 1 < PLANS.len() && rng.chance(250) {
                            plan += 1;
                        } else {
                            seats += 1 + rng.below(2) as i64;
                        }
                    } else if rng.chance(CONTRACT) {
                        if seats > 1 {
                            seats -= 1;
                        } else {
                            plan = plan.saturating_sub(1);
                        }
                    }
                } else if rng.chance(REACTIVATE) {
                    active = true;
                    seats = 1;
                }
            }
            if active {
                let (name, price, _) = PLANS.get(plan).copied().unwrap_or(PLANS[0]);
                rows.push(MrrRow {
                    customer_id: id.clone(),
                    month: START.offset(i32::try_from(k).unwrap_or(i32::MAX)),
                    mrr: Decimal::from(price * seats),
                    plan: Some(name.to_owned()),
                    channel: Some(channel.to_owned()),
                });
            }
        }
    }
    rows.sort_by(|a, b| (a.month, &a.customer_id).cmp(&(b.month, &b.customer_id)));
    rows
}

/// Writes rows as the CSV `ltv saas` reads: `customer_id,month,mrr,plan,channel`.
///
/// # Errors
/// I/O errors of `out`.
pub fn write_csv(rows: &[MrrRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "customer_id,month,mrr,plan,channel")?;
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{}",
            r.customer_id,
            r.month,
            r.mrr,
            r.plan.as_deref().unwrap_or(""),
            r.channel.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, MrrTable, SaasOptions};

    #[test]
    fn deterministic_and_seed_dependent() {
        assert_eq!(generate(100, 24, 1), generate(100, 24, 1));
        // pinned: `cargo xtask gen-mrr --customers 1000 --months 36` must not drift
        assert_eq!(generate(1000, 36, 42).len(), 10_400);
        assert_ne!(generate(100, 24, 1), generate(100, 24, 2));
    }

    #[test]
    fn realistic_mix_of_movements() {
        let table = MrrTable::from_rows(generate(2000, 36, 42), false).unwrap();
        let report = analyze(&table, &SaasOptions::default()).unwrap();
        let total = |f: fn(&crate::MonthMetrics) -> Decimal| -> Decimal {
            report.months.iter().skip(1).map(f).sum()
        };
        for (name, sum) in [
            ("new", total(|m| m.new)),
            ("expansion", total(|m| m.expansion)),
            ("contraction", total(|m| m.contraction)),
            ("churned", total(|m| m.churned)),
            ("reactivation", total(|m| m.reactivation)),
        ] {
            assert!(sum > Decimal::ZERO, "no {name} MRR");
        }
        let churn = report.summary.ltv.average_logo_churn;
        assert!(
            churn > Decimal::new(1, 2) && churn < Decimal::new(6, 2),
            "churn {churn}"
        );
    }

    #[test]
    fn csv_round_trip_shape() {
        let mut out = Vec::new();
        write_csv(&generate(3, 3, 9), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("customer_id,month,mrr,plan,channel\n"));
    }
}
