//! Property tests of the LTV formulas.

use ltv_core::{Decimal, LtvModel, Subscription};
use proptest::prelude::*;

fn subscription(arpu: i64, churn_bp: i64, margin_pct: i64, horizon: Option<u32>) -> Subscription {
    Subscription {
        arpu: Decimal::from(arpu),
        churn: Decimal::new(churn_bp, 4),
        margin: Decimal::new(margin_pct, 2),
        discount_rate: Decimal::new(1, 2),
        horizon,
        cac: None,
    }
}

proptest! {
    #[test]
    fn ltv_falls_as_churn_rises(arpu in 1i64..1_000_000, c in 1i64..9_999, m in 0i64..=100) {
        let lo = subscription(arpu, c, m, None).ltv().unwrap();
        let hi = subscription(arpu, c + 1, m, None).ltv().unwrap();
        prop_assert!(hi <= lo);
        if m > 0 { prop_assert!(hi < lo); }
    }

    #[test]
    fn ltv_rises_with_margin_and_arpu(arpu in 1i64..1_000_000, c in 1i64..=10_000, m in 0i64..100) {
        let base = subscription(arpu, c, m, None).ltv().unwrap();
        prop_assert!(subscription(arpu, c, m + 1, None).ltv().unwrap() > base);
        if m > 0 {
            prop_assert!(subscription(arpu + 1, c, m, None).ltv().unwrap() > base);
        }
    }

    #[test]
    fn finite_horizon_approaches_infinite(arpu in 1i64..100_000, c in 100i64..=10_000, m in 1i64..=100) {
        let infinite = subscription(arpu, c, m, None).ltv().unwrap();
        let mut previous = Decimal::ZERO;
        for h in [1u32, 10, 100, 1_000, 10_000] {
            let v = subscription(arpu, c, m, Some(h)).ltv().unwrap();
            prop_assert!(v >= previous, "finite LTV grows with the horizon");
            prop_assert!(v <= infinite + Decimal::new(1, 10), "never above the infinite value");
            previous = v;
        }
        // after 10,000 periods with churn >= 1 % the remainder is negligible
        let gap = (infinite - previous).abs();
        prop_assert!(gap <= infinite * Decimal::new(1, 12) + Decimal::new(1, 10), "gap {gap}");
    }

    #[test]
    fn evaluate_never_panics(arpu in any::<i64>(), c in any::<i64>(), m in any::<i64>(), cac in any::<i64>()) {
        let model = LtvModel::Subscription(Subscription {
            arpu: Decimal::new(arpu, 2),
            churn: Decimal::new(c, 4),
            margin: Decimal::new(m, 2),
            discount_rate: Decimal::ZERO,
            horizon: None,
            cac: Some(Decimal::new(cac, 0)),
        });
        let _ = model.evaluate();
    }
}

#[test]
fn calc_report_json_shape() {
    let model = LtvModel::Subscription(subscription(10_000, 500, 70, None));
    let json = serde_json::to_string(&model.evaluate().unwrap()).unwrap();
    assert!(json.starts_with(r#"{"model":"subscription","arpu":"10000","churn":"0.0500","margin":"0.70","discount_rate":"0.01","ltv":"#));
}
