//! Shifted-beta-geometric (sBG) retention model for contractual (subscription) customers
//! (Fader & Hardie 2007, "How to project customer retention", J. Interactive Marketing
//! 21(1)).
//!
//! Each customer has a constant churn probability θ per period; θ varies across
//! customers as Beta(α, β). With T the period in which a customer churns:
//!
//! * `P(T = t) = B(α + 1, β + t − 1) / B(α, β)` (churn curve),
//! * `S(t) = P(T > t) = B(α, β + t) / B(α, β)` (survival),
//! * `r_t = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)` (retention rate, rising in t).
//!
//! α and β are fitted by maximum likelihood from survivor counts: a cohort of `n_0`
//! customers with `n_t` still active after t periods contributes
//! `Σ_t (n_{t−1} − n_t) ln P(T = t) + n_last ln S(last)` — customers still active at the
//! last observed period are right-censored there, so cohorts observed for different
//! numbers of periods combine correctly.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decimal::to_decimal;
use crate::error::ForecastError;
use crate::optimize::{minimise, Convergence};
use crate::special::{hyp2f1_one, ln_beta};

/// Survivor counts of one cohort: `survivors[0]` customers at the start,
/// `survivors[t]` still active after t periods (non-increasing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortSurvivors {
    /// A label for messages (e.g. the cohort's month).
    pub label: String,
    /// Counts per period, starting with the cohort size.
    pub survivors: Vec<u64>,
}

/// Fitted (or given) sBG parameters, both > 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SbgParams {
    /// α of the Beta distribution of churn probabilities.
    pub alpha: f64,
    /// β of the Beta distribution of churn probabilities.
    pub beta: f64,
}

impl SbgParams {
    /// Validates α, β > 0 (finite).
    ///
    /// # Errors
    /// [`ForecastError::OutOfRange`] for a non-positive or non-finite parameter.
    pub fn new(alpha: f64, beta: f64) -> Result<Self, ForecastError> {
        positive("alpha", alpha)?;
        positive("beta", beta)?;
        Ok(SbgParams { alpha, beta })
    }

    /// `P(T = t)`, the probability that a new customer churns in period `t` (t ≥ 1).
    pub fn churn_probability(&self, t: u32) -> f64 {
        if t == 0 {
            return 0.0;
        }
        (ln_beta(self.alpha + 1.0, self.beta + f64::from(t) - 1.0) - ln_beta(self.alpha, self.beta))
            .exp()
    }

    /// `S(t) = B(α, β + t) / B(α, β)`, the share of a cohort still active after `t`
    /// periods.
    pub fn survival(&self, t: u32) -> f64 {
        (ln_beta(self.alpha, self.beta + f64::from(t)) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// `r_t = (β + t − 1) / (α + β + t − 1)`, the share of those active after `t − 1`
    /// periods who are still active after `t` (t ≥ 1).
    pub fn retention_rate(&self, t: u32) -> f64 {
        let t = f64::from(t.max(1));
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// Expected lifetime of a new customer in periods, `E[T] = (α + β − 1) / (α − 1)`
    /// (the first period counts). `None` (infinite) when α ≤ 1: then enough customers
    /// have churn probabilities near 0 that the mean lifetime diverges.
    pub fn expected_lifetime(&self) -> Option<f64> {
        (self.alpha > 1.0).then(|| (self.alpha + self.beta - 1.0) / (self.alpha - 1.0))
    }

    /// Discounted expected lifetime of a new customer (Fader & Hardie 2010), in
    /// payments: `DEL = 2F1(1, β; α + β; 1/(1 + d))`, counting the first payment (at
    /// acquisition, undiscounted) and each renewal k discounted by `(1 + d)^k`.
    ///
    /// `None` when the sum diverges (d = 0 and α ≤ 1).
    pub fn del(&self, discount_rate: f64) -> Option<f64> {
        hyp2f1_one(
            self.beta,
            self.alpha + self.beta,
            1.0 / (1.0 + discount_rate),
        )
    }

    /// Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6) of a customer
    /// who has made `renewals` = n − 1 renewals and is about to make her n-th renewal
    /// decision, in payments:
    /// `DERL = (β + n − 1)/(α + β + n − 1) · 2F1(1, β + n; α + β + n; 1/(1 + d))`.
    /// The payment at the coming renewal is undiscounted, the k-th after it is
    /// discounted by `(1 + d)^k`. `None` when the sum diverges (d = 0 and α ≤ 1).
    pub fn derl(&self, discount_rate: f64, renewals: u32) -> Option<f64> {
        let n = f64::from(renewals) + 1.0;
        let (a, b) = (self.alpha, self.beta);
        hyp2f1_one(b + n, a + b + n, 1.0 / (1.0 + discount_rate))
            .map(|f| (b + n - 1.0) / (a + b + n - 1.0) * f)
    }
}

/// An sBG fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SbgFit {
    /// The maximum-likelihood parameters.
    #[serde(flatten)]
    pub params: SbgParams,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// How the optimiser finished.
    pub convergence: Convergence,
}

/// Fits α, β by maximum likelihood to one or several cohorts.
///
/// # Errors
/// [`ForecastError::Survivors`] when a cohort is empty, starts at 0 or increases;
/// [`ForecastError::NotEnoughData`] when nobody churned, everyone churned in the first
/// period, or fewer than two periods are observed (then α and β are not identified).
pub fn fit_sbg(cohorts: &[CohortSurvivors]) -> Result<SbgFit, ForecastError> {
    let counts = aggregate(cohorts)?;
    let ll = |p: &[f64]| {
        let params = SbgParams {
            alpha: p[0].exp(),
            beta: p[1].exp(),
        };
        -log_likelihood(&params, &counts)
    };
    let starts: Vec<Vec<f64>> = [(1.0, 1.0), (0.5, 2.0), (2.0, 5.0), (0.2, 0.5)]
        .iter()
        .map(|&(a, b): &(f64, f64)| vec![a.ln(), b.ln()])
        .collect();
    let m = minimise(&ll, &starts);
    Ok(SbgFit {
        params: SbgParams {
            alpha: m.point[0].exp(),
            beta: m.point[1].exp(),
        },
        log_likelihood: -m.value,
        convergence: m.convergence,
    })
}

/// Churned counts by period (`churned[t − 1]` churned in period t) and counts
/// right-censored after t periods (`censored[t]`).
struct Counts {
    churned: Vec<u64>,
    censored: Vec<u64>,
}

fn aggregate(cohorts: &[CohortSurvivors]) -> Result<Counts, ForecastError> {
    let longest = cohorts.iter().map(|c| c.survivors.len()).max().unwrap_or(0);
    let mut churned = vec![0u64; longest.saturating_sub(1)];
    let mut censored = vec![0u64; longest];
    for (i, c) in cohorts.iter().enumerate() {
        let name = if c.label.is_empty() {
            i.to_string()
        } else {
            c.label.clone()
        };
        let bad = |period: usize, message: String| ForecastError::Survivors {
            cohort: name.clone(),
            period,
            message,
        };
        let Some((&last, _)) = c.survivors.split_last() else {
            return Err(bad(0, "no counts".into()));
        };
        if c.survivors[0] == 0 {
            return Err(bad(0, "the cohort size must be > 0".into()));
        }
        for (t, pair) in c.survivors.windows(2).enumerate() {
            if pair[1] > pair[0] {
                return Err(bad(
                    t + 1,
                    format!(
                        "survivors must not increase, got {} after {} (sBG models contractual churn: \
                         counts of customers who never left, not of customers active in a period; \
                         from transactions, use `ltv cohort --metric survival`)",
                        pair[1], pair[0]
                    ),
                ));
            }
            churned[t] += pair[0] - pair[1];
        }
        censored[c.survivors.len() - 1] += last;
    }
    let total_churned: u64 = churned.iter().sum();
    if total_churned == 0 {
        return Err(ForecastError::NotEnoughData {
            reason: "no customer churned, so the churn distribution cannot be estimated".into(),
        });
    }
    if longest < 3 {
        return Err(ForecastError::NotEnoughData {
            reason: "at least two periods after the start are needed to separate alpha and beta"
                .into(),
        });
    }
    if censored.iter().sum::<u64>() == 0 && churned[1..].iter().all(|&n| n == 0) {
        return Err(ForecastError::NotEnoughData {
            reason: "every customer churned in the first period".into(),
        });
    }
    Ok(Counts { churned, censored })
}

fn log_likelihood(p: &SbgParams, counts: &Counts) -> f64 {
    let base = ln_beta(p.alpha, p.beta);
    let mut ll = 0.0;
    for (i, &n) in counts.churned.iter().enumerate() {
        if n > 0 {
            let t = i as f64 + 1.0;
            ll += n as f64 * (ln_beta(p.alpha + 1.0, p.beta + t - 1.0) - base);
        }
    }
    for (t, &n) in counts.censored.iter().enumerate() {
        if n > 0 {
            ll += n as f64 * (ln_beta(p.alpha, p.beta + t as f64) - base);
        }
    }
    ll
}

/// What to project from a retention fit.
#[derive(Debug, Clone, PartialEq)]
pub struct RetentionRequest {
    /// Periods to project (1 to 10,000), counted from the start of the cohorts.
    pub periods: u32,
    /// Discount rate per period (≥ 0) for DEL/DERL.
    pub discount_rate: Decimal,
    /// Value (e.g. gross profit) per period and customer; turns DERL into an LTV.
    pub value_per_period: Option<Decimal>,
}

/// DERL of a customer who has made `renewals` renewals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DerlPoint {
    /// Renewals made so far (n − 1).
    pub renewals: u32,
    /// Discounted expected residual lifetime in payments; `null` when infinite.
    pub derl: Option<f64>,
    /// `value_per_period × derl` when a value was given and DERL is finite.
    pub ltv: Option<Decimal>,
}

/// A fitted sBG model and its projections: the shape of `ltv forecast retention`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionForecast {
    /// Fitted α.
    pub alpha: f64,
    /// Fitted β.
    pub beta: f64,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Whether the fit converged (see `convergence`).
    pub converged: bool,
    /// Optimiser report.
    pub convergence: Convergence,
    /// Cohorts in the fit.
    pub cohorts: usize,
    /// Customers in the fit (sum of cohort sizes).
    pub customers: u64,
    /// Longest observed number of periods.
    pub observed_periods: usize,
    /// Projected periods.
    pub periods: u32,
    /// `P(T = t)` for t = 1..=periods: share of a new cohort churning in period t.
    pub churn: Vec<f64>,
    /// `S(t)` for t = 0..=periods: projected share still active after t periods.
    pub survival: Vec<f64>,
    /// `r_t` for t = 1..=periods: projected period-on-period retention rate.
    pub retention: Vec<f64>,
    /// Expected lifetime of a new customer in periods; `null` when infinite (α ≤ 1).
    pub expected_lifetime: Option<f64>,
    /// Discount rate per period used for DEL and DERL.
    pub discount_rate: Decimal,
    /// Discounted expected lifetime of a new customer, in payments (`null`: infinite).
    pub del: Option<f64>,
    /// `value_per_period × del`, the discounted LTV of a new subscriber.
    pub ltv_new_customer: Option<Decimal>,
    /// DERL for customers with 0..=periods renewals.
    pub derl: Vec<DerlPoint>,
}

/// Fits the sBG model to `cohorts` and projects churn, survival, retention, expected
/// lifetime and DERL.
///
/// # Errors
/// Those of [`fit_sbg`]; [`ForecastError::OutOfRange`] for `periods` outside
/// 1..=10,000, a negative discount rate or a negative value per period.
pub fn forecast_retention(
    cohorts: &[CohortSurvivors],
    request: &RetentionRequest,
) -> Result<RetentionForecast, ForecastError> {
    if !(1..=10_000).contains(&request.periods) {
        return Err(ForecastError::OutOfRange {
            field: "periods",
            value: request.periods.to_string(),
            allowed: "in 1..=10000",
        });
    }
    if request.discount_rate.is_sign_negative() {
        return Err(ForecastError::OutOfRange {
            field: "discount_rate",
            value: request.discount_rate.to_string(),
            allowed: ">= 0",
        });
    }
    if let Some(v) = request.value_per_period.filter(|v| v.is_sign_negative()) {
        return Err(ForecastError::OutOfRange {
            field: "value_per_period",
            value: v.to_string(),
            allowed: ">= 0",
        });
    }
    let fit = fit_sbg(cohorts)?;
    let p = fit.params;
    let d = request.discount_rate.to_f64().unwrap_or(f64::MAX);
    let value_times = |x: Option<f64>| -> Result<Option<Decimal>, ForecastError> {
        match (request.value_per_period, x) {
            (Some(v), Some(x)) => Ok(Some((v * to_decimal("ltv", x)?).normalize())),
            _ => Ok(None),
        }
    };
    let del = p.del(d);
    let mut derl = Vec::with_capacity(request.periods as usize + 1);
    for renewals in 0..=request.periods {
        let x = p.derl(d, renewals);
        derl.push(DerlPoint {
            renewals,
            derl: x,
            ltv: value_times(x)?,
        });
    }
    Ok(RetentionForecast {
        alpha: p.alpha,
        beta: p.beta,
        log_likelihood: fit.log_likelihood,
        converged: fit.convergence.converged,
        convergence: fit.convergence,
        cohorts: cohorts.len(),
        customers: cohorts
            .iter()
            .map(|c| c.survivors.first().copied().unwrap_or(0))
            .sum(),
        observed_periods: cohorts
            .iter()
            .map(|c| c.survivors.len().saturating_sub(1))
            .max()
            .unwrap_or(0),
        periods: request.periods,
        churn: (1..=request.periods)
            .map(|t| p.churn_probability(t))
            .collect(),
        survival: (0..=request.periods).map(|t| p.survival(t)).collect(),
        retention: (1..=request.periods).map(|t| p.retention_rate(t)).collect(),
        expected_lifetime: p.expected_lifetime(),
        discount_rate: request.discount_rate,
        del,
        ltv_new_customer: value_times(del)?,
        derl,
    })
}

fn positive(field: &'static str, v: f64) -> Result<(), ForecastError> {
    if v > 0.0 && v.is_finite() {
        Ok(())
    } else {
        Err(ForecastError::OutOfRange {
            field,
            value: v.to_string(),
            allowed: "> 0",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_are_consistent() {
        let p = SbgParams::new(0.704, 1.182).unwrap();
        assert!((p.survival(0) - 1.0).abs() < 1e-15);
        let mut s = 1.0;
        for t in 1..50 {
            s -= p.churn_probability(t);
            assert!((s - p.survival(t)).abs() < 1e-12);
            let r = p.survival(t) / p.survival(t - 1);
            assert!((r - p.retention_rate(t)).abs() < 1e-12);
        }
    }

    #[test]
    fn derl_matches_brute_force_sum() {
        let p = SbgParams::new(1.3, 2.1).unwrap();
        let d: f64 = 0.1;
        for renewals in [0u32, 1, 4] {
            let n = renewals + 1;
            let brute: f64 = (n..5000)
                .map(|t| p.survival(t) / p.survival(n - 1) / (1.0 + d).powi((t - n) as i32))
                .sum();
            let got = p.derl(d, renewals).unwrap();
            assert!((got - brute).abs() < 1e-9, "{got} vs {brute}");
        }
        // DEL counts the first payment and equals the mean lifetime when d = 0
        assert!((p.del(0.0).unwrap() - p.expected_lifetime().unwrap()).abs() < 1e-12);
        assert!((p.del(0.1).unwrap() - 1.0 - p.derl(0.1, 0).unwrap() / 1.1).abs() < 1e-12);
        assert_eq!(SbgParams::new(0.7, 1.2).unwrap().derl(0.0, 0), None);
    }

    #[test]
    fn rejects_bad_survivors() {
        let c = |s: &[u64]| {
            vec![CohortSurvivors {
                label: "2024-01".into(),
                survivors: s.to_vec(),
            }]
        };
        assert!(matches!(
            fit_sbg(&c(&[100, 90, 95])),
            Err(ForecastError::Survivors { period: 2, .. })
        ));
        assert!(matches!(
            fit_sbg(&c(&[100, 100, 100])),
            Err(ForecastError::NotEnoughData { .. })
        ));
        assert!(matches!(
            fit_sbg(&c(&[100, 80])),
            Err(ForecastError::NotEnoughData { .. })
        ));
        assert!(matches!(
            fit_sbg(&c(&[100, 0, 0])),
            Err(ForecastError::NotEnoughData { .. })
        ));
    }
}
