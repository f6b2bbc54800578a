//! The drivers of LTV and the customer base that an initiative can move.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A driver of LTV, LTV/CAC or the customer base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    /// Average revenue per user and month (subscription).
    Arpu,
    /// Average order value (e-commerce).
    Aov,
    /// Average purchase value (general).
    Price,
    /// Purchases per year (e-commerce, general).
    Frequency,
    /// Monthly churn (subscription).
    Churn,
    /// Customer lifespan in years (e-commerce, general).
    Lifespan,
    /// Gross margin.
    Margin,
    /// Customer acquisition cost.
    Cac,
    /// New customers acquired per month.
    NewCustomers,
}

impl Driver {
    /// Every driver, in the documented tie order of the levers report.
    pub const ALL: [Driver; 9] = [
        Driver::Arpu,
        Driver::Aov,
        Driver::Price,
        Driver::Frequency,
        Driver::Churn,
        Driver::Lifespan,
        Driver::Margin,
        Driver::Cac,
        Driver::NewCustomers,
    ];

    /// The snake_case name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Arpu => "arpu",
            Driver::Aov => "aov",
            Driver::Price => "price",
            Driver::Frequency => "frequency",
            Driver::Churn => "churn",
            Driver::Lifespan => "lifespan",
            Driver::Margin => "margin",
            Driver::Cac => "cac",
            Driver::NewCustomers => "new_customers",
        }
    }

    /// A short English label.
    pub fn label(self) -> &'static str {
        match self {
            Driver::Arpu => "ARPU",
            Driver::Aov => "average order value",
            Driver::Price => "average purchase value",
            Driver::Frequency => "purchase frequency",
            Driver::Churn => "monthly churn",
            Driver::Lifespan => "customer lifespan",
            Driver::Margin => "gross margin",
            Driver::Cac => "CAC",
            Driver::NewCustomers => "new customers per month",
        }
    }

    /// A short Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Driver::Arpu => "ARPU",
            Driver::Aov => "平均注文単価",
            Driver::Price => "平均購入単価",
            Driver::Frequency => "購入頻度",
            Driver::Churn => "月次解約率",
            Driver::Lifespan => "顧客寿命",
            Driver::Margin => "粗利率",
            Driver::Cac => "CAC",
            Driver::NewCustomers => "月間新規顧客数",
        }
    }

    /// Whether a smaller value is better (churn, CAC).
    pub fn lower_is_better(self) -> bool {
        matches!(self, Driver::Churn | Driver::Cac)
    }

    /// Whether the driver is a fraction shown in percentage points (churn, margin).
    pub fn is_rate(self) -> bool {
        matches!(self, Driver::Churn | Driver::Margin)
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Driver {
    type Err = String;

    /// Parses a driver name; `-` and spaces count as `_`, case is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Driver::ALL
            .into_iter()
            .find(|d| d.as_str() == norm)
            .ok_or_else(|| names(&Driver::ALL))
    }
}

/// `a, b or c`.
pub(crate) fn names(drivers: &[Driver]) -> String {
    let mut out = String::new();
    for (i, d) in drivers.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == drivers.len() { " or " } else { ", " });
        }
        out.push_str(d.as_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_names() {
        assert_eq!("churn".parse::<Driver>().unwrap(), Driver::Churn);
        assert_eq!(
            "New customers".parse::<Driver>().unwrap(),
            Driver::NewCustomers
        );
        assert_eq!(
            "pricing".parse::<Driver>().unwrap_err(),
            "arpu, aov, price, frequency, churn, lifespan, margin, cac or new_customers"
        );
    }
}
