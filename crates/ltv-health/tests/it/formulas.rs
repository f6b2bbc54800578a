//! The worked examples of docs/formulas.md, "Customer health".

use ltv_health::{assess, read_usage, Band, HealthOptions, ModelKind};
use ltv_segments::CsvFile;

const FIXTURE: &str = include_str!("../../../ltv-cli/tests/it/data/health/usage.csv");

#[test]
fn default_weights_worked_example() {
    let file = CsvFile::from_bytes("usage.csv", FIXTURE.as_bytes().to_vec(), b',').unwrap();
    let options = HealthOptions::new("2024-04-30".parse().unwrap());
    let usage = read_usage(&file, &options).unwrap();
    let report = assess(&usage, None, &options).unwrap();
    assert_eq!(report.model.kind, ModelKind::DefaultWeights);
    let weights: Vec<f64> = report.model.components.iter().map(|c| c.weight).collect();
    assert_eq!(weights, [30.0, 20.0, 15.0, 10.0]);
    let bolt = report.customers.get(0).unwrap();
    assert_eq!(
        (bolt.customer_id.as_str(), bolt.score, bolt.band),
        ("bolt", 18, Band::AtRisk)
    );
    let reasons: Vec<(&str, f64)> = bolt
        .reasons
        .iter()
        .map(|r| (r.text.as_str(), r.effect))
        .collect();
    assert_eq!(
        reasons,
        [
            ("logins −79 % in 2024-04 vs the previous 3 months", 40.0),
            ("logins 12 in 2024-04 (typical customer: 40.3)", 22.222),
            ("3 tickets in 2024-04", 12.0),
        ]
    );
    assert_eq!(report.data.usage.rows_after_as_of, 1);
}

#[test]
fn learned_score_of_the_sample() {
    let report = ltv_health::sample::report(ltv_health::Lang::En).unwrap();
    let base = report.model.training.as_ref().unwrap().base_rate;
    assert!((base - 0.0888).abs() < 1e-4, "{base}");
    let first = report.customers.get(0).unwrap();
    let p = first.churn_probability.unwrap();
    let odds = |q: f64| q / (1.0 - q);
    let expected = 100.0 / (1.0 + odds(p) / odds(base) / 3.0);
    assert_eq!(f64::from(first.score), expected.round());
    assert_eq!((first.customer_id.as_str(), first.score), ("a000008", 14));
}
