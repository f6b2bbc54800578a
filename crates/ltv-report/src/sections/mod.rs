//! One module per report section; [`Facts`] holds what several sections share.

pub mod backlog;
pub mod channels;
pub mod cohorts;
pub mod drivers;
pub mod forecast;
pub mod headline;
pub mod plan;
pub mod rfm;

use std::collections::BTreeMap;

use ltv_core::{present, Currency, Decimal, Lang};
use ltv_forecast::{forecast_clv, ClvReport, ClvRequest, TimeUnit};
use ltv_planner::{bottleneck, levers, measure, Bottleneck, MeasuredBaseline};
use ltv_segments::{summarize, Transactions};
use rust_decimal::prelude::ToPrimitive;

use crate::build::{ReportInput, ReportOptions};
use crate::data::{Alternative, ReportData};
use crate::error::ReportError;

/// Language and currency of the texts.
#[derive(Debug, Clone)]
pub struct Context {
    /// Language.
    pub lang: Lang,
    /// Currency of money amounts.
    pub currency: Currency,
}

impl Context {
    /// Money for humans, rounded to the currency's minor units: `¥140,000`,
    /// `-$740.00`.
    pub fn money(&self, v: Decimal) -> String {
        self.currency.format(v)
    }

    /// Money in whole units, for large totals: `$140,000`.
    pub fn money0(&self, v: Decimal) -> String {
        self.currency.format_whole(v)
    }

    /// A plain number rounded to `dp` places.
    pub fn num(&self, v: Decimal, dp: u32) -> String {
        present::group(v, dp)
    }

    /// A fraction as a percentage.
    pub fn pct(&self, fraction: Decimal) -> String {
        present::percent(fraction)
    }

    /// An axis label with the currency: `revenue per customer (JPY)`.
    pub fn money_axis(&self, label: &str) -> String {
        let c = self.currency.label();
        if c.is_empty() {
            format!("{label} (money)")
        } else {
            format!("{label} ({c})")
        }
    }

    /// The English or the Japanese text.
    pub fn t<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        self.lang.pick(en, ja)
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

/// What the sections share, computed once: the numbers ([`ReportData`]) and the larger
/// results the charts are drawn from.
pub struct Facts<'a> {
    /// The transactions.
    pub tx: &'a Transactions,
    /// The baseline measured from the data.
    pub measured: Result<MeasuredBaseline, String>,
    /// The bottleneck on it.
    pub bottleneck: Option<Bottleneck>,
    /// Per-customer CLV forecast.
    pub clv: Result<ClvReport, String>,
    /// Cohort matrices and the sBG projection, for the charts.
    pub cohorts: Option<cohorts::Charts>,
    /// Whether a CAC file was given.
    pub has_spend: bool,
    /// The numbers of every section.
    pub data: ReportData,
}

impl<'a> Facts<'a> {
    /// Computes every section's numbers.
    ///
    /// # Errors
    /// Errors summarising the transactions.
    pub fn gather(input: &ReportInput<'a>, options: &ReportOptions) -> Result<Self, ReportError> {
        let tx = input.transactions;
        let lang = options.lang;
        let summaries = summarize(tx)?;
        let currency = Currency::parse(&options.currency)?;
        let mut unavailable = BTreeMap::new();
        let mut warnings = Vec::new();
        let skipped = tx.skip_report();
        if !skipped.is_empty() {
            warnings.push(match lang {
                Lang::En => skipped.describe().replace("\n  ", " · "),
                Lang::Ja => format!(
                    "不正な行を {} 行スキップしました: {}",
                    skipped.skipped,
                    skipped
                        .first
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" · ")
                ),
            });
        }
        let measured =
            measure(tx, input.spend, &options.measure_options()).map_err(|e| e.to_string());
        let (headline, channels, business, basis) = match &measured {
            Ok(m) => {
                warnings.extend(m.warnings.iter().map(|w| w.text(lang)));
                (
                    Some(m.headline.clone()),
                    m.channels.clone(),
                    m.business,
                    m.basis.sentence(lang),
                )
            }
            Err(e) => {
                unavailable.insert("headline".to_owned(), e.clone());
                unavailable.insert("drivers".to_owned(), e.clone());
                unavailable.insert("channels".to_owned(), e.clone());
                let basis = ltv_planner::LtvBasis::sentence_for(
                    options.margin,
                    options.inactive_days,
                    lang,
                );
                (
                    None,
                    Vec::new(),
                    options.business.unwrap_or(ltv_planner::Business::Ec),
                    basis,
                )
            }
        };
        let bottleneck = match &measured {
            Ok(m) => match bottleneck(m, lang) {
                Ok(b) => Some(b),
                Err(e) => {
                    unavailable.insert("drivers".to_owned(), e.to_string());
                    None
                }
            },
            Err(_) => None,
        };
        let sensitivity = match &measured {
            Ok(m) => levers(&m.baseline).ok(),
            Err(_) => None,
        };
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
        let forecast = match &clv {
            Ok(c) => Some(forecast::facts(c, &summaries)?),
            Err(e) => {
                unavailable.insert("forecast".to_owned(), e.clone());
                None
            }
        };
        let rfm = match rfm::facts(tx) {
            Ok(r) => Some(r),
            Err(e) => {
                unavailable.insert("rfm".to_owned(), e.to_string());
                None
            }
        };
        let (cohort_facts, cohort_charts) = match cohorts::facts(tx) {
            Ok((f, c)) => (Some(f), Some(c)),
            Err(e) => {
                unavailable.insert("cohorts".to_owned(), e.to_string());
                (None, None)
            }
        };
        let plan = match (input.plan, &measured) {
            (None, _) => None,
            (Some(file), Ok(m)) => {
                if let Some(w) = file.baseline.as_ref().and_then(|b| m.compare(b)) {
                    warnings.push(w.text(lang));
                }
                match plan::facts(file, m, lang) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        unavailable.insert("plan".to_owned(), e.to_string());
                        None
                    }
                }
            }
            (Some(_), Err(e)) => {
                unavailable.insert(
                    "plan".to_owned(),
                    format!(
                        "{} {e}",
                        lang.pick(
                            "the plan uses the baseline measured from the data, which this data cannot give:",
                            "計画はデータから測定したベースラインを使いますが、このデータからは測定できません:"
                        )
                    ),
                );
                None
            }
        };
        let alternatives = match &headline {
            Some(h) => headline::alternatives(h, forecast.as_ref(), lang),
            None => Vec::<Alternative>::new(),
        };
        let (bottleneck_rows, bottleneck_rule, not_assessed) = match &bottleneck {
            Some(b) => (b.drivers.clone(), b.rule.clone(), b.not_assessed.clone()),
            None => (Vec::new(), String::new(), Vec::new()),
        };
        let data = ReportData {
            file: ltv_planner::file_name(tx.file()),
            as_of: tx.as_of(),
            first_order: tx.first_day(),
            customers: tx.len() as u64,
            orders: tx.order_count() as u64,
            lang,
            currency,
            business,
            basis,
            headline,
            alternatives,
            channels,
            bottleneck: bottleneck_rows,
            bottleneck_rule,
            not_assessed,
            sensitivity,
            rfm,
            cohorts: cohort_facts,
            forecast,
            plan,
            unavailable,
            warnings,
            skipped: skipped.clone(),
            backlog: input.board.cloned(),
        };
        Ok(Facts {
            tx,
            measured,
            bottleneck,
            clv,
            cohorts: cohort_charts,
            has_spend: input.spend.is_some(),
            data,
        })
    }
}
