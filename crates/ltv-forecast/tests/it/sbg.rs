use ltv_forecast::{fit_sbg, forecast_retention, CohortSurvivors, RetentionRequest};

use crate::sim::Rng;

fn cohort(s: &[u64]) -> Vec<CohortSurvivors> {
    vec![CohortSurvivors {
        label: String::new(),
        survivors: s.to_vec(),
    }]
}

const REGULAR: [u64; 8] = [1000, 631, 468, 382, 326, 289, 262, 241];
const HIGH_END: [u64; 8] = [1000, 869, 743, 653, 593, 551, 517, 491];

/// Fader & Hardie (2007), fitted on years 1–7 (seven renewal periods, eight counts
/// including the initial 1000): regular α = 0.704, β = 1.182; high end α = 0.668,
/// β = 3.806.
#[test]
fn reproduces_fader_hardie_2007() {
    let close = |got: f64, want: f64| (got - want).abs() <= 0.0005;
    let f = fit_sbg(&cohort(&REGULAR)).unwrap();
    assert!(f.convergence.converged);
    assert!(close(f.params.alpha, 0.704), "{f:?}");
    assert!(close(f.params.beta, 1.182), "{f:?}");
    // our log-likelihood at the optimum (a regression guard, not a published figure)
    assert!((f.log_likelihood - -1680.3).abs() < 0.05, "{f:?}");
    let f = fit_sbg(&cohort(&HIGH_END)).unwrap();
    assert!(f.convergence.converged);
    assert!(close(f.params.alpha, 0.668), "{f:?}");
    assert!(close(f.params.beta, 3.806), "{f:?}");
    assert!((f.log_likelihood - -1611.2).abs() < 0.05, "{f:?}");
}

/// Two cohorts of different ages combine by right-censoring: splitting the regular
/// cohort into a 7-period and a 4-period half gives the same fit as the counts of the
/// same customers under the equivalent likelihood.
#[test]
fn several_cohorts_are_right_censored() {
    let both = vec![
        CohortSurvivors {
            label: "old".into(),
            survivors: REGULAR.to_vec(),
        },
        CohortSurvivors {
            label: "young".into(),
            survivors: REGULAR[..4].to_vec(),
        },
    ];
    let f = fit_sbg(&both).unwrap();
    let one = fit_sbg(&cohort(&REGULAR)).unwrap();
    assert!(f.convergence.converged);
    // the young cohort adds information about early periods only; the estimates move
    // but stay near the single-cohort fit
    assert!((f.params.alpha - one.params.alpha).abs() < 0.1);
    assert!((f.params.beta - one.params.beta).abs() < 0.3);
    assert!(f.log_likelihood < one.log_likelihood);
    // two identical cohorts: same estimates, twice the log-likelihood
    let twice = vec![both[0].clone(), both[0].clone()];
    let g = fit_sbg(&twice).unwrap();
    assert!((g.params.alpha - one.params.alpha).abs() < 1e-6);
    assert!((g.params.beta - one.params.beta).abs() < 1e-6);
    assert!((g.log_likelihood - 2.0 * one.log_likelihood).abs() < 1e-6);
}

#[test]
fn projection_of_the_regular_cohort() {
    let r = forecast_retention(
        &cohort(&REGULAR),
        &RetentionRequest {
            periods: 12,
            discount_rate: "0.1".parse().unwrap(),
            value_per_period: Some("100".parse().unwrap()),
        },
    )
    .unwrap();
    assert_eq!(r.survival.len(), 13);
    assert_eq!(r.retention.len(), 12);
    assert_eq!(r.expected_lifetime, None); // α < 1: infinite mean lifetime
                                           // retention rises towards 1
    assert!(r.retention.windows(2).all(|w| w[1] > w[0]));
    // projected survival after 12 years ≈ the paper's Figure (about 17 %)
    assert!((r.survival[12] - 0.17).abs() < 0.02, "{}", r.survival[12]);
    let derl0 = r.derl[0].derl.unwrap();
    let ltv0 = r.derl[0].ltv.unwrap();
    assert!((ltv0.to_string().parse::<f64>().unwrap() - 100.0 * derl0).abs() < 1e-9);
    // DERL grows with tenure: long-lived customers are the loyal ones
    assert!(r.derl.windows(2).all(|w| w[1].derl > w[0].derl));
}

/// Simulation recovery: 20,000 customers with θ ~ Beta(1.5, 4), observed 10 periods.
/// Tolerance: 10 % of each parameter.
#[test]
fn recovers_simulated_parameters() {
    let (alpha, beta) = (1.5, 4.0);
    let mut rng = Rng::new(2007);
    let periods = 10;
    let mut survivors = vec![0u64; periods + 1];
    for _ in 0..20_000 {
        let theta = rng.beta(alpha, beta);
        let mut t = 0;
        survivors[0] += 1;
        while t < periods && rng.uniform() >= theta {
            t += 1;
            survivors[t] += 1;
        }
    }
    let f = fit_sbg(&cohort(&survivors)).unwrap();
    assert!(f.convergence.converged);
    assert!((f.params.alpha / alpha - 1.0).abs() < 0.1, "{f:?}");
    assert!((f.params.beta / beta - 1.0).abs() < 0.1, "{f:?}");
}
