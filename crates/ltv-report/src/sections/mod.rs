//! One module per report section; [`Facts`] holds what several sections share.

pub mod channels;
pub mod cohorts;
pub mod drivers;
pub mod forecast;
pub mod headline;
pub mod plan;
pub mod rfm;

use ltv_core::present;
use ltv_core::Decimal;
use ltv_forecast::{forecast_clv, ClvReport, ClvRequest, TimeUnit};
use ltv_segments::{
    channel_economics, drivers, summarize, ChannelReport, ChannelSpend, CustomerSummary, Drivers,
    Transactions,
};
use rust_decimal::prelude::ToPrimitive;

use crate::build::{ReportInput, ReportOptions};
use crate::error::ReportError;
use crate::i18n::Lang;

/// Language and currency of the texts.
#[derive(Debug, Clone)]
pub struct Context {
    /// Language.
    pub lang: Lang,
    /// Currency prefix for money (may be empty).
    pub currency: String,
}

impl Context {
    /// Money for humans, e.g. `¥140,000.00`, `-$740.00`.
    pub fn money(&self, v: Decimal) -> String {
        self.signed(present::money(v))
    }

    /// Money without decimals, for large amounts: `¥140,000`.
    pub fn money0(&self, v: Decimal) -> String {
        self.signed(present::group(v, 0))
    }

    /// The currency after the sign: `-740` → `-$740`.
    fn signed(&self, text: String) -> String {
        match text.strip_prefix('-') {
            Some(abs) => format!("-{}{abs}", self.currency),
            None => format!("{}{text}", self.currency),
        }
    }

    /// A plain number rounded to `dp` places.
    pub fn num(&self, v: Decimal, dp: u32) -> String {
        present::group(v, dp)
    }

    /// A fraction as a percentage.
    pub fn pct(&self, fraction: Decimal) -> String {
        present::percent(fraction)
    }

    /// An axis label with the currency: `revenue per customer (¥)`.
    pub fn money_axis(&self, label: &str) -> String {
        if self.currency.is_empty() {
            format!("{label} (money)")
        } else {
            format!("{label} ({})", self.currency)
        }
    }
}

/// A Decimal as `f64` for drawing (charts only; shown numbers stay exact).
pub fn lossy(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

/// A float for humans via the one rounding strategy.
pub fn float(v: f64, dp: u32) -> String {
    match Decimal::try_from(v) {
        Ok(d) => present::group(d, dp),
        Err(_) => format!("{v}"),
    }
}

/// What several sections share, computed once.
pub struct Facts<'a> {
    /// The transactions.
    pub tx: &'a Transactions,
    /// Per-customer summaries.
    pub summaries: Vec<CustomerSummary>,
    /// Data-driven drivers and the LTV they imply.
    pub drivers: Result<Drivers, String>,
    /// Channel economics at the horizon.
    pub channels: Result<ChannelReport, String>,
    /// Whether a CAC file was given.
    pub has_spend: bool,
    /// Blended CAC over all channels with spend (total spend ÷ their new customers).
    pub cac: Option<Result<Decimal, String>>,
    /// Per-customer CLV forecast.
    pub clv: Result<ClvReport, String>,
}

impl<'a> Facts<'a> {
    /// Computes the shared facts.
    ///
    /// # Errors
    /// Errors summarising the transactions.
    pub fn gather(input: &ReportInput<'a>, options: &ReportOptions) -> Result<Self, ReportError> {
        let tx = input.transactions;
        let summaries = summarize(tx)?;
        let drivers = drivers(tx, options.margin, options.inactive_days).map_err(|e| e.to_string());
        let spend = input.spend.unwrap_or(&[]);
        let channels =
            channel_economics(tx, options.horizon_months, spend).map_err(|e| e.to_string());
        let cac = input
            .spend
            .map(|spend| blended_cac(spend, channels.as_ref().ok()));
        let clv = forecast_clv(
            &ltv_forecast::histories(tx),
            i64::from(tx.as_of().days()),
            TimeUnit::Week,
            &ClvRequest {
                horizon_months: options.horizon_months,
                discount_rate: options.discount_rate,
                margin: options.margin,
            },
        )
        .map_err(|e| e.to_string());
        Ok(Facts {
            tx,
            summaries,
            drivers,
            channels,
            has_spend: input.spend.is_some(),
            cac,
            clv,
        })
    }
}

/// Total spend ÷ the new customers it bought (from the file, else the channel's
/// customers in the data), through `ltv_core::cac`.
fn blended_cac(
    spend: &[ChannelSpend],
    channels: Option<&ChannelReport>,
) -> Result<Decimal, String> {
    let mut total = Decimal::ZERO;
    let mut new = 0u64;
    for s in spend {
        total = ltv_core::checked::add(total, s.spend, "total spend").map_err(|e| e.to_string())?;
        new += match s.new_customers {
            Some(n) => n,
            None => channels
                .and_then(|c| c.channels.iter().find(|r| r.channel == s.channel))
                .map_or(0, |r| r.customers),
        };
    }
    ltv_core::cac(total, Decimal::ZERO, new)
        .map(|c| c.normalize())
        .map_err(|e| e.to_string())
}
