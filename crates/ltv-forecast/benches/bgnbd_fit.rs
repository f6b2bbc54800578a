//! Benchmark (not a test): BG/NBD fit on 1,000,000 customers — the CDNOW calibration
//! summary (2,357 customers) repeated 425 times and truncated — as in the comparison
//! with Python `lifetimes` (about 7 s on the CDNOW summary repeated to 943k rows).
//!
//! Run with `cargo bench -p ltv-forecast` (or with everything else: `cargo xtask bench`).
//! The last line is the machine-readable summary `cargo xtask bench` reads:
//! `BENCH name=forecast.bgnbd_fit size=… value=<median s> unit=s rss_mb=<peak RSS>`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

use ltv_forecast::{
    fit_bgnbd, summarise, Compressed, CustomerHistory, Observation, Purchase, TimeUnit,
};

fn day(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn cdnow() -> Vec<CustomerHistory> {
    let text = include_str!("../tests/data/cdnow_sample.csv");
    let mut out: Vec<CustomerHistory> = Vec::new();
    for line in text.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let p: Vec<i64> = c[1].split('-').map(|v| v.parse().unwrap()).collect();
        let purchase = Purchase {
            day: day(p[0], p[1], p[2]),
            amount: c[3].parse().unwrap(),
        };
        match out.last_mut() {
            Some(h) if h.customer_id == c[0] => h.purchases.push(purchase),
            _ => out.push(CustomerHistory {
                customer_id: c[0].to_string(),
                purchases: vec![purchase],
            }),
        }
    }
    out
}

fn main() {
    let s = summarise(&cdnow(), day(1997, 9, 30), TimeUnit::Week).unwrap();
    let base: Vec<Observation> = s.customers.iter().map(|c| c.observation()).collect();
    let data: Vec<Observation> = base.iter().copied().cycle().take(1_000_000).collect();

    let runs = 5;
    let mut compress = Vec::new();
    let mut total = Vec::new();
    let mut fit = None;
    for _ in 0..runs {
        let t0 = Instant::now();
        let c = Compressed::new(black_box(&data)).unwrap();
        compress.push(t0.elapsed().as_secs_f64());
        black_box(c);
        let t0 = Instant::now();
        fit = Some(fit_bgnbd(black_box(&data)).unwrap());
        total.push(t0.elapsed().as_secs_f64());
    }
    compress.sort_by(f64::total_cmp);
    total.sort_by(f64::total_cmp);
    let fit = fit.unwrap();
    println!(
        "bgnbd_fit/1_000_000 customers ({} distinct triples): median {:.3} s (min {:.3}, max {:.3}) over {runs} runs; compression alone median {:.3} s",
        fit.distinct_triples, total[runs / 2], total[0], total[runs - 1], compress[runs / 2]
    );
    println!(
        "  r = {:.4}, alpha = {:.4}, a = {:.4}, b = {:.4}, LL = {:.1}, converged = {}, evaluations = {}",
        fit.params.r,
        fit.params.alpha,
        fit.params.a,
        fit.params.b,
        fit.log_likelihood,
        fit.converged,
        fit.convergence.evaluations
    );
    let rss = peak_rss_mb().map_or_else(String::new, |mb| format!(" rss_mb={mb:.1}"));
    println!(
        "BENCH name=forecast.bgnbd_fit size={}_customers value={:.4} unit=s{rss}",
        group(data.len()),
        total[runs / 2]
    );
}

/// This process's peak resident memory (`VmHWM` in `/proc/self/status`), Linux only.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `1000000` → `1,000,000`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
