//! CAC, the LTV/CAC ratio and its band, CAC payback.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::checked::{add, div, mul};
use crate::error::{CoreError, Result};
use crate::lang::Lang;
use crate::rate::{non_negative, positive, Margin};

/// Customer acquisition cost = (marketing cost + sales cost) ÷ new customers.
///
/// # Errors
/// [`CoreError::OutOfRange`] for negative costs or zero new customers;
/// [`CoreError::Overflow`].
///
/// ```
/// use ltv_core::cac;
/// use rust_decimal::Decimal;
/// let c = cac(Decimal::from(2_000_000), Decimal::from(3_000_000), 50).unwrap();
/// assert_eq!(c, Decimal::from(100_000));
/// ```
pub fn cac(marketing: Decimal, sales: Decimal, new_customers: u64) -> Result<Decimal> {
    let spend = add(
        non_negative("marketing", marketing)?,
        non_negative("sales", sales)?,
        "marketing + sales",
    )?;
    if new_customers == 0 {
        return Err(CoreError::OutOfRange {
            field: "new_customers",
            value: Decimal::ZERO,
            allowed: ">= 1",
        });
    }
    div(spend, Decimal::from(new_customers), "cac")
}

/// The inputs of [`cac`], as the CLI's `ltv cac` flags and the server's `POST /v1/cac`
/// body name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CacRequest {
    /// Marketing cost for the period (money), >= 0.
    pub marketing: Decimal,
    /// Sales cost for the period (money), >= 0.
    pub sales: Decimal,
    /// New customers acquired in the period, >= 1.
    pub new_customers: u64,
}

impl CacRequest {
    /// Computes the CAC and echoes the inputs.
    ///
    /// # Errors
    /// As for [`cac`].
    ///
    /// ```
    /// use ltv_core::CacRequest;
    /// use rust_decimal::Decimal;
    /// let report = CacRequest {
    ///     marketing: Decimal::from(2_000_000),
    ///     sales: Decimal::from(3_000_000),
    ///     new_customers: 50,
    /// }
    /// .evaluate()
    /// .unwrap();
    /// assert_eq!(report.cac, Decimal::from(100_000));
    /// ```
    pub fn evaluate(&self) -> Result<CacReport> {
        let cac = cac(self.marketing, self.sales, self.new_customers)?.normalize();
        Ok(CacReport {
            marketing: self.marketing,
            sales: self.sales,
            new_customers: self.new_customers,
            cac,
        })
    }
}

/// The result of [`CacRequest::evaluate`]: the inputs echoed and the CAC; the shape of
/// `ltv cac --format json` and of `POST /v1/cac`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CacReport {
    /// Marketing cost for the period (money), as given.
    pub marketing: Decimal,
    /// Sales cost for the period (money), as given.
    pub sales: Decimal,
    /// New customers acquired in the period.
    pub new_customers: u64,
    /// (marketing + sales) ÷ new customers, full precision.
    pub cac: Decimal,
}

/// Health of the LTV/CAC ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Ratio >= 3: each acquired customer returns at least three times its cost.
    Healthy,
    /// 1 <= ratio < 3: profitable, with room to improve.
    NeedsImprovement,
    /// Ratio < 1: acquisition loses money.
    Unprofitable,
}

impl Band {
    /// The band of an LTV/CAC ratio: `healthy` (>= 3), `needs_improvement` (1 to < 3),
    /// `unprofitable` (< 1).
    pub fn of_ratio(ratio: Decimal) -> Band {
        if ratio >= Decimal::from(3) {
            Band::Healthy
        } else if ratio >= Decimal::ONE {
            Band::NeedsImprovement
        } else {
            Band::Unprofitable
        }
    }

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Healthy => "healthy",
            Band::NeedsImprovement => "needs_improvement",
            Band::Unprofitable => "unprofitable",
        }
    }

    /// The band's name in words: `needs improvement`, `要改善`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Band::Healthy => lang.pick("healthy", "健全"),
            Band::NeedsImprovement => lang.pick("needs improvement", "要改善"),
            Band::Unprofitable => lang.pick("unprofitable", "赤字"),
        }
    }

    /// The band with its range and what it means, for people:
    /// `needs improvement (1 ≤ LTV/CAC < 3): profitable, room to improve`.
    ///
    /// ```
    /// use ltv_core::{Band, Lang};
    /// assert_eq!(Band::Unprofitable.describe(Lang::En),
    ///     "unprofitable (LTV/CAC < 1): each new customer loses money");
    /// assert_eq!(Band::Healthy.describe(Lang::Ja), "健全（LTV/CAC 3 以上）: 獲得費用を十分に回収できる");
    /// ```
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            Band::Healthy => lang.pick(
                "healthy (LTV/CAC ≥ 3): acquisition pays for itself well",
                "健全（LTV/CAC 3 以上）: 獲得費用を十分に回収できる",
            ),
            Band::NeedsImprovement => lang.pick(
                "needs improvement (1 ≤ LTV/CAC < 3): profitable, room to improve",
                "要改善（LTV/CAC 1〜3）: 黒字だが改善の余地あり",
            ),
            Band::Unprofitable => lang.pick(
                "unprofitable (LTV/CAC < 1): each new customer loses money",
                "赤字（LTV/CAC 1 未満）: 顧客を獲得するほど損失が出る",
            ),
        }
    }

    /// A short human explanation.
    pub fn meaning(self) -> &'static str {
        match self {
            Band::Healthy => "LTV/CAC >= 3: acquisition pays for itself well",
            Band::NeedsImprovement => "1 <= LTV/CAC < 3: profitable, room to improve",
            Band::Unprofitable => "LTV/CAC < 1: each new customer loses money",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// LTV ÷ CAC.
///
/// # Errors
/// [`CoreError::OutOfRange`] for `cac <= 0`; [`CoreError::Overflow`].
pub fn ltv_cac_ratio(ltv: Decimal, cac: Decimal) -> Result<Decimal> {
    div(ltv, positive("cac", cac)?, "ltv / cac")
}

/// The LTV/CAC ratio a business aims for when it sets its acquisition budget: 3, the
/// lower bound of the healthy band.
pub const DEFAULT_TARGET_RATIO: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

/// The most a business can pay to acquire a customer and still reach `target_ratio`:
/// LTV ÷ target ratio (with the default 3, a third of the LTV).
///
/// # Errors
/// [`CoreError::OutOfRange`] for `target_ratio <= 0`; [`CoreError::Overflow`].
///
/// ```
/// use ltv_core::{max_affordable_cac, DEFAULT_TARGET_RATIO};
/// use rust_decimal::Decimal;
/// let max = max_affordable_cac(Decimal::from(140_000), DEFAULT_TARGET_RATIO).unwrap();
/// assert_eq!(max.round_dp(2), "46666.67".parse().unwrap());
/// ```
pub fn max_affordable_cac(ltv: Decimal, target_ratio: Decimal) -> Result<Decimal> {
    div(
        ltv,
        positive("target_ratio", target_ratio)?,
        "ltv / target ratio",
    )
}

/// CAC payback in periods = CAC ÷ gross profit per customer and period.
///
/// Returns `Ok(None)` when the gross profit per period is 0: the CAC is never recovered.
///
/// # Errors
/// [`CoreError::OutOfRange`] for a negative CAC or gross profit; [`CoreError::Overflow`].
pub fn payback_periods(cac: Decimal, gross_profit_per_period: Decimal) -> Result<Option<Decimal>> {
    let cac = non_negative("cac", cac)?;
    let gp = non_negative("gross_profit_per_period", gross_profit_per_period)?;
    if gp.is_zero() {
        return Ok(None);
    }
    div(cac, gp, "cac payback").map(Some)
}

/// The unit economics of one customer: LTV, CAC, their ratio and band, CAC payback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitEconomics {
    /// Lifetime value per customer (money).
    pub ltv: Decimal,
    /// Acquisition cost per customer (money).
    pub cac: Decimal,
    /// LTV ÷ CAC.
    pub ratio: Decimal,
    /// Band of the ratio.
    pub band: Band,
    /// Periods until the CAC is recovered from gross profit, where ARPU is known;
    /// `null` when ARPU was given but the gross profit per period is 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub payback_periods: Option<Option<Decimal>>,
}

impl UnitEconomics {
    /// LTV/CAC and band, plus CAC payback when `arpu` (and optionally `margin`, default 1)
    /// are given.
    ///
    /// # Errors
    /// [`CoreError::OutOfRange`] for `cac <= 0`, `arpu <= 0` or a margin outside [0, 1],
    /// or a margin without an ARPU; [`CoreError::Overflow`].
    ///
    /// ```
    /// use ltv_core::{Band, UnitEconomics};
    /// use rust_decimal::Decimal;
    /// let ue = UnitEconomics::new(Decimal::from(300_000), Decimal::from(100_000), None, None).unwrap();
    /// assert_eq!(ue.ratio, Decimal::from(3));
    /// assert_eq!(ue.band, Band::Healthy);
    /// ```
    pub fn new(
        ltv: Decimal,
        cac: Decimal,
        arpu: Option<Decimal>,
        margin: Option<Decimal>,
    ) -> Result<Self> {
        let ratio = ltv_cac_ratio(ltv, cac)?.normalize();
        let payback = match (arpu, margin) {
            (None, None) => None,
            (None, Some(m)) => {
                return Err(CoreError::OutOfRange {
                    field: "arpu",
                    value: m,
                    allowed: "given together with margin (payback needs ARPU × margin)",
                })
            }
            (Some(a), m) => {
                let m = Margin::new(m.unwrap_or(Decimal::ONE))?;
                let gp = mul(positive("arpu", a)?, m.get(), "arpu × margin")?;
                Some(payback_periods(cac, gp)?.map(|d| d.normalize()))
            }
        };
        Ok(UnitEconomics {
            ltv: ltv.normalize(),
            cac: cac.normalize(),
            ratio,
            band: Band::of_ratio(ratio),
            payback_periods: payback,
        })
    }
}

/// The inputs of [`UnitEconomics::new`], as the CLI's `ltv unit-economics` flags and the
/// server's `POST /v1/unit-economics` body name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitEconomicsRequest {
    /// Lifetime value per customer (money).
    pub ltv: Decimal,
    /// Acquisition cost per customer (money), > 0.
    pub cac: Decimal,
    /// Average revenue per user and period (money), > 0, for CAC payback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arpu: Option<Decimal>,
    /// Gross margin in [0, 1] for CAC payback; needs `arpu`; default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Decimal>,
}

impl UnitEconomicsRequest {
    /// The unit economics of these inputs.
    ///
    /// # Errors
    /// As for [`UnitEconomics::new`].
    pub fn evaluate(&self) -> Result<UnitEconomics> {
        UnitEconomics::new(self.ltv, self.cac, self.arpu, self.margin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn cac_worked_example() {
        assert_eq!(cac(d("2000000"), d("3000000"), 50).unwrap(), d("100000"));
    }

    #[test]
    fn cac_request_echoes_inputs() {
        let report = CacRequest {
            marketing: d("2000000"),
            sales: d("3000000"),
            new_customers: 50,
        }
        .evaluate()
        .unwrap();
        assert_eq!(report.cac, d("100000"));
        assert_eq!(report.marketing, d("2000000"));
        assert_eq!(report.new_customers, 50);
    }

    #[test]
    fn cac_zero_new_customers() {
        let err = cac(d("1"), d("1"), 0).unwrap_err();
        assert_eq!(err.field(), Some("new_customers"));
        assert_eq!(err.to_string(), "new_customers must be >= 1, got 0");
    }

    #[test]
    fn bands_worked_examples() {
        let ue = |l: &str| UnitEconomics::new(d(l), d("100000"), None, None).unwrap();
        assert_eq!(ue("300000").ratio, d("3"));
        assert_eq!(ue("300000").band, Band::Healthy);
        assert_eq!(ue("150000").ratio, d("1.5"));
        assert_eq!(ue("150000").band, Band::NeedsImprovement);
        assert_eq!(ue("80000").ratio, d("0.8"));
        assert_eq!(ue("80000").band, Band::Unprofitable);
    }

    #[test]
    fn band_edges() {
        assert_eq!(Band::of_ratio(d("2.9999")), Band::NeedsImprovement);
        assert_eq!(Band::of_ratio(d("1")), Band::NeedsImprovement);
        assert_eq!(Band::of_ratio(d("0.9999")), Band::Unprofitable);
        assert_eq!(Band::of_ratio(d("-1")), Band::Unprofitable);
    }

    #[test]
    fn payback() {
        let ue =
            UnitEconomics::new(d("140000"), d("56000"), Some(d("10000")), Some(d("0.7"))).unwrap();
        assert_eq!(ue.payback_periods, Some(Some(d("8"))));
        let never = UnitEconomics::new(d("1"), d("56000"), Some(d("10000")), Some(d("0"))).unwrap();
        assert_eq!(never.payback_periods, Some(None));
    }

    #[test]
    fn zero_cac_rejected() {
        let err = UnitEconomics::new(d("1"), d("0"), None, None).unwrap_err();
        assert_eq!(err.to_string(), "cac must be > 0, got 0");
    }
}
