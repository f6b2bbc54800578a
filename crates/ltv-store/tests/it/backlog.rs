//! Initiatives, ratings, moves, imports and the audit log on both back ends.

use ltv_planner::{plan, PlanFile, PlanOptions};
use ltv_store::{
    Filter, InitiativeKey, InitiativePatch, NewInitiative, Scores, Status, Store, StoreError,
};

use crate::{block_on, databases};

const PLAN: &str = include_str!("../../../../examples/initiatives.toml");

fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

#[test]
fn lifecycle_ratings_and_audit() {
    for (backend, url) in databases("lifecycle") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            let mut new = NewInitiative::new("Onboarding calls", "cs", "churn", "-1pt").unwrap();
            new.hypothesis = "customers who get a call in week 1 stay longer".into();
            new.target = Some(ltv_store::Target::parse("channel:search").unwrap());
            let added = store.add(new.clone(), "aiko").await.unwrap();
            assert_eq!(
                (added.status, added.version),
                (Status::Idea, 1),
                "{backend}"
            );
            let key = InitiativeKey::name("Onboarding calls");

            // two raters; the second rating of a rater replaces the first for ranking
            store
                .rate(
                    &key,
                    "ken",
                    &Scores::ice("x", "8", "6", "7").unwrap(),
                    None,
                    "ken",
                )
                .await
                .unwrap();
            store
                .rate(
                    &key,
                    "mio",
                    &Scores::ice("x", "5", "4", "8").unwrap(),
                    None,
                    "mio",
                )
                .await
                .unwrap();
            let rated = store
                .rate(
                    &key,
                    "ken",
                    &Scores::ice("x", "7", "6", "7").unwrap(),
                    None,
                    "ken",
                )
                .await
                .unwrap();
            assert_eq!(rated.version, 4);
            assert_eq!(rated.ratings.len(), 2, "{backend}: latest per rater");
            let ken = rated.ratings.iter().find(|r| r.rater == "ken").unwrap();
            assert!(
                matches!(ken.scores, Scores::Ice { impact, .. } if impact == ltv_planner::Estimate::One(d("7")))
            );

            // the lifecycle, with dates
            let date = |s: &str| s.parse().unwrap();
            store
                .move_to(&key, Status::Approved, date("2024-03-01"), Some(4), "aiko")
                .await
                .unwrap();
            let running = store
                .move_to(&key, Status::Running, date("2024-03-15"), None, "aiko")
                .await
                .unwrap();
            assert_eq!(running.start_date, Some(date("2024-03-15")));
            let err = store
                .move_to(&key, Status::Done, date("2024-03-01"), None, "aiko")
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "initiative \"Onboarding calls\": date must be on or after the start date 2024-03-15, got 2024-03-01"
            );
            let done = store
                .move_to(&key, Status::Done, date("2024-09-30"), None, "aiko")
                .await
                .unwrap();
            assert_eq!(done.end_date, Some(date("2024-09-30")));
            let err = store
                .move_to(&key, Status::Running, date("2024-10-01"), None, "aiko")
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "initiative \"Onboarding calls\" cannot move from done to running: done is final"
            );

            let history = store.history(&key).await.unwrap();
            let ops: Vec<(&str, &str)> = history
                .changes
                .iter()
                .map(|c| (c.operation.as_str(), c.actor.as_str()))
                .collect();
            assert_eq!(
                ops,
                [
                    ("create", "aiko"),
                    ("rate", "ken"),
                    ("rate", "mio"),
                    ("rate", "ken"),
                    ("move", "aiko"),
                    ("move", "aiko"),
                    ("move", "aiko"),
                ],
                "{backend}"
            );
            assert_eq!(history.ratings.len(), 3, "every rating is kept");
            let moved = &history.changes[5].changes();
            let fields: Vec<&str> = moved.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["start_date", "status"]);
            assert_eq!(moved[1].before, "approved");
            assert_eq!(moved[1].after, "running");
            // the second ken rating's audit entry has the first as its "before"
            assert!(history.changes[3].before.is_some());
            assert_eq!(history.initiative.fields.hypothesis, new.hypothesis);
        });
    }
}

#[test]
fn bad_input_changes_nothing() {
    for (backend, url) in databases("bad-input") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            let new = NewInitiative::new("Win-back mail", "marketing", "frequency", "+5%").unwrap();
            store.add(new.clone(), "aiko").await.unwrap();
            let before = store.audit_log().await.unwrap().len();
            let key = InitiativeKey::name("Win-back mail");
            let unknown = InitiativeKey::name("Nope");
            let date = "2024-01-01".parse().unwrap();

            let errors = [
                store.add(new.clone(), "aiko").await.unwrap_err(),
                store
                    .rate(
                        &unknown,
                        "ken",
                        &Scores::ice("Nope", "5", "5", "5").unwrap(),
                        None,
                        "ken",
                    )
                    .await
                    .unwrap_err(),
                store
                    .move_to(&key, Status::Running, date, None, "aiko")
                    .await
                    .unwrap_err(),
                store
                    .move_to(&key, Status::Approved, date, Some(7), "aiko")
                    .await
                    .unwrap_err(),
                store
                    .rate(
                        &key,
                        "ken",
                        &Scores::Ice {
                            impact: ltv_planner::Estimate::One(d("0")),
                            confidence: ltv_planner::Estimate::One(d("5")),
                            ease: ltv_planner::Estimate::One(d("5")),
                        },
                        None,
                        "ken",
                    )
                    .await
                    .unwrap_err(),
                store
                    .update(
                        &key,
                        &InitiativePatch {
                            driver: Some("expansion".into()),
                            ..InitiativePatch::default()
                        },
                        None,
                        "aiko",
                    )
                    .await
                    .unwrap_err(),
            ];
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            assert_eq!(
                lines[0], "initiative \"Win-back mail\" exists already",
                "{backend}"
            );
            assert_eq!(lines[1], "unknown initiative \"Nope\"");
            assert_eq!(
                lines[2],
                "initiative \"Win-back mail\" cannot move from idea to running: allowed from idea: approved, dropped"
            );
            assert!(matches!(
                errors[3],
                StoreError::VersionMismatch {
                    expected: 7,
                    actual: 1,
                    ..
                }
            ));
            assert_eq!(
                lines[4],
                "initiative \"Win-back mail\": impact must be in [1, 10], got 0"
            );
            assert!(
                lines[5].starts_with("initiative \"Win-back mail\": driver must be one of arpu")
            );
            assert_eq!(store.audit_log().await.unwrap().len(), before, "{backend}");
            let i = store.get(&key).await.unwrap();
            assert_eq!((i.version, i.status, i.ratings.len()), (1, Status::Idea, 0));
        });
    }
}

#[test]
fn import_is_idempotent_and_ranks_like_plan() {
    for (backend, url) in databases("import") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            let file = PlanFile::from_toml_str(PLAN).unwrap();
            let first = store.import(&file, "aiko").await.unwrap();
            assert_eq!(first.created.len(), 6, "{backend}");
            assert_eq!(first.ratings_added, 14);
            assert_eq!(first.baselines_changed, ["baseline", "consulting", "shop"]);
            let audit = store.audit_log().await.unwrap().len();

            let again = store.import(&file, "ken").await.unwrap();
            assert!(again.created.is_empty() && again.updated.is_empty());
            assert_eq!((again.unchanged.len(), again.ratings_added), (6, 0));
            assert_eq!(
                store.audit_log().await.unwrap().len(),
                audit,
                "re-import writes nothing"
            );

            // an edited file updates in place, never duplicates
            let edited = PLAN.replace(
                "change = \"+5%\"                   # 6 → 6.3",
                "change = \"+8%\"  #",
            );
            let edited = PlanFile::from_toml_str(&edited).unwrap();
            let third = store.import(&edited, "ken").await.unwrap();
            assert_eq!(third.updated, ["Replenishment reminders"]);
            let all = store.initiatives(&Filter::default()).await.unwrap();
            assert_eq!(all.len(), 6);

            // without a snapshot the imported baselines rank, exactly as `ltv plan`
            let backlog = store
                .backlog(&Filter::default(), &PlanOptions::default())
                .await
                .unwrap();
            let expected = plan(&edited, &PlanOptions::default()).unwrap();
            let ranked: Vec<_> = backlog
                .entries
                .iter()
                .filter_map(|e| e.planned.clone())
                .collect();
            assert_eq!(ranked, expected.initiatives, "{backend}");
            assert_eq!(backlog.summary, Some(expected.summary));
        });
    }
}

#[test]
fn invalid_import_writes_nothing() {
    for (backend, url) in databases("import-invalid") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            let mut file = PlanFile::from_toml_str(PLAN).unwrap();
            file.initiatives[4].yearly_cost = d("-1");
            let err = store.import(&file, "aiko").await.unwrap_err();
            assert_eq!(
                err.to_string(),
                "initiative \"Loyalty programme\": yearly_cost must be >= 0, got -1",
                "{backend}"
            );
            assert!(store
                .initiatives(&Filter::default())
                .await
                .unwrap()
                .is_empty());
            assert_eq!(
                store.audit_log().await.unwrap().len(),
                ltv_store::SCHEMA_VERSION as usize,
                "only the migrations"
            );
        });
    }
}

#[test]
fn stale_versions_and_renames() {
    for (backend, url) in databases("versions") {
        block_on(async {
            let (store, _) = Store::init(&url, "aiko").await.unwrap();
            let a = store
                .add(
                    NewInitiative::new("A", "sales", "aov", "+3%").unwrap(),
                    "aiko",
                )
                .await
                .unwrap();
            store
                .add(
                    NewInitiative::new("B", "sales", "aov", "+3%").unwrap(),
                    "aiko",
                )
                .await
                .unwrap();
            let key = InitiativeKey::Id(a.id);
            let patch = InitiativePatch {
                yearly_cost: Some(d("500000")),
                ..InitiativePatch::default()
            };
            let updated = store.update(&key, &patch, Some(1), "aiko").await.unwrap();
            assert_eq!(updated.version, 2, "{backend}");
            assert_eq!(updated.etag(), format!("\"{}-2\"", a.id));
            // the same patch against the old version is refused
            let stale = store
                .update(&key, &patch, Some(1), "ken")
                .await
                .unwrap_err();
            assert_eq!(
                stale.to_string(),
                "initiative \"A\" has changed: version 2, the change was made against version 1"
            );
            let rename = InitiativePatch {
                name: Some("B".into()),
                ..InitiativePatch::default()
            };
            assert_eq!(
                store
                    .update(&key, &rename, None, "aiko")
                    .await
                    .unwrap_err()
                    .to_string(),
                "initiative \"B\" exists already"
            );
            store.delete(&key, Some(2), "aiko").await.unwrap();
            assert!(matches!(
                store.get(&key).await.unwrap_err(),
                StoreError::UnknownInitiative { .. }
            ));
            let log = store.audit_log().await.unwrap();
            let last = log.last().unwrap();
            assert_eq!(
                (last.operation.as_str(), last.after.is_none()),
                ("delete", true)
            );
        });
    }
}
