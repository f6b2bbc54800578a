use crate::{json, ok};
use insta::assert_snapshot;

const SUBSCRIPTION: &[&str] = &[
    "calc",
    "subscription",
    "--arpu",
    "10000",
    "--churn",
    "0.05",
    "--margin",
    "0.70",
];

#[test]
fn subscription_worked_examples() {
    let j = json(&["calc", "subscription", "--arpu", "10000", "--churn", "0.05"]);
    assert_eq!(j["ltv"], "200000");
    let j = json(SUBSCRIPTION);
    assert_eq!(j["ltv"], "140000");
    assert_eq!(j["expected_lifetime"], "20");
    assert!(j.get("ltv_cac_ratio").is_none());
}

#[test]
fn subscription_discounted_with_cac() {
    let mut args = SUBSCRIPTION.to_vec();
    args.extend(["--discount-rate", "0.01", "--cac", "56000"]);
    let j = json(&args);
    assert_eq!(j["ltv"], "117833.33333333333333333333333");
    assert_eq!(j["band"], "needs_improvement");
    assert_eq!(j["payback_periods"], "8");
    assert_snapshot!("subscription_discounted_text", ok(&args));
    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("subscription_discounted_json", ok(&json_args));
}

#[test]
fn subscription_finite_horizon() {
    let args = [
        "calc",
        "subscription",
        "--arpu",
        "100",
        "--churn",
        "0",
        "--horizon",
        "12",
    ];
    assert_eq!(json(&args)["ltv"], "1200");
    assert_snapshot!("subscription_horizon_text", ok(&args));
}

#[test]
fn revenue_saas_variant() {
    let args = [
        "calc",
        "revenue",
        "--price",
        "10000",
        "--frequency",
        "1",
        "--lifespan",
        "24",
        "--cac",
        "100000",
    ];
    let j = json(&args);
    assert_eq!(j["ltv"], "240000");
    assert_eq!(j["ltv_cac_ratio"], "2.4");
    assert_eq!(j["payback_periods"], "10");
    assert_snapshot!("revenue_text", ok(&args));
}

#[test]
fn general_worked_example() {
    let args = [
        "calc",
        "general",
        "--price",
        "50000",
        "--margin",
        "0.40",
        "--frequency",
        "2",
        "--lifespan",
        "3",
        "--cac",
        "40000",
    ];
    let j = json(&args);
    assert_eq!(j["ltv"], "120000");
    assert_eq!(j["ltv_cac_ratio"], "3");
    assert_eq!(j["band"], "healthy");
    assert_snapshot!("general_text", ok(&args));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("general_json", ok(&json_args));
}

#[test]
fn profit_based() {
    let args = [
        "calc",
        "profit",
        "--price",
        "50000",
        "--frequency",
        "2",
        "--lifespan",
        "3",
        "--margin",
        "0.40",
        "--cac",
        "30000",
        "--retention-cost",
        "5000",
    ];
    let j = json(&args);
    assert_eq!(j["ltv"], "85000");
    assert_eq!(j["cac"], "30000");
    assert_snapshot!("profit_text", ok(&args));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("profit_json", ok(&json_args));
}

#[test]
fn ecommerce_worked_example() {
    let args = [
        "calc",
        "ecommerce",
        "--aov",
        "8000",
        "--frequency",
        "4",
        "--lifespan",
        "5",
        "--cac",
        "200000",
    ];
    let j = json(&args);
    assert_eq!(j["ltv"], "160000");
    assert_eq!(j["ltv_cac_ratio"], "0.8");
    assert_eq!(j["band"], "unprofitable");
    assert_snapshot!("ecommerce_text", ok(&args));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("ecommerce_json", ok(&json_args));
}

#[test]
fn cac_worked_example() {
    let args = [
        "cac",
        "--marketing",
        "2000000",
        "--sales",
        "3000000",
        "--new-customers",
        "50",
    ];
    assert_eq!(json(&args)["cac"], "100000");
    assert_snapshot!("cac_text", ok(&args));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("cac_json", ok(&json_args));
}

#[test]
fn unit_economics_bands() {
    for (ltv, ratio, band) in [
        ("300000", "3", "healthy"),
        ("150000", "1.5", "needs_improvement"),
        ("80000", "0.8", "unprofitable"),
    ] {
        let j = json(&["unit-economics", "--ltv", ltv, "--cac", "100000"]);
        assert_eq!(j["ratio"], ratio);
        assert_eq!(j["band"], band);
        assert!(j.get("payback_periods").is_none());
    }
}

#[test]
fn unit_economics_payback() {
    let args = [
        "unit-economics",
        "--ltv",
        "140000",
        "--cac",
        "56000",
        "--arpu",
        "10000",
        "--margin",
        "0.7",
    ];
    assert_eq!(json(&args)["payback_periods"], "8");
    assert_snapshot!("unit_economics_text", ok(&args));
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    assert_snapshot!("unit_economics_json", ok(&json_args));
}

#[test]
fn help_shows_examples() {
    for cmd in [
        &["calc", "subscription"][..],
        &["calc", "general"],
        &["calc", "revenue"],
        &["calc", "profit"],
        &["calc", "ecommerce"],
        &["cac"],
        &["unit-economics"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let help = ok(&args);
        assert!(help.contains("Example"), "{cmd:?} --help has no example");
    }
}
