//! Integration tests of ltv-planner: the worked example, the sample files,
//! validation errors with positions, and properties of the ROI simulation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod measure;
mod properties;

use ltv_planner::*;

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub const SAMPLE: &str = include_str!("../../../../examples/initiatives.toml");
pub const SAMPLE_CSV: &str = include_str!("../../../../examples/initiatives.csv");

pub fn sample() -> PlanFile {
    PlanFile::from_toml_str(SAMPLE).unwrap()
}

/// ARPU 10,000/month, margin 0.70, churn 0.05, CAC 56,000.
pub fn worked_baseline() -> Baseline {
    Baseline::Subscription(SubscriptionBaseline {
        arpu: d("10000"),
        margin: d("0.70"),
        churn: d("0.05"),
        cac: Some(d("56000")),
        customers: Some(d("2000")),
        new_customers_per_month: d("100"),
        currency: Some("¥".into()),
    })
}

#[test]
fn worked_example_levers() {
    // LTV 140,000; churn 0.04 → 175,000 (+25 %); LTV/CAC 2.5 → 3.125
    let report = levers(&worked_baseline()).unwrap();
    assert_eq!(report.ltv, d("140000"));
    assert_eq!(report.ratio, Some(d("2.5")));
    let top = &report.drivers[0];
    assert_eq!(top.rank, 1);
    assert_eq!(top.driver, Driver::Churn);
    assert_eq!(top.value_after, d("0.04"));
    assert_eq!(top.ltv_before, d("140000"));
    assert_eq!(top.ltv_after, d("175000"));
    assert_eq!(top.ltv_change_pct, d("25"));
    assert_eq!(top.ratio_before, Some(d("2.5")));
    assert_eq!(top.ratio_after, Some(d("3.125")));
    // churn −20 % moves LTV +25 %: elasticity −1.25
    assert_eq!(top.ltv_elasticity, Some(d("-1.25")));
    let order: Vec<Driver> = report.drivers.iter().map(|l| l.driver).collect();
    assert_eq!(
        order,
        [Driver::Churn, Driver::Cac, Driver::Arpu, Driver::Margin]
    );
    assert!(report
        .headline
        .starts_with("the lever with the biggest impact is monthly churn"));
}

#[test]
fn worked_example_roi() {
    let f = sample();
    let onboarding = f.initiative("Onboarding programme").unwrap();
    let case = roi(&worked_baseline(), onboarding, &RoiOptions::default()).unwrap();
    assert_eq!(case.ltv_before, d("140000"));
    assert_eq!(case.ltv_after, d("175000"));
    assert_eq!(case.ltv_change_pct, Some(d("25")));
    assert_eq!(case.ratio_before, Some(d("2.5")));
    assert_eq!(case.ratio_after, Some(d("3.125")));
    assert_eq!(case.months.len(), 37);
    assert_eq!(case.payback_month, Some(15));
    // the verdict flips: negative at 12 months, positive at 36
    assert!(case.verdict_flips);
    let v12 = &case.verdicts[0];
    assert_eq!(v12.outcome.horizon_months, 12);
    assert!(!v12.invest);
    assert!(case.npv > Decimal::ZERO);
    assert!(case.summary.starts_with(
        "LTV/CAC is 2.50 today; cutting monthly churn by 1 point (5.0% → 4.0%) raises LTV by 25.0% to ¥175,000 and the ratio to 3.13."
    ));
    // costs: 3,000,000 + 6,000,000 × 3 years
    assert_eq!(case.total_cost, d("21000000"));
    assert_eq!(case.months[0].cash_flow, d("-3000000"));
}

#[test]
fn sample_plan_ranks_all_initiatives() {
    let report = plan(&sample(), &PlanOptions::default()).unwrap();
    let names: Vec<&str> = report.initiatives.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Replenishment reminders",
            "Upsell to the team plan",
            "Onboarding programme",
            "Referral programme",
            "Loyalty programme",
            "Health scoring"
        ]
    );
    let first = &report.initiatives[0];
    assert_eq!(first.rank, 1);
    assert_eq!(first.score, d("432"));
    // three raters of the onboarding programme: means 7, 6.67, 5.67
    let onboarding = &report.initiatives[2];
    let ice = onboarding.ice.as_ref().unwrap();
    assert_eq!(ice.raters, 3);
    assert_eq!(ice.impact.mean, d("7"));
    assert_eq!(ice.impact.spread, d("2"));
    assert_eq!(onboarding.model_ltv_change_pct, Some(d("25")));
    // the upsell never pays back within 36 months
    assert_eq!(report.initiatives[1].payback_month, None);
    assert!(report.has_ranges);
    assert_eq!(report.top_n, 3);
    assert_eq!(report.disagreements.len(), 2);
    let json = serde_json::to_value(&report).unwrap();
    let i0 = &json["initiatives"][0];
    for key in [
        "name",
        "score",
        "rank",
        "model_ltv_change_pct",
        "payback_month",
        "roi",
        "npv",
    ] {
        assert!(i0.get(key).is_some(), "{key}");
    }
    assert!(json["initiatives"][1]["payback_month"].is_null());
}

#[test]
fn modes_label_their_formula() {
    let f = sample();
    let mean = plan(
        &f,
        &PlanOptions {
            mode: ScoreMode::IceMean,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        mean.score_formula,
        "ICE mean = (Impact + Confidence + Ease) ÷ 3 (1–10)"
    );
    // Replenishment: (6 + 8 + 9) ÷ 3
    let r = mean
        .initiatives
        .iter()
        .find(|i| i.name == "Replenishment reminders")
        .unwrap();
    assert_eq!(r.score, d("23") / d("3"));
    let rice = plan(
        &f,
        &PlanOptions {
            mode: ScoreMode::Rice,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    // Replenishment: 5000 × 0.5 × 1 ÷ 2 = 1250, the top RICE score
    assert_eq!(rice.initiatives[0].name, "Replenishment reminders");
    assert_eq!(rice.initiatives[0].score, d("1250"));
}

#[test]
fn ties_follow_the_documented_order() {
    let mut f = sample();
    for i in &mut f.initiatives {
        i.raters.clear();
        i.impact = Some(Estimate::One(d("5")));
        i.confidence = Some(Estimate::One(d("5")));
        i.ease = Some(Estimate::One(d("5")));
    }
    let report = plan(&f, &PlanOptions::default()).unwrap();
    // equal scores: by NPV, highest first
    let npvs: Vec<Decimal> = report.initiatives.iter().map(|i| i.npv).collect();
    let mut sorted = npvs.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(npvs, sorted);
}

#[test]
fn csv_raters_become_one_initiative() {
    let f = PlanFile::from_csv_str(SAMPLE_CSV, sample()).unwrap();
    assert_eq!(f.initiatives.len(), 4);
    let onboarding = f.initiative("Onboarding programme").unwrap();
    assert_eq!(onboarding.raters.len(), 3);
    assert_eq!(onboarding.raters[1].name.as_deref(), Some("Product"));
    let health = f.initiative("Health scoring").unwrap();
    assert!(health.change.is_range());
    assert_eq!(
        f.initiative("Replenishment reminders")
            .unwrap()
            .baseline
            .as_deref(),
        Some("shop")
    );
    // the same scores as the TOML file
    let toml = plan(&sample(), &PlanOptions::default()).unwrap();
    let csv = plan(&f, &PlanOptions::default()).unwrap();
    let score = |r: &PlanReport, n: &str| r.initiatives.iter().find(|i| i.name == n).unwrap().score;
    assert_eq!(
        score(&toml, "Onboarding programme"),
        score(&csv, "Onboarding programme")
    );
}

#[test]
fn json_round_trip() {
    let f = sample();
    let text = serde_json::to_string(&f).unwrap();
    let back = PlanFile::from_json_str(&text).unwrap();
    assert_eq!(back, f);
}

#[test]
fn every_business_model_has_an_ltv_from_core() {
    let f = sample();
    assert_eq!(f.baseline().unwrap().ltv().unwrap(), d("140000"));
    // e-commerce with margin: 40,000 × 0.30 × 6 × 3
    assert_eq!(f.baselines["shop"].ltv().unwrap(), d("216000"));
    // consulting: 3,000,000 × 0.40 × 1.5 × 4
    assert_eq!(f.baselines["consulting"].ltv().unwrap(), d("7200000"));
    let shop = levers(&f.baselines["shop"]).unwrap();
    assert_eq!(shop.model, "ecommerce");
    assert_eq!(shop.drivers.len(), 5);
}

#[test]
fn csv_rice_columns() {
    let csv = "name,team,driver,change,reach,rice_impact,rice_confidence,effort\nUpsell,sales,arpu,+5%,600,1,0.8,3\n";
    let f = PlanFile::from_csv_str(csv, sample()).unwrap();
    let report = plan(
        &f,
        &PlanOptions {
            mode: ScoreMode::Rice,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    // 600 × 1 × 0.8 ÷ 3
    assert_eq!(report.initiatives[0].score, d("160"));
    let err = plan(&f, &PlanOptions::default()).unwrap_err();
    assert_eq!(err.initiative(), Some("Upsell"));
    let bad = csv.replace(",1,0.8,", ",4,0.8,");
    let err = PlanFile::from_csv_str(&bad, sample()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "initiative \"Upsell\": rice.impact must be one of 3 (massive), 2 (high), 1 (medium), 0.5 (low), 0.25 (minimal), got 4 (line 2, column 27)"
    );
}
