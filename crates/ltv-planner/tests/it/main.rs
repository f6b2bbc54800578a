//! Integration tests of ltv-planner: worked examples, the sample file, properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ltv_planner::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn sample() -> PlanFile {
    PlanFile::from_toml_str(include_str!("../../../../examples/initiatives.toml")).unwrap()
}

#[test]
fn sample_plan_prints() {
    let report = plan(&sample(), &PlanOptions::default()).unwrap();
    for i in &report.initiatives {
        println!("{} {} score {} ltv% {:?} profit {} npv {} payback {:?} roi {:?} ranks {}/{}/{} subj {:?} model {} dis {}", i.rank, i.name, i.score, i.model_ltv_change_pct, i.model_profit_change.round_dp(0), i.npv.round_dp(0), i.payback_month, i.roi.map(|r| r.round_dp(3)), i.rank_low, i.rank, i.rank_high, i.subjective_impact_rank, i.model_impact_rank, i.disagreement);
    }
    println!("{}", report.summary);
    let ja = plan(
        &sample(),
        &PlanOptions {
            lang: Lang::Ja,
            ..PlanOptions::default()
        },
    )
    .unwrap();
    println!("{}", ja.summary);
    let f = sample();
    let r = roi(
        &f.baseline,
        f.initiative("Onboarding programme").unwrap(),
        &RoiOptions::default(),
    )
    .unwrap();
    println!("{}", r.summary);
    let r = roi(
        &f.baseline,
        f.initiative("Onboarding programme").unwrap(),
        &RoiOptions {
            lang: Lang::Ja,
            ..RoiOptions::default()
        },
    )
    .unwrap();
    println!("{}", r.summary);
    let _ = d("1");
}
