//! The business today, measured from its own orders: one baseline that the headline,
//! the channel table, the bottleneck, the plan and the ROI cases all take their numbers
//! from.
//!
//! **The basis.** Every LTV here, and every LTV/CAC that is banded, is the gross-margin
//! LTV over the expected lifespan, undiscounted: average order value × gross margin ×
//! orders per active customer-month × expected lifespan in months (1 ÷ monthly churn),
//! computed by ltv-core's formula for the business model of [`Business`] (the three
//! give the same value). Revenue figures (revenue over the lifespan, observed revenue,
//! revenue over a horizon) are labelled "revenue" and never banded.
//!
//! The drivers are measured by `ltv_segments::drivers` for all customers and per
//! channel; a channel's LTV uses its own drivers with the same margin and formula.

use std::fmt;

use ltv_core::{max_affordable_cac, payback_periods, Band, Currency, Lang, Margin};
use ltv_segments::{
    channel_economics, grouped, match_spend, Day, DriverOptions, Drivers, GroupDrivers,
    SegmentsError, SkipReport, Spend, SpendMatch, Transactions, DEFAULT_INACTIVE_DAYS,
    DEFAULT_REPEAT_DAYS,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::arith::{div, mul};
use crate::baseline::{Baseline, EcommerceBaseline, GeneralBaseline, SubscriptionBaseline};
use crate::error::PlanError;

/// Groups smaller than this are not compared (their drivers are too noisy to set a bar)
/// and trigger no per-group warning.
pub const MIN_GROUP_CUSTOMERS: u64 = 30;

/// Channel names (lower case) that count as referrals for the consulting playbook's
/// referral share.
pub const REFERRAL_CHANNELS: [&str; 4] = ["referral", "referrals", "紹介", "word of mouth"];

/// Fewer churned customers than this make the churn estimate (and so every LTV)
/// uncertain; the baseline says so.
pub const FEW_CHURNED: u64 = 20;

/// The business model whose playbook chooses the headline KPIs, the planner baseline's
/// model and the recommended initiative types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Business {
    /// E-commerce / D2C / B2B commerce: repeat-purchase rate and AOV first.
    Ec,
    /// SaaS / subscriptions: net revenue retention first, churn, expansion.
    Saas,
    /// Consulting / services: client retention and referrals.
    Consulting,
}

impl Business {
    /// `ec`, `saas` or `consulting`.
    pub fn as_str(self) -> &'static str {
        match self {
            Business::Ec => "ec",
            Business::Saas => "saas",
            Business::Consulting => "consulting",
        }
    }

    /// A label for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Business::Ec => lang.pick("e-commerce", "EC・D2C"),
            Business::Saas => lang.pick("SaaS", "SaaS"),
            Business::Consulting => lang.pick("consulting", "コンサルティング"),
        }
    }
}

impl std::str::FromStr for Business {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ec" | "ecommerce" | "e-commerce" | "d2c" => Ok(Business::Ec),
            "saas" | "subscription" => Ok(Business::Saas),
            "consulting" | "services" => Ok(Business::Consulting),
            other => Err(format!("ec, saas or consulting, got {other}")),
        }
    }
}

fn one() -> Decimal {
    Decimal::ONE
}
fn inactive() -> u32 {
    DEFAULT_INACTIVE_DAYS
}
fn repeat() -> u32 {
    DEFAULT_REPEAT_DAYS
}
fn target() -> Decimal {
    ltv_core::DEFAULT_TARGET_RATIO
}
fn twelve() -> u32 {
    12
}

/// How to measure the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureOptions {
    /// Gross margin in [0, 1] applied to revenue; default 1 (then every LTV is revenue).
    #[serde(default = "one")]
    pub margin: Decimal,
    /// Days without an order after which a customer counts as churned; default 90.
    #[serde(default = "inactive")]
    pub inactive_days: u32,
    /// Window in days after the first order for the repeat-purchase rate; default 90.
    #[serde(default = "repeat")]
    pub repeat_days: u32,
    /// The LTV/CAC a business aims for; the maximum affordable CAC is LTV ÷ it;
    /// default 3.
    #[serde(default = "target")]
    pub target_ratio: Decimal,
    /// Months of the per-channel revenue view; default 12.
    #[serde(default = "twelve")]
    pub horizon_months: u32,
    /// The business model; default from the data (`ec` for transactions).
    #[serde(default)]
    pub business: Option<Business>,
    /// Currency as an ISO code or a symbol (`JPY`, `¥`, `USD`, `$`); default none.
    #[serde(default)]
    pub currency: String,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions {
            margin: Decimal::ONE,
            inactive_days: DEFAULT_INACTIVE_DAYS,
            repeat_days: DEFAULT_REPEAT_DAYS,
            target_ratio: ltv_core::DEFAULT_TARGET_RATIO,
            horizon_months: 12,
            business: None,
            currency: String::new(),
        }
    }
}

/// What can go wrong while measuring a baseline.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    /// Reading or grouping the data failed.
    #[error(transparent)]
    Data(#[from] SegmentsError),
    /// A planner computation on the measured drivers failed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The data cannot give this number yet (the reason says why).
    #[error("{file}: {reason}")]
    NotMeasurable {
        /// The data file.
        file: String,
        /// Why.
        reason: String,
    },
    /// An option is out of range.
    #[error("{field} must be {allowed}, got {value}")]
    InvalidOption {
        /// The option's snake_case name.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// The allowed range.
        allowed: &'static str,
    },
}

impl MeasureError {
    /// The snake_case name of the offending option, where there is one.
    pub fn field(&self) -> Option<String> {
        match self {
            MeasureError::Data(e) => e.field().map(str::to_owned),
            MeasureError::Plan(e) => e.field(),
            MeasureError::InvalidOption { field, .. } => Some((*field).to_owned()),
            MeasureError::NotMeasurable { .. } => None,
        }
    }
}

/// The declared LTV basis of every banded ratio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LtvBasis {
    /// `gross_margin_lifespan`.
    pub name: &'static str,
    /// The gross margin applied.
    pub margin: Decimal,
    /// Days without an order that count as churn.
    pub inactive_days: u32,
    /// Whether future cash is discounted (not on this basis).
    pub discounted: bool,
    /// The formula in words.
    pub formula: &'static str,
}

impl LtvBasis {
    fn new(margin: Decimal, inactive_days: u32) -> LtvBasis {
        LtvBasis {
            name: "gross_margin_lifespan",
            margin,
            inactive_days,
            discounted: false,
            formula: "average order value × gross margin × orders per active customer-month × expected lifespan in months (1 ÷ monthly churn)",
        }
    }

    /// The one line for a margin and churn threshold, without a measurement.
    pub fn sentence_for(margin: Decimal, inactive_days: u32, lang: Lang) -> String {
        LtvBasis::new(margin, inactive_days).sentence(lang)
    }

    /// The one line that says which basis every banded LTV/CAC uses.
    pub fn sentence(&self, lang: Lang) -> String {
        let m = ltv_core::present::percent(self.margin);
        match lang {
            Lang::En => format!(
                "Every LTV and banded LTV/CAC here is gross-margin LTV: average order value × gross margin {m} × orders per month × expected lifespan (1 ÷ monthly churn; churned = no order for {} days), undiscounted. Revenue figures are labelled as revenue and never banded.",
                self.inactive_days
            ),
            Lang::Ja => format!(
                "本レポートの LTV と判定付きの LTV/CAC はすべて粗利ベースです: 平均注文額 × 粗利率 {m} × 月間注文回数 × 期待継続期間（1 ÷ 月次解約率。{} 日間注文のない顧客を解約とみなす）、割引なし。売上ベースの数値は「売上」と明記し、判定には使いません。",
                self.inactive_days
            ),
        }
    }
}

/// The headline: one LTV and everything banded against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// Customers in the data.
    pub customers: u64,
    /// Customers not churned at the as-of day (the ROI simulation starts from them).
    pub active_customers: u64,
    /// Orders (rows).
    pub orders: u64,
    /// Revenue to date (money).
    pub revenue: Decimal,
    /// Observed revenue per customer to date (money; revenue, not LTV).
    pub revenue_per_customer: Decimal,
    /// Gross-margin LTV on the declared basis (money).
    pub ltv: Decimal,
    /// `gross_margin_lifespan`.
    pub ltv_basis: &'static str,
    /// Revenue over the expected lifespan (money; LTV before margin, never banded).
    pub revenue_over_lifespan: Decimal,
    /// Gross margin applied.
    pub margin: Decimal,
    /// Blended CAC: matched spend ÷ matched new customers (money).
    pub cac: Option<Decimal>,
    /// LTV ÷ CAC.
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio.
    pub band: Option<Band>,
    /// Months of gross profit per active customer that repay the CAC; `null` without a
    /// CAC, or when the gross profit is 0 (never).
    pub payback_months: Option<Decimal>,
    /// The target LTV/CAC.
    pub target_ratio: Decimal,
    /// The most a customer may cost to acquire at the target ratio: LTV ÷ target.
    pub max_cac: Decimal,
    /// Churned customers ÷ active customer-months.
    pub monthly_churn: Decimal,
    /// 1 ÷ monthly churn.
    pub lifespan_months: Decimal,
    /// Days without an order that count as churn.
    pub inactive_days: u32,
    /// Customers counted as churned.
    pub churned_customers: u64,
    /// Revenue ÷ orders (money).
    pub aov: Decimal,
    /// Orders per active customer and month.
    pub orders_per_month: Decimal,
    /// Orders per active customer and year.
    pub orders_per_year: Decimal,
    /// Revenue per active customer and month (ARPA; money).
    pub monthly_revenue_per_customer: Decimal,
    /// Share of customers who order again within `repeat_days` of their first order.
    pub repeat_rate: Option<Decimal>,
    /// The repeat-purchase window in days.
    pub repeat_days: u32,
    /// New customers per month over the last year.
    pub new_customers_per_month: Decimal,
    /// Net revenue retention, last year over the prior year (two years of data).
    pub nrr: Option<Decimal>,
    /// Gross revenue retention, last year over the prior year.
    pub grr: Option<Decimal>,
    /// Share of the prior year's customers who ordered in the last year.
    pub logo_retention: Option<Decimal>,
    /// Share of customers acquired through a referral channel (named `referral`,
    /// `referrals`, `紹介` or `word of mouth`, any case); `null` without one.
    pub referral_share: Option<Decimal>,
}

/// One channel on the headline's basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelEconomics {
    /// Channel name (`unknown` for customers without one).
    pub channel: String,
    /// Customers acquired through it.
    pub customers: u64,
    /// Their revenue to date (money).
    pub revenue: Decimal,
    /// Revenue per customer to date (money; revenue, not LTV).
    pub revenue_per_customer: Decimal,
    /// Mean cumulative revenue over the first `horizon_months` of the customers old
    /// enough (money; revenue, never banded).
    pub revenue_at_horizon: Option<Decimal>,
    /// Revenue ÷ orders (money).
    pub aov: Decimal,
    /// Orders per active customer and year.
    pub orders_per_year: Decimal,
    /// Monthly churn; `null` while none of its customers has churned.
    pub monthly_churn: Option<Decimal>,
    /// Repeat-purchase rate.
    pub repeat_rate: Option<Decimal>,
    /// Gross-margin LTV with the headline's margin and formula; `null` when its churn
    /// cannot be measured yet or its revenue is not positive.
    pub ltv: Option<Decimal>,
    /// Acquisition spend from the CAC file (money).
    pub spend: Option<Decimal>,
    /// New customers the spend bought.
    pub new_customers: Option<u64>,
    /// spend ÷ new customers (money).
    pub cac: Option<Decimal>,
    /// ltv ÷ cac; `null` without both (or with a zero CAC).
    pub ltv_cac_ratio: Option<Decimal>,
    /// Band of the ratio.
    pub band: Option<Band>,
    /// Months of gross profit per active customer that repay the CAC.
    pub payback_months: Option<Decimal>,
    /// ltv ÷ target ratio.
    pub max_cac: Option<Decimal>,
}

/// Something the reader of the numbers must know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// CAC rows whose channel has no customers in the data (left out of every CAC).
    UnmatchedCac {
        /// The CAC file's channel names that matched nothing.
        cac_channels: Vec<String>,
        /// The data's channel names.
        data_channels: Vec<String>,
    },
    /// Data channels with customers but no CAC row (left out of the blended CAC).
    ChannelsWithoutCac {
        /// Their names.
        channels: Vec<String>,
    },
    /// Channels whose churn cannot be measured yet: no LTV, no band.
    ChannelChurnUnmeasured {
        /// Their names.
        channels: Vec<String>,
        /// The churn threshold in days.
        inactive_days: u32,
    },
    /// Channels with acquisition spend 0: LTV/CAC is not defined.
    ZeroSpend {
        /// Their names.
        channels: Vec<String>,
    },
    /// No customer has churned yet: no LTV can be measured.
    ChurnNotMeasurable {
        /// The churn threshold in days.
        inactive_days: u32,
    },
    /// Few churned customers: the churn estimate is uncertain.
    FewChurned {
        /// Customers counted as churned.
        churned: u64,
        /// The churn threshold in days.
        inactive_days: u32,
    },
    /// Customers' usual gap between orders is more than half the churn threshold: a
    /// customer who skips one order at their usual pace counts as churned.
    ThresholdBelowUsualGap {
        /// The median gap between a customer's order days.
        median_gap_days: u32,
        /// The churn threshold in days.
        inactive_days: u32,
        /// A threshold of about twice the usual gap, in whole months.
        suggested_days: u32,
    },
    /// An initiatives file's `[baseline]` differs from what the data measure; the data's
    /// values are used.
    PlanBaselineDiffers {
        /// The differing fields: (name, file value, data value).
        fields: Vec<(String, String, String)>,
    },
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Warning {
    /// The warning in words.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                Warning::UnmatchedCac {
                    cac_channels,
                    data_channels,
                },
                _,
            ) => {
                let hints: Vec<String> = cac_channels
                    .iter()
                    .filter_map(|c| {
                        data_channels
                            .iter()
                            .find(|d| d.eq_ignore_ascii_case(c.trim()) && *d != c)
                            .map(|d| format!("'{c}' → '{d}'"))
                    })
                    .collect();
                let only_unknown = data_channels.len() == 1 && data_channels[0] == "unknown";
                match lang {
                    Lang::En => {
                        let one = cac_channels.len() == 1;
                        let mut s = format!(
                            "CAC file: {} {} {} no channel in the data (the data has {}); {} spend is left out of every CAC. Channel names must match exactly",
                            if one { "channel" } else { "channels" },
                            quoted(cac_channels),
                            if one { "matches" } else { "match" },
                            quoted(data_channels),
                            if one { "its" } else { "their" },
                        );
                        if !hints.is_empty() {
                            s.push_str(&format!(" (did you mean {}?)", hints.join(", ")));
                        }
                        if only_unknown {
                            s.push_str("; the data has no channel column, so give the CAC file without a channel column (spend[,new_customers]) to apply it to all customers");
                        }
                        s
                    }
                    Lang::Ja => {
                        let mut s = format!(
                            "CAC ファイル: {} はデータのどのチャネルとも一致しません（データのチャネル: {}）。その費用はどの CAC にも含めていません。チャネル名は完全一致で照合します",
                            quoted(cac_channels),
                            quoted(data_channels)
                        );
                        if !hints.is_empty() {
                            s.push_str(&format!("（{} ではありませんか）", hints.join("、")));
                        }
                        if only_unknown {
                            s.push_str("。データにチャネル列がないため、全顧客に適用するにはチャネル列のない CAC ファイル（spend[,new_customers]）を指定してください");
                        }
                        s
                    }
                }
            }
            (Warning::ChannelsWithoutCac { channels }, Lang::En) => format!(
                "no CAC for {}: those customers are left out of the blended CAC, and their channels have no LTV/CAC",
                quoted(channels)
            ),
            (Warning::ChannelsWithoutCac { channels }, Lang::Ja) => format!(
                "{} の CAC がありません。これらの顧客は全体の CAC から除外し、チャネル別の LTV/CAC も表示していません",
                quoted(channels)
            ),
            (
                Warning::ChannelChurnUnmeasured {
                    channels,
                    inactive_days,
                },
                Lang::En,
            ) => format!(
                "no customer of {} has been inactive for more than {inactive_days} days yet, so their churn, LTV and band cannot be measured",
                quoted(channels)
            ),
            (
                Warning::ChannelChurnUnmeasured {
                    channels,
                    inactive_days,
                },
                Lang::Ja,
            ) => format!(
                "{} には {inactive_days} 日を超えて注文のない顧客がまだいないため、解約率・LTV・判定を算出できません",
                quoted(channels)
            ),
            (Warning::ChurnNotMeasurable { inactive_days }, Lang::En) => {
                churn_not_measurable(*inactive_days).replace(
                    "churn cannot be estimated",
                    "churn, and so no LTV, LTV/CAC or band, can be measured",
                )
            }
            (Warning::ChurnNotMeasurable { inactive_days }, Lang::Ja) => format!(
                "{inactive_days} 日を超えて注文のない顧客がまだいないため、解約率を推定できず、LTV・LTV/CAC・判定を算出できません。注文データの期間を基準日数より長くするか、基準日数（inactive_days）を短くしてください（ただし顧客の通常の注文間隔より長く）"
            ),
            (Warning::ZeroSpend { channels }, Lang::En) => format!(
                "{} had no acquisition spend, so their LTV/CAC is not defined",
                quoted(channels)
            ),
            (Warning::ZeroSpend { channels }, Lang::Ja) => format!(
                "{} は獲得費用が 0 のため、LTV/CAC は定義できません",
                quoted(channels)
            ),
            (
                Warning::FewChurned {
                    churned,
                    inactive_days,
                },
                Lang::En,
            ) => format!(
                "only {churned} customers have been inactive for more than {inactive_days} days, so the churn estimate, and every LTV built on it, is uncertain"
            ),
            (
                Warning::FewChurned {
                    churned,
                    inactive_days,
                },
                Lang::Ja,
            ) => format!(
                "{inactive_days} 日を超えて注文のない顧客が {churned} 人しかいないため、解約率とそれに基づく LTV は不確かです"
            ),
            (
                Warning::ThresholdBelowUsualGap {
                    median_gap_days,
                    inactive_days,
                    suggested_days,
                },
                Lang::En,
            ) => format!(
                "customers usually order every {median_gap_days} days, so a customer who skips one order is counted as churned after {inactive_days} days without one: churn is overstated and LTV understated; for customers who order this rarely, set the churn threshold (inactive_days) to about {suggested_days} days"
            ),
            (
                Warning::ThresholdBelowUsualGap {
                    median_gap_days,
                    inactive_days,
                    suggested_days,
                },
                Lang::Ja,
            ) => format!(
                "顧客の通常の注文間隔は {median_gap_days} 日のため、1 回注文を飛ばしただけの顧客も {inactive_days} 日で解約とみなされ、解約率が過大・LTV が過小になります。注文頻度がこの程度の顧客には、解約の基準日数（inactive_days）を {suggested_days} 日程度にしてください"
            ),
            (Warning::PlanBaselineDiffers { fields }, Lang::En) => format!(
                "the initiatives file's [baseline] differs from the data ({}); the data's values are used",
                fields
                    .iter()
                    .map(|(f, file, data)| format!("{f}: file {file}, data {data}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (Warning::PlanBaselineDiffers { fields }, Lang::Ja) => format!(
                "施策ファイルの [baseline] がデータと異なります（{}）。データの値を使います",
                fields
                    .iter()
                    .map(|(f, file, data)| format!("{f}: ファイル {file}、データ {data}"))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text(Lang::En))
    }
}

/// The business today, measured from its orders.
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredBaseline {
    /// The data file's name (no directories).
    pub file: String,
    /// The as-of day.
    pub as_of: Day,
    /// The business model of the playbook.
    pub business: Business,
    /// The currency for people.
    pub currency: Currency,
    /// The declared LTV basis.
    pub basis: LtvBasis,
    /// The headline.
    pub headline: Headline,
    /// Per acquisition channel, on the headline's basis; by name, `unknown` last.
    pub channels: Vec<ChannelEconomics>,
    /// Whether the data have a channel column.
    pub has_channels: bool,
    /// How the CAC file met the data's channels.
    pub spend: Option<SpendMatch>,
    /// The planner baseline the plan and the ROI cases use (same LTV as the headline).
    pub baseline: Baseline,
    /// What the reader must know.
    pub warnings: Vec<Warning>,
    /// Rows skipped as invalid (left out when none were).
    #[serde(skip_serializing_if = "SkipReport::is_empty")]
    pub skipped: SkipReport,
    /// The drivers of all customers, with their counts (churned customers, active
    /// customer-months, repeat-eligible customers, the median gap between orders).
    pub drivers: Drivers,
    /// Per channel.
    #[serde(skip)]
    pub by_channel: Vec<GroupDrivers>,
    /// Per first-order month.
    #[serde(skip)]
    pub by_cohort: Vec<GroupDrivers>,
    /// Per first-order quarter.
    #[serde(skip)]
    pub by_quarter: Vec<GroupDrivers>,
    /// Repeat buyers, one-time buyers, too recent.
    #[serde(skip)]
    pub by_repeat: Vec<GroupDrivers>,
    /// The options it was measured with.
    #[serde(skip)]
    pub options: MeasureOptions,
}

/// The drivers one valuation needs. Orders per year and the lifespan in years are kept
/// as measured from the counts (orders × 12 ÷ months, months ÷ (12 × churned)), so that
/// whole numbers stay whole; [`Inputs::with_churn`] and
/// [`Inputs::with_orders_per_month`] keep them in step with a changed driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inputs {
    pub aov: Decimal,
    pub orders_per_month: Decimal,
    pub orders_per_year: Decimal,
    pub monthly_churn: Decimal,
    pub lifespan_years: Decimal,
    pub margin: Decimal,
    pub cac: Option<Decimal>,
    pub customers: Decimal,
    pub new_customers_per_month: Decimal,
}

impl Inputs {
    /// The inputs of a measured group; `None` when its churn is not measurable.
    pub(crate) fn of(d: &Drivers, margin: Decimal, cac: Option<Decimal>) -> Option<Inputs> {
        let churned = Decimal::from(d.churned_customers);
        let months = Decimal::from(d.active_customer_months);
        let lifespan_years = months.checked_div(churned.checked_mul(Decimal::from(12))?)?;
        Some(Inputs {
            aov: d.average_order_value,
            orders_per_month: d.orders_per_month,
            orders_per_year: d.purchase_frequency_per_year,
            monthly_churn: d.monthly_churn?,
            lifespan_years: lifespan_years.normalize(),
            margin,
            cac: cac.filter(|c| *c > Decimal::ZERO),
            customers: Decimal::from(d.active_customers),
            new_customers_per_month: d.new_customers_per_month,
        })
    }

    /// The inputs with another monthly churn (and its lifespan).
    pub(crate) fn with_churn(self, churn: Decimal) -> Result<Inputs, PlanError> {
        let lifespan_years = div(
            Decimal::ONE,
            mul(churn, Decimal::from(12), "yearly churn")?,
            "lifespan in years",
        )?
        .normalize();
        Ok(Inputs {
            monthly_churn: churn,
            lifespan_years,
            ..self
        })
    }

    /// The inputs with another purchase frequency.
    pub(crate) fn with_orders_per_month(self, per_month: Decimal) -> Result<Inputs, PlanError> {
        Ok(Inputs {
            orders_per_month: per_month,
            orders_per_year: mul(per_month, Decimal::from(12), "orders per year")?.normalize(),
            ..self
        })
    }

    /// The planner baseline of these drivers in the business's model: e-commerce (AOV,
    /// orders per year, lifespan in years), subscription (ARPU = AOV × orders per month,
    /// churn) or general (price = AOV). All three value a customer at AOV × margin ×
    /// orders per month ÷ monthly churn.
    ///
    /// # Errors
    /// [`PlanError::Overflow`].
    pub(crate) fn baseline(
        &self,
        business: Business,
        currency: &Currency,
    ) -> Result<Baseline, PlanError> {
        let per_year = self.orders_per_year;
        let lifespan_years = self.lifespan_years;
        let currency = (!currency.symbol.is_empty()).then(|| currency.symbol.trim().to_owned());
        Ok(match business {
            Business::Ec => Baseline::Ecommerce(EcommerceBaseline {
                aov: self.aov,
                frequency: per_year,
                lifespan: lifespan_years,
                margin: Some(self.margin),
                cac: self.cac,
                customers: Some(self.customers),
                new_customers_per_month: self.new_customers_per_month,
                currency,
            }),
            Business::Saas => Baseline::Subscription(SubscriptionBaseline {
                arpu: mul(self.aov, self.orders_per_month, "ARPU")?.normalize(),
                margin: self.margin,
                churn: self.monthly_churn,
                cac: self.cac,
                customers: Some(self.customers),
                new_customers_per_month: self.new_customers_per_month,
                currency,
            }),
            Business::Consulting => Baseline::General(GeneralBaseline {
                price: self.aov,
                margin: self.margin,
                frequency: per_year,
                lifespan: lifespan_years,
                cac: self.cac,
                customers: Some(self.customers),
                new_customers_per_month: self.new_customers_per_month,
                currency,
            }),
        })
    }
}

/// LTV, LTV/CAC, band, payback and maximum affordable CAC of one baseline.
pub(crate) struct Valued {
    pub ltv: Decimal,
    pub ratio: Option<Decimal>,
    pub band: Option<Band>,
    pub payback_months: Option<Decimal>,
    pub max_cac: Decimal,
}

pub(crate) fn value(baseline: &Baseline, target_ratio: Decimal) -> Result<Valued, PlanError> {
    let ltv = baseline.ltv()?;
    let ratio = baseline.ltv_cac_ratio(ltv)?;
    let payback_months = match baseline.cac() {
        Some(cac) => payback_periods(cac, baseline.monthly()?.gross_profit)
            .map_err(|e| PlanError::core(None, "payback", e))?
            .map(|p| p.normalize()),
        None => None,
    };
    Ok(Valued {
        ltv,
        ratio,
        band: ratio.map(Band::of_ratio),
        payback_months,
        max_cac: max_affordable_cac(ltv, target_ratio)
            .map_err(|e| PlanError::core(None, "max_cac", e))?
            .normalize(),
    })
}

/// The file name without directories: reports never show where a file lives.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
        .to_owned()
}

impl MeasureOptions {
    /// Checks every option.
    ///
    /// # Errors
    /// [`MeasureError::InvalidOption`] naming the option; an unrecognised currency.
    pub fn validate(&self) -> Result<Currency, MeasureError> {
        Margin::new(self.margin).map_err(|_| MeasureError::InvalidOption {
            field: "margin",
            value: self.margin.to_string(),
            allowed: "in [0, 1]",
        })?;
        if self.target_ratio <= Decimal::ZERO {
            return Err(MeasureError::InvalidOption {
                field: "target_ratio",
                value: self.target_ratio.to_string(),
                allowed: "> 0 (e.g. 3)",
            });
        }
        if self.horizon_months == 0 {
            return Err(MeasureError::InvalidOption {
                field: "horizon_months",
                value: "0".into(),
                allowed: ">= 1",
            });
        }
        self.driver_options().validate()?;
        Currency::parse(&self.currency)
            .map_err(|e| MeasureError::Plan(PlanError::core(None, "currency", e)))
    }

    /// The measurement windows.
    pub fn driver_options(&self) -> DriverOptions {
        DriverOptions {
            inactive_days: self.inactive_days,
            repeat_days: self.repeat_days,
        }
    }
}

/// Measures the baseline from the orders and, optionally, a CAC file.
///
/// # Errors
/// [`MeasureError::InvalidOption`]; [`MeasureError::NotMeasurable`] when no customer
/// has churned yet (churn cannot be estimated) or the revenue is not positive; data and
/// overflow errors.
///
/// ```
/// use ltv_planner::{measure, MeasureOptions};
/// use ltv_segments::{LoadOptions, Transactions};
/// let csv = "customer_id,order_date,amount\n\
///            a,2024-01-01,50\na,2024-02-01,50\nb,2024-01-15,100\nc,2024-06-20,60\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let m = measure(&tx, None, &MeasureOptions { margin: "0.5".parse()?, ..MeasureOptions::default() })?;
/// // AOV 65 × margin 0.5 × 1 order per active month × 2 months of lifespan (full
/// // precision: the lifespan in years, 1/6, is a repeating decimal)
/// assert_eq!(m.headline.ltv.round_dp(20), "65".parse()?);
/// assert_eq!(m.baseline.ltv()?, m.headline.ltv);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn measure(
    tx: &Transactions,
    spend: Option<&Spend>,
    options: &MeasureOptions,
) -> Result<MeasuredBaseline, MeasureError> {
    let g = Groups::of(tx, spend, options)?;
    let not = |reason: String| MeasureError::NotMeasurable {
        file: g.file.clone(),
        reason,
    };
    if g.all.revenue <= Decimal::ZERO {
        return Err(not(
            "total revenue is not positive, so no LTV can be derived".into(),
        ));
    }
    let all = &g.all;
    let blended = match &g.matched {
        Some(m) => m.blended_cac()?,
        None => None,
    };
    let Some(inputs) = Inputs::of(all, options.margin, blended) else {
        return Err(not(churn_not_measurable(options.inactive_days)));
    };
    let (business, currency) = (g.business, &g.currency);
    let baseline = inputs.baseline(business, currency)?;
    let v = value(&baseline, options.target_ratio)?;
    let revenue_inputs = Inputs {
        margin: Decimal::ONE,
        ..inputs
    };
    let revenue_over_lifespan = revenue_inputs.baseline(business, currency)?.ltv()?;
    let yoy = all.year_over_year.as_ref();
    let is_referral = |name: &str| {
        let n = name.trim().to_lowercase();
        REFERRAL_CHANNELS.contains(&n.as_str())
    };
    let by_channel = &g.by_channel;
    let referral_share = by_channel.iter().any(|g| is_referral(&g.group)).then(|| {
        let referred: u64 = by_channel
            .iter()
            .filter(|g| is_referral(&g.group))
            .map(|g| g.drivers.customers)
            .sum();
        (Decimal::from(referred) / Decimal::from(all.customers.max(1))).normalize()
    });
    let headline = Headline {
        customers: all.customers,
        active_customers: all.active_customers,
        orders: all.orders,
        revenue: all.revenue,
        revenue_per_customer: all.revenue_per_customer,
        ltv: v.ltv,
        ltv_basis: "gross_margin_lifespan",
        revenue_over_lifespan,
        margin: options.margin,
        cac: inputs.cac,
        ltv_cac_ratio: v.ratio,
        band: v.band,
        payback_months: v.payback_months,
        target_ratio: options.target_ratio.normalize(),
        max_cac: v.max_cac,
        monthly_churn: inputs.monthly_churn,
        lifespan_months: all.lifespan_months.unwrap_or_default(),
        inactive_days: options.inactive_days,
        churned_customers: all.churned_customers,
        aov: all.average_order_value,
        orders_per_month: all.orders_per_month,
        orders_per_year: all.purchase_frequency_per_year,
        monthly_revenue_per_customer: mul(all.average_order_value, all.orders_per_month, "ARPA")?
            .normalize(),
        repeat_rate: all.repeat_rate,
        repeat_days: options.repeat_days,
        new_customers_per_month: all.new_customers_per_month,
        nrr: yoy.map(|y| y.nrr),
        grr: yoy.map(|y| y.grr),
        logo_retention: yoy.map(|y| y.logo_retention),
        referral_share,
    };
    Ok(MeasuredBaseline {
        file: g.file,
        as_of: tx.as_of(),
        business,
        currency: g.currency,
        basis: LtvBasis::new(options.margin, options.inactive_days),
        headline,
        channels: g.channels,
        has_channels: tx.has_channels(),
        spend: g.matched,
        baseline,
        warnings: g.warnings,
        skipped: tx.skip_report().clone(),
        drivers: g.all,
        by_channel: g.by_channel,
        by_cohort: g.by_cohort,
        by_quarter: g.by_quarter,
        by_repeat: g.by_repeat,
        options: options.clone(),
    })
}

fn churn_not_measurable(inactive_days: u32) -> String {
    format!(
        "no customer has been inactive for more than {inactive_days} days yet, so churn cannot be estimated: the orders must span more than the churn threshold, or the threshold (inactive_days) must be shorter, though still longer than your customers' usual gap between orders"
    )
}

/// Every channel on the headline's basis without the headline: `ltv channels` and
/// `POST /v1/channels`. A channel whose churn cannot be measured yet has no LTV; when
/// no customer at all has churned, a warning says why every LTV is missing.
///
/// # Errors
/// [`MeasureError::InvalidOption`]; data and overflow errors.
pub fn channels(
    tx: &Transactions,
    spend: Option<&Spend>,
    options: &MeasureOptions,
) -> Result<ChannelsReport, MeasureError> {
    let mut g = Groups::of(tx, spend, options)?;
    if g.all.monthly_churn.is_none() {
        g.warnings.insert(
            0,
            Warning::ChurnNotMeasurable {
                inactive_days: options.inactive_days,
            },
        );
    }
    Ok(ChannelsReport {
        as_of: tx.as_of(),
        horizon_months: options.horizon_months,
        basis: LtvBasis::new(options.margin, options.inactive_days),
        target_ratio: options.target_ratio.normalize(),
        cac: match &g.matched {
            Some(m) => m.blended_cac()?,
            None => None,
        },
        channels: g.channels,
        warnings: g.warnings,
        skipped: tx.skip_report().clone(),
    })
}

/// What the measurement knows before any headline: the drivers of every group, how the
/// CAC file met the channels, every channel on the basis, and the warnings.
struct Groups {
    file: String,
    currency: Currency,
    business: Business,
    all: Drivers,
    by_channel: Vec<GroupDrivers>,
    by_cohort: Vec<GroupDrivers>,
    by_quarter: Vec<GroupDrivers>,
    by_repeat: Vec<GroupDrivers>,
    matched: Option<SpendMatch>,
    channels: Vec<ChannelEconomics>,
    warnings: Vec<Warning>,
}

impl Groups {
    fn of(
        tx: &Transactions,
        spend: Option<&Spend>,
        options: &MeasureOptions,
    ) -> Result<Groups, MeasureError> {
        let currency = options.validate()?;
        let dopt = options.driver_options();
        let ltv_segments::Grouped {
            all,
            by_channel,
            by_month: by_cohort,
            by_quarter,
            by_repeat,
        } = grouped(tx, &dopt)?;
        let business = options.business.unwrap_or(Business::Ec);
        let channel_names: Vec<(String, u64)> = by_channel
            .iter()
            .map(|g| (g.group.clone(), g.drivers.customers))
            .collect();
        let matched = spend.map(|s| match_spend(s, &channel_names)).transpose()?;
        let revenue_view = channel_economics(tx, options.horizon_months)?;
        let mut channels = Vec::with_capacity(by_channel.len());
        let (mut unmeasured, mut zero_spend) = (Vec::new(), Vec::new());
        for g in &by_channel {
            let d = &g.drivers;
            // a CAC file for all customers meets the one group of data without channels
            let m = matched.as_ref().and_then(|m| match m.matched.as_slice() {
                [all] if m.all_customers && by_channel.len() == 1 => Some(all),
                _ => m.of(&g.group),
            });
            let cac = match m {
                Some(m) => Some(
                    ltv_core::cac(m.spend, Decimal::ZERO, m.new_customers)
                        .map_err(|e| PlanError::core(None, "cac", e))?
                        .normalize(),
                ),
                None => None,
            };
            if cac.is_some_and(|c| c.is_zero()) {
                zero_spend.push(g.group.clone());
            }
            let valued = match Inputs::of(d, options.margin, cac) {
                Some(i) if i.aov > Decimal::ZERO => Some(value(
                    &i.baseline(business, &currency)?,
                    options.target_ratio,
                )?),
                _ => {
                    if d.monthly_churn.is_none()
                        && d.customers >= MIN_GROUP_CUSTOMERS
                        && all.monthly_churn.is_some()
                    {
                        unmeasured.push(g.group.clone());
                    }
                    None
                }
            };
            let rv = revenue_view.channels.iter().find(|r| r.channel == g.group);
            channels.push(ChannelEconomics {
                channel: g.group.clone(),
                customers: d.customers,
                revenue: d.revenue,
                revenue_per_customer: d.revenue_per_customer,
                revenue_at_horizon: rv.and_then(|r| r.revenue_at_horizon),
                aov: d.average_order_value,
                orders_per_year: d.purchase_frequency_per_year,
                monthly_churn: d.monthly_churn,
                repeat_rate: d.repeat_rate,
                ltv: valued.as_ref().map(|v| v.ltv),
                spend: m.map(|m| m.spend),
                new_customers: m.map(|m| m.new_customers),
                cac,
                ltv_cac_ratio: valued.as_ref().and_then(|v| v.ratio),
                band: valued.as_ref().and_then(|v| v.band),
                payback_months: valued.as_ref().and_then(|v| v.payback_months),
                max_cac: valued.as_ref().map(|v| v.max_cac),
            });
        }
        let mut warnings = Vec::new();
        if let Some(gap) = all.median_gap_days {
            if u64::from(gap) * 2 > u64::from(options.inactive_days) {
                warnings.push(Warning::ThresholdBelowUsualGap {
                    median_gap_days: gap,
                    inactive_days: options.inactive_days,
                    suggested_days: (gap.saturating_mul(2)).div_ceil(30).saturating_mul(30),
                });
            }
        }
        if all.churned_customers > 0 && all.churned_customers < FEW_CHURNED {
            warnings.push(Warning::FewChurned {
                churned: all.churned_customers,
                inactive_days: options.inactive_days,
            });
        }
        if let Some(m) = &matched {
            if !m.unmatched_spend.is_empty() {
                warnings.push(Warning::UnmatchedCac {
                    cac_channels: m
                        .unmatched_spend
                        .iter()
                        .map(|s| s.channel.clone())
                        .collect(),
                    data_channels: channel_names.iter().map(|(n, _)| n.clone()).collect(),
                });
            }
            if !m.channels_without_spend.is_empty() {
                warnings.push(Warning::ChannelsWithoutCac {
                    channels: m.channels_without_spend.clone(),
                });
            }
        }
        if !zero_spend.is_empty() {
            warnings.push(Warning::ZeroSpend {
                channels: zero_spend,
            });
        }
        if !unmeasured.is_empty() {
            warnings.push(Warning::ChannelChurnUnmeasured {
                channels: unmeasured,
                inactive_days: options.inactive_days,
            });
        }
        Ok(Groups {
            file: file_name(tx.file()),
            currency,
            business,
            all,
            by_channel,
            by_cohort,
            by_quarter,
            by_repeat,
            matched,
            channels,
            warnings,
        })
    }
}

impl MeasuredBaseline {
    /// The LTV of modified drivers on this baseline's basis (the bottleneck's "what if").
    ///
    /// # Errors
    /// Overflow; drivers the formula rejects.
    pub(crate) fn value_of(&self, inputs: &Inputs) -> Result<Valued, PlanError> {
        value(
            &inputs.baseline(self.business, &self.currency)?,
            self.options.target_ratio,
        )
    }

    /// The inputs of the headline.
    pub(crate) fn inputs(&self) -> Option<Inputs> {
        Inputs::of(&self.drivers, self.options.margin, self.headline.cac)
    }

    /// Compares an initiatives file's own `[baseline]` with this one: the fields that
    /// differ by more than 0.5 % (or a different model), as a warning.
    pub fn compare(&self, file: &Baseline) -> Option<Warning> {
        let mut fields = Vec::new();
        if file.model() != self.baseline.model() {
            fields.push((
                "model".to_owned(),
                file.model().to_owned(),
                self.baseline.model().to_owned(),
            ));
        } else {
            for &driver in self.baseline.drivers() {
                let (Some(a), Some(b)) = (file.get(driver), self.baseline.get(driver)) else {
                    continue;
                };
                if differs(a, b) {
                    fields.push((driver.as_str().to_owned(), shown(a), shown(b)));
                }
            }
            if let (Some(a), Some(b)) = (file.customers(), self.baseline.customers()) {
                if differs(a, b) {
                    fields.push(("customers".to_owned(), shown(a), shown(b)));
                }
            }
        }
        (!fields.is_empty()).then_some(Warning::PlanBaselineDiffers { fields })
    }
}

/// Relative difference above 0.5 %.
fn differs(a: Decimal, b: Decimal) -> bool {
    let scale = a.abs().max(b.abs());
    if scale.is_zero() {
        return false;
    }
    a.checked_sub(b)
        .and_then(|d| d.abs().checked_div(scale))
        .is_none_or(|r| r > Decimal::new(5, 3))
}

fn shown(v: Decimal) -> String {
    let r = ltv_core::present::round(v, 4).normalize();
    r.to_string()
}

/// `ltv channels`: every acquisition channel on the headline's basis.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelsReport {
    /// The as-of day.
    pub as_of: Day,
    /// Months of the revenue view (`revenue_at_horizon`).
    pub horizon_months: u32,
    /// The declared LTV basis.
    pub basis: LtvBasis,
    /// The target LTV/CAC of `max_cac`.
    pub target_ratio: Decimal,
    /// Blended CAC over the matched channels.
    pub cac: Option<Decimal>,
    /// Per channel, by name, `unknown` last.
    pub channels: Vec<ChannelEconomics>,
    /// What the reader must know.
    pub warnings: Vec<Warning>,
    /// Rows skipped as invalid (left out when none were).
    #[serde(skip_serializing_if = "SkipReport::is_empty")]
    pub skipped: SkipReport,
}

/// `ltv drivers`: the measured baseline, its bottleneck and the standard steps.
#[derive(Debug, Clone, Serialize)]
pub struct DriversReport {
    /// The measured baseline.
    #[serde(flatten)]
    pub measured: MeasuredBaseline,
    /// Drivers brought to the bar their best channels or cohorts set.
    pub bottleneck: crate::bottleneck::Bottleneck,
    /// The standard steps (+10 % AOV, −1 point churn, ...).
    pub sensitivity: crate::levers::LeversReport,
}

impl MeasuredBaseline {
    /// The baseline with its bottleneck and standard steps: `ltv drivers`.
    ///
    /// # Errors
    /// Overflow.
    pub fn drivers_report(self, lang: Lang) -> Result<DriversReport, PlanError> {
        let bottleneck = crate::bottleneck::bottleneck(&self, lang)?;
        let sensitivity = crate::levers::levers(&self.baseline)?;
        Ok(DriversReport {
            measured: self,
            bottleneck,
            sensitivity,
        })
    }
}
