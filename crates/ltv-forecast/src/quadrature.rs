//! Tanh-sinh (double-exponential) quadrature on (0, 1), for integrands with algebraic
//! endpoint singularities such as Beta densities with shapes below 1.

/// Step of the trapezoidal rule in the transformed variable.
const H: f64 = 1.0 / 32.0;
/// Truncation of the transformed variable: |u| ≤ U_MAX.
const U_MAX: f64 = 6.5;

/// ∫₀¹ exp(l) · m dp where `(l, m) = f(ln p, ln (1 − p), p)`: the integrand is given
/// as a log-part `l` (e.g. of `p^(a−1) (1−p)^(b−1)`, exact next to 0 and 1, and combined
/// with the Jacobian before exponentiating so nothing overflows) and a bounded factor
/// `m`. The substitution
/// `p = (1 + tanh(π/2 · sinh u)) / 2` makes the integrand decay double-exponentially.
pub(crate) fn integrate_01(f: impl Fn(f64, f64, f64) -> (f64, f64)) -> f64 {
    let n = (U_MAX / H) as i32;
    let mut sum = 0.0;
    for k in -n..=n {
        let u = f64::from(k) * H;
        let s = std::f64::consts::FRAC_PI_2 * u.sinh();
        let (ln_p, ln_q) = if s >= 0.0 {
            let l = (-2.0 * s).exp().ln_1p();
            (-l, -2.0 * s - l)
        } else {
            let l = (2.0 * s).exp().ln_1p();
            (2.0 * s - l, -l)
        };
        // dp/du = π cosh(u) · p (1 − p)
        let ln_jacobian = (std::f64::consts::PI * u.cosh()).ln() + ln_p + ln_q;
        let (ln_part, factor) = f(ln_p, ln_q, ln_p.exp());
        let term = (ln_jacobian + ln_part).exp() * factor;
        if term.is_finite() {
            sum += term;
        }
    }
    sum * H
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::ln_beta;

    #[test]
    fn beta_densities_integrate_to_one() {
        for (a, b) in [(0.5, 0.5), (0.793, 2.426), (3.0, 7.0), (0.1, 5.0)] {
            let got =
                integrate_01(|lp, lq, _| ((a - 1.0) * lp + (b - 1.0) * lq - ln_beta(a, b), 1.0));
            assert!((got - 1.0).abs() < 1e-9, "{a} {b}: {got}");
        }
    }
}
