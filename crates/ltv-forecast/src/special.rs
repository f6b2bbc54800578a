//! Special functions: log-gamma, log-beta and the Gauss hypergeometric function.
//!
//! `ln_gamma` is `libm::lgamma` (a pure-Rust port of musl's libm, no dependencies,
//! accurate to about 1 ulp on the positive axis). The hypergeometric series is our own
//! because no small, maintained crate offers a robust `2F1`; it is evaluated by direct
//! summation with a term-ratio recurrence, which is exact enough for the arguments the
//! models produce once the callers apply Euler's transformation (see
//! [`crate::bgnbd`]): there `|z| < 1` and the terms decay geometrically.

/// ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// Maximum number of series terms before [`hyp2f1_minus_one`] gives up.
const MAX_TERMS: usize = 1_000_000;

/// `2F1(a, b; c; z) − 1` by its power series, for `0 <= z < 1` and `c > 0`.
///
/// Returning the series without its leading 1 lets callers form `ln 2F1` with
/// `ln_1p` and keep precision when the sum is tiny. The result is `None` if the series
/// has not converged after a million terms or overflowed.
pub(crate) fn hyp2f1_minus_one(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if z == 0.0 || a == 0.0 || b == 0.0 {
        return Some(0.0);
    }
    let mut term = 1.0_f64;
    let mut sum = 0.0_f64;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        let ratio = (a + kf) * (b + kf) / ((c + kf) * (kf + 1.0)) * z;
        term *= ratio;
        sum += term;
        if !sum.is_finite() {
            return None;
        }
        // stop once the terms shrink and the next ones cannot matter next to 1 + sum
        if term == 0.0
            || (ratio.abs() < 1.0 && term.abs() <= 1e-17 * (1.0 + sum).abs().max(sum.abs()))
        {
            return Some(sum);
        }
    }
    None
}

/// `2F1(1, b; c; z)` for `0 <= z <= 1`: the discounted-lifetime series of the sBG model.
///
/// At `z = 1` the series converges only when `c − b > 1`; then it equals
/// `(c − 1) / (c − b − 1)` (Gauss's theorem). `None` when it diverges.
pub(crate) fn hyp2f1_one(b: f64, c: f64, z: f64) -> Option<f64> {
    if z >= 1.0 {
        return (c - b > 1.0).then(|| (c - 1.0) / (c - b - 1.0));
    }
    hyp2f1_minus_one(1.0, b, c, z).map(|s| 1.0 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_values() {
        assert!((ln_gamma(1.0)).abs() < 1e-15);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    }

    #[test]
    fn hyp2f1_closed_forms() {
        // 2F1(1, 1; 2; z) = −ln(1 − z) / z
        let z = 0.9;
        let got = 1.0 + hyp2f1_minus_one(1.0, 1.0, 2.0, z).unwrap();
        assert!((got - (-(1.0f64 - z).ln() / z)).abs() < 1e-12);
        // 2F1(a, b; b; z) = (1 − z)^(−a)
        let got = 1.0 + hyp2f1_minus_one(2.5, 3.0, 3.0, 0.5).unwrap();
        assert!((got - 0.5f64.powf(-2.5)).abs() < 1e-12);
        // Gauss at z = 1
        assert_eq!(hyp2f1_one(1.0, 4.0, 1.0), Some(3.0 / 2.0));
        assert_eq!(hyp2f1_one(1.0, 2.0, 1.0), None);
    }
}
