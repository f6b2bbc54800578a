//! Multi-start Nelder–Mead minimisation on log-parameters, with a convergence report.
//!
//! The models have two to four positive parameters and smooth likelihoods, so a
//! derivative-free simplex on `ln θ` (which keeps every parameter positive without
//! constraints) is robust and, after compressing the data, fast. We wrote the ~100
//! lines ourselves rather than depend on `argmin`, whose default build pulls in `rand`,
//! `argmin-math`, `num-traits`, `paste` and `web-time` for what is here a
//! two-to-four-dimensional problem (see docs/formulas.md, "Numerics").

use serde::Serialize;

/// How the optimiser finished: reported with every fit so callers can tell a
/// trustworthy optimum from a stalled one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convergence {
    /// The best start converged (simplex collapsed to the tolerance) and at least two
    /// starts reached the same optimum.
    pub converged: bool,
    /// Number of starting points tried.
    pub starts: usize,
    /// Starts whose optimum matches the best log-likelihood within 1e-6.
    pub starts_agreeing: usize,
    /// Objective evaluations over all starts.
    pub evaluations: usize,
}

/// Result of [`minimise`]: the best point (in the log-parameter space) and its value.
pub(crate) struct Minimum {
    pub point: Vec<f64>,
    pub value: f64,
    pub convergence: Convergence,
}

const TOL: f64 = 1e-12;
const MAX_EVALS: usize = 20_000;
/// Log-parameters are kept inside ±BOUND (θ between 1e-13 and 4e13).
const BOUND: f64 = 30.0;

/// Minimises `f` from each of `starts`. Non-finite values count as +∞, so the simplex
/// walks away from regions where the likelihood underflows.
pub(crate) fn minimise(f: &dyn Fn(&[f64]) -> f64, starts: &[Vec<f64>]) -> Minimum {
    let g = |x: &[f64]| {
        if x.iter().any(|v| v.abs() > BOUND) {
            return f64::INFINITY;
        }
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut results = Vec::with_capacity(starts.len());
    let mut evaluations = 0;
    for start in starts {
        // restart from the optimum until a restart no longer improves it
        let mut point = start.clone();
        let mut value = f64::INFINITY;
        let mut ok = false;
        for _ in 0..4 {
            let (p, v, converged, evals) = nelder_mead(&g, &point);
            evaluations += evals;
            let improved = v < value - 1e-10 * value.abs().max(1.0);
            point = p;
            value = v.min(value);
            ok = converged;
            if !improved {
                break;
            }
        }
        results.push((point, value, ok));
    }
    let best = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.1.is_finite())
        .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
        .map(|(i, _)| i);
    let Some(best) = best else {
        return Minimum {
            point: starts.first().cloned().unwrap_or_default(),
            value: f64::INFINITY,
            convergence: Convergence {
                converged: false,
                starts: starts.len(),
                starts_agreeing: 0,
                evaluations,
            },
        };
    };
    let (point, value, ok) = results[best].clone();
    let agreeing = results
        .iter()
        .filter(|r| (r.1 - value).abs() <= 1e-6 * value.abs().max(1.0))
        .count();
    Minimum {
        point,
        value,
        convergence: Convergence {
            converged: ok && (agreeing >= 2 || starts.len() == 1),
            starts: starts.len(),
            starts_agreeing: agreeing,
            evaluations,
        },
    }
}

/// One Nelder–Mead run (standard coefficients 1, 2, ½, ½). Returns the best vertex, its
/// value, whether the simplex converged, and the number of evaluations.
fn nelder_mead(f: &dyn Fn(&[f64]) -> f64, start: &[f64]) -> (Vec<f64>, f64, bool, usize) {
    let n = start.len();
    let mut simplex: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    simplex.push(start.to_vec());
    for i in 0..n {
        let mut v = start.to_vec();
        v[i] += 0.5;
        simplex.push(v);
    }
    let mut values: Vec<f64> = simplex.iter().map(|v| f(v)).collect();
    let mut evals = n + 1;
    let mut converged = false;
    while evals < MAX_EVALS {
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let (lo, hi) = (values[0], values[n]);
        let size = simplex[1..]
            .iter()
            .flat_map(|v| v.iter().zip(&simplex[0]).map(|(a, b)| (a - b).abs()))
            .fold(0.0, f64::max);
        if lo.is_finite() && (hi - lo).abs() <= TOL * lo.abs().max(1.0) && size < 1e-7 {
            converged = true;
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|v| v[j]).sum::<f64>() / n as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&simplex[n])
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let xr = along(1.0);
        let fr = f(&xr);
        evals += 1;
        if fr < values[0] {
            let xe = along(2.0);
            let fe = f(&xe);
            evals += 1;
            if fe < fr {
                simplex[n] = xe;
                values[n] = fe;
            } else {
                simplex[n] = xr;
                values[n] = fr;
            }
        } else if fr < values[n - 1] {
            simplex[n] = xr;
            values[n] = fr;
        } else {
            let (xc, fc) = if fr < values[n] {
                let x = along(0.5);
                let v = f(&x);
                (x, v)
            } else {
                let x = along(-0.5);
                let v = f(&x);
                (x, v)
            };
            evals += 1;
            if fc < values[n].min(fr) {
                simplex[n] = xc;
                values[n] = fc;
            } else {
                for i in 1..=n {
                    let shrunk: Vec<f64> = simplex[i]
                        .iter()
                        .zip(&simplex[0])
                        .map(|(x, b)| b + 0.5 * (x - b))
                        .collect();
                    values[i] = f(&shrunk);
                    simplex[i] = shrunk;
                }
                evals += n;
            }
        }
    }
    let best = (0..=n)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    (simplex[best].clone(), values[best], converged, evals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rosenbrock() {
        let f = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = minimise(&f, &[vec![-1.2, 1.0], vec![2.0, 2.0]]);
        assert!(m.convergence.converged, "{:?}", m.convergence);
        assert!((m.point[0] - 1.0).abs() < 1e-5 && (m.point[1] - 1.0).abs() < 1e-5);
    }
}
