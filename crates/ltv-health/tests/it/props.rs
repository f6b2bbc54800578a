//! Invariants on random usage tables: every score is in 0..=100 and its band follows
//! from it, every current customer is scored once, and the order of the rows changes
//! nothing.

use ltv_health::{assess, read_usage, Band, HealthOptions};
use ltv_segments::CsvFile;
use proptest::prelude::*;

fn report(csv: &str) -> serde_json::Value {
    let file = CsvFile::from_bytes("usage.csv", csv.as_bytes().to_vec(), b',').unwrap();
    let options = HealthOptions::new("2024-06-30".parse().unwrap());
    let usage = read_usage(&file, &options).unwrap();
    serde_json::to_value(assess(&usage, None, &options).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn scores_bands_and_row_order(
        rows in prop::collection::vec(
            (0u8..12, 1u32..=6, 1u32..=28, 0usize..4, 0u32..500),
            1..120,
        ),
        rotate in 0usize..120,
    ) {
        let metrics = ["logins", "seats", "tickets", "nps"];
        let lines: Vec<String> = rows
            .iter()
            .map(|(c, m, d, k, v)| {
                let metric = metrics[*k];
                let value = if metric == "nps" { v % 11 } else { *v };
                format!("c{c},2024-{m:02}-{d:02},{metric},{value}\n")
            })
            .collect();
        let csv = format!("customer_id,date,metric,value\n{}", lines.concat());
        let file = CsvFile::from_bytes("usage.csv", csv.as_bytes().to_vec(), b',').unwrap();
        let options = HealthOptions::new("2024-06-30".parse().unwrap());
        let Ok(usage) = read_usage(&file, &options) else {
            // only tickets/nps rows: no usage metric (an error, tested elsewhere)
            return Ok(());
        };
        let r = assess(&usage, None, &options).unwrap();
        let mut ids = std::collections::BTreeSet::new();
        for c in r.customers.iter() {
            prop_assert!(c.score <= 100);
            prop_assert_eq!(c.band, Band::of(c.score));
            prop_assert!(c.reasons.len() <= 3);
            prop_assert!(ids.insert(c.customer_id.clone()), "scored twice");
        }
        prop_assert_eq!(
            r.summary.healthy + r.summary.watch + r.summary.at_risk,
            r.customers.len()
        );
        let mut shuffled = lines.clone();
        let k = rotate % shuffled.len();
        shuffled.rotate_left(k);
        shuffled.reverse();
        let other = format!("customer_id,date,metric,value\n{}", shuffled.concat());
        prop_assert_eq!(report(&csv), report(&other));
    }
}
