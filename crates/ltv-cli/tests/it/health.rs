//! `ltv health`: text, JSON and CSV on the bundled sample (learned weights, backtest,
//! NPS by month and segment) and on a small hand-made file (default weights, churn
//! file, every bad input: unknown metric, NPS out of range, rows after the as-of date,
//! customers in the outcomes but not in the usage, ids that do not match).

use insta::assert_snapshot;

use crate::{fails, json, ltv, ok};

const USAGE: &str = "../ltv-health/data/sample_usage.csv";
const MRR: &str = "../ltv-health/data/sample_mrr.csv";
const AS_OF: &str = "2024-03-31";
const SMALL: &str = "tests/it/data/health/usage.csv";
const SMALL_MRR: &str = "tests/it/data/health/mrr.csv";

fn sample(extra: &[&str]) -> Vec<&'static str> {
    let mut args = vec!["health", "--usage", USAGE, "--mrr", MRR, "--as-of", AS_OF];
    args.extend(
        extra
            .iter()
            .map(|s| -> &'static str { Box::leak(s.to_string().into_boxed_str()) }),
    );
    args
}

#[test]
fn sample_text_with_backtest() {
    let run = ltv(&sample(&["--backtest"]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_snapshot!("health_sample_text", run.stdout);
}

#[test]
fn sample_text_in_japanese() {
    assert_snapshot!(
        "health_sample_text_ja",
        ok(&sample(&["--lang", "ja", "--top", "5"]))
    );
}

#[test]
fn sample_json() {
    let mut v = json(&sample(&["--backtest"]));
    assert_eq!(v["model"]["kind"], "learned");
    assert_eq!(v["scored_month"], "2024-03");
    let customers = v["customers"].as_array().unwrap().len();
    assert_eq!(
        customers,
        v["summary"]["customers"].as_u64().unwrap() as usize
    );
    assert!(
        v["backtest"]["learned"]["auc"].as_f64().unwrap()
            > v["backtest"]["naive"]["auc"].as_f64().unwrap()
    );
    assert_eq!(v["nps"]["overall"]["responses"], 244);
    // the snapshot keeps the first customers (the rest have the same shape)
    v["customers"].as_array_mut().unwrap().truncate(4);
    assert_snapshot!(
        "health_sample_json",
        serde_json::to_string_pretty(&v).unwrap()
    );
}

#[test]
fn sample_csv() {
    let out = ok(&sample(&["--format", "csv"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "customer_id,score,band,churn_probability,reason_1,reason_2,reason_3,mrr"
    );
    assert_eq!(lines.len(), 114);
    assert_snapshot!("health_sample_csv_head", lines[..8].join("\n"));
}

#[test]
fn default_weights_without_outcomes() {
    let run = ltv(&["health", "--usage", SMALL, "--as-of", "2024-04-30"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // the May row is after the as-of date: counted and reported, not used
    assert_eq!(
        run.stderr,
        "warning: tests/it/data/health/usage.csv: rows after the as-of date, not used: 1\n"
    );
    assert_snapshot!("health_default_text", run.stdout);
    let v = json(&["health", "--usage", SMALL, "--as-of", "2024-04-30"]);
    assert_eq!(v["model"]["kind"], "default_weights");
    assert_eq!(v["data"]["usage"]["rows_after_as_of"], 1);
    assert_eq!(v["customers"][0]["customer_id"], "bolt");
    assert_eq!(
        v["customers"][0]["churn_probability"],
        serde_json::Value::Null
    );
}

#[test]
fn incomplete_month_is_counted() {
    let v = json(&["health", "--usage", SMALL, "--as-of", "2024-05-15"]);
    assert_eq!(v["scored_month"], "2024-04");
    assert_eq!(v["data"]["usage"]["rows_in_incomplete_month"], 1);
    assert!(v["warnings"][0]
        .as_str()
        .unwrap()
        .contains("incomplete month"));
}

#[test]
fn outcome_customers_without_usage_are_scored_and_reported() {
    let v = json(&[
        "health",
        "--usage",
        SMALL,
        "--mrr",
        SMALL_MRR,
        "--as-of",
        "2024-04-30",
    ]);
    // too few months and churns to learn from: default weights, and it says why
    assert_eq!(v["model"]["kind"], "default_weights");
    assert!(v["model"]["note"]
        .as_str()
        .unwrap()
        .contains("too little history"));
    assert_eq!(v["data"]["outcomes"]["customers_without_usage"], 1);
    assert_eq!(
        v["data"]["outcomes"]["customers_without_usage_examples"][0],
        "dart"
    );
    let dart = v["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer_id"] == "dart")
        .unwrap();
    assert_eq!(dart["mrr"], "50");
    assert!(v["warnings"].as_array().unwrap().iter().any(|w| w
        .as_str()
        .unwrap()
        .contains("customers without a single usage row: 1 of 4 (e.g. dart)")));
}

#[test]
fn churn_file() {
    let v = json(&[
        "health",
        "--usage",
        SMALL,
        "--churned",
        "tests/it/data/health/churned.csv",
        "--as-of",
        "2024-04-30",
    ]);
    assert_eq!(v["data"]["outcomes"]["kind"], "churned");
    assert_eq!(v["data"]["outcomes"]["rows_after_scored_month"], 1);
    assert_eq!(v["summary"]["customers"], 3);
}

#[test]
fn bad_inputs_fail_with_one_clear_line() {
    let cases: &[(&str, &[&str])] = &[
        (
            "health_unknown_metric",
            &[
                "health",
                "--usage",
                SMALL,
                "--as-of",
                "2024-04-30",
                "--nps-metric",
                "score",
            ],
        ),
        (
            "health_unknown_usage_metric",
            &[
                "health",
                "--usage",
                SMALL,
                "--as-of",
                "2024-04-30",
                "--usage-metrics",
                "logins,seats",
            ],
        ),
        (
            "health_nps_out_of_range",
            &[
                "health",
                "--usage",
                "tests/it/data/health/bad_nps.csv",
                "--as-of",
                "2024-04-30",
            ],
        ),
        (
            "health_ids_do_not_match",
            &[
                "health",
                "--usage",
                SMALL,
                "--mrr",
                "tests/it/data/health/other_ids.csv",
                "--as-of",
                "2024-04-30",
            ],
        ),
        (
            "health_mrr_ends_early",
            &[
                "health",
                "--usage",
                SMALL,
                "--mrr",
                SMALL_MRR,
                "--as-of",
                "2024-05-31",
            ],
        ),
        (
            "health_horizon_out_of_range",
            &[
                "health",
                "--usage",
                SMALL,
                "--as-of",
                "2024-04-30",
                "--horizon-months",
                "0",
            ],
        ),
        (
            "health_unknown_column",
            &[
                "health",
                "--usage",
                SMALL,
                "--as-of",
                "2024-04-30",
                "--date-col",
                "day",
            ],
        ),
        (
            "health_backtest_without_outcomes",
            &[
                "health",
                "--usage",
                SMALL,
                "--as-of",
                "2024-04-30",
                "--backtest",
            ],
        ),
        (
            "health_backtest_too_short",
            &[
                "health",
                "--usage",
                SMALL,
                "--mrr",
                SMALL_MRR,
                "--as-of",
                "2024-04-30",
                "--backtest",
            ],
        ),
    ];
    for (name, args) in cases {
        let err = fails(args);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert_snapshot!(*name, err);
    }
    let err = fails(&[
        "health",
        "--usage",
        SMALL,
        "--mrr",
        SMALL_MRR,
        "--churned",
        SMALL_MRR,
        "--as-of",
        "2024-04-30",
    ]);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn skip_invalid_counts_bad_rows() {
    let v = json(&[
        "health",
        "--usage",
        "tests/it/data/health/bad_nps.csv",
        "--as-of",
        "2024-04-30",
        "--skip-invalid",
    ]);
    assert_eq!(v["data"]["usage"]["rows_skipped"], 1);
    assert_eq!(
        v["data"]["usage"]["skipped_reasons"][0],
        "tests/it/data/health/bad_nps.csv:3: column 'value': an NPS answer must be a whole number from 0 to 10: '11'"
    );
}
