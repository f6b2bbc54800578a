//! L2-regularised logistic regression, fitted by Newton's method (iteratively
//! reweighted least squares) on standardised features.
//!
//! With `n` rows, `p` features, `x` standardised (mean 0, sd 1 over the training
//! rows) and `y ∈ {0, 1}`, the fit maximises
//! `Σ [y ln μ + (1 − y) ln(1 − μ)] − λ/2 · Σ_j β_j²`, `μ = 1 / (1 + e^−(β₀ + x·β))`,
//! without penalising the intercept. Each step solves `(XᵀWX + λI) Δ = Xᵀ(y − μ) − λβ`
//! (`W = μ(1 − μ)`) by Cholesky and halves the step while the objective would fall.
//! Sums run over fixed blocks of rows added in order, so the fit does not depend on the
//! number of threads.

use rayon::prelude::*;

/// Rows per block of the parallel sums.
const BLOCK: usize = 4096;
/// Newton steps at most.
const MAX_ITERATIONS: u32 = 100;
/// Converged when no coefficient moves more than this.
const TOLERANCE: f64 = 1e-9;

/// A fitted model on the standardised scale.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Logistic {
    pub(crate) intercept: f64,
    pub(crate) coef: Vec<f64>,
    pub(crate) iterations: u32,
    pub(crate) converged: bool,
}

impl Logistic {
    /// The linear predictor of standardised row `z`.
    pub(crate) fn eta(&self, z: &[f64]) -> f64 {
        self.intercept + self.coef.iter().zip(z).map(|(b, x)| b * x).sum::<f64>()
    }
}

/// The logistic function, without overflow.
pub(crate) fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

/// ln(1 + e^x) without overflow.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// Fits `y` on the standardised rows `x` (row-major, `p` columns) with penalty `lambda`.
pub(crate) fn fit(x: &[f64], p: usize, y: &[bool], lambda: f64) -> Logistic {
    let n = y.len();
    let positives = y.iter().filter(|&&v| v).count() as f64;
    let rate = ((positives + 0.5) / (n as f64 + 1.0)).clamp(1e-9, 1.0 - 1e-9);
    let mut beta = vec![0.0; p + 1];
    beta[0] = (rate / (1.0 - rate)).ln();
    let mut objective = penalised(x, p, y, &beta, lambda);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        iterations += 1;
        let (mut g, mut h) = gradient_hessian(x, p, y, &beta);
        for j in 1..=p {
            g[j] -= lambda * beta[j];
            h[j * (p + 1) + j] += lambda;
        }
        let Some(step) = solve(&h, &g, p + 1) else {
            break;
        };
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, d)| b + scale * d).collect();
            let value = penalised(x, p, y, &trial, lambda);
            if value >= objective - 1e-12 * objective.abs().max(1.0) {
                beta = trial;
                objective = value;
                accepted = true;
                break;
            }
            scale /= 2.0;
        }
        let moved = step.iter().fold(0.0f64, |m, d| m.max((d * scale).abs()));
        // no step improves the objective any more, or none moves: the optimum
        if !accepted || moved < TOLERANCE {
            converged = true;
            break;
        }
    }
    Logistic {
        intercept: beta[0],
        coef: beta[1..].to_vec(),
        iterations,
        converged,
    }
}

fn eta(row: &[f64], beta: &[f64]) -> f64 {
    beta[0] + row.iter().zip(&beta[1..]).map(|(x, b)| x * b).sum::<f64>()
}

/// The penalised log-likelihood.
fn penalised(x: &[f64], p: usize, y: &[bool], beta: &[f64], lambda: f64) -> f64 {
    let blocks: Vec<f64> = x
        .par_chunks(BLOCK * p.max(1))
        .zip(y.par_chunks(BLOCK))
        .map(|(rows, ys)| {
            rows.chunks(p.max(1))
                .zip(ys)
                .map(|(row, &yi)| {
                    let e = eta(row, beta);
                    // y ln μ + (1 − y) ln(1 − μ) = y·η − ln(1 + e^η)
                    f64::from(u8::from(yi)) * e - softplus(e)
                })
                .sum::<f64>()
        })
        .collect();
    blocks.iter().sum::<f64>() - 0.5 * lambda * beta[1..].iter().map(|b| b * b).sum::<f64>()
}

/// Xᵀ(y − μ) and XᵀWX with the intercept as column 0.
fn gradient_hessian(x: &[f64], p: usize, y: &[bool], beta: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let q = p + 1;
    let blocks: Vec<(Vec<f64>, Vec<f64>)> = x
        .par_chunks(BLOCK * p.max(1))
        .zip(y.par_chunks(BLOCK))
        .map(|(rows, ys)| {
            let mut g = vec![0.0; q];
            let mut h = vec![0.0; q * q];
            let mut full = vec![1.0; q];
            for (row, &yi) in rows.chunks(p.max(1)).zip(ys) {
                full[1..].copy_from_slice(&row[..p]);
                let mu = sigmoid(eta(row, beta));
                let r = f64::from(u8::from(yi)) - mu;
                let w = mu * (1.0 - mu);
                for a in 0..q {
                    g[a] += full[a] * r;
                    let wa = w * full[a];
                    for b in 0..=a {
                        h[a * q + b] += wa * full[b];
                    }
                }
            }
            (g, h)
        })
        .collect();
    let mut g = vec![0.0; q];
    let mut h = vec![0.0; q * q];
    for (bg, bh) in blocks {
        for (t, v) in g.iter_mut().zip(bg) {
            *t += v;
        }
        for (t, v) in h.iter_mut().zip(bh) {
            *t += v;
        }
    }
    for a in 0..q {
        for b in 0..a {
            h[b * q + a] = h[a * q + b];
        }
    }
    (g, h)
}

/// Solves `a x = b` for a symmetric positive definite `a` (`n × n`) by Cholesky.
fn solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    let mut z = vec![0.0; n];
    for i in 0..n {
        let mut sum = b[i];
        for k in 0..i {
            sum -= l[i * n + k] * z[k];
        }
        z[i] = sum / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = z[i];
        for k in i + 1..n {
            sum -= l[k * n + i] * x[k];
        }
        x[i] = sum / l[i * n + i];
    }
    Some(x)
}

/// Means and standard deviations of the columns of `x` (population sd; 0 for a
/// constant column).
pub(crate) fn moments(x: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let n = (x.len() / p.max(1)).max(1) as f64;
    let mut mean = vec![0.0; p];
    for row in x.chunks(p.max(1)) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    for m in &mut mean {
        *m /= n;
    }
    let mut var = vec![0.0; p];
    for row in x.chunks(p.max(1)) {
        for ((s, v), m) in var.iter_mut().zip(row).zip(&mean) {
            *s += (v - m) * (v - m);
        }
    }
    let sd = var
        .into_iter()
        .map(|v| {
            let sd = (v / n).sqrt();
            if sd > 1e-12 {
                sd
            } else {
                0.0
            }
        })
        .collect();
    (mean, sd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ltv_segments::SplitMix64;

    #[test]
    fn recovers_simulated_coefficients() {
        let mut rng = SplitMix64::new(7);
        let (n, p) = (40_000, 3);
        let truth = [-1.0, 0.8, -1.5, 0.0];
        let mut x = Vec::with_capacity(n * p);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let row: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
            let e = truth[0] + row.iter().zip(&truth[1..]).map(|(a, b)| a * b).sum::<f64>();
            y.push(rng.uniform() < sigmoid(e));
            x.extend(row);
        }
        let fit = fit(&x, p, &y, 1.0);
        assert!(fit.converged);
        assert!((fit.intercept - truth[0]).abs() < 0.05, "{fit:?}");
        for (b, t) in fit.coef.iter().zip(&truth[1..]) {
            assert!((b - t).abs() < 0.05, "{fit:?}");
        }
    }

    #[test]
    fn separable_data_stays_finite_under_the_penalty() {
        let x = [-2.0, -1.0, 1.0, 2.0];
        let y = [false, false, true, true];
        let fit = fit(&x, 1, &y, 1.0);
        assert!(fit.converged);
        assert!(fit.coef[0].is_finite() && fit.coef[0] > 0.5);
        assert!(fit.intercept.abs() < 1e-6);
    }

    #[test]
    fn sigmoid_is_stable() {
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-15);
        assert!((softplus(-800.0)).abs() < 1e-300);
        assert!((softplus(800.0) - 800.0).abs() < 1e-9);
    }

    #[test]
    fn cholesky_solves() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let x = solve(&a, &[2.0, 1.0], 2).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        assert!(solve(&[0.0], &[1.0], 1).is_none());
    }
}
