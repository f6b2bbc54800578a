//! Property tests: movements reconcile exactly with MRR, ratios stay in range.

use ltv_saas::{analyze, cohorts, Month, MrrRow, MrrTable, SaasOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Up to 8 customers × 18 months; each cell 0 (absent) or an MRR with cents.
fn tables() -> impl Strategy<Value = Vec<MrrRow>> {
    prop::collection::vec(
        prop::collection::vec(prop_oneof![Just(0i64), 1i64..100_000], 18),
        1..8,
    )
    .prop_map(|grid| {
        let start: Month = "2023-11".parse().unwrap();
        let mut rows = Vec::new();
        for (c, months) in grid.iter().enumerate() {
            for (k, &cents) in months.iter().enumerate() {
                if cents > 0 || k % 5 == 0 {
                    rows.push(MrrRow {
                        customer_id: format!("c{c}"),
                        month: start.offset(k as i32),
                        mrr: Decimal::new(cents, 2),
                        plan: None,
                        channel: None,
                    });
                }
            }
        }
        rows
    })
}

proptest! {
    #[test]
    fn movements_reconcile(rows in tables()) {
        let table = MrrTable::from_rows(rows, false).unwrap();
        let options = SaasOptions { lifetime_cap: Some(36), ..SaasOptions::default() };
        let Ok(report) = analyze(&table, &options) else { return Ok(()) };
        let mut prev = Decimal::ZERO;
        for m in &report.months {
            // MRR(t) = MRR(t−1) + new + expansion + reactivation − contraction − churned
            prop_assert_eq!(m.mrr, prev + m.new + m.expansion + m.reactivation - m.contraction - m.churned);
            prop_assert_eq!(m.net_new, m.mrr - prev);
            prop_assert_eq!(m.start_mrr, prev);
            for r in [m.logo_churn, m.grr, m.gross_revenue_churn].into_iter().flatten() {
                prop_assert!(r >= Decimal::ZERO && r <= Decimal::ONE);
            }
            if let (Some(g), Some(n)) = (m.grr, m.nrr) { prop_assert!(g <= n); }
            if let (Some(g), Some(n)) = (m.grr_12m, m.nrr_12m) { prop_assert!(g <= n && g <= Decimal::ONE); }
            prop_assert_eq!(
                m.customers,
                m.start_customers + m.new_customers + m.reactivated_customers - m.churned_customers
            );
            prev = m.mrr;
        }
    }

    #[test]
    fn cohorts_add_up_to_mrr(rows in tables()) {
        let table = MrrTable::from_rows(rows, false).unwrap();
        let Ok(report) = analyze(&table, &SaasOptions { lifetime_cap: Some(36), ..SaasOptions::default() }) else { return Ok(()) };
        let matrix = cohorts(&table, &SaasOptions::default()).unwrap();
        // every customer belongs to exactly one cohort, so each month's MRR is the sum
        // of the cohorts' cells for that month
        for (i, m) in report.months.iter().enumerate() {
            let total: Decimal = matrix.cohorts.iter().filter_map(|c| {
                let k = c.cohort.months_until(m.month);
                usize::try_from(k).ok().and_then(|k| c.mrr.get(k)).copied()
            }).sum();
            prop_assert_eq!(total, m.mrr, "month {}", i);
        }
    }
}

proptest! {
    #[test]
    fn trailing_twelve_matches_a_direct_computation(rows in tables()) {
        let table = MrrTable::from_rows(rows, false).unwrap();
        let options = SaasOptions { lifetime_cap: Some(36), ..SaasOptions::default() };
        let Ok(report) = analyze(&table, &options) else { return Ok(()) };
        for m in &report.months {
            let then = m.month.offset(-12);
            let (mut base, mut now, mut capped) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            for c in table.customers() {
                let b = c.mrr(then);
                if b > Decimal::ZERO {
                    base += b;
                    now += c.mrr(m.month);
                    capped += c.mrr(m.month).min(b);
                }
            }
            if then < report.data_start || base.is_zero() {
                prop_assert_eq!(m.nrr_12m, None);
            } else {
                prop_assert_eq!(m.nrr_12m, Some((now / base).normalize()));
                prop_assert_eq!(m.grr_12m, Some((capped / base).normalize()));
            }
        }
    }
}
