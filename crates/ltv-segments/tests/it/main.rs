//! Integration tests of `ltv-segments`: the CDNOW sample, generated data and invariants.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ltv_segments::{
    channel_economics, cohorts, generate, rfm, summarize, CohortKey, CohortMetric, Day,
    LoadOptions, RfmOptions, SegmentMap, SynthConfig, TransactionColumns, Transactions,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const CDNOW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cdnow_sample.csv");

fn cdnow() -> Transactions {
    let options = LoadOptions {
        columns: TransactionColumns {
            date: "date".into(),
            ..TransactionColumns::default()
        },
        ..LoadOptions::default()
    };
    Transactions::open(CDNOW, b',', &options).unwrap()
}

/// The amounts summed naively, line by line.
fn naive_total(csv: &str, column: usize) -> Decimal {
    csv.lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .nth(column)
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
        })
        .sum()
}

#[test]
fn cdnow_counts_and_totals_reconcile() {
    let tx = cdnow();
    assert_eq!(tx.len(), 2357);
    assert_eq!(tx.order_count(), 6919);
    assert_eq!(tx.as_of(), Day::from_ymd(1998, 6, 30).unwrap());
    let text = std::fs::read_to_string(CDNOW).unwrap();
    let total = naive_total(&text, 3);
    assert_eq!(tx.total_amount().unwrap(), total);
    let summaries = summarize(&tx).unwrap();
    let sum: Decimal = summaries.iter().map(|s| s.monetary_total).sum();
    assert_eq!(sum, total);
    // 223 rows are second purchases on the same day: frequency counts days
    let days: u64 = summaries.iter().map(|s| s.frequency + 1).sum();
    assert_eq!(days, 6919 - 223);
    // every customer first bought in 1997 Q1
    assert!(summaries
        .iter()
        .all(|s| s.first_order < Day::from_ymd(1997, 4, 1).unwrap()));
}

#[test]
fn cdnow_rfm_segments_cover_everyone() {
    let tx = cdnow();
    let map = SegmentMap::preset("default").unwrap();
    let report = rfm(&tx, &RfmOptions::default(), &map).unwrap();
    let summary = report.summary(&map).unwrap();
    let customers: u64 = summary.iter().map(|s| s.customers).sum();
    assert_eq!(customers, 2357);
    let share: Decimal = summary.iter().map(|s| s.share).sum();
    assert!(
        (share - Decimal::ONE).abs() < Decimal::new(1, 20),
        "{share}"
    );
    let revenue: Decimal = summary.iter().map(|s| s.revenue).sum();
    assert_eq!(revenue, tx.total_amount().unwrap());
    assert!(report.rows().all(|c| !c.segment.is_empty()));
}

#[test]
fn cdnow_cohort_ltv_ends_at_revenue_per_customer() {
    let tx = cdnow();
    let m = cohorts(&tx, CohortKey::Quarter, CohortMetric::Ltv).unwrap();
    assert_eq!(m.rows.len(), 1);
    let last = m.rows[0].cells.last().copied().flatten().unwrap();
    assert_eq!(last, tx.total_amount().unwrap() / Decimal::from(2357));
}

#[test]
fn generated_data_loads_and_reconciles() {
    let mut csv = Vec::new();
    let stats = generate(&SynthConfig::new(2_000, 1), &mut csv).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let tx = Transactions::from_csv("gen.csv", csv, b',', &LoadOptions::default()).unwrap();
    assert_eq!(tx.order_count() as u64, stats.rows);
    assert_eq!(tx.len(), 2_000);
    assert_eq!(tx.total_amount().unwrap(), naive_total(&text, 2));
    assert_eq!(tx.channel_names().len(), 5);
    let channels = channel_economics(&tx, 12).unwrap();
    let customers: u64 = channels.channels.iter().map(|c| c.customers).sum();
    assert_eq!(customers, 2_000);
}

#[test]
fn daily_history_merges_same_day_and_splits_at_calibration() {
    let tx = cdnow();
    let c = tx
        .customers()
        .find(|c| c.orders.windows(2).any(|w| w[0].day == w[1].day))
        .unwrap();
    let daily = c.daily_history();
    let total: Decimal = c.orders.iter().map(|o| o.amount).sum();
    assert_eq!(daily.iter().map(|d| d.amount).sum::<Decimal>(), total);
    assert!(daily.windows(2).all(|w| w[0].day < w[1].day));
    let cut = daily[0].day;
    assert_eq!(c.daily_history_until(cut).len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn totals_reconcile_and_scores_in_range(
        rows in proptest::collection::vec((0u8..30, 0i32..700, -10_000i64..100_000), 1..150),
        bins in 2u32..10,
    ) {
        let base = Day::from_ymd(2023, 1, 1).unwrap().days();
        let mut csv = String::from("customer_id,order_date,amount\n");
        for (c, d, a) in &rows {
            csv.push_str(&format!("c{c},{},{}\n", Day::from_days(base + d), Decimal::new(*a, 2)));
        }
        let tx = Transactions::from_csv("p.csv", csv.clone().into_bytes(), b',', &LoadOptions::default()).unwrap();
        let input: Decimal = rows.iter().map(|r| Decimal::new(r.2, 2)).sum();
        prop_assert_eq!(tx.total_amount().unwrap(), input);
        let summaries = summarize(&tx).unwrap();
        prop_assert_eq!(summaries.iter().map(|s| s.monetary_total).sum::<Decimal>(), input);
        prop_assert_eq!(summaries.iter().map(|s| s.orders).sum::<u64>(), rows.len() as u64);
        let map = SegmentMap::from_toml("all.toml", "[[segment]]\nname = \"All\"\n").unwrap();
        let report = rfm(&tx, &RfmOptions { bins, ..RfmOptions::default() }, &map).unwrap();
        let rows: Vec<_> = report.rows().collect();
        for row in &rows {
            for s in [row.r, row.f, row.m] {
                prop_assert!((1..=bins).contains(&s));
            }
        }
        // ties share a score
        for a in &rows {
            for b in &rows {
                if a.frequency == b.frequency { prop_assert_eq!(a.f, b.f); }
                if a.monetary_total == b.monetary_total { prop_assert_eq!(a.m, b.m); }
                if a.recency_days == b.recency_days { prop_assert_eq!(a.r, b.r); }
            }
        }
        let summary = report.summary(&map).unwrap();
        for s in &summary {
            prop_assert!(s.share >= Decimal::ZERO && s.share <= Decimal::ONE);
        }
    }
}

/// Several chunks (4 threads, a ~5 MB file): customers come out in order of first
/// appearance with the channel of their earliest order, exactly as a naive pass says.
#[test]
fn multi_chunk_load_matches_a_naive_pass() {
    use std::collections::HashMap;
    let mut csv = Vec::new();
    generate(&SynthConfig::new(40_000, 3), &mut csv).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    let mut order: Vec<&str> = Vec::new();
    let mut seen: HashMap<&str, (usize, &str, &str, Decimal)> = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let amount: Decimal = f[2].parse().unwrap();
        match seen.get_mut(f[0]) {
            None => {
                order.push(f[0]);
                seen.insert(f[0], (1, f[1], f[3], amount));
            }
            Some(e) => {
                e.0 += 1;
                e.3 += amount;
                if f[1] < e.1 {
                    e.1 = f[1];
                    e.2 = f[3];
                }
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let tx = pool
        .install(|| Transactions::from_csv("gen.csv", csv, b',', &LoadOptions::default()))
        .unwrap();
    assert!(text.len() > 4 << 20, "the file must span several chunks");
    assert_eq!(tx.len(), order.len());
    for (c, id) in tx.customers().zip(&order) {
        assert_eq!(c.id, *id);
        let (rows, first, channel, total) = seen[id];
        assert_eq!(c.orders.len(), rows);
        assert_eq!(c.first_day().unwrap().to_string(), first);
        assert_eq!(c.channel, Some(channel));
        assert_eq!(c.orders.iter().map(|o| o.amount).sum::<Decimal>(), total);
        assert!(c.orders.windows(2).all(|w| w[0].day <= w[1].day));
    }
}

/// Amounts whose absolute values cannot be summed are refused at load, so no analysis
/// (cohorts, channels, daily histories) can overflow a sum and panic later.
#[test]
fn amounts_too_large_to_sum_are_refused_at_load() {
    let max = "79228162514264337593543950335";
    let csv = format!("customer_id,order_date,amount\na,2024-01-01,{max}\na,2024-02-01,{max}\n");
    let err = Transactions::from_csv(
        "huge.csv",
        csv.into_bytes(),
        b',',
        &ltv_segments::LoadOptions::default(),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string()
            .starts_with("huge.csv: the amounts are too large"),
        "{err}"
    );
    // one such amount alone is fine, and so are its analyses
    let csv = format!("customer_id,order_date,amount\na,2024-01-01,{max}\nb,2024-02-01,0\n");
    let tx = Transactions::from_csv(
        "one.csv",
        csv.into_bytes(),
        b',',
        &ltv_segments::LoadOptions::default(),
    )
    .unwrap();
    let m = ltv_segments::cohorts(
        &tx,
        ltv_segments::CohortKey::Channel,
        ltv_segments::CohortMetric::Revenue,
    )
    .unwrap();
    assert_eq!(m.rows.len(), 1);
}
