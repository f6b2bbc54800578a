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

/// The survival matrix of `ltv cohort` fits sBG directly: transactions → cohorts → sBG.
#[test]
fn retention_from_the_survival_cohorts_of_transactions() {
    let matrix = ok(&[
        "cohort",
        "../ltv-segments/tests/data/cdnow_sample.csv",
        "--date-col",
        "date",
        "--metric",
        "survival",
        "--format",
        "csv",
    ]);
    let path = std::env::temp_dir().join(format!("ltv-survival-{}.csv", std::process::id()));
    std::fs::write(&path, matrix).unwrap();
    let fit = json(&["forecast", "retention", "--cohorts", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(fit["cohorts"], 3);
    assert_eq!(fit["customers"], 2357);
    assert_eq!(fit["converged"], true);
    let alpha = fit["alpha"].as_f64().unwrap();
    let beta = fit["beta"].as_f64().unwrap();
    assert!(
        (alpha - 0.537).abs() < 0.001 && (beta - 0.519).abs() < 0.001,
        "{alpha} {beta}"
    );
}

#[test]
fn retention_errors_name_the_flag_or_cell() {
    let err = fails(&["forecast", "retention", "--survivors", "100,90,95"]);
    assert_eq!(
        err,
        "error: cohort --survivors, period 2: survivors must not increase, got 95 after 90 (sBG models contractual churn: counts of customers who never left, not of customers active in a period; from transactions, use `ltv cohort --metric survival`)\n"
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

const CDNOW: &str = "../ltv-forecast/tests/data/cdnow_sample.csv";

fn cdnow(cmd: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "forecast".to_string(),
        cmd.to_string(),
        CDNOW.to_string(),
        "--date-col".to_string(),
        "date".to_string(),
        "--calibration-end".to_string(),
        "1997-09-30".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn purchases_cdnow_with_holdout() {
    let args = cdnow("purchases", &["--holdout-end", "1998-06-30"]);
    assert_snapshot!("purchases_cdnow_text", ok(&refs(&args)));
    let v = json(&refs(&args));
    let close = |k: &str, want: f64| (v[k].as_f64().unwrap() - want).abs() <= 0.0005;
    assert!(close("r", 0.243) && close("alpha", 4.414) && close("a", 0.793) && close("b", 2.426));
    assert!((v["log_likelihood"].as_f64().unwrap() - -9582.4).abs() < 0.05);
    assert_eq!(v["customers"], 2357);
    assert_eq!(v["time_unit"], "week");
    assert_eq!(v["calibration_end"], "1997-09-30");
    assert_eq!(v["holdout"]["holdout_end"], "1998-06-30");
    assert_eq!(v["holdout"]["total"]["actual"], 1882);
    assert_eq!(v["holdout"]["tracking"].as_array().unwrap().len(), 78);
    assert_eq!(v["holdout"]["tracking"][77]["actual"], 4339);
}

#[test]
fn purchases_time_unit_does_not_change_predictions() {
    let weeks = json(&refs(&cdnow("purchases", &["--holdout-end", "1998-06-30"])));
    let days = json(&refs(&cdnow(
        "purchases",
        &["--holdout-end", "1998-06-30", "--time-unit", "day"],
    )));
    let a_w = weeks["alpha"].as_f64().unwrap();
    let a_d = days["alpha"].as_f64().unwrap();
    assert!((a_d / a_w - 7.0).abs() < 1e-3, "{a_w} {a_d}");
    let p_w = weeks["holdout"]["total"]["predicted"].as_f64().unwrap();
    let p_d = days["holdout"]["total"]["predicted"].as_f64().unwrap();
    assert!((p_w - p_d).abs() < 0.5, "{p_w} {p_d}");
}

#[test]
fn spend_cdnow() {
    let args = cdnow("spend", &[]);
    assert_snapshot!("spend_cdnow_text", ok(&refs(&args)));
    let v = json(&refs(&args));
    assert!((v["p"].as_f64().unwrap() - 6.25).abs() <= 0.005);
    assert!((v["q"].as_f64().unwrap() - 3.74).abs() <= 0.005);
    assert!((v["gamma"].as_f64().unwrap() - 15.44).abs() <= 0.005);
    assert!(v["log_likelihood"].as_f64().unwrap() < 0.0);
    assert_eq!(v["repeat_buyers"], 946);
}

#[test]
fn clv_cdnow_csv_and_json() {
    let args = cdnow(
        "clv",
        &[
            "--horizon-months",
            "12",
            "--discount-rate",
            "1%",
            "--margin",
            "0.3",
            "--format",
            "csv",
        ],
    );
    let out = ok(&refs(&args));
    assert_eq!(out.lines().count(), 2358);
    // floats to 9 significant digits: the last bits depend on the platform's libm
    let head: String = out
        .lines()
        .take(6)
        .map(|l| {
            let cells: Vec<String> = l
                .split(',')
                .map(|c| match c.parse::<f64>() {
                    Ok(x) if c.contains('.') => format!("{x:.9e}"),
                    _ => c.to_string(),
                })
                .collect();
            format!("{}\n", cells.join(","))
        })
        .collect();
    assert_snapshot!("clv_cdnow_csv_head", head);
    let text = ok(&refs(&cdnow(
        "clv",
        &[
            "--horizon-months",
            "12",
            "--discount-rate",
            "1%",
            "--margin",
            "0.3",
        ],
    )));
    let head: String = text.lines().take(16).map(|l| format!("{l}\n")).collect();
    assert_snapshot!("clv_cdnow_text_head", head);
    let v = json(&refs(&cdnow(
        "clv",
        &["--horizon-months", "12", "--margin", "0.3"],
    )));
    assert_eq!(v["time_unit"], "week");
    assert_eq!(v["horizon_months"], 12);
    assert_eq!(v["margin"], "0.3");
    assert!(v["discounting"].as_str().unwrap().contains("monthly"));
    assert_eq!(v["customers"][0]["customer_id"], "1");
    assert!(v["customers"][0]["clv"].is_string());
}

#[test]
fn transaction_forecast_errors() {
    let err = fails(&refs(&cdnow("purchases", &["--holdout-end", "1997-09-01"])));
    assert_eq!(
        err,
        "error: invalid value for --holdout-end: must be after the calibration end, got 1997-09-01\n"
    );
    let err = fails(&refs(&cdnow(
        "clv",
        &["--horizon-months", "12", "--margin", "1.5"],
    )));
    assert_eq!(
        err,
        "error: invalid value for --margin: must be in [0, 1], got 1.5\n"
    );
    let err = fails(&refs(&cdnow("clv", &["--horizon-months", "0"])));
    assert_eq!(
        err,
        "error: invalid value for --horizon-months: must be in 1..=1200, got 0\n"
    );
    let err = fails(&[
        "forecast",
        "purchases",
        CDNOW,
        "--date-col",
        "date",
        "--calibration-end",
        "1997-13-01",
    ]);
    assert!(
        err.contains("'1997-13-01' is not a date in the format YYYY-MM-DD"),
        "{err}"
    );
    // no customer before the calibration end
    let err = fails(&refs(
        &[
            "forecast",
            "purchases",
            CDNOW,
            "--date-col",
            "date",
            "--calibration-end",
            "1990-01-01",
        ]
        .map(String::from),
    ));
    assert_eq!(
        err,
        "error: not enough data: no customer made a purchase on or before the calibration end 1990-01-01\n"
    );
}
