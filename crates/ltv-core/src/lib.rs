//! Exact customer-lifetime-value formulas and unit economics.
//!
//! `ltv-core` is the arithmetic every other `ltv` crate builds on: the LTV formulas of
//! the business models we serve (subscription, general, revenue-based, profit-based,
//! e-commerce), CAC, the LTV/CAC ratio with its health band and CAC payback. Money is
//! [`rust_decimal::Decimal`] throughout; rates are validated ([`Churn`] in (0, 1],
//! [`Margin`] in [0, 1], [`DiscountRate`] ≥ 0) and every bad input is a [`CoreError`]
//! naming the field and the allowed range. Nothing here does I/O, and nothing panics.
//!
//! ```
//! use ltv_core::{cac, Band, Subscription, UnitEconomics};
//! use rust_decimal::Decimal;
//!
//! // ARPU 10,000 a month, 70 % margin, 5 % monthly churn.
//! let plan = Subscription {
//!     arpu: Decimal::from(10_000),
//!     churn: "0.05".parse()?,
//!     margin: "0.70".parse()?,
//!     discount_rate: Decimal::ZERO,
//!     horizon: None,
//!     cac: None,
//! };
//! let ltv = plan.ltv()?;
//! assert_eq!(ltv, Decimal::from(140_000));
//!
//! let cac = cac(Decimal::from(2_000_000), Decimal::from(3_000_000), 50)?;
//! let ue = UnitEconomics::new(ltv, cac, Some(plan.arpu), Some(plan.margin))?;
//! assert_eq!(ue.ratio, "1.4".parse()?);
//! assert_eq!(ue.band, Band::NeedsImprovement);
//! assert_eq!(ue.payback_periods, Some(Some("14.285714285714285714285714286".parse()?)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]

mod calc;
pub mod checked;
mod currency;
mod error;
mod job;
mod lang;
mod ltv;
mod number;
pub mod present;
mod rate;
mod unit_economics;

pub use calc::{CalcReport, LtvModel};
pub use currency::Currency;
pub use error::{CoreError, Result};
pub use job::{Cancelled, Job, Phase, Watcher};
pub use lang::Lang;
pub use ltv::{expected_lifespan, Ecommerce, General, Profit, Revenue, Subscription};
pub use number::{exact_decimal, parse_decimal, DecimalProblem};
pub use rate::{non_negative, positive, Churn, DiscountRate, Margin};
pub use rust_decimal::Decimal;
pub use unit_economics::{
    cac, ltv_cac_ratio, max_affordable_cac, payback_periods, Band, CacReport, CacRequest,
    UnitEconomics, UnitEconomicsRequest, DEFAULT_TARGET_RATIO,
};
