//! One LTV from the data to the decision (the report, `drivers`, `channels`, `plan
//! --data`): every banded LTV/CAC is on the headline's basis, the plan starts from the
//! headline's numbers, and what does not match is said.

use ltv_core::Decimal;
use serde_json::Value;

use crate::{fails, ltv, ok};

const SAMPLE: &str = "../ltv-report/data/sample_transactions.csv";
const SAMPLE_CAC: &str = "../ltv-report/data/sample_cac.csv";
const CDNOW: &str = "../ltv-segments/tests/data/cdnow_sample.csv";
const CDNOW_CAC: &str = "tests/it/data/cdnow_cac.csv";

fn report_json(args: &[&str]) -> Value {
    let mut all = vec!["report"];
    all.extend(args);
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(&all)).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().expect("a decimal string").parse().unwrap()
}

/// Equal to 20 places (the basis divides by 12: the 28th digit may carry a rounding).
fn same(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() < Decimal::new(1, 20)
}

/// Every banded ratio of a JSON report is its LTV ÷ its CAC on the headline's basis,
/// and the plan's "today" is the headline.
fn assert_one_basis(j: &Value) {
    let h = &j["headline"];
    assert_eq!(h["ltv_basis"], "gross_margin_lifespan");
    assert!(same(
        dec(&h["ltv_cac_ratio"]),
        dec(&h["ltv"]) / dec(&h["cac"])
    ));
    assert!(same(
        dec(&h["max_cac"]),
        dec(&h["ltv"]) / dec(&h["target_ratio"])
    ));
    for c in j["channels"].as_array().unwrap() {
        if !c["ltv_cac_ratio"].is_null() {
            assert!(
                same(dec(&c["ltv_cac_ratio"]), dec(&c["ltv"]) / dec(&c["cac"])),
                "{c}"
            );
            let band = ltv_core::Band::of_ratio(dec(&c["ltv_cac_ratio"]));
            assert_eq!(c["band"], band.as_str());
        }
    }
    for a in j["bottleneck"].as_array().unwrap() {
        assert_eq!(a["ltv_before"], h["ltv"], "{a}");
        assert_eq!(a["ltv_cac_before"], h["ltv_cac_ratio"], "{a}");
    }
    if let Some(top) = j["plan"]["top_case"].as_object() {
        assert_eq!(top["ltv_before"], h["ltv"]);
        assert_eq!(top["ratio_before"], h["ltv_cac_ratio"]);
    }
}

#[test]
fn sample_json_report() {
    let j = report_json(&["--sample"]);
    assert_one_basis(&j);
    // the sample (margin 0.4): search and social need improvement on the headline's
    // basis; the headline LTV/CAC is 2.63
    assert_eq!(
        ltv_core::present::money(dec(&j["headline"]["ltv_cac_ratio"])),
        "2.63"
    );
    let band = |name: &str| {
        j["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel"] == name)
            .unwrap()["band"]
            .clone()
    };
    assert_eq!(band("search"), "needs_improvement");
    assert_eq!(band("organic"), "healthy");
    assert_eq!(j["plan"]["baseline"]["model"], "ecommerce");
    insta::assert_snapshot!(
        "sample_report_json",
        serde_json::to_string_pretty(&j).unwrap()
    );
}

#[test]
fn cdnow_json_report_with_a_one_line_cac_file() {
    let j = report_json(&[
        CDNOW,
        "--date-col",
        "date",
        "--margin",
        "0.3",
        "--cac",
        CDNOW_CAC,
        "--currency",
        "USD",
        "--plan",
        "../../examples/initiatives.toml",
    ]);
    assert_one_basis(&j);
    // one CAC of 16.97 for all customers; the one channel (`unknown`) is banded on the
    // headline's basis: 2.10 in both places
    assert_eq!(j["headline"]["cac"], "16.97");
    let unknown = &j["channels"][0];
    assert_eq!(unknown["channel"], "unknown");
    assert_eq!(unknown["ltv_cac_ratio"], j["headline"]["ltv_cac_ratio"]);
    assert_eq!(
        ltv_core::present::money(dec(&unknown["ltv_cac_ratio"])),
        "2.10"
    );
    // the plan's SaaS [baseline] is replaced by the data's, and said so
    let warnings: Vec<&str> = j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains(
            "[baseline] differs from the data (model: file subscription, data ecommerce)"
        )),
        "{warnings:?}"
    );
    // initiatives on the file's other business lines are listed, not ranked
    assert_eq!(
        j["plan"]["other_business_lines"],
        serde_json::json!([
            "Replenishment reminders (shop)",
            "Loyalty programme (shop)",
            "Referral programme (consulting)"
        ])
    );
    insta::assert_snapshot!(
        "cdnow_report_json",
        serde_json::to_string_pretty(&j).unwrap()
    );
}

#[test]
fn halving_the_margin_halves_every_ltv() {
    let full = report_json(&["--sample", "--margin", "0.4"]);
    let half = report_json(&["--sample", "--margin", "0.2"]);
    let twice = |a: &Value, b: &Value| same(dec(a), dec(b) * Decimal::TWO);
    assert!(twice(&full["headline"]["ltv"], &half["headline"]["ltv"]));
    assert!(twice(
        &full["headline"]["ltv_cac_ratio"],
        &half["headline"]["ltv_cac_ratio"]
    ));
    let (a, b) = (
        full["channels"].as_array().unwrap(),
        half["channels"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 5);
    for (x, y) in a.iter().zip(b) {
        assert!(twice(&x["ltv"], &y["ltv"]), "{x} {y}");
        assert!(twice(&x["max_cac"], &y["max_cac"]), "{x} {y}");
    }
    // revenue figures do not move with the margin
    assert_eq!(
        full["headline"]["revenue_over_lifespan"],
        half["headline"]["revenue_over_lifespan"]
    );
}

/// examples/initiatives.toml without its `[baseline]` table.
fn initiatives_without_baseline() -> std::path::PathBuf {
    let text = std::fs::read_to_string("../../examples/initiatives.toml").unwrap();
    let start = text.find("\n[baseline]").unwrap() + 1;
    let end = start + text[start..].find("\n\n").unwrap();
    let path = std::env::temp_dir().join(format!("ltv-no-baseline-{}.toml", std::process::id()));
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    path
}

#[test]
fn plan_from_data_without_a_baseline() {
    let path = initiatives_without_baseline();
    let file = path.to_str().unwrap();
    // without data: a clear error that says to pass --data
    let err = fails(&["plan", file]);
    assert!(
        err.contains("has no [baseline]: pass --data ORDERS.csv"),
        "{err}"
    );
    let plan: Value = serde_json::from_str(&ok(&[
        "plan", file, "--data", SAMPLE, "--margin", "0.4", "--cac", SAMPLE_CAC, "--format", "json",
    ]))
    .unwrap();
    // the summary starts from the headline's LTV/CAC
    let drivers: Value = serde_json::from_str(&ok(&[
        "drivers", SAMPLE, "--margin", "0.4", "--cac", SAMPLE_CAC, "--format", "json",
    ]))
    .unwrap();
    let ratio = ltv_core::present::money(dec(&drivers["headline"]["ltv_cac_ratio"]));
    assert_eq!(ratio, "2.63");
    // initiatives on the main baseline start from the headline's LTV; the file's other
    // business lines keep their own baselines
    let mut on_data = 0;
    for i in plan["initiatives"].as_array().unwrap() {
        if i["baseline"] == "baseline" {
            assert_eq!(i["model_ltv_before"], drivers["headline"]["ltv"], "{i}");
            on_data += 1;
        } else {
            assert_ne!(i["model_ltv_before"], drivers["headline"]["ltv"], "{i}");
        }
    }
    assert_eq!(on_data, 3);
    // roi --data works on the same file
    let roi: Value = serde_json::from_str(&ok(&[
        "roi",
        "--baseline",
        file,
        "--initiative",
        "Onboarding programme",
        "--data",
        SAMPLE,
        "--margin",
        "0.4",
        "--cac",
        SAMPLE_CAC,
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(roi["ltv_before"], drivers["headline"]["ltv"]);
    assert_eq!(roi["ratio_before"], drivers["headline"]["ltv_cac_ratio"]);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_plan_baseline_that_differs_is_a_warning_with_both_values() {
    let run = ltv(&[
        "plan",
        "../../examples/initiatives.toml",
        "--data",
        SAMPLE,
        "--margin",
        "0.4",
        "--business",
        "saas",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: the initiatives file's [baseline] differs from the data (arpu: file 10000, data 34.9365; churn: file 0.05, data 0.1063;"),
        "{}",
        run.stderr
    );
}

#[test]
fn cac_names_are_matched_exactly_and_mismatches_named() {
    let dir = std::env::temp_dir().join(format!("ltv-cac-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cac = dir.join("cac.csv");
    std::fs::write(&cac, "channel,spend\nOrganic,4500\nsearch,22705\n").unwrap();
    let run = ltv(&["drivers", SAMPLE, "--cac", cac.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: CAC file: channel 'Organic' matches no channel in the data (the data has 'email', 'organic', 'referral', 'search', 'social'); its spend is left out of every CAC. Channel names must match exactly (did you mean 'Organic' → 'organic'?)"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: no CAC for 'email', 'organic', 'referral', 'social'"),
        "{}",
        run.stderr
    );
    // a channel file for data without a channel column: the hint says how to apply it
    std::fs::write(&cac, "channel,spend\nall,39998.29\n").unwrap();
    let run = ltv(&[
        "drivers",
        CDNOW,
        "--date-col",
        "date",
        "--cac",
        cac.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("the data has no channel column, so give the CAC file without a channel column (spend[,new_customers]) to apply it to all customers"), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn report_options_the_data_needs() {
    // yen have no decimals; the churn threshold is on the headline card
    let text = ok(&[
        "report",
        SAMPLE,
        "--margin",
        "0.4",
        "--currency",
        "JPY",
        "--inactive-days",
        "180",
        "--format",
        "outline",
    ]);
    assert!(text.contains("LTV per customer: ¥"), "{text}");
    let ltv_line = text
        .lines()
        .find(|l| l.contains("LTV per customer"))
        .unwrap();
    let value = ltv_line.split(['(', ':']).nth(1).unwrap();
    assert!(!value.contains('.'), "{ltv_line}");
    assert!(text.contains("churned = no order for 180 days"), "{text}");
    assert!(text.starts_with("# Customer lifetime value report\nsample_transactions.csv ·"));
    // the band in words, never the raw code
    let text = ok(&["report", "--sample", "--format", "outline"]);
    assert!(
        text.contains("needs improvement (1 ≤ LTV/CAC < 3)"),
        "{text}"
    );
    assert!(!text.contains("needs_improvement"), "{text}");
    // the business model picks the headline figures
    let saas = ok(&[
        "report",
        "--sample",
        "--business",
        "saas",
        "--format",
        "outline",
    ]);
    let first_kpi = saas
        .lines()
        .skip_while(|l| !l.contains("most you can pay"))
        .nth(1)
        .unwrap();
    assert!(
        first_kpi.contains("net revenue retention (12 months): 74.1%"),
        "{first_kpi}"
    );
    let j = report_json(&["--sample", "--business", "consulting"]);
    assert_eq!(j["plan"]["baseline"]["model"], "general");
    assert_eq!(j["headline"]["referral_share"], "0.116");
}

#[test]
fn measurement_errors_name_the_flag() {
    let err = fails(&["drivers", SAMPLE, "--target-ratio", "0"]);
    assert_eq!(
        err,
        "error: invalid value for --target-ratio: must be > 0 (e.g. 3), got 0\n"
    );
    let err = fails(&["report", "--sample", "--currency", "a very long name"]);
    assert!(
        err.starts_with("error: invalid value for --currency"),
        "{err}"
    );
    let err = fails(&["drivers", SAMPLE, "--inactive-days", "5000"]);
    assert!(err.contains("churn cannot be estimated"), "{err}");
    assert!(err.contains("(--inactive-days)"), "{err}");
}
