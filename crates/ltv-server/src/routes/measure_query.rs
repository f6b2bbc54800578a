//! [`MeasureQuery`]: how the baseline is measured (`margin`, `inactive_days`,
//! `repeat_days`, `target_ratio`, `business`, `currency`), the CLI's measurement flags
//! snake_case, for `/v1/channels` (query) and `/v1/report` (form fields). Every value
//! arrives as text and is parsed here; a missing one takes the library's default.

use ltv_planner::{Business, MeasureOptions};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// The measurement options, as text.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureQuery {
    /// gross margin in [0, 1]; default 1
    margin: Option<String>,
    /// days without an order after which a customer counts as churned; default 90
    inactive_days: Option<String>,
    /// days after the first order within which a second order is a repeat; default 90
    repeat_days: Option<String>,
    /// the LTV/CAC aimed for (max CAC = LTV ÷ it); default 3
    target_ratio: Option<String>,
    /// ec, saas or consulting; default ec
    business: Option<String>,
    /// ISO code or symbol (JPY, ¥, USD, $); default none
    currency: Option<String>,
}

fn bad(field: &str, message: String) -> ApiError {
    ApiError::BadValue {
        code: "invalid_value",
        message,
        field: Some(field.to_owned()),
    }
}

impl MeasureQuery {
    /// The fields read from a form (or any name → text lookup).
    pub fn from_fields<'a>(field: impl Fn(&str) -> Option<&'a str>) -> MeasureQuery {
        let text = |name: &str| field(name).map(str::to_owned);
        MeasureQuery {
            margin: text("margin"),
            inactive_days: text("inactive_days"),
            repeat_days: text("repeat_days"),
            target_ratio: text("target_ratio"),
            business: text("business"),
            currency: text("currency"),
        }
    }

    /// The names of the fields, for a form's list of known fields.
    pub const FIELDS: [&'static str; 6] = [
        "margin",
        "inactive_days",
        "repeat_days",
        "target_ratio",
        "business",
        "currency",
    ];

    /// The library's options (its defaults where a field is missing).
    ///
    /// # Errors
    /// [`ApiError::BadValue`] naming the field that is not a number, a whole number of
    /// days or a business model (ranges are the library's to check).
    pub fn options(&self) -> Result<MeasureOptions, ApiError> {
        let mut o = MeasureOptions::default();
        let decimal = |name: &str, v: &str| {
            ltv_core::parse_decimal(v).map_err(|e| bad(name, format!("{name}: {e}")))
        };
        let days = |name: &str, v: &str| {
            v.trim().parse::<u32>().map_err(|_| {
                bad(
                    name,
                    format!("{name} must be a whole number of days, got '{v}'"),
                )
            })
        };
        if let Some(v) = &self.margin {
            o.margin = decimal("margin", v)?;
        }
        if let Some(v) = &self.target_ratio {
            o.target_ratio = decimal("target_ratio", v)?;
        }
        if let Some(v) = &self.inactive_days {
            o.inactive_days = days("inactive_days", v)?;
        }
        if let Some(v) = &self.repeat_days {
            o.repeat_days = days("repeat_days", v)?;
        }
        if let Some(v) = &self.business {
            o.business = Some(
                v.parse::<Business>()
                    .map_err(|e| bad("business", format!("business must be {e}")))?,
            );
        }
        if let Some(v) = &self.currency {
            o.currency.clone_from(v);
        }
        Ok(o)
    }
}
