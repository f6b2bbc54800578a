//! Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma
//! Model of Monetary Value").
//!
//! A customer's transaction values are Gamma(p, ν); ν varies across customers as
//! Gamma(q, γ). For a repeat buyer with x repeat transactions of mean value m̄ the
//! likelihood is
//!
//! `f(m̄ | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q x^(px) m̄^(px−1) / (γ + x m̄)^(px+q)`
//!
//! and the expected spend per transaction is the weighted mean
//! `E[M | p, q, γ, m̄, x] = p (γ + x m̄) / (px + q − 1)` (finite for q > 1). The model
//! assumes spend is independent of purchase frequency; the fit reports their
//! correlation across customers and warns when it is large.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decimal::to_decimal;
use crate::error::ForecastError;
use crate::history::{summarise, CustomerHistory, CustomerSummary, TimeUnit};
use crate::optimize::{minimise, Convergence};
use crate::special::ln_gamma;

/// |correlation| between frequency and mean spend above which the fit warns.
pub const CORRELATION_WARNING: f64 = 0.3;

/// Gamma-Gamma parameters, all > 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GammaGammaParams {
    /// Shape of the transaction-value Gamma.
    pub p: f64,
    /// Shape of the Gamma distribution of ν across customers.
    pub q: f64,
    /// Scale (money) of the Gamma distribution of ν across customers.
    pub gamma: f64,
}

impl GammaGammaParams {
    /// Log-likelihood of one repeat buyer (x ≥ 1, mean spend m̄ > 0).
    pub fn log_likelihood(&self, x: u32, mean_spend: f64) -> f64 {
        let x = f64::from(x);
        let px = self.p * x;
        ln_gamma(px + self.q) - ln_gamma(px) - ln_gamma(self.q)
            + self.q * self.gamma.ln()
            + px * x.ln()
            + (px - 1.0) * mean_spend.ln()
            - (px + self.q) * (self.gamma + x * mean_spend).ln()
    }

    /// Expected spend per transaction of a customer with `x` repeat transactions of mean
    /// `mean_spend` (x = 0: the population mean `pγ/(q−1)`). `None` when q ≤ 1 (the mean
    /// of the population is infinite).
    pub fn expected_spend(&self, x: u32, mean_spend: f64) -> Option<f64> {
        let xf = f64::from(x);
        let m = if x == 0 { 0.0 } else { mean_spend };
        (self.q > 1.0).then(|| self.p * (self.gamma + xf * m) / (self.p * xf + self.q - 1.0))
    }
}

/// A Gamma-Gamma fit: the shape of `ltv forecast spend`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GammaGammaFit {
    /// The maximum-likelihood parameters.
    #[serde(flatten)]
    pub params: GammaGammaParams,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Whether the fit converged (see `convergence`).
    pub converged: bool,
    /// Optimiser report.
    pub convergence: Convergence,
    /// Repeat buyers in the fit.
    pub repeat_buyers: usize,
    /// Customers without repeat purchases (no repeat spend; not in the fit).
    pub excluded_without_repeat: usize,
    /// Expected spend per transaction of a new customer, `pγ/(q−1)` (`null` if q ≤ 1).
    pub population_mean_spend: Option<Decimal>,
    /// Pearson correlation of frequency and mean spend across repeat buyers.
    pub frequency_spend_correlation: f64,
    /// Warnings for the user (e.g. frequency and spend correlated).
    pub warnings: Vec<String>,
}

/// Fits the Gamma-Gamma model to the repeat buyers among `customers` (x ≥ 1); the
/// spend input is the mean of the x repeat transactions, excluding the first purchase,
/// as in Fader & Hardie (2013).
///
/// # Errors
/// [`ForecastError::NonPositiveSpend`] for a repeat buyer whose mean spend is ≤ 0;
/// [`ForecastError::NotEnoughData`] with fewer than two repeat buyers.
pub fn fit_gamma_gamma(customers: &[CustomerSummary]) -> Result<GammaGammaFit, ForecastError> {
    let mut rows: HashMap<(u32, u64), f64> = HashMap::new();
    let mut pairs = Vec::new();
    let mut excluded = 0;
    for c in customers {
        let (x, Some(m)) = (c.frequency, c.mean_repeat_spend) else {
            excluded += 1;
            continue;
        };
        if x == 0 {
            excluded += 1;
            continue;
        }
        let mf = m.to_f64().filter(|v| *v > 0.0 && v.is_finite());
        let Some(mf) = mf.filter(|_| m > Decimal::ZERO) else {
            return Err(ForecastError::NonPositiveSpend {
                customer: c.customer_id.clone(),
                value: m,
            });
        };
        *rows.entry((x, mf.to_bits())).or_insert(0.0) += 1.0;
        pairs.push((f64::from(x), mf));
    }
    if pairs.len() < 2 {
        return Err(ForecastError::NotEnoughData {
            reason: format!(
                "the spend model needs at least two repeat buyers, got {}",
                pairs.len()
            ),
        });
    }
    let mut rows: Vec<(u32, f64, f64)> = rows
        .into_iter()
        .map(|((x, m), n)| (x, f64::from_bits(m), n))
        .collect();
    // a fixed summation order makes the fit bit-for-bit reproducible
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let objective = |v: &[f64]| {
        let p = GammaGammaParams {
            p: v[0].exp(),
            q: v[1].exp(),
            gamma: v[2].exp(),
        };
        -rows
            .iter()
            .map(|&(x, m, n)| n * p.log_likelihood(x, m))
            .sum::<f64>()
    };
    let mean_spend = pairs.iter().map(|p| p.1).sum::<f64>() / pairs.len() as f64;
    let starts: Vec<Vec<f64>> = [(1.0, 1.0, 1.0), (2.0, 3.0, 0.5), (5.0, 2.0, 2.0)]
        .iter()
        .map(|&(p, q, g): &(f64, f64, f64)| vec![p.ln(), q.ln(), (g * mean_spend / p).ln()])
        .collect();
    let best = minimise(&objective, &starts);
    let params = GammaGammaParams {
        p: best.point[0].exp(),
        q: best.point[1].exp(),
        gamma: best.point[2].exp(),
    };
    let rho = correlation(&pairs);
    let mut warnings = Vec::new();
    if rho.abs() >= CORRELATION_WARNING {
        warnings.push(format!(
            "frequency and mean spend are correlated (r = {rho:.2}); the Gamma-Gamma model assumes they are independent, so expected spend may be biased"
        ));
    }
    if params.q <= 1.0 {
        warnings.push(
            "q <= 1: the population mean spend is infinite; expected spend of customers without repeat purchases is undefined".into(),
        );
    }
    let population_mean_spend = match params.expected_spend(0, 0.0) {
        Some(v) => Some(to_decimal("population_mean_spend", v)?),
        None => None,
    };
    Ok(GammaGammaFit {
        params,
        log_likelihood: -best.value,
        converged: best.convergence.converged,
        convergence: best.convergence,
        repeat_buyers: pairs.len(),
        excluded_without_repeat: excluded,
        population_mean_spend,
        frequency_spend_correlation: rho,
        warnings,
    })
}

/// Summarises `histories` at `calibration_end` (day number, inclusive) and fits the
/// Gamma-Gamma model to the repeat buyers: the shape of `ltv forecast spend`.
///
/// # Errors
/// Those of [`summarise`] and [`fit_gamma_gamma`].
pub fn forecast_spend(
    histories: &[CustomerHistory],
    calibration_end: i64,
) -> Result<GammaGammaFit, ForecastError> {
    // spend does not depend on the time unit
    let summaries = summarise(histories, calibration_end, TimeUnit::Day)?;
    fit_gamma_gamma(&summaries.customers)
}

/// Pearson correlation (0 when either variable is constant).
fn correlation(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = pairs
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, x: u32, m: &str) -> CustomerSummary {
        CustomerSummary {
            customer_id: id.into(),
            first_day: 0,
            frequency: x,
            recency: f64::from(x),
            age: 40.0,
            mean_repeat_spend: (x > 0).then(|| m.parse().unwrap()),
        }
    }

    #[test]
    fn refuses_non_positive_spend() {
        let c = vec![summary("a", 1, "10"), summary("b", 2, "0")];
        assert_eq!(
            fit_gamma_gamma(&c),
            Err(ForecastError::NonPositiveSpend {
                customer: "b".into(),
                value: Decimal::ZERO
            })
        );
        let c = vec![summary("a", 1, "10"), summary("b", 2, "-3.5")];
        assert!(matches!(
            fit_gamma_gamma(&c),
            Err(ForecastError::NonPositiveSpend { .. })
        ));
    }

    #[test]
    fn warns_when_spend_follows_frequency() {
        let c: Vec<_> = (1..40)
            .map(|x| summary(&x.to_string(), x, &format!("{}", 10 + 3 * x + x % 5)))
            .collect();
        let f = fit_gamma_gamma(&c).unwrap();
        assert!(f.frequency_spend_correlation > 0.9);
        assert_eq!(f.warnings.len(), 1, "{:?}", f.warnings);
        assert!(f.warnings[0].contains("independent"));
    }

    #[test]
    fn expected_spend_is_a_weighted_mean() {
        let p = GammaGammaParams {
            p: 6.25,
            q: 3.74,
            gamma: 15.44,
        };
        let pop = p.expected_spend(0, 0.0).unwrap();
        let e = p.expected_spend(5, 100.0).unwrap();
        // between the population mean and the customer's own mean
        assert!(pop < e && e < 100.0);
        let w = p.p * 5.0 / (p.p * 5.0 + p.q - 1.0);
        assert!((e - ((1.0 - w) * pop + w * 100.0)).abs() < 1e-9);
    }
}
