//! Validation errors name the initiative, the field and, where the format has them,
//! the line and column.

use crate::{sample, SAMPLE};
use ltv_planner::*;

fn toml_err(from: &str, to: &str) -> PlanError {
    assert!(SAMPLE.contains(from), "{from}");
    PlanFile::from_toml_str(&SAMPLE.replacen(from, to, 1)).unwrap_err()
}

#[test]
fn ice_outside_1_to_10() {
    let err = toml_err("impact = 6\n", "impact = 11\n");
    assert_eq!(err.initiative(), Some("Replenishment reminders"));
    assert_eq!(err.field().as_deref(), Some("impact"));
    assert_eq!(
        err.location(),
        Some(Location {
            line: 102,
            column: 10
        })
    );
    assert_eq!(
        err.to_string(),
        "initiative \"Replenishment reminders\": impact must be in [1, 10], got 11 (line 102, column 10)"
    );
    let err = toml_err(
        "name = \"Product\", impact = 7",
        "name = \"Product\", impact = 0",
    );
    assert_eq!(err.field().as_deref(), Some("raters[1].impact"));
    assert_eq!(
        err.location(),
        Some(Location {
            line: 61,
            column: 32
        })
    );
    let err = toml_err("impact = { low = 5,", "impact = { low = 0.5,");
    assert_eq!(err.field().as_deref(), Some("impact.low"));
}

#[test]
fn unknown_driver() {
    let err = toml_err("driver = \"frequency\"", "driver = \"pricing\"");
    assert_eq!(
        err.to_string(),
        "initiative \"Replenishment reminders\": driver must be one of arpu, aov, price, frequency, churn, lifespan, margin, cac or new_customers, got pricing (line 97, column 10)"
    );
    let err = toml_err("driver = \"churn\"", "driver = \"aov\"");
    assert_eq!(
        err.to_string(),
        "initiative \"Onboarding programme\": driver must be a driver of the subscription model: arpu, churn, margin, cac or new_customers, got aov (line 53, column 10)"
    );
}

#[test]
fn negative_cost() {
    let err = toml_err("one_off_cost = 500000\n", "one_off_cost = -500000\n");
    assert_eq!(
        err.to_string(),
        "initiative \"Referral programme\": one_off_cost must be >= 0, got -500000 (line 129, column 16)"
    );
}

#[test]
fn impossible_move_and_unknown_baseline() {
    let err = toml_err("change = \"-1pt\"", "change = \"-6pt\"");
    assert_eq!(err.field().as_deref(), Some("change"));
    assert!(err.to_string().contains("0.05 would become -0.01"), "{err}");
    let err = toml_err("baseline = \"shop\"", "baseline = \"shopp\"");
    assert_eq!(
        err.to_string(),
        "initiative \"Replenishment reminders\": baseline must be one of \"consulting\", \"shop\", got \"shopp\" (line 96, column 12)"
    );
}

#[test]
fn baseline_values_and_syntax() {
    let err = toml_err("churn = 0.05 ", "churn = 1.5 ");
    assert_eq!(
        err.to_string(),
        "baseline.churn must be in (0, 1], got 1.5 (line 20, column 9)"
    );
    let err = toml_err("ramp_months = 3\n", "ramp_months = \"x\"\n");
    assert!(matches!(err, PlanError::Parse { format: "TOML", .. }));
    assert_eq!(
        err.location(),
        Some(Location {
            line: 57,
            column: 15
        })
    );
    let err = PlanFile::from_json_str("{\"baseline\": {\"model\": \"subscription\"}").unwrap_err();
    assert!(
        matches!(err, PlanError::Parse { format: "JSON", .. }),
        "{err}"
    );
}

#[test]
fn json_errors_name_initiative_and_field() {
    let mut f = sample();
    f.initiatives[0].yearly_cost = "-1".parse().unwrap();
    let text = serde_json::to_string(&f).unwrap();
    let err = PlanFile::from_json_str(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "initiative \"Onboarding programme\": yearly_cost must be >= 0, got -1"
    );
}

#[test]
fn csv_errors_have_line_and_column() {
    let csv = "name,team,driver,change,impact,confidence,ease\n\"A, b\",sales,arpu,+5%,7,6,11\n";
    let err = PlanFile::from_csv_str(csv, sample()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "initiative \"A, b\": ease must be in [1, 10], got 11 (line 2, column 27)"
    );
    let csv = "name,team,driver,change,bogus\n";
    let err = PlanFile::from_csv_str(csv, sample()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid CSV: unknown column `bogus`"),
        "{err}"
    );
    let csv = "name,team,driver,change,impact,confidence,ease\nA,sales,arpu,+5%,7,6,5\nA,sales,arpu,+6%,7,6,5\n";
    let err = PlanFile::from_csv_str(csv, sample()).unwrap_err();
    assert_eq!(err.field().as_deref(), Some("name"));
    assert_eq!(err.location().map(|l| l.line), Some(3));
}

#[test]
fn roi_needs_customers_and_a_known_initiative() {
    let mut f = sample();
    if let Some(Baseline::Subscription(s)) = &mut f.baseline {
        s.customers = None;
    }
    let err = roi(
        f.baseline().unwrap(),
        &f.initiatives[0],
        &RoiOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.field().as_deref(), Some("baseline.customers"));
    let err = f.initiative("nope").unwrap_err();
    assert!(err
        .to_string()
        .starts_with("no initiative named \"nope\"; the file has: \"Onboarding programme\""));
    let bad = RoiOptions {
        horizon_months: 0,
        ..RoiOptions::default()
    };
    let err = roi(f.baseline().unwrap(), &f.initiatives[0], &bad).unwrap_err();
    assert_eq!(err.to_string(), "horizon_months must be in [1, 600], got 0");
}
