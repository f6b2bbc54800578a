//! The CDNOW sample (Fader, Hardie & Lee 2005), parsed with a few lines of test code.

use ltv_forecast::{CustomerHistory, Purchase};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn day(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn parse_date(s: &str) -> i64 {
    let p: Vec<i64> = s.split('-').map(|v| v.parse().unwrap()).collect();
    day(p[0], p[1], p[2])
}

/// Calibration end of FHL (2005): 1997-09-30, 39 weeks after 1997-01-01.
pub fn calibration_end() -> i64 {
    day(1997, 9, 30)
}

/// End of the 39-week holdout: 1998-06-30.
pub fn holdout_end() -> i64 {
    day(1998, 6, 30)
}

pub fn histories() -> Vec<CustomerHistory> {
    let text = include_str!("../data/cdnow_sample.csv");
    let mut out: Vec<CustomerHistory> = Vec::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let purchase = Purchase {
            day: parse_date(cells[1]),
            amount: cells[3].parse().unwrap(),
        };
        match out.last_mut() {
            Some(h) if h.customer_id == cells[0] => h.purchases.push(purchase),
            _ => out.push(CustomerHistory {
                customer_id: cells[0].to_string(),
                purchases: vec![purchase],
            }),
        }
    }
    out
}

#[test]
fn date_arithmetic() {
    assert_eq!(day(1970, 1, 1), 0);
    assert_eq!(calibration_end() - day(1997, 1, 1), 272);
    assert_eq!(holdout_end() - calibration_end(), 273);
}
