//! The loop on both back ends: snapshots as a time series, ranking on the latest one,
//! measurement after launch and rater calibration.

use ltv_planner::PlanOptions;
use ltv_store::{
    Assessment, BaselineSource, ChannelKpis, Filter, Headline, InitiativeKey, MeasureOptions,
    NewInitiative, Scores, SnapshotKpis, Status, Store, Verdict,
};
use rust_decimal::Decimal;

use crate::{block_on, databases};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A month-end snapshot with overall churn `churn` and orders per year `freq`.
fn kpis(as_of: &str, churn: &str, freq: &str) -> SnapshotKpis {
    let channel = |name: &str, customers: u64| ChannelKpis {
        channel: name.into(),
        customers,
        ltv: Some(d("300")),
        cac: None,
        ltv_cac_ratio: None,
        band: None,
        max_cac: Some(d("100")),
        monthly_churn: Some(d(churn)),
        aov: Some(d("80")),
        orders_per_year: Some(d(freq)),
    };
    SnapshotKpis {
        as_of: as_of.parse().unwrap(),
        source: "orders.csv".into(),
        currency: Some("¥".into()),
        headline: Headline {
            ltv: d("300"),
            ltv_basis: "gross margin".into(),
            margin: d("0.4"),
            cac: Some(d("100")),
            ltv_cac_ratio: Some(d("3")),
            band: Some(ltv_core::Band::Healthy),
            payback_months: None,
            monthly_churn: d(churn),
            inactive_days: 90,
            aov: d("80"),
            orders_per_year: d(freq),
            repeat_rate: None,
            max_cac: d("100"),
            customers: 2000,
            active_customers: 1200,
            new_customers_per_month: d("40"),
            nrr: None,
        },
        channels: vec![channel("search", 800), channel("social", 1200)],
        warnings: vec![],
        baseline: None,
    }
}

#[test]
fn snapshots_measurement_and_calibration() {
    for (backend, url) in databases("loop") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            // churn is flat around 5 % before April and falls to 4.4 % by July;
            // frequency only wobbles
            let series = [
                ("2024-01-31", "0.05", "4"),
                ("2024-02-29", "0.0502", "4.02"),
                ("2024-03-31", "0.0499", "3.99"),
                ("2024-07-31", "0.044", "4.01"),
            ];
            for (as_of, churn, freq) in series {
                store
                    .add_snapshot(&kpis(as_of, churn, freq), "finance")
                    .await
                    .unwrap();
            }
            // taking July again replaces it (the audit log keeps the old numbers)
            store
                .add_snapshot(&kpis("2024-07-31", "0.044", "4.01"), "finance")
                .await
                .unwrap();
            let snaps = store.snapshots().await.unwrap();
            assert_eq!(snaps.len(), 4, "{backend}");
            assert_eq!(snaps[3].kpis, kpis("2024-07-31", "0.044", "4.01"));

            let plans = [
                ("Onboarding calls", "churn", "-1pt"),
                ("Replenishment mail", "frequency", "+5%"),
                ("Annual plan", "churn", "-0.5pt"),
            ];
            for (name, driver, change) in plans {
                store
                    .add(
                        NewInitiative::new(name, "cs", driver, change).unwrap(),
                        "aiko",
                    )
                    .await
                    .unwrap();
                let key = InitiativeKey::name(name);
                store
                    .rate(
                        &key,
                        "ken",
                        &Scores::ice(name, "8", "9", "6").unwrap(),
                        None,
                        "ken",
                    )
                    .await
                    .unwrap();
                for (to, date) in [
                    (Status::Approved, "2024-03-20"),
                    (Status::Running, "2024-04-01"),
                    (Status::Done, "2024-07-31"),
                ] {
                    store
                        .move_to(&key, to, date.parse().unwrap(), None, "aiko")
                        .await
                        .unwrap();
                }
            }

            let m = store
                .measure(
                    &InitiativeKey::name("Onboarding calls"),
                    &MeasureOptions::default(),
                )
                .await
                .unwrap();
            assert_eq!(m.before.as_ref().unwrap().as_of.to_string(), "2024-03-31");
            assert_eq!(m.after.as_ref().unwrap().as_of.to_string(), "2024-07-31");
            assert_eq!(m.actual_change, Some(d("-0.0059")), "{backend}");
            assert_eq!(m.planned_change, Some(d("-0.01")));
            assert_eq!(m.realised_share, Some(d("0.59")));
            assert_eq!(m.usual_variation, Some(d("0.0003")));
            assert_eq!(m.verdict, Verdict::Measured);
            let roi = m.roi_so_far.clone().unwrap();
            assert_eq!(roi.months, 3);

            let freq = store
                .measure(
                    &InitiativeKey::name("Replenishment mail"),
                    &MeasureOptions::default(),
                )
                .await
                .unwrap();
            assert_eq!(freq.verdict, Verdict::WithinNoise, "{:?}", freq.statements);

            // ken said 9/10 three times; the plans delivered 59 %, 0 % (capped) and 100 %
            let cal = store.calibration(&MeasureOptions::default()).await.unwrap();
            assert_eq!(cal.len(), 1);
            let ken = &cal[0];
            assert_eq!((ken.rater.as_str(), ken.initiatives), ("ken", 3));
            assert_eq!(ken.mean_confidence, d("9"));
            assert_eq!(ken.assessment, Assessment::OverConfident, "{ken:?}");

            // the latest snapshot is the ranking's baseline
            let backlog = store
                .backlog(&Filter::default(), &PlanOptions::default())
                .await
                .unwrap();
            assert!(matches!(
                backlog.baseline_source,
                BaselineSource::Snapshot { .. }
            ));
            assert_eq!(
                backlog
                    .entries
                    .iter()
                    .filter(|e| e.planned.is_some())
                    .count(),
                3
            );

            let board = store.board(&PlanOptions::default()).await.unwrap();
            assert_eq!(board.columns[3].count, 3, "done column");
            assert_eq!(board.trend.len(), 4);
            assert_eq!(board.measured.len(), 3);
        });
    }
}
