//! The done-when of issue 21: on generated data where churn is driven by falling usage
//! and tickets the learned score's backtest AUC is at least 0.75 and beats the naive
//! baseline; on pure noise it reports AUC ≈ 0.5 and says so.

use ltv_health::synthetic::{generate, Churn, UsageConfig};
use ltv_health::{health, HealthOptions, HealthReport, ModelKind, OutcomeFile};
use ltv_segments::CsvFile;

fn run(config: &UsageConfig) -> HealthReport {
    let (mut usage, mut mrr) = (Vec::new(), Vec::new());
    generate(config, &mut usage, &mut mrr).unwrap();
    let usage = CsvFile::from_bytes("usage.csv", usage, b',').unwrap();
    let mrr = CsvFile::from_bytes("mrr.csv", mrr, b',').unwrap();
    let mut options = HealthOptions::new(config.as_of());
    options.backtest = true;
    health(&usage, Some(&OutcomeFile::Mrr(mrr)), &options).unwrap()
}

#[test]
fn signal_is_found_and_beats_the_naive_baseline() {
    let report = run(&UsageConfig::new(6000, 18, 21));
    assert_eq!(report.model.kind, ModelKind::Learned);
    let bt = report.backtest.unwrap();
    eprintln!("{bt:#?}");
    assert!(bt.learned.auc >= 0.75, "{bt:?}");
    assert!(bt.learned.auc > bt.naive.auc, "{bt:?}");
    assert!(bt.beats_naive && bt.better_than_chance);
    assert!(bt.learned.lift_top_decile > 2.0, "{bt:?}");
    assert!(
        bt.verdict.contains("beats the naive baseline"),
        "{}",
        bt.verdict
    );
}

#[test]
fn noise_is_reported_as_noise() {
    let config = UsageConfig {
        churn: Churn::Noise,
        ..UsageConfig::new(6000, 18, 21)
    };
    let report = run(&config);
    let bt = report.backtest.unwrap();
    eprintln!("{bt:#?}");
    assert!((bt.learned.auc - 0.5).abs() < 0.05, "{bt:?}");
    assert!(!bt.better_than_chance, "{bt:?}");
    assert!(
        bt.verdict.contains("no better than chance"),
        "{}",
        bt.verdict
    );
}
