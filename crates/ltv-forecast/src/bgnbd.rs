//! BG/NBD repeat-purchase model (Fader, Hardie & Lee 2005, "Counting your customers the
//! easy way", Marketing Science 24(2)).
//!
//! While active, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after
//! each purchase she drops out with probability p ~ Beta(a, b). From a customer's
//! calibration summary — x repeat purchases, the last at t_x, observed for T (all in one
//! time unit) — the likelihood is
//!
//! `L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · [ (α+T)^−(r+x) + δ_{x>0} a/(b+x−1) · (α+t_x)^−(r+x) ]`,
//!
//! evaluated in log space with `ln Γ`, `ln B` and log-sum-exp so that heavy buyers
//! (x = 200) never overflow. Customers with identical (x, t_x, T) are compressed to one
//! weighted term before fitting, so cost scales with distinct triples.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::ForecastError;
use crate::optimize::{minimise, Convergence};
use crate::quadrature::integrate_01;
use crate::special::{hyp2f1_minus_one, ln_beta, ln_gamma};

/// A customer's calibration observation: x repeat purchases, recency t_x, age T.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// x: repeat purchases (≥ 0).
    pub x: u32,
    /// t_x: time of the last purchase since the first (0 ≤ t_x ≤ T; 0 when x = 0).
    pub t_x: f64,
    /// T: time since the first purchase.
    pub t: f64,
}

impl Observation {
    fn validate(&self) -> Result<(), ForecastError> {
        let bad = |field: &'static str, value: f64, allowed: &'static str| {
            Err(ForecastError::OutOfRange {
                field,
                value: value.to_string(),
                allowed,
            })
        };
        if !(self.t.is_finite() && self.t >= 0.0) {
            return bad("age", self.t, "a finite number >= 0");
        }
        if !(self.t_x.is_finite() && self.t_x >= 0.0 && self.t_x <= self.t) {
            return bad("recency", self.t_x, "in [0, age]");
        }
        if self.x == 0 && self.t_x != 0.0 {
            return bad("recency", self.t_x, "0 when frequency is 0");
        }
        Ok(())
    }
}

/// BG/NBD parameters, all > 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BgNbdParams {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Scale of the Gamma distribution of purchase rates (in the time unit).
    pub alpha: f64,
    /// First shape of the Beta distribution of dropout probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of dropout probabilities.
    pub b: f64,
}

impl BgNbdParams {
    /// Validates r, α, a, b > 0 and finite.
    ///
    /// # Errors
    /// [`ForecastError::OutOfRange`] naming the first bad parameter.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self, ForecastError> {
        for (field, v) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(ForecastError::OutOfRange {
                    field,
                    value: v.to_string(),
                    allowed: "> 0",
                });
            }
        }
        Ok(BgNbdParams { r, alpha, a, b })
    }

    /// Log-likelihood of one customer's observation.
    pub fn log_likelihood(&self, o: &Observation) -> f64 {
        let terms = XTerms::new(self, o.x);
        terms.ll(self, o.x, o.t_x, o.t)
    }

    /// ln of the odds term `a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)` (−∞ when x = 0).
    fn ln_dead_odds(&self, o: &Observation) -> f64 {
        if o.x == 0 {
            return f64::NEG_INFINITY;
        }
        let x = f64::from(o.x);
        self.a.ln() - (self.b + x - 1.0).ln()
            + (self.r + x) * ((self.alpha + o.t).ln() - (self.alpha + o.t_x).ln())
    }

    /// P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
    pub fn p_alive(&self, o: &Observation) -> f64 {
        let l = self.ln_dead_odds(o);
        if l > 0.0 {
            let e = (-l).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + l.exp())
        }
    }

    /// Expected purchases in the next `t` time units of a customer with observation `o`
    /// (FHL 2005, eq. 10):
    ///
    /// `E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ·
    /// 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)`.
    ///
    /// We evaluate the bracket after Euler's transformation,
    /// `1 − ((α+T)/(α+T+t))^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z)`, whose series
    /// converges fast even for heavy buyers (c grows with x), and with `expm1`/`ln_1p`
    /// so that a → 1 loses no precision.
    ///
    /// # Errors
    /// [`ForecastError::OutOfRange`] for `t < 0` or not finite;
    /// [`ForecastError::NotRepresentable`] if the series does not converge (not seen
    /// for valid data).
    pub fn expected_purchases(&self, t: f64, o: &Observation) -> Result<f64, ForecastError> {
        if !(t.is_finite() && t >= 0.0) {
            return Err(ForecastError::OutOfRange {
                field: "horizon",
                value: t.to_string(),
                allowed: "a finite number >= 0",
            });
        }
        if t == 0.0 {
            return Ok(0.0);
        }
        let x = f64::from(o.x);
        let BgNbdParams { r, alpha, b, .. } = *self;
        // a = 1 is a removable singularity; step beside it
        let a = if (self.a - 1.0).abs() < 1e-9 {
            1.0 + 1e-9
        } else {
            self.a
        };
        let z = t / (alpha + o.t + t);
        let ln_one_minus_z = (alpha + o.t).ln() - (alpha + o.t + t).ln();
        let c = a + b + x - 1.0;
        // the series is fast unless c is small or z is close to 1; otherwise (or if it
        // fails) integrate over the posterior of p instead
        let series = if c > 0.5 {
            hyp2f1_minus_one(a + b - 1.0 - r, a - 1.0, c, z)
                .filter(|f| *f > -1.0)
                .map(|f| -((a - 1.0) * ln_one_minus_z + f.ln_1p()).exp_m1() * c / (a - 1.0))
                .filter(|v| v.is_finite())
        } else {
            None
        };
        let alive_mean = match series {
            Some(v) => v,
            None => self.expected_if_alive_by_quadrature(t, o),
        };
        let value = alive_mean * self.p_alive(o);
        if value.is_finite() {
            Ok(value.max(0.0))
        } else {
            Err(ForecastError::NotRepresentable {
                field: "expected_purchases",
                value: value.to_string(),
            })
        }
    }

    /// `E[Y(t) | alive, x, t_x, T]` as a one-dimensional integral: given alive, λ and
    /// p are a posteriori Gamma(r+x, α+T) and Beta(a, b+x), `E[Y(t) | λ, p] =
    /// (1 − e^(−λpt)) / p`, and integrating λ out leaves
    /// `∫₀¹ (1 − ((α+T)/(α+T+pt))^(r+x)) / p · Beta(p; a, b+x) dp`.
    fn expected_if_alive_by_quadrature(&self, t: f64, o: &Observation) -> f64 {
        let x = f64::from(o.x);
        let (a, b2, rx) = (self.a, self.b + x, self.r + x);
        let scale = t / (self.alpha + o.t);
        let ln_b = ln_beta(a, b2);
        integrate_01(|ln_p, ln_q, p| {
            let g = if p < 1e-300 {
                rx * scale
            } else {
                -(-rx * (p * scale).ln_1p()).exp_m1() / p
            };
            ((a - 1.0) * ln_p + (b2 - 1.0) * ln_q - ln_b, g)
        })
    }
    /// Expected purchases in `(0, t]` of a customer just acquired (FHL 2005, eq. 9):
    /// `E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]`, which
    /// equals [`Self::expected_purchases`] at x = t_x = T = 0.
    ///
    /// # Errors
    /// As [`Self::expected_purchases`].
    pub fn expected_purchases_new(&self, t: f64) -> Result<f64, ForecastError> {
        self.expected_purchases(
            t,
            &Observation {
                x: 0,
                t_x: 0.0,
                t: 0.0,
            },
        )
    }
}

/// Terms of the log-likelihood that depend on x only (computed once per distinct x).
struct XTerms {
    /// ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    common: f64,
    /// ln a − ln(b+x−1) (x > 0)
    ln_odds: f64,
}

impl XTerms {
    fn new(p: &BgNbdParams, x: u32) -> Self {
        let xf = f64::from(x);
        XTerms {
            common: ln_gamma(p.r + xf) - ln_gamma(p.r)
                + p.r * p.alpha.ln()
                + ln_beta(p.a, p.b + xf)
                - ln_beta(p.a, p.b),
            ln_odds: if x > 0 {
                p.a.ln() - (p.b + xf - 1.0).ln()
            } else {
                f64::NEG_INFINITY
            },
        }
    }

    fn ll(&self, p: &BgNbdParams, x: u32, t_x: f64, t: f64) -> f64 {
        let rx = p.r + f64::from(x);
        let a3 = -rx * (p.alpha + t).ln();
        if x == 0 {
            return self.common + a3;
        }
        let a4 = self.ln_odds - rx * (p.alpha + t_x).ln();
        let m = a3.max(a4);
        self.common + m + ((a3 - m).exp() + (a4 - m).exp()).ln()
    }
}

/// Distinct (t_x, T, customers) rows sharing one x.
type Rows = Vec<(f64, f64, f64)>;

/// Customers compressed to distinct (x, t_x, T) with counts, grouped by x.
#[derive(Debug, Clone)]
pub struct Compressed {
    groups: Vec<(u32, Rows)>,
    customers: u64,
    distinct: usize,
    mean_age: f64,
    repeat_buyers: u64,
}

impl Compressed {
    /// Validates and compresses `data`.
    ///
    /// # Errors
    /// [`ForecastError::OutOfRange`] for an observation with t_x outside [0, T], a
    /// non-finite value, or t_x ≠ 0 with x = 0.
    pub fn new(data: &[Observation]) -> Result<Self, ForecastError> {
        let mut counts: HashMap<(u32, u64, u64), u64> = HashMap::new();
        let mut age_sum = 0.0;
        let mut repeat_buyers = 0;
        for o in data {
            o.validate()?;
            *counts
                .entry((o.x, o.t_x.to_bits(), o.t.to_bits()))
                .or_insert(0) += 1;
            age_sum += o.t;
            repeat_buyers += u64::from(o.x > 0);
        }
        let distinct = counts.len();
        let mut by_x: HashMap<u32, Rows> = HashMap::new();
        for ((x, tx, t), n) in counts {
            by_x.entry(x)
                .or_default()
                .push((f64::from_bits(tx), f64::from_bits(t), n as f64));
        }
        // a fixed summation order makes the fit bit-for-bit reproducible
        let mut groups: Vec<_> = by_x.into_iter().collect();
        groups.sort_by_key(|g| g.0);
        for g in &mut groups {
            g.1.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
        }
        Ok(Compressed {
            groups,
            customers: data.len() as u64,
            distinct,
            mean_age: if data.is_empty() {
                0.0
            } else {
                age_sum / data.len() as f64
            },
            repeat_buyers,
        })
    }

    /// Total log-likelihood at `p`.
    pub fn log_likelihood(&self, p: &BgNbdParams) -> f64 {
        let mut ll = 0.0;
        for (x, rows) in &self.groups {
            let terms = XTerms::new(p, *x);
            for &(t_x, t, n) in rows {
                ll += n * terms.ll(p, *x, t_x, t);
            }
        }
        ll
    }
}

/// A BG/NBD fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BgNbdFit {
    /// The maximum-likelihood parameters.
    #[serde(flatten)]
    pub params: BgNbdParams,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Whether the fit converged (see `convergence`).
    pub converged: bool,
    /// Optimiser report.
    pub convergence: Convergence,
    /// Customers in the fit.
    pub customers: u64,
    /// Distinct (x, t_x, T) triples actually evaluated.
    pub distinct_triples: usize,
}

/// Fits the BG/NBD model by maximum likelihood (multi-start Nelder–Mead on the
/// log-parameters).
///
/// # Errors
/// Those of [`Compressed::new`]; [`ForecastError::NotEnoughData`] without customers,
/// without repeat purchases, or when every customer has T = 0.
pub fn fit_bgnbd(data: &[Observation]) -> Result<BgNbdFit, ForecastError> {
    fit_compressed(&Compressed::new(data)?)
}

/// [`fit_bgnbd`] on already compressed data.
///
/// # Errors
/// As [`fit_bgnbd`].
pub fn fit_compressed(c: &Compressed) -> Result<BgNbdFit, ForecastError> {
    if c.customers == 0 {
        return Err(ForecastError::NotEnoughData {
            reason: "no customers".into(),
        });
    }
    if c.repeat_buyers == 0 {
        return Err(ForecastError::NotEnoughData {
            reason: "no customer made a repeat purchase, so purchase rates and dropout cannot be told apart".into(),
        });
    }
    if c.mean_age <= 0.0 {
        return Err(ForecastError::NotEnoughData {
            reason: "every customer was first seen at the calibration end (T = 0)".into(),
        });
    }
    let objective = |v: &[f64]| {
        let p = BgNbdParams {
            r: v[0].exp(),
            alpha: v[1].exp(),
            a: v[2].exp(),
            b: v[3].exp(),
        };
        -c.log_likelihood(&p)
    };
    let m = c.mean_age;
    let starts: Vec<Vec<f64>> = [
        (1.0, m, 1.0, 1.0),
        (0.25, m / 8.0, 0.8, 2.5),
        (2.0, m * 2.0, 0.5, 5.0),
    ]
    .iter()
    .map(|&(r, al, a, b): &(f64, f64, f64, f64)| vec![r.ln(), al.ln(), a.ln(), b.ln()])
    .collect();
    let best = minimise(&objective, &starts);
    let v = &best.point;
    Ok(BgNbdFit {
        params: BgNbdParams {
            r: v[0].exp(),
            alpha: v[1].exp(),
            a: v[2].exp(),
            b: v[3].exp(),
        },
        log_likelihood: -best.value,
        converged: best.convergence.converged,
        convergence: best.convergence,
        customers: c.customers,
        distinct_triples: c.distinct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FHL: BgNbdParams = BgNbdParams {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    fn obs(x: u32, t_x: f64, t: f64) -> Observation {
        Observation { x, t_x, t }
    }

    #[test]
    fn heavy_buyer_is_finite() {
        let o = obs(200, 38.0, 40.0);
        let ll = FHL.log_likelihood(&o);
        let pa = FHL.p_alive(&o);
        let e = FHL.expected_purchases(39.0, &o).unwrap();
        assert!(
            ll.is_finite() && pa.is_finite() && e.is_finite(),
            "{ll} {pa} {e}"
        );
        assert!(pa > 0.0 && pa < 1.0);
        // two quiet weeks are long for someone buying 5 times a week: P(alive) ≈ 0.025
        assert!(e > 1.0 && e < 10.0, "{e}");
        let active = obs(200, 39.9, 40.0);
        let e_active = FHL.expected_purchases(39.0, &active).unwrap();
        assert!(e_active > 100.0, "{e_active}");
        let far = FHL.expected_purchases(10_000.0, &o).unwrap();
        assert!(far.is_finite() && far > e);
        let dead = obs(200, 1.0, 40.0);
        assert!(FHL.p_alive(&dead) >= 0.0 && FHL.p_alive(&dead) < 1e-10);
        assert!(FHL.expected_purchases(39.0, &dead).unwrap().is_finite());
    }

    /// Brute-force check of the Euler-transformed conditional expectation against the
    /// untransformed series of FHL eq. 10.
    #[test]
    fn conditional_expectation_matches_direct_formula() {
        let p = FHL;
        for (x, t_x, t_cal, t) in [
            (2u32, 30.43, 38.86, 39.0),
            (0, 0.0, 38.86, 39.0),
            (5, 20.0, 30.0, 10.0),
            (200, 38.0, 40.0, 39.0),
        ] {
            let xf = f64::from(x);
            let z = t / (p.alpha + t_cal + t);
            let f = 1.0 + hyp2f1_minus_one(p.r + xf, p.b + xf, p.a + p.b + xf - 1.0, z).unwrap();
            let lead = ((p.alpha + t_cal) / (p.alpha + t_cal + t)).powf(p.r + xf);
            let o = obs(x, t_x, t_cal);
            let direct = (p.a + p.b + xf - 1.0) / (p.a - 1.0) * (1.0 - lead * f) * p.p_alive(&o);
            let got = p.expected_purchases(t, &o).unwrap();
            assert!(
                (got - direct).abs() < 1e-9 * direct.max(1.0),
                "{got} vs {direct}"
            );
        }
    }

    #[test]
    fn quadrature_agrees_with_the_series() {
        for p in [FHL, BgNbdParams::new(1.5, 20.0, 2.5, 0.7).unwrap()] {
            for o in [
                obs(0, 0.0, 0.0),
                obs(2, 30.43, 38.86),
                obs(200, 38.0, 40.0),
                obs(7, 3.0, 50.0),
            ] {
                for t in [1.0, 39.0, 520.0] {
                    let series = p.expected_purchases(t, &o).unwrap() / p.p_alive(&o);
                    let quad = p.expected_if_alive_by_quadrature(t, &o);
                    assert!(
                        (series - quad).abs() < 1e-8 * series.max(1.0),
                        "{p:?} {o:?} {t}: {series} vs {quad}"
                    );
                }
            }
        }
    }

    #[test]
    fn p_alive_of_non_repeaters_is_one() {
        assert_eq!(FHL.p_alive(&obs(0, 0.0, 30.0)), 1.0);
    }

    #[test]
    fn rejects_inconsistent_observations() {
        assert!(fit_bgnbd(&[obs(1, 5.0, 4.0)]).is_err());
        assert!(fit_bgnbd(&[obs(0, 1.0, 4.0)]).is_err());
        assert!(fit_bgnbd(&[obs(0, 0.0, f64::NAN)]).is_err());
        assert!(matches!(
            fit_bgnbd(&[obs(0, 0.0, 4.0)]),
            Err(ForecastError::NotEnoughData { .. })
        ));
    }
}
