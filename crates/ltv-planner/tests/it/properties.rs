//! Invariants of the ROI simulation.

use ltv_planner::*;
use proptest::prelude::*;

fn baseline(churn_bp: u32, customers: u32, new: u32) -> Baseline {
    Baseline::Subscription(SubscriptionBaseline {
        arpu: Decimal::from(10_000),
        margin: Decimal::new(70, 2),
        churn: Decimal::new(i64::from(churn_bp), 4),
        cac: Some(Decimal::from(56_000)),
        customers: Some(Decimal::from(customers)),
        new_customers_per_month: Decimal::from(new),
        currency: None,
    })
}

fn initiative(driver: &str, change: Change, one_off: u32, yearly: u32, ramp: u32) -> Initiative {
    Initiative {
        name: "x".into(),
        team: Team::Product,
        driver: driver.into(),
        change: Estimate::One(change),
        one_off_cost: Decimal::from(one_off),
        yearly_cost: Decimal::from(yearly),
        ramp_months: ramp,
        impact: Some(Estimate::One(Decimal::ONE)),
        confidence: Some(Estimate::One(Decimal::ONE)),
        ease: Some(Estimate::One(Decimal::ONE)),
        raters: vec![],
        rice: None,
        baseline: None,
    }
}

fn opts(h: u32) -> RoiOptions {
    RoiOptions {
        horizon_months: h,
        ..RoiOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A bigger churn cut never lowers ROI or NPV.
    #[test]
    fn roi_monotone_in_churn_cut(
        churn_bp in 200u32..2000, cut_a in 1u32..150, extra in 0u32..50,
        customers in 10u32..5000, new in 0u32..200,
        one_off in 1u32..10_000_000, yearly in 0u32..10_000_000, ramp in 0u32..12, h in 6u32..60,
    ) {
        let b = baseline(churn_bp, customers, new);
        let small = Change::Absolute(-Decimal::new(i64::from(cut_a), 4));
        let big = Change::Absolute(-Decimal::new(i64::from(cut_a + extra), 4));
        let a = roi(&b, &initiative("churn", small, one_off, yearly, ramp), &opts(h)).unwrap();
        let c = roi(&b, &initiative("churn", big, one_off, yearly, ramp), &opts(h)).unwrap();
        prop_assert!(c.roi.unwrap() >= a.roi.unwrap());
        prop_assert!(c.npv >= a.npv);
        if let (Some(pa), Some(pc)) = (a.payback_month, c.payback_month) {
            prop_assert!(pc <= pa);
        }
    }

    /// A bigger ARPU rise never lowers ROI.
    #[test]
    fn roi_monotone_in_arpu_rise(
        pct_a in 1u32..30, extra in 0u32..30, customers in 10u32..5000,
        one_off in 1u32..10_000_000, yearly in 0u32..10_000_000, ramp in 0u32..12,
    ) {
        let b = baseline(500, customers, 50);
        let small = Change::Relative(Decimal::new(i64::from(pct_a), 2));
        let big = Change::Relative(Decimal::new(i64::from(pct_a + extra), 2));
        let a = roi(&b, &initiative("arpu", small, one_off, yearly, ramp), &opts(36)).unwrap();
        let c = roi(&b, &initiative("arpu", big, one_off, yearly, ramp), &opts(36)).unwrap();
        prop_assert!(c.roi.unwrap() >= a.roi.unwrap());
    }

    /// Payback is never before the costs are recovered: at the payback month the
    /// cumulative contribution covers the cumulative cost, and before it it does not.
    #[test]
    fn payback_never_before_costs_are_recovered(
        churn_bp in 200u32..2000, cut in 1u32..150, customers in 10u32..5000, new in 0u32..200,
        one_off in 0u32..50_000_000, yearly in 0u32..50_000_000, ramp in 0u32..12, h in 1u32..60,
    ) {
        let b = baseline(churn_bp, customers, new);
        let i = initiative("churn", Change::Absolute(-Decimal::new(i64::from(cut), 4)), one_off, yearly, ramp);
        let case = roi(&b, &i, &opts(h)).unwrap();
        let mut gain = Decimal::ZERO;
        let mut cost = Decimal::ZERO;
        for m in &case.months {
            gain += m.cash_flow + m.initiative_cost;
            cost += m.initiative_cost;
            match case.payback_month {
                Some(p) if m.month == p => prop_assert!(gain >= cost),
                Some(p) if m.month < p && m.month > 0 => prop_assert!(gain < cost),
                None if m.month > 0 => prop_assert!(gain < cost),
                _ => {}
            }
        }
    }
}
