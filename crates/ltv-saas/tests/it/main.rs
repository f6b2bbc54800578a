//! Integration tests of `ltv-saas`: the hand-checked fixture and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ltv_saas::{MrrRow, MrrTable};

mod fixture;
mod props;
mod read;

/// Reads a simple, valid MRR CSV (`customer_id,month,mrr[,plan,channel]`) without the
/// crate's reader, so the engine tests do not depend on it.
fn load(path: &str) -> MrrTable {
    let text = std::fs::read_to_string(path).unwrap();
    let rows = text.lines().skip(1).map(|line| {
        let f: Vec<&str> = line.split(',').collect();
        MrrRow {
            customer_id: f[0].into(),
            month: f[1].parse().unwrap(),
            mrr: f[2].parse().unwrap(),
            plan: f.get(3).map(|s| s.to_string()),
            channel: f.get(4).map(|s| s.to_string()),
        }
    });
    MrrTable::from_rows(rows, false).unwrap()
}

fn d(s: &str) -> ltv_saas::Month {
    s.parse().unwrap()
}
