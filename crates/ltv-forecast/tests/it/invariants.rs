//! Property tests: valid inputs never give NaN or infinity, and the curves have the
//! shapes the models imply.

use ltv_forecast::{BgNbdParams, Observation, SbgParams};
use proptest::prelude::*;

fn params() -> impl Strategy<Value = BgNbdParams> {
    (0.01f64..20.0, 0.01f64..100.0, 0.01f64..20.0, 0.01f64..20.0)
        .prop_map(|(r, alpha, a, b)| BgNbdParams::new(r, alpha, a, b).unwrap())
}

fn observation() -> impl Strategy<Value = Observation> {
    (0u32..500, 0.0f64..1.0, 0.0f64..500.0).prop_map(|(x, share, t)| Observation {
        x,
        t_x: if x == 0 { 0.0 } else { share * t },
        t,
    })
}

proptest! {
    #[test]
    fn bgnbd_outputs_are_finite_and_ordered(p in params(), o in observation(), t in 0.0f64..2000.0) {
        let ll = p.log_likelihood(&o);
        prop_assert!(ll.is_finite(), "{ll}");
        let alive = p.p_alive(&o);
        prop_assert!((0.0..=1.0).contains(&alive));
        let e = p.expected_purchases(t, &o).unwrap();
        prop_assert!(e.is_finite() && e >= 0.0);
        let later = p.expected_purchases(t + 10.0, &o).unwrap();
        prop_assert!(later.is_finite() && later >= 0.0);
        prop_assert!(later >= e * (1.0 - 1e-9) - 1e-12, "{e} then {later}");
        prop_assert!(p.expected_purchases_new(t).unwrap().is_finite());
    }

    #[test]
    fn sbg_survival_falls_and_retention_rises(alpha in 0.01f64..50.0, beta in 0.01f64..50.0, t in 1u32..500) {
        let p = SbgParams::new(alpha, beta).unwrap();
        prop_assert!(p.survival(t) <= p.survival(t - 1));
        prop_assert!(p.retention_rate(t + 1) >= p.retention_rate(t));
        let derl = p.derl(0.05, t);
        prop_assert!(derl.is_some_and(|d| d.is_finite() && d >= 0.0));
    }
}
