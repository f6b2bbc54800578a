//! [`HealthOptions`]: everything `ltv health` and `POST /v1/health` take besides the
//! files, with the defaults and the validation both front ends share.

use ltv_segments::{DateFormat, Day};
use serde::{Deserialize, Deserializer};

use crate::error::{HealthError, Result};
use crate::lang::Lang;

/// Default churn horizon: "churns within the next 3 months".
pub const DEFAULT_HORIZON_MONTHS: u32 = 3;
/// Default number of complete months of usage read, ending at the scored month.
pub const DEFAULT_HISTORY_MONTHS: u32 = 24;
/// Largest history window (a customer's months are one 64-bit mask).
pub const MAX_HISTORY_MONTHS: u32 = 60;
/// Default name of the support-ticket metric.
pub const DEFAULT_TICKETS_METRIC: &str = "tickets";
/// Default name of the NPS metric (answers 0–10).
pub const DEFAULT_NPS_METRIC: &str = "nps";
/// Default name of the failed-payment metric.
pub const DEFAULT_FAILED_PAYMENTS_METRIC: &str = "failed_payments";

/// The options of a health assessment. Build one with [`HealthOptions::new`] and
/// change fields, or deserialise it (the server reads it from the query string; every
/// field but `as_of` has a default).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HealthOptions {
    /// YYYY-MM-DD. The last complete month on or before it is scored; rows after it are
    /// not used (and counted).
    #[serde(deserialize_with = "day")]
    #[cfg_attr(feature = "openapi", param(value_type = String))]
    pub as_of: Day,
    /// Months ahead in "churns within the next H months", 1–12; default 3.
    #[serde(default = "horizon")]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = u32))]
    pub horizon_months: u32,
    /// Also check the learned score on the last months with known outcomes.
    #[serde(default, deserialize_with = "flag")]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = bool))]
    pub backtest: bool,
    /// Complete months of usage read, ending at the scored month, 6–60; default 24.
    /// Older rows only set the customer's first month (tenure).
    #[serde(default = "history")]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = u32))]
    pub history_months: u32,
    /// Language of the reasons: `en` (default) or `ja`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = String))]
    pub lang: Lang,
    /// The usage metrics to score, comma-separated; default every metric that is not
    /// tickets, NPS or failed payments.
    #[serde(default, deserialize_with = "list")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>))]
    pub usage_metrics: Option<Vec<String>>,
    /// Metric counting support tickets; default `tickets` when the file has it.
    #[serde(default)]
    pub tickets_metric: Option<String>,
    /// Metric holding NPS answers (whole numbers 0–10); default `nps` when present.
    #[serde(default)]
    pub nps_metric: Option<String>,
    /// Metric counting failed payments; default `failed_payments` when present.
    #[serde(default)]
    pub failed_payments_metric: Option<String>,
    /// Customer id column of every file; default `customer_id`.
    #[serde(default = "customer_col")]
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub customer_col: String,
    /// Date column of the usage file; default `date`.
    #[serde(default = "date_col")]
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub date_col: String,
    /// Metric-name column of the usage file; default `metric`.
    #[serde(default = "metric_col")]
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub metric_col: String,
    /// Value column of the usage file (a decimal >= 0); default `value`.
    #[serde(default = "value_col")]
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub value_col: String,
    /// Segment column of the usage file, for NPS by segment; default `segment` when
    /// present.
    #[serde(default)]
    pub segment_col: Option<String>,
    /// Churn-date column of the churn file; default `churn_date`.
    #[serde(default = "churn_date_col")]
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub churn_date_col: String,
    /// strftime pattern of the usage and churn dates; default YYYY-MM-DD.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Field delimiter of every file: one character or `tab`; default `,`.
    #[serde(default = "comma", deserialize_with = "delimiter")]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = String))]
    pub delimiter: u8,
    /// Skip rows with a bad value (counted and reported) instead of refusing the file.
    #[serde(default, deserialize_with = "flag")]
    #[cfg_attr(feature = "openapi", param(required = false, value_type = bool))]
    pub skip_invalid: bool,
}

impl HealthOptions {
    /// The defaults, scoring as of `as_of`.
    pub fn new(as_of: Day) -> Self {
        HealthOptions {
            as_of,
            horizon_months: DEFAULT_HORIZON_MONTHS,
            backtest: false,
            history_months: DEFAULT_HISTORY_MONTHS,
            lang: Lang::En,
            usage_metrics: None,
            tickets_metric: None,
            nps_metric: None,
            failed_payments_metric: None,
            customer_col: customer_col(),
            date_col: date_col(),
            metric_col: metric_col(),
            value_col: value_col(),
            segment_col: None,
            churn_date_col: churn_date_col(),
            date_format: None,
            delimiter: b',',
            skip_invalid: false,
        }
    }

    /// The date format of the usage and churn files.
    pub fn date_format(&self) -> DateFormat {
        DateFormat::from_option(self.date_format.as_deref())
    }

    /// Checks every range.
    ///
    /// # Errors
    /// [`HealthError::InvalidOption`] naming the field and the allowed range.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &'static str, value: String, allowed: &str| HealthError::InvalidOption {
            field,
            value,
            allowed: allowed.to_owned(),
        };
        if !(1..=12).contains(&self.horizon_months) {
            return Err(bad(
                "horizon_months",
                self.horizon_months.to_string(),
                "a whole number of months from 1 to 12",
            ));
        }
        if !(6..=MAX_HISTORY_MONTHS).contains(&self.history_months) {
            return Err(bad(
                "history_months",
                self.history_months.to_string(),
                "a whole number of months from 6 to 60",
            ));
        }
        let mut named: Vec<(&'static str, &str)> = Vec::new();
        for (field, name) in [
            ("tickets_metric", &self.tickets_metric),
            ("nps_metric", &self.nps_metric),
            ("failed_payments_metric", &self.failed_payments_metric),
        ] {
            if let Some(n) = name {
                named.push((field, n.as_str()));
            }
        }
        for n in self.usage_metrics.iter().flatten() {
            named.push(("usage_metrics", n.as_str()));
        }
        if self.usage_metrics.as_ref().is_some_and(Vec::is_empty) {
            return Err(bad(
                "usage_metrics",
                "an empty list".into(),
                "at least one metric name",
            ));
        }
        for (i, (field, name)) in named.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(bad(field, format!("'{name}'"), "a metric name (not empty)"));
            }
            if let Some((other, _)) = named[..i].iter().find(|(_, n)| n.trim() == name.trim()) {
                return Err(bad(
                    field,
                    format!("'{name}'"),
                    &format!("a metric not already named by {other}"),
                ));
            }
        }
        Ok(())
    }
}

fn horizon() -> u32 {
    DEFAULT_HORIZON_MONTHS
}
fn history() -> u32 {
    DEFAULT_HISTORY_MONTHS
}
fn customer_col() -> String {
    "customer_id".to_owned()
}
fn date_col() -> String {
    "date".to_owned()
}
fn metric_col() -> String {
    "metric".to_owned()
}
fn value_col() -> String {
    "value".to_owned()
}
fn churn_date_col() -> String {
    "churn_date".to_owned()
}
fn comma() -> u8 {
    b','
}

fn day<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Day, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<Day>().map_err(serde::de::Error::custom)
}

fn delimiter<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u8, D::Error> {
    let text = String::deserialize(d)?;
    ltv_segments::parse_delimiter(&text).map_err(serde::de::Error::custom)
}

/// A boolean sent as `true`/`false` text (a query string) or as a JSON boolean.
fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    struct Flag;
    impl serde::de::Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E>(self, v: bool) -> std::result::Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<bool, E> {
            match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
            }
        }
    }
    d.deserialize_any(Flag)
}

/// A list sent as comma-separated text or as a sequence of strings.
fn list<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        List(Vec<String>),
    }
    Ok(Some(match Raw::deserialize(d)? {
        Raw::Text(t) => t
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        Raw::List(v) => v.into_iter().map(|s| s.trim().to_owned()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> HealthOptions {
        HealthOptions::new(Day::from_ymd(2024, 6, 30).unwrap())
    }

    #[test]
    fn ranges_name_the_field() {
        let mut o = opts();
        o.horizon_months = 0;
        assert_eq!(
            o.validate().unwrap_err().to_string(),
            "horizon_months must be a whole number of months from 1 to 12, got 0"
        );
        let mut o = opts();
        o.history_months = 61;
        assert_eq!(o.validate().unwrap_err().field(), Some("history_months"));
        let mut o = opts();
        o.nps_metric = Some("score".into());
        o.usage_metrics = Some(vec!["logins".into(), "score".into()]);
        assert_eq!(
            o.validate().unwrap_err().to_string(),
            "usage_metrics must be a metric not already named by nps_metric, got 'score'"
        );
        assert!(opts().validate().is_ok());
    }

    #[test]
    fn deserialises_from_a_query_shape() {
        let o: HealthOptions = serde_json::from_str(
            r#"{"as_of": "2024-06-30", "usage_metrics": "logins, seats", "backtest": "true", "delimiter": "tab"}"#,
        )
        .unwrap();
        assert_eq!(o.usage_metrics, Some(vec!["logins".into(), "seats".into()]));
        assert!(o.backtest);
        assert_eq!(o.delimiter, b'\t');
        assert_eq!(o.horizon_months, 3);
        let err = serde_json::from_str::<HealthOptions>(r#"{"as_of": "2024-13-01"}"#).unwrap_err();
        assert!(err.to_string().contains("not a date"), "{err}");
        assert!(
            serde_json::from_str::<HealthOptions>(r#"{"as_of": "2024-01-01", "x": 1}"#).is_err()
        );
    }
}
