//! A seeded synthetic transactions generator for benchmarks, demos and tests.
//!
//! The customer base follows the buy-till-you-die story of the BTYD literature
//! (Fader, Hardie & Lee 2005): customers are acquired over the window at a growing
//! rate through five channels; each has their own purchase rate λ ~ Gamma (orders per
//! year, heterogeneous), purchases arrive as a Poisson process, after each purchase the
//! customer drops out with their own probability p ~ Beta, and order values are
//! Gamma-distributed around a customer-specific mean that is itself Gamma (the
//! Gamma-Gamma spend model). About 1 % of repeat orders are refunds. Channels differ in
//! purchase rate and spend. The same `(customers, seed)` always gives the same file.
//!
//! Output: `customer_id,order_date,amount,channel`, rows sorted by date (as exports
//! usually are), amounts with two decimals.

use std::io::{self, Write};

use crate::day::Day;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of customers.
    pub customers: u64,
    /// PRNG seed.
    pub seed: u64,
    /// First day of the window.
    pub start: Day,
    /// Last day of the window.
    pub end: Day,
}

impl SynthConfig {
    /// `customers` over 2022-01-01..=2024-12-31 with `seed`.
    pub fn new(customers: u64, seed: u64) -> SynthConfig {
        SynthConfig {
            customers,
            seed,
            start: Day::from_days(18_993), // 2022-01-01
            end: Day::from_days(20_088),   // 2024-12-31
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SynthStats {
    /// Data rows written (orders).
    pub rows: u64,
    /// Bytes written, header included.
    pub bytes: u64,
}

/// The five acquisition channels: name, share of new customers, purchase-rate and
/// spend multipliers.
pub const CHANNELS: [(&str, f64, f64, f64); 5] = [
    ("organic", 0.30, 1.10, 1.00),
    ("search", 0.25, 1.00, 1.10),
    ("social", 0.20, 0.80, 0.80),
    ("email", 0.15, 1.30, 0.90),
    ("referral", 0.10, 1.20, 1.30),
];

/// SplitMix64: a tiny, fast, well-distributed 64-bit PRNG (Steele, Lea & Flood 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Exponential with mean 1.
    pub fn exponential(&mut self) -> f64 {
        -self.uniform().ln()
    }

    /// Gamma(shape, scale) by Marsaglia & Tsang (2000).
    pub fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0, scale) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v * scale;
            }
        }
    }

    /// Beta(a, b) from two gammas.
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a, 1.0);
        let y = self.gamma(b, 1.0);
        x / (x + y)
    }
}

struct Row {
    day: i32,
    customer: u32,
    cents: i64,
    channel: u8,
}

/// Writes a synthetic transactions CSV to `out`.
///
/// # Errors
/// I/O errors of `out`.
///
/// ```
/// use ltv_segments::{generate, SynthConfig};
/// let mut a = Vec::new();
/// let stats = generate(&SynthConfig::new(50, 7), &mut a)?;
/// let mut b = Vec::new();
/// generate(&SynthConfig::new(50, 7), &mut b)?;
/// assert_eq!(a, b); // deterministic
/// assert!(stats.rows >= 50);
/// assert!(a.starts_with(b"customer_id,order_date,amount,channel\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn generate(config: &SynthConfig, out: &mut dyn Write) -> io::Result<SynthStats> {
    let mut rng = SplitMix64::new(config.seed ^ 0x6C74_765F_7365_6773);
    let start = config.start.days();
    let span = f64::from((config.end.days() - start).max(1));
    let mut rows: Vec<Row> = Vec::with_capacity((config.customers * 9) as usize);
    for id in 0..config.customers {
        // acquisition rate grows linearly over the window: day = span × √u
        let first = start + (span * rng.uniform().sqrt()) as i32;
        let pick = rng.uniform();
        let mut acc = 0.0;
        let mut channel = 0u8;
        for (i, (_, share, _, _)) in CHANNELS.iter().enumerate() {
            acc += share;
            if pick <= acc {
                channel = i as u8;
                break;
            }
            channel = i as u8;
        }
        let (_, _, rate_mult, spend_mult) = CHANNELS[channel as usize];
        // BG/NBD-style heterogeneity: λ ~ Gamma(0.9, 5.5 / 0.9) orders a year (mean ≈ 5.5),
        // drop-out after each purchase p ~ Beta(1.2, 6) (mean ≈ 0.17).
        let lambda = rng.gamma(0.9, 5.5 / 0.9) * rate_mult / 365.25;
        let p = rng.beta(1.2, 6.0);
        // Gamma-Gamma spend: customer mean ν ~ 60 × Gamma(6, 1/6); orders Gamma(4, ν/4).
        let mean = 60.0 * spend_mult * rng.gamma(6.0, 1.0 / 6.0);
        let mut day = f64::from(first);
        let mut repeat = false;
        loop {
            let mut cents = (rng.gamma(4.0, mean / 4.0) * 100.0).round() as i64;
            cents = cents.max(1);
            if repeat && rng.uniform() < 0.01 {
                cents = -cents / 2;
            }
            rows.push(Row {
                day: day as i32,
                customer: id as u32,
                cents,
                channel,
            });
            if rng.uniform() < p || lambda <= 0.0 {
                break;
            }
            day += rng.exponential() / lambda;
            if day > f64::from(config.end.days()) {
                break;
            }
            repeat = true;
        }
    }
    rows.sort_by_key(|r| r.day);
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    let header = b"customer_id,order_date,amount,channel\n";
    w.write_all(header)?;
    let mut stats = SynthStats {
        rows: 0,
        bytes: header.len() as u64,
    };
    let mut line = String::with_capacity(64);
    let mut last_day = i32::MIN;
    let mut date = String::new();
    for r in &rows {
        if r.day != last_day {
            date = Day::from_days(r.day).to_string();
            last_day = r.day;
        }
        line.clear();
        let sign = if r.cents < 0 { "-" } else { "" };
        let abs = r.cents.unsigned_abs();
        use std::fmt::Write as _;
        let _ = writeln!(
            line,
            "{},{},{sign}{}.{:02},{}",
            r.customer + 1,
            date,
            abs / 100,
            abs % 100,
            CHANNELS[r.channel as usize].0
        );
        w.write_all(line.as_bytes())?;
        stats.rows += 1;
        stats.bytes += line.len() as u64;
    }
    w.flush()?;
    Ok(stats)
}
