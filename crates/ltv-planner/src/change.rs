//! How an initiative moves its driver, and low/likely/high estimates.
//!
//! A change is written as text (or a bare number):
//!
//! | written   | meaning                                   | churn 0.05 becomes |
//! |-----------|-------------------------------------------|--------------------|
//! | `-0.01`   | absolute: add −0.01 to the driver         | 0.04               |
//! | `-1pt`    | percentage points: add −0.01              | 0.04               |
//! | `-20%`    | relative: multiply by 1 − 0.20            | 0.04               |
//! | `=0.04`   | target: set the driver to 0.04            | 0.04               |

use std::fmt;

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::arith::{add, div, mul};
use crate::error::Result;

/// A move of one driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Add this amount, in the driver's own unit.
    Absolute(Decimal),
    /// Add this many percentage points (stored as points: `-1` is −0.01).
    Points(Decimal),
    /// Multiply by (1 + fraction): `Relative(0.05)` is +5 %.
    Relative(Decimal),
    /// Set the driver to this value.
    To(Decimal),
}

impl Change {
    /// The driver's value after the change.
    ///
    /// # Errors
    /// [`crate::PlanError::Overflow`].
    pub fn apply(self, value: Decimal) -> Result<Decimal> {
        let v = match self {
            Change::Absolute(d) => add(value, d, "the changed driver")?,
            Change::Points(p) => add(
                value,
                div(p, Decimal::ONE_HUNDRED, "points")?,
                "the changed driver",
            )?,
            Change::Relative(f) => mul(
                value,
                add(Decimal::ONE, f, "1 + change")?,
                "the changed driver",
            )?,
            Change::To(t) => t,
        };
        Ok(v.normalize())
    }

    /// Parses `-0.01`, `-1pt`, `+5%` or `=0.04`.
    ///
    /// # Errors
    /// A message naming the accepted forms.
    pub fn parse(raw: &str) -> std::result::Result<Change, String> {
        let text = raw.trim().replace('_', "");
        let num = |s: &str| -> std::result::Result<Decimal, String> {
            let s = s.trim();
            let s = s.strip_prefix('+').unwrap_or(s);
            s.parse::<Decimal>()
                .or_else(|_| Decimal::from_scientific(s))
                .map_err(|_| format!("'{raw}' is not a change (examples: -0.01, -1pt, +5%, =0.04)"))
        };
        if let Some(rest) = text.strip_prefix('=') {
            Ok(Change::To(num(rest)?))
        } else if let Some(rest) = text.strip_suffix('%') {
            Ok(Change::Relative(num(rest)? / Decimal::ONE_HUNDRED))
        } else if let Some(rest) = text
            .strip_suffix("pts")
            .or_else(|| text.strip_suffix("pt"))
            .or_else(|| text.strip_suffix("points"))
        {
            Ok(Change::Points(num(rest)?))
        } else {
            Ok(Change::Absolute(num(&text)?))
        }
    }

    /// Whether the change is "no change".
    pub fn is_zero(self) -> bool {
        match self {
            Change::Absolute(d) | Change::Points(d) | Change::Relative(d) => d.is_zero(),
            Change::To(_) => false,
        }
    }
}

fn signed(d: Decimal) -> String {
    let d = d.normalize();
    if d.is_sign_negative() {
        d.to_string()
    } else {
        format!("+{d}")
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Change::Absolute(d) => f.write_str(&signed(d)),
            Change::Points(p) => write!(f, "{}pt", signed(p)),
            Change::Relative(r) => write!(f, "{}%", signed(r * Decimal::ONE_HUNDRED)),
            Change::To(t) => write!(f, "={}", t.normalize()),
        }
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Change;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a change such as -0.01, \"-1pt\", \"+5%\" or \"=0.04\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Change, E> {
                Change::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Change, E> {
                Ok(Change::Absolute(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Change, E> {
                Ok(Change::Absolute(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Change, E> {
                // the shortest text that round-trips is what the user wrote
                Change::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Which end of a low/likely/high range to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// Every range at its low end (pessimistic).
    Low,
    /// Every range at its likely value; single values as given.
    Likely,
    /// Every range at its high end (optimistic).
    High,
}

impl Scenario {
    /// Low, likely, high.
    pub const ALL: [Scenario; 3] = [Scenario::Low, Scenario::Likely, Scenario::High];
}

/// A value given once, or as a low/likely/high range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Estimate<T> {
    /// One value.
    One(T),
    /// A range: pessimistic, most likely, optimistic.
    Range {
        /// Pessimistic value.
        low: T,
        /// Most likely value.
        likely: T,
        /// Optimistic value.
        high: T,
    },
}

impl<T: Copy> Estimate<T> {
    /// The value in `scenario` (a single value in every scenario).
    pub fn at(&self, scenario: Scenario) -> T {
        match *self {
            Estimate::One(v) => v,
            Estimate::Range { low, likely, high } => match scenario {
                Scenario::Low => low,
                Scenario::Likely => likely,
                Scenario::High => high,
            },
        }
    }

    /// Whether this is a range.
    pub fn is_range(&self) -> bool {
        matches!(self, Estimate::Range { .. })
    }

    /// The values with their path suffix: `""` or `.low`, `.likely`, `.high`.
    pub fn parts(&self) -> Vec<(&'static str, T)> {
        match *self {
            Estimate::One(v) => vec![("", v)],
            Estimate::Range { low, likely, high } => {
                vec![(".low", low), (".likely", likely), (".high", high)]
            }
        }
    }
}

impl<T: fmt::Display> fmt::Display for Estimate<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Estimate::One(v) => v.fmt(f),
            Estimate::Range { low, likely, high } => write!(f, "{low}/{likely}/{high}"),
        }
    }
}

/// A change is a string in JSON: `-1pt` (points), `+5%` (relative), `-0.01` (absolute,
/// in the driver's unit) or `=0.04` (set to).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Change {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "-1pt (percentage points), +5% (relative), -0.01 (absolute, in the driver's \
                 unit) or =0.04 (set to)",
            ))
            .examples(["-1pt", "+5%", "=0.04"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Change {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// parse → print → parse gives the same change.
        #[test]
        fn round_trip(kind in 0u8..4, mantissa in -1_000_000i64..1_000_000, scale in 0u32..6) {
            let v = Decimal::new(mantissa, scale);
            let c = match kind {
                0 => Change::Absolute(v),
                1 => Change::Points(v),
                2 => Change::Relative(v),
                _ => Change::To(v),
            };
            let back = Change::parse(&c.to_string()).unwrap();
            prop_assert_eq!(back.apply(Decimal::from(7)).unwrap(), c.apply(Decimal::from(7)).unwrap());
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn forms() {
        let churn = d("0.05");
        for raw in ["-0.01", "-1pt", "-1 pt", "-20%", "=0.04"] {
            let c = Change::parse(raw).unwrap();
            assert_eq!(c.apply(churn).unwrap(), d("0.04"), "{raw}");
        }
        assert_eq!(Change::parse("+5%").unwrap(), Change::Relative(d("0.05")));
        assert_eq!(Change::parse("+5%").unwrap().to_string(), "+5%");
        assert_eq!(Change::parse("-1pt").unwrap().to_string(), "-1pt");
        assert_eq!(Change::parse("=0.04").unwrap().to_string(), "=0.04");
        assert_eq!(Change::parse("0.5").unwrap().to_string(), "+0.5");
        assert!(Change::parse("lots").is_err());
    }

    #[test]
    fn estimates() {
        let e: Estimate<Decimal> =
            serde_json::from_str(r#"{"low":5,"likely":7,"high":9}"#).unwrap();
        assert_eq!(e.at(Scenario::Low), d("5"));
        assert_eq!(e.at(Scenario::High), d("9"));
        assert_eq!(e.to_string(), "5/7/9");
        let one: Estimate<Change> = serde_json::from_str(r#""-1pt""#).unwrap();
        assert_eq!(one.at(Scenario::High), Change::Points(d("-1")));
        let from_float: Estimate<Change> = serde_json::from_str("-0.01").unwrap();
        assert_eq!(
            from_float.at(Scenario::Likely),
            Change::Absolute(d("-0.01"))
        );
    }
}
