use ltv_forecast::{fit_gamma_gamma, summarise, CustomerSummary, TimeUnit};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use crate::cdnow;
use crate::sim::Rng;

/// Fader & Hardie (2013): CDNOW repeat buyers (946 customers, mean of the repeat
/// transactions' amounts, same-day purchases merged): p = 6.25, q = 3.74, γ = 15.44.
#[test]
fn reproduces_fader_hardie_2013_cdnow() {
    let s = summarise(
        &cdnow::histories(),
        cdnow::calibration_end(),
        TimeUnit::Week,
    )
    .unwrap();
    let f = fit_gamma_gamma(&s.customers).unwrap();
    println!("{f:?}");
    assert!(f.converged);
    assert_eq!(f.repeat_buyers, 946);
    assert_eq!(f.excluded_without_repeat, 2357 - 946);
    let close = |got: f64, want: f64| (got - want).abs() <= 0.005;
    assert!(close(f.params.p, 6.25), "{f:?}");
    assert!(close(f.params.q, 3.74), "{f:?}");
    assert!(close(f.params.gamma, 15.44), "{f:?}");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
}

/// Simulation recovery: 5,000 customers with 1–15 repeat transactions from p = 4,
/// q = 3, γ = 20. Tolerance: 15 % of each parameter.
#[test]
fn recovers_simulated_parameters() {
    let (p, q, gamma) = (4.0, 3.0, 20.0);
    let mut rng = Rng::new(2013);
    let customers: Vec<CustomerSummary> = (0..5000u32)
        .map(|i| {
            let x = 1 + i % 15;
            let nu = rng.gamma(q, gamma);
            let total: f64 = (0..x).map(|_| rng.gamma(p, nu)).sum();
            CustomerSummary {
                customer_id: i.to_string(),
                first_day: 0,
                frequency: x,
                recency: 1.0,
                age: 1.0,
                mean_repeat_spend: Decimal::from_f64(total / f64::from(x)),
            }
        })
        .collect();
    let f = fit_gamma_gamma(&customers).unwrap();
    println!("{f:?}");
    assert!(f.converged);
    for (got, want) in [(f.params.p, p), (f.params.q, q), (f.params.gamma, gamma)] {
        assert!((got / want - 1.0).abs() < 0.15, "{got} vs {want}: {f:?}");
    }
}
