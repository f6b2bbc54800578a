//! `ltv saas`: text, JSON and CSV of the monthly report and the cohort matrix on the
//! hand-checked fixture (numbers checked in crates/ltv-saas/tests/it/fixture.rs and
//! docs/formulas.md), events input, and every error path.

use insta::assert_snapshot;

use crate::{fails, json, ltv, ok};

const FIXTURE: &str = "../ltv-saas/tests/data/mrr_fixture.csv";
const EVENTS: &str = "../ltv-saas/tests/data/events_fixture.csv";

#[test]
fn report_text() {
    assert_snapshot!("saas_text", ok(&["saas", FIXTURE, "--margin", "0.8"]));
}

#[test]
fn report_json() {
    let out = ok(&["saas", FIXTURE, "--margin", "0.8", "--format", "json"]);
    assert_snapshot!("saas_json", out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["ltv"]["ltv"], "2050");
    assert_eq!(v["summary"]["trailing_12m"]["current_mrr"], "370");
    assert_eq!(v["months"][5]["quick_ratio"], serde_json::Value::Null);
    assert_eq!(v["months"][12]["net_new"], "-40");
}

#[test]
fn report_csv() {
    assert_snapshot!("saas_csv", ok(&["saas", FIXTURE, "--format", "csv"]));
}

#[test]
fn range_window_and_cap() {
    let out = ok(&[
        "saas",
        FIXTURE,
        "--from",
        "2024-06",
        "--to",
        "2024-12",
        "--lifetime-cap",
        "24",
    ]);
    assert_snapshot!("saas_capped_text", out);
    let v = json(&["saas", FIXTURE, "--to", "2024-12", "--lifetime-cap", "24"]);
    assert_eq!(v["summary"]["ltv"]["basis"], "lifetime_cap");
    assert_eq!(v["summary"]["ltv"]["ltv"], "2160");
    let v = json(&["saas", FIXTURE, "--churn-window", "3"]);
    assert_eq!(v["summary"]["ltv"]["customers_at_risk"], 13);
}

#[test]
fn cohorts_all_formats() {
    assert_snapshot!("saas_cohorts_text", ok(&["saas", FIXTURE, "--cohorts"]));
    assert_snapshot!(
        "saas_cohorts_csv",
        ok(&["saas", FIXTURE, "--cohorts", "--format", "csv"])
    );
    let out = ok(&["saas", FIXTURE, "--cohorts", "--format", "json"]);
    assert_snapshot!("saas_cohorts_json", out);
}

#[test]
fn events_input_matches_mrr_input() {
    let from_events = ok(&["saas", EVENTS, "--input", "events", "--format", "json"]);
    let from_mrr = ok(&["saas", FIXTURE, "--format", "json"]);
    assert_eq!(from_events, from_mrr);
}

#[test]
fn column_mapping_and_delimiter() {
    let v = json(&[
        "saas",
        "tests/data/saas/mapped.csv",
        "--customer-col",
        "acct",
        "--month-col",
        "period",
        "--mrr-col",
        "amount",
        "--delimiter",
        ";",
    ]);
    assert_eq!(v["months"][1]["expansion"], "50");
    assert_eq!(v["months"][1]["churned"], "100");
    assert_eq!(v["summary"]["ltv"]["ltv"], "300");
}

#[test]
fn skip_invalid_reports_on_stderr() {
    let run = ltv(&[
        "saas",
        "tests/data/saas/some_bad.csv",
        "--skip-invalid",
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_snapshot!("saas_skip_invalid_stderr", run.stderr);
    assert_snapshot!("saas_skip_invalid_csv", run.stdout);
}

#[test]
fn error_paths() {
    let cases: [(&str, &[&str]); 11] = [
        ("bad month", &["saas", "tests/data/saas/bad_month.csv"]),
        ("duplicate", &["saas", "tests/data/saas/duplicate.csv"]),
        ("bad value", &["saas", "tests/data/saas/some_bad.csv"]),
        ("zero churn", &["saas", FIXTURE, "--to", "2024-12"]),
        ("no history", &["saas", FIXTURE, "--to", "2024-01"]),
        ("margin", &["saas", FIXTURE, "--margin", "1.5"]),
        ("window", &["saas", FIXTURE, "--churn-window", "0"]),
        ("cap", &["saas", FIXTURE, "--lifetime-cap", "0"]),
        (
            "range",
            &["saas", FIXTURE, "--from", "2024-06", "--to", "2024-03"],
        ),
        ("column", &["saas", FIXTURE, "--mrr-col", "amount"]),
        (
            "events",
            &[
                "saas",
                "tests/data/saas/bad_events.csv",
                "--input",
                "events",
            ],
        ),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let err = fails(args);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        all.push_str(&format!("{name}: {err}"));
    }
    assert_snapshot!("saas_errors", all);
    // a malformed --from is rejected by the argument parser, also with status 2
    let run = ltv(&["saas", FIXTURE, "--from", "2024-1"]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .contains("invalid month '2024-1': expected YYYY-MM, e.g. 2024-01"));
    let run = ltv(&["saas", "no/such/file.csv"]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .starts_with("error: cannot read no/such/file.csv"));
}

#[test]
fn help_shows_examples() {
    let out = ok(&["saas", "--help"]);
    assert!(out.contains("ltv saas mrr.csv --cohorts"));
}

#[test]
fn sum_duplicates_adds_rows() {
    let v = json(&[
        "saas",
        "tests/data/saas/duplicate.csv",
        "--sum-duplicates",
        "--cohorts",
    ]);
    // a: 10 + 20, b: 5
    assert_eq!(v["cohorts"][0]["start_mrr"], "35");
    assert_eq!(v["cohorts"][0]["customers"], 2);
}
