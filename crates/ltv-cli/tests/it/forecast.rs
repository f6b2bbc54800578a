use insta::assert_snapshot;

use crate::{fails, json, ok};

const REGULAR: &str = "1000,631,468,382,326,289,262,241";

fn data(name: &str) -> String {
    format!("{}/tests/it/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn retention_text() {
    let out = ok(&[
        "forecast",
        "retention",
        "--survivors",
        REGULAR,
        "--periods",
        "12",
        "--discount-rate",
        "10%",
        "--value-per-period",
        "100",
    ]);
    assert_snapshot!("retention_text", out);
}

#[test]
fn retention_json_reproduces_fader_hardie() {
    let v = json(&[
        "forecast",
        "retention",
        "--survivors",
        REGULAR,
        "--periods",
        "3",
        "--discount-rate",
        "0.1",
    ]);
    let alpha = v["alpha"].as_f64().unwrap();
    let beta = v["beta"].as_f64().unwrap();
    assert!((alpha - 0.704).abs() < 0.0005 && (beta - 1.182).abs() < 0.0005);
    assert_eq!(v["converged"], true);
    assert_eq!(v["survival"].as_array().unwrap().len(), 4);
    assert_eq!(v["retention"].as_array().unwrap().len(), 3);
    assert!(v["expected_lifetime"].is_null());
    assert!(v["derl"][0]["derl"].as_f64().unwrap() > 2.9);
    assert_eq!(v["discount_rate"], "0.1");
    // floats rounded for a stable snapshot; the fields and their order are the contract
    let mut shape = v.clone();
    round_floats(&mut shape);
    assert_snapshot!(
        "retention_json",
        serde_json::to_string_pretty(&shape).unwrap()
    );
}

#[test]
fn retention_from_cohort_matrix() {
    let v = json(&[
        "forecast",
        "retention",
        "--cohorts",
        &data("cohort_retention.csv"),
    ]);
    assert_eq!(v["cohorts"], 3);
    assert_eq!(v["customers"], 2300);
    assert_eq!(v["observed_periods"], 7);
    let out = ok(&[
        "forecast",
        "retention",
        "--cohorts",
        &data("cohort_retention.csv"),
        "--periods",
        "4",
    ]);
    assert_snapshot!("retention_cohorts_text", out);
}

#[test]
fn retention_errors_name_the_flag_or_cell() {
    let err = fails(&["forecast", "retention", "--survivors", "100,90,95"]);
    assert_eq!(
        err,
        "error: cohort --survivors, period 2: survivors must not increase (sBG models contractual churn): 95 after 90\n"
    );
    let err = fails(&[
        "forecast",
        "retention",
        "--survivors",
        REGULAR,
        "--discount-rate",
        "-0.1",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --discount-rate: must be >= 0, got -0.1\n"
    );
    let err = fails(&[
        "forecast",
        "retention",
        "--survivors",
        REGULAR,
        "--periods",
        "0",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --periods: must be in 1..=10000, got 0\n"
    );
    let err = fails(&["forecast", "retention", "--survivors", "100,100,100"]);
    assert_eq!(
        err,
        "error: not enough data: no customer churned, so the churn distribution cannot be estimated\n"
    );
    let dir = std::env::temp_dir().join(format!("ltv-forecast-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "cohort,size,0,1\n2024-01,100,1,1.2\n").unwrap();
    let err = fails(&["forecast", "retention", "--cohorts", bad.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "error: {}: line 2, column 4: retention share must be a decimal in [0, 1], got '1.2'\n",
            bad.display()
        )
    );
    let err = fails(&[
        "forecast",
        "retention",
        "--cohorts",
        "/nonexistent/cohorts.csv",
    ]);
    assert!(
        err.starts_with("error: cannot read /nonexistent/cohorts.csv: "),
        "{err}"
    );
}

fn round_floats(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            *v = serde_json::json!((x * 1e6).round() / 1e6);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(round_floats),
        serde_json::Value::Object(o) => o.values_mut().for_each(round_floats),
        _ => {}
    }
}
