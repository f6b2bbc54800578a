use crate::{fails, json, ok};
use insta::assert_snapshot;

const SAMPLE: &str = "../../examples/initiatives.toml";
const SAMPLE_CSV: &str = "../../examples/initiatives.csv";

const WORKED: &[&str] = &[
    "levers", "--arpu", "10000", "--margin", "0.70", "--churn", "0.05", "--cac", "56000",
];

#[test]
fn levers_worked_example() {
    let j = json(WORKED);
    let top = &j["drivers"][0];
    assert_eq!(top["driver"], "churn");
    assert_eq!(top["rank"], 1);
    assert_eq!(top["ltv_before"], "140000");
    assert_eq!(top["ltv_after"], "175000");
    assert_eq!(top["ltv_change_pct"], "25");
    assert_eq!(top["ratio_after"], "3.125");
    assert_eq!(j["ratio"], "2.5");
    assert_snapshot!("levers_text", ok(WORKED));
    let mut args = WORKED.to_vec();
    args.extend(["--format", "json"]);
    assert_snapshot!("levers_json", ok(&args));
}

#[test]
fn levers_other_models() {
    let args = [
        "levers",
        "--model",
        "ecommerce",
        "--aov",
        "8000",
        "--frequency",
        "4",
        "--lifespan",
        "5",
        "--margin",
        "0.3",
        "--cac",
        "5000",
    ];
    assert_snapshot!("levers_ecommerce_text", ok(&args));
    let j = json(&["levers", "--baseline", SAMPLE]);
    assert_eq!(j["ltv"], "140000");
    let err = fails(&["levers", "--model", "general", "--price", "1"]);
    assert_eq!(
        err,
        "error: --model general needs --margin (or give --baseline FILE)\n"
    );
    let err = fails(&["levers", "--arpu", "10000", "--churn", "2"]);
    assert_eq!(
        err,
        "error: invalid value for --churn: must be in (0, 1], got 2\n"
    );
}

#[test]
fn plan_sample_file() {
    let j = json(&["plan", SAMPLE]);
    let first = &j["initiatives"][0];
    assert_eq!(first["name"], "Replenishment reminders");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["score"], "432");
    for key in ["model_ltv_change_pct", "payback_month", "roi", "npv"] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert_snapshot!("plan_text_en", ok(&["plan", SAMPLE]));
    assert_snapshot!(
        "plan_md_ja",
        ok(&["plan", SAMPLE, "--lang", "ja", "--format", "md"])
    );
    assert_snapshot!("plan_md_en", ok(&["plan", SAMPLE, "--format", "md"]));
    assert_snapshot!("plan_json", ok(&["plan", SAMPLE, "--format", "json"]));
}

#[test]
fn plan_modes_and_csv() {
    let j = json(&["plan", SAMPLE, "--mode", "rice"]);
    assert_eq!(j["mode"], "rice");
    assert_eq!(j["initiatives"][0]["score"], "1250");
    let j = json(&["plan", SAMPLE, "--mode", "ice-mean"]);
    assert_eq!(j["mode"], "ice-mean");
    let j = json(&["plan", SAMPLE_CSV, "--baseline", SAMPLE]);
    assert_eq!(j["initiatives"].as_array().unwrap().len(), 4);
    let err = fails(&["plan", SAMPLE_CSV]);
    assert!(
        err.contains("give the baseline with --baseline FILE"),
        "{err}"
    );
}

#[test]
fn plan_validation_errors() {
    let err = fails(&["plan", "tests/data/bad_ice.toml"]);
    assert_eq!(
        err,
        "error: tests/data/bad_ice.toml: initiative \"Onboarding programme\": confidence must be in [1, 10], got 12 (line 14, column 14)\n"
    );
    let err = fails(&["plan", "tests/data/bad_driver.csv", "--baseline", SAMPLE]);
    assert_eq!(
        err,
        "error: tests/data/bad_driver.csv: initiative \"Upsell\": driver must be one of arpu, aov, price, frequency, churn, lifespan, margin, cac or new_customers, got pricing (line 2, column 14)\n"
    );
    let err = fails(&["plan", "tests/data/missing.toml"]);
    assert!(
        err.starts_with("error: cannot read tests/data/missing.toml"),
        "{err}"
    );
}

const ONBOARDING: &[&str] = &[
    "roi",
    "--baseline",
    SAMPLE,
    "--initiative",
    "Onboarding programme",
];

#[test]
fn roi_case_in_english_and_japanese() {
    let j = json(ONBOARDING);
    assert_eq!(j["payback_month"], 15);
    assert_eq!(j["ltv_before"], "140000");
    assert_eq!(j["ltv_after"], "175000");
    assert_eq!(j["ratio_before"], "2.5");
    assert_eq!(j["ratio_after"], "3.125");
    assert_eq!(j["months"].as_array().unwrap().len(), 37);
    assert_eq!(j["verdict_flips"], true);
    assert_snapshot!("roi_text_en", ok(ONBOARDING));
    let mut ja = ONBOARDING.to_vec();
    ja.extend(["--lang", "ja"]);
    assert_snapshot!("roi_text_ja", ok(&ja));
    let mut short = ONBOARDING.to_vec();
    short.extend([
        "--horizon-months",
        "12",
        "--discount-rate",
        "8%",
        "--format",
        "json",
    ]);
    assert_snapshot!("roi_json_12_months", ok(&short));
}

#[test]
fn roi_from_flags() {
    let args = [
        "roi",
        "--arpu",
        "10000",
        "--margin",
        "0.7",
        "--churn",
        "0.05",
        "--new-churn",
        "0.04",
        "--customers",
        "2000",
        "--new-customers-per-month",
        "100",
        "--cac",
        "56000",
        "--investment-one-off",
        "3000000",
        "--investment-per-year",
        "6000000",
        "--ramp-months",
        "3",
    ];
    let j = json(&args);
    assert_eq!(j["ltv_after"], "175000");
    assert_eq!(j["ratio_after"], "3.125");
    assert_eq!(j["payback_month"], 15);
    // never pays back: a tiny effect for a big cost
    let never = [
        "roi",
        "--arpu",
        "10000",
        "--churn",
        "0.05",
        "--new-churn",
        "0.0499",
        "--customers",
        "100",
        "--investment-one-off",
        "100000000",
    ];
    let j = json(&never);
    assert!(j["payback_month"].is_null());
    let err = fails(&[
        "roi",
        "--arpu",
        "10000",
        "--churn",
        "0.05",
        "--new-churn",
        "0",
        "--customers",
        "100",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --new-churn: must be a move that keeps churn valid (0.05 would become 0, but churn must be in (0, 1]), got 0\n"
    );
    let err = fails(&[
        "roi",
        "--arpu",
        "10000",
        "--churn",
        "0.05",
        "--new-churn",
        "0.04",
        "--customers",
        "100",
        "--investment-per-year",
        "-5",
    ]);
    assert_eq!(
        err,
        "error: invalid value for --investment-per-year: must be >= 0, got -5\n"
    );
    let err = fails(&["roi", "--baseline", SAMPLE, "--initiative", "Nope"]);
    assert!(err.starts_with("error: ../../examples/initiatives.toml: no initiative named \"Nope\"; the file has: \"Onboarding programme\""), "{err}");
}
