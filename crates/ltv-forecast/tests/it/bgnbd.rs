use ltv_forecast::{fit_bgnbd, summarise, Observation, TimeUnit};

use crate::cdnow;
use crate::sim::Rng;

fn cdnow_observations() -> Vec<Observation> {
    let s = summarise(
        &cdnow::histories(),
        cdnow::calibration_end(),
        TimeUnit::Week,
    )
    .unwrap();
    assert_eq!(s.customers.len(), 2357);
    s.customers.iter().map(|c| c.observation()).collect()
}

/// Fader, Hardie & Lee (2005), CDNOW, 39-week calibration in weeks:
/// r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
#[test]
fn reproduces_fhl_2005_cdnow() {
    let f = fit_bgnbd(&cdnow_observations()).unwrap();
    println!("{f:?}");
    assert!(f.converged, "{f:?}");
    let close = |got: f64, want: f64| (got - want).abs() <= 0.0005;
    assert!(close(f.params.r, 0.243), "{f:?}");
    assert!(close(f.params.alpha, 4.414), "{f:?}");
    assert!(close(f.params.a, 0.793), "{f:?}");
    assert!(close(f.params.b, 2.426), "{f:?}");
    assert!((f.log_likelihood - -9582.4).abs() <= 0.05, "{f:?}");
    assert_eq!(f.customers, 2357);
    assert!(f.distinct_triples < 2357);
}

/// Simulation recovery: 10,000 customers from r = 0.5, α = 6, a = 0.7, b = 3, observed
/// for 26 to 52 weeks, times recorded to the day. Tolerance: 15 % of each parameter.
#[test]
fn recovers_simulated_parameters() {
    let (r, alpha, a, b) = (0.5, 6.0, 0.7, 3.0);
    let mut rng = Rng::new(2005);
    let mut data = Vec::new();
    for i in 0..10_000 {
        let lambda = rng.gamma(r, alpha);
        let p = rng.beta(a, b);
        let t_cal = f64::from(26 + i % 27);
        let (mut t, mut x, mut t_x) = (0.0, 0u32, 0.0);
        loop {
            t += rng.exponential(lambda);
            if t > t_cal {
                break;
            }
            x += 1;
            t_x = (t * 7.0).floor() / 7.0;
            if rng.uniform() < p {
                break;
            }
        }
        data.push(Observation { x, t_x, t: t_cal });
    }
    let f = fit_bgnbd(&data).unwrap();
    println!("{f:?}");
    assert!(f.converged);
    for (got, want) in [
        (f.params.r, r),
        (f.params.alpha, alpha),
        (f.params.a, a),
        (f.params.b, b),
    ] {
        assert!((got / want - 1.0).abs() < 0.15, "{got} vs {want}: {f:?}");
    }
}
