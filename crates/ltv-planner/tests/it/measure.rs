//! The measured baseline and the bottleneck: a worked example, every warning, and the
//! invariants that make it one definition.

use ltv_core::Lang;
use ltv_planner::*;
use ltv_segments::{ChannelSpend, Spend, Transactions};
use proptest::prelude::*;

use crate::d;

/// Two channels, as of 2024-12-31:
/// - ads: a (3 orders: 100, 50, 50; live), b (1 order: 100 in Jan; churned), c (1
///   order: 40 in Jun; churned) — 5 orders, 340, churned 2;
/// - seo: e (2 orders: 60, 60; live) — no churned customer.
fn tx() -> Transactions {
    Transactions::from_rows(
        [
            ("a", Some("ads"), "2024-01-10", "100"),
            ("a", Some("ads"), "2024-06-10", "50"),
            ("a", Some("ads"), "2024-12-01", "50"),
            ("b", Some("ads"), "2024-01-20", "100"),
            ("c", Some("ads"), "2024-06-05", "40"),
            ("e", Some("seo"), "2024-11-01", "60"),
            ("e", Some("seo"), "2024-12-31", "60"),
        ]
        .iter()
        .map(|(i, c, day, a)| (*i, *c, day.parse().unwrap(), d(a))),
        None,
    )
    .unwrap()
}

fn spend(rows: &[(&str, &str, Option<u64>)]) -> Spend {
    Spend::ByChannel {
        channels: rows
            .iter()
            .map(|(c, s, n)| ChannelSpend {
                channel: (*c).into(),
                spend: d(s),
                new_customers: *n,
            })
            .collect(),
    }
}

fn options(margin: &str) -> MeasureOptions {
    MeasureOptions {
        margin: d(margin),
        ..MeasureOptions::default()
    }
}

#[test]
fn worked_example() {
    let s = spend(&[
        ("ads", "300", None),
        ("seo", "0", None),
        ("tv", "500", Some(10)),
    ]);
    let m = measure(&tx(), Some(&s), &options("0.5")).unwrap();
    let h = &m.headline;
    // all: 7 orders, 460, churned b and c; months: a Jan–Dec 12, b Jan 1, c Jun 1,
    // e Nov–Dec 2 = 16; LTV = AOV × margin × orders/month ÷ churn = revenue × margin ÷
    // churned = 460 × 0.5 ÷ 2
    assert_eq!(h.monthly_churn, d("0.125"));
    assert_eq!(h.ltv.round_dp(20), d("115"));
    assert_eq!(m.baseline.ltv().unwrap(), h.ltv);
    // blended CAC over the matched channels: (300 + 0) ÷ (3 + 1)
    assert_eq!(h.cac, Some(d("75")));
    assert_eq!(
        h.ltv_cac_ratio.unwrap().round_dp(20),
        d("1.5333333333333333333333").round_dp(20)
    );
    assert_eq!(h.band, Some(ltv_core::Band::NeedsImprovement));
    assert_eq!(
        h.max_cac.round_dp(20),
        d("38.333333333333333333333").round_dp(20)
    );
    // ads on the same basis: 340 × 0.5 ÷ 2 = 85; CAC 100; 0.85 unprofitable
    let ads = &m.channels[0];
    assert_eq!(ads.ltv.unwrap().round_dp(20), d("85"));
    assert_eq!(ads.cac, Some(d("100")));
    assert_eq!(ads.band, Some(ltv_core::Band::Unprofitable));
    // seo has no churned customer and spent nothing: no LTV, no band
    let seo = &m.channels[1];
    assert_eq!((seo.ltv, seo.band, seo.cac), (None, None, Some(d("0"))));
    let texts: Vec<String> = m.warnings.iter().map(|w| w.text(Lang::En)).collect();
    assert_eq!(
        texts,
        [
            "customers usually order every 152 days, so a customer who skips one order is counted as churned after 90 days without one: churn is overstated and LTV understated; for customers who order this rarely, set the churn threshold (inactive_days) to about 330 days",
            "only 2 customers have been inactive for more than 90 days, so the churn estimate, and every LTV built on it, is uncertain",
            "CAC file: channel 'tv' matches no channel in the data (the data has 'ads', 'seo'); its spend is left out of every CAC. Channel names must match exactly",
            "'seo' had no acquisition spend, so their LTV/CAC is not defined",
        ]
    );
    // the channels table of `ltv channels` is the same rows
    assert_eq!(m.channels_report().channels, m.channels);
    // every warning has a Japanese text
    assert!(m.warnings.iter().all(|w| !w.text(Lang::Ja).is_empty()));
}

#[test]
fn a_channel_without_churn_is_said_when_it_is_large_enough() {
    let mut rows = Vec::new();
    for i in 0..40 {
        rows.push((format!("s{i}"), "seo", "2024-12-01", "10"));
    }
    rows.push(("old".into(), "ads", "2023-01-01", "10"));
    let t = Transactions::from_rows(
        rows.iter()
            .map(|(i, c, day, a)| (i.as_str(), Some(*c), day.parse().unwrap(), d(a))),
        None,
    )
    .unwrap();
    let m = measure(&t, None, &MeasureOptions::default()).unwrap();
    assert!(m.warnings.iter().any(|w| matches!(
        w,
        Warning::ChannelChurnUnmeasured { channels, .. } if channels == &["seo".to_owned()]
    )));
}

#[test]
fn nothing_churned_is_not_measurable() {
    let t = Transactions::from_rows(
        [
            ("a", None, "2024-01-01", "10"),
            ("a", None, "2024-02-01", "10"),
        ]
        .iter()
        .map(|(i, c, day, a)| (*i, *c, day.parse().unwrap(), d(a))),
        None,
    )
    .unwrap();
    let err = measure(&t, None, &MeasureOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("churn cannot be estimated"),
        "{err}"
    );
    let err = measure(&t, None, &options("1.5")).unwrap_err();
    assert_eq!(err.to_string(), "margin must be in [0, 1], got 1.5");
    assert_eq!(err.field().as_deref(), Some("margin"));
}

#[test]
fn a_file_baseline_that_differs_is_named_field_by_field() {
    let m = measure(&tx(), None, &options("0.5")).unwrap();
    let mut file = m.baseline.clone();
    assert_eq!(m.compare(&file), None);
    if let Baseline::Ecommerce(e) = &mut file {
        e.aov = d("100");
        e.frequency += d("0.00001"); // within 0.5 %: not a difference
    }
    let w = m.compare(&file).unwrap();
    assert_eq!(
        w.text(Lang::En),
        "the initiatives file's [baseline] differs from the data (aov: file 100, data 65.7143); the data's values are used"
    );
}

#[test]
fn the_plan_starts_from_the_measured_baseline() {
    let m = measure(
        &tx(),
        Some(&spend(&[("ads", "300", None)])),
        &options("0.5"),
    )
    .unwrap();
    let file = PlanFile::from_toml_str(
        r#"
[[initiatives]]
name = "Win-back"
team = "cs"
driver = "churn"
change = "-1pt"
one_off_cost = 100
impact = 5
confidence = 5
ease = 5
"#,
    )
    .unwrap();
    assert_eq!(file.baseline().unwrap_err(), PlanError::NoBaseline);
    let file = file.with_baseline(m.baseline.clone()).unwrap();
    let case = roi_of(&file, "Win-back", &RoiOptions::default()).unwrap();
    assert_eq!(case.ltv_before, m.headline.ltv);
    assert_eq!(case.ratio_before, m.headline.ltv_cac_ratio);
    // churn 12.5 % → 11.5 % on an e-commerce baseline (lifespan = 1 ÷ (12 × churn))
    assert_eq!(case.driver_before, d("0.125"));
    assert_eq!(case.driver_after, d("0.115"));
}

/// Orders as (customer, channel, day offset from 2023-01-01, amount in cents).
fn orders() -> impl Strategy<Value = Vec<(u8, u8, u16, u32)>> {
    prop::collection::vec((0u8..60, 0u8..3, 0u16..730, 1u32..50_000), 20..200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// One definition: the headline LTV is the planner baseline's, equals revenue ×
    /// margin ÷ churned customers, channels are banded on their own LTV ÷ CAC, and
    /// every achievable improvement is at least as good as today.
    #[test]
    fn one_basis_everywhere(rows in orders(), margin_pct in 1u32..=100, cac in 1u32..500) {
        let start: ltv_segments::Day = "2023-01-01".parse().unwrap();
        let channels = ["ads", "seo", "email"];
        let t = Transactions::from_rows(
            rows.iter().map(|(c, ch, off, cents)| {
                (
                    format!("c{c}"),
                    channels[usize::from(*ch)],
                    start + i32::from(*off),
                    rust_decimal::Decimal::new(i64::from(*cents), 2),
                )
            })
            .collect::<Vec<_>>()
            .iter()
            .map(|(c, ch, day, a)| (c.as_str(), Some(*ch), *day, *a)),
            None,
        ).unwrap();
        let margin = rust_decimal::Decimal::new(i64::from(margin_pct), 2);
        let s = spend(&[("ads", &cac.to_string(), None), ("seo", &(cac * 2).to_string(), None)]);
        let Ok(m) = measure(&t, Some(&s), &MeasureOptions { margin, ..MeasureOptions::default() }) else {
            return Ok(()); // nothing churned yet
        };
        let h = &m.headline;
        prop_assert_eq!(m.baseline.ltv().unwrap(), h.ltv);
        let identity = h.revenue * margin / rust_decimal::Decimal::from(h.churned_customers);
        prop_assert!((h.ltv - identity).abs() < d("0.000000000001"), "{} vs {}", h.ltv, identity);
        for c in &m.channels {
            if let (Some(ltv), Some(cac), Some(r)) = (c.ltv, c.cac, c.ltv_cac_ratio) {
                prop_assert!((r - ltv / cac).abs() < d("0.000000000001"));
                prop_assert_eq!(c.band, Some(ltv_core::Band::of_ratio(r)));
            }
        }
        let b = bottleneck(&m, Lang::En).unwrap();
        for a in &b.drivers {
            prop_assert!(a.ltv_after >= a.ltv_before - d("0.000000000001"), "{:?}", a);
            if let (Some(x), Some(y)) = (a.ltv_cac_before, a.ltv_cac_after) {
                prop_assert!(y >= x - d("0.000000000001"), "{:?}", a);
            }
        }
    }
}
