//! The bottleneck: which driver, improved as far as the data show is possible, moves LTV
//! and LTV/CAC most.
//!
//! Standard steps (+10 % here, −1 point there) only rank the step sizes: in a product
//! formula every driver has elasticity 1. Instead each driver is compared across the
//! business's own groups — acquisition channels and first-order months (cohorts) — and
//! the **bar** is the value the best quarter of those groups already reach: sorted
//! best first, the group at rank ⌈n ÷ 4⌉ sets it, so a real, named group is the evidence.
//! The achievable value is the overall driver if every group behind the bar reached it
//! (groups ahead keep theirs; groups too small or too young keep theirs), pooled exactly
//! as the driver itself is measured. Its LTV and LTV/CAC are computed on the headline's
//! basis by the same formula.
//!
//! Groups need [`MIN_GROUP_CUSTOMERS`] customers; cohorts (first-order months, or
//! quarters when more quarters than months qualify) are compared on churn, frequency
//! and AOV only once they are 12 months old (younger ones cannot have churned), on the
//! repeat rate once every customer's repeat window has passed. The
//! repeat rate acts on LTV through the mix of repeat and one-time buyers: LTV scales by
//! ((1 − r′)·V₁ + r′·V₂) ÷ ((1 − r)·V₁ + r·V₂), V₁ and V₂ the LTVs of one-time and
//! repeat buyers measured the same way.

use ltv_core::{Band, Currency, Lang};
use ltv_segments::{Drivers, GroupDrivers};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::arith::{add, change_pct, div, mul};
use crate::error::{PlanError, Result};
use crate::levers::RankedBy;
use crate::measure::{Business, Inputs, MeasuredBaseline, MIN_GROUP_CUSTOMERS};

/// A driver the data let us benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BottleneckDriver {
    /// Monthly churn (lower is better).
    Churn,
    /// Orders per active customer and month.
    Frequency,
    /// Average order value.
    Aov,
    /// Share of customers who order again within the repeat window.
    RepeatRate,
    /// Acquisition cost per customer (lower is better).
    Cac,
    /// Gross margin (given, not measured per group).
    Margin,
}

impl BottleneckDriver {
    /// The driver in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BottleneckDriver::Churn => lang.pick("monthly churn", "月次解約率"),
            BottleneckDriver::Frequency => lang.pick("purchase frequency", "購入頻度"),
            BottleneckDriver::Aov => lang.pick("average order value", "平均注文額"),
            BottleneckDriver::RepeatRate => lang.pick("repeat-purchase rate", "リピート率"),
            BottleneckDriver::Cac => lang.pick("CAC", "CAC"),
            BottleneckDriver::Margin => lang.pick("gross margin", "粗利率"),
        }
    }

    fn lower_is_better(self) -> bool {
        matches!(self, BottleneckDriver::Churn | BottleneckDriver::Cac)
    }
}

/// What the groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Across {
    /// Acquisition channels.
    Channels,
    /// First-order months.
    Cohorts,
}

impl Across {
    fn one(self, lang: Lang) -> &'static str {
        match self {
            Across::Channels => lang.pick("channel", "チャネル"),
            Across::Cohorts => lang.pick("cohort", "コホート"),
        }
    }

    fn many(self, lang: Lang) -> &'static str {
        match self {
            Across::Channels => lang.pick("channels", "チャネル"),
            Across::Cohorts => lang.pick("cohorts", "コホート"),
        }
    }
}

/// One driver brought to the bar its best groups set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Achievable {
    /// 1 = the bottleneck.
    pub rank: u32,
    /// The driver.
    pub driver: BottleneckDriver,
    /// The groups compared.
    pub across: Across,
    /// The overall value today (churn, repeat rate: fractions; frequency: orders per
    /// year; AOV, CAC: money).
    pub value_before: Decimal,
    /// The overall value if every group behind the bar reached it.
    pub value_after: Decimal,
    /// The bar.
    pub bar: Decimal,
    /// The group that sets the bar.
    pub set_by: String,
    /// Groups compared.
    pub groups: u64,
    /// Of those, groups behind the bar.
    pub groups_behind: u64,
    /// LTV today.
    pub ltv_before: Decimal,
    /// LTV at the achievable value.
    pub ltv_after: Decimal,
    /// % change of LTV.
    pub ltv_change_pct: Decimal,
    /// LTV/CAC today (with a CAC).
    pub ltv_cac_before: Option<Decimal>,
    /// LTV/CAC at the achievable value.
    pub ltv_cac_after: Option<Decimal>,
    /// % change of LTV/CAC.
    pub ltv_cac_change_pct: Option<Decimal>,
    /// Band after.
    pub band_after: Option<Band>,
    /// The evidence in words.
    pub evidence: String,
    /// The kind of initiative the business's playbook suggests for this driver.
    pub recommendation: String,
}

/// A driver the data could not benchmark, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotAssessed {
    /// The driver.
    pub driver: BottleneckDriver,
    /// The groups it was to be compared across.
    pub across: Option<Across>,
    /// Why.
    pub reason: String,
}

/// The bottleneck analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bottleneck {
    /// What the ranking uses: the LTV/CAC change with a CAC, else the LTV change.
    pub ranked_by: RankedBy,
    /// The smallest group compared.
    pub min_group_customers: u64,
    /// How the bar is set, in words.
    pub rule: String,
    /// Achievable improvements, biggest effect first.
    pub drivers: Vec<Achievable>,
    /// Drivers the data could not benchmark.
    pub not_assessed: Vec<NotAssessed>,
}

impl Bottleneck {
    /// The drivers not assessed, one line per reason: `monthly churn, purchase
    /// frequency (channels): fewer than two channels …`.
    pub fn not_assessed_lines(&self, lang: Lang) -> Vec<String> {
        let mut lines: Vec<(Option<Across>, &str, Vec<&'static str>)> = Vec::new();
        for n in &self.not_assessed {
            match lines
                .iter_mut()
                .find(|(a, r, _)| *a == n.across && *r == n.reason)
            {
                Some((_, _, drivers)) => drivers.push(n.driver.label(lang)),
                None => lines.push((n.across, &n.reason, vec![n.driver.label(lang)])),
            }
        }
        lines
            .into_iter()
            .map(|(across, reason, drivers)| {
                let what = drivers.join(lang.pick(", ", "、"));
                match across {
                    Some(a) => format!("{what} ({}): {reason}", a.many(lang)),
                    None => format!("{what}: {reason}"),
                }
            })
            .collect()
    }
}

/// The metric of a group for a driver, with the weight it pools by.
fn metric(driver: BottleneckDriver, d: &Drivers) -> Option<Decimal> {
    match driver {
        BottleneckDriver::Churn => d.monthly_churn,
        BottleneckDriver::Frequency => Some(d.orders_per_month),
        BottleneckDriver::Aov => {
            (d.average_order_value > Decimal::ZERO).then_some(d.average_order_value)
        }
        BottleneckDriver::RepeatRate => d.repeat_rate,
        BottleneckDriver::Cac | BottleneckDriver::Margin => None,
    }
}

/// One eligible group's value of the driver.
struct Point<'a> {
    name: &'a str,
    value: Decimal,
}

/// The bar from the eligible points: the value at rank ⌈n ÷ 4⌉, best first.
fn bar<'a>(driver: BottleneckDriver, points: &mut [Point<'a>]) -> Option<(Decimal, &'a str)> {
    if points.len() < 2 {
        return None;
    }
    points.sort_by(|a, b| {
        let o = a.value.cmp(&b.value);
        if driver.lower_is_better() {
            o
        } else {
            o.reverse()
        }
        .then(a.name.cmp(b.name))
    });
    let k = points.len().div_ceil(4).max(1) - 1;
    points.get(k).map(|p| (p.value, p.name))
}

/// Σ over all groups of weight × (the bar where an eligible group is behind it, else its
/// value) ÷ Σ weight: the pooled driver if every group behind the bar reached it.
fn pooled(
    driver: BottleneckDriver,
    all: &[(Decimal, Decimal, bool)],
    bar: Decimal,
) -> Result<Decimal> {
    let (mut num, mut den) = (Decimal::ZERO, Decimal::ZERO);
    for &(value, weight, eligible) in all {
        let v = if eligible {
            if driver.lower_is_better() {
                value.min(bar)
            } else {
                value.max(bar)
            }
        } else {
            value
        };
        num = add(num, mul(v, weight, "pooled driver")?, "pooled driver")?;
        den = add(den, weight, "pooled weight")?;
    }
    if den.is_zero() {
        return Ok(Decimal::ZERO);
    }
    div(num, den, "pooled driver").map(|v| v.normalize())
}

/// Which groups may be compared on a driver.
fn eligible(driver: BottleneckDriver, across: Across, g: &GroupDrivers, as_of_month: i32) -> bool {
    let d = &g.drivers;
    if d.customers < MIN_GROUP_CUSTOMERS || metric(driver, d).is_none() {
        return false;
    }
    match (across, driver) {
        (Across::Cohorts, BottleneckDriver::RepeatRate) => d.repeat_eligible == d.customers,
        (Across::Cohorts, _) => g.last_month_index.is_some_and(|m| m <= as_of_month - 12),
        (Across::Channels, _) => true,
    }
}

/// The weight a group's value pools by, for a driver: churn and frequency by active
/// customer-months, AOV by orders, the repeat rate by eligible customers.
fn weight(driver: BottleneckDriver, d: &Drivers) -> Decimal {
    match driver {
        BottleneckDriver::Churn | BottleneckDriver::Frequency => {
            Decimal::from(d.active_customer_months)
        }
        BottleneckDriver::Aov => Decimal::from(d.orders),
        BottleneckDriver::RepeatRate => Decimal::from(d.repeat_eligible),
        BottleneckDriver::Cac | BottleneckDriver::Margin => Decimal::ZERO,
    }
}

/// The value of a group for the pooled sum: its metric, or for groups without one (no
/// churned customer, no eligible customer) the value that keeps its pooled amount.
fn pooled_value(driver: BottleneckDriver, d: &Drivers) -> Decimal {
    match driver {
        // a group with no churned customer adds no churn
        BottleneckDriver::Churn => d.monthly_churn.unwrap_or_default(),
        BottleneckDriver::RepeatRate => d.repeat_rate.unwrap_or_default(),
        _ => metric(driver, d).unwrap_or(d.average_order_value),
    }
}

/// A value in the driver's unit, for people.
fn shown(driver: BottleneckDriver, v: Decimal, currency: &Currency, lang: Lang) -> String {
    match driver {
        BottleneckDriver::Churn | BottleneckDriver::RepeatRate | BottleneckDriver::Margin => {
            ltv_core::present::percent(v)
        }
        BottleneckDriver::Frequency => {
            let per_year = ltv_core::present::group(v * Decimal::from(12), 2);
            match lang {
                Lang::En => format!("{per_year} orders/year"),
                Lang::Ja => format!("年 {per_year} 回"),
            }
        }
        BottleneckDriver::Aov | BottleneckDriver::Cac => currency.format(v),
    }
}

/// The kind of initiative the business's playbook suggests for a driver.
pub fn recommendation(business: Business, driver: BottleneckDriver, lang: Lang) -> &'static str {
    use BottleneckDriver as D;
    match (business, driver) {
        (Business::Ec, D::RepeatRate) => lang.pick(
            "second-purchase programme: post-purchase follow-up, replenishment reminders, a first-repeat offer",
            "2 回目購入の促進: 購入後フォロー、補充リマインド、初回リピート特典",
        ),
        (Business::Ec, D::Frequency) => lang.pick(
            "replenishment reminders, subscriptions (定期購入), loyalty points",
            "補充リマインド、定期購入、ポイントプログラム",
        ),
        (Business::Ec, D::Aov) => lang.pick(
            "bundles, cross-sell, a free-shipping threshold",
            "まとめ買い・セット販売、クロスセル、送料無料ライン",
        ),
        (Business::Ec, D::Churn) => lang.pick(
            "win-back campaigns for lapsing customers, post-purchase onboarding",
            "離反しかけた顧客への休眠掘り起こし、購入後のオンボーディング",
        ),
        (Business::Saas, D::Churn) => lang.pick(
            "onboarding and customer-success health checks; act on falling usage before renewal",
            "オンボーディングとカスタマーサクセスのヘルスチェック、利用低下への早期対応",
        ),
        (Business::Saas, D::Frequency) | (Business::Saas, D::Aov) => lang.pick(
            "expansion: upsell to higher plans, more seats, add-ons",
            "アップセル・クロスセル: 上位プラン、席数追加、オプション",
        ),
        (Business::Saas, D::RepeatRate) => lang.pick(
            "activation in the first weeks: time to first value, guided setup",
            "導入初期の定着化: 初期価値到達までの短縮、導入支援",
        ),
        (Business::Consulting, D::Churn) | (Business::Consulting, D::RepeatRate) => lang.pick(
            "account management: quarterly business reviews, a follow-on offer at each project's end",
            "アカウントマネジメント: 定期レビュー（QBR）、案件終了時の次回提案",
        ),
        (Business::Consulting, D::Frequency) | (Business::Consulting, D::Aov) => lang.pick(
            "broaden the engagement: retainers, adjacent services",
            "取引拡大: 顧問契約化、周辺サービスの提案",
        ),
        (_, D::Cac) => lang.pick(
            "shift budget to the cheaper channels; a referral programme",
            "獲得効率の良いチャネルへの予算配分、紹介プログラム",
        ),
        (_, D::Margin) => lang.pick(
            "pricing, purchasing costs, delivery costs",
            "価格設定、仕入れ・配送コストの見直し",
        ),
    }
}

/// Benchmarks every driver across channels and cohorts and ranks the achievable
/// improvements by their effect on LTV/CAC (with a CAC) or LTV.
///
/// # Errors
/// Overflow.
///
/// ```
/// use ltv_planner::{bottleneck, measure, MeasureOptions};
/// use ltv_core::Lang;
/// use ltv_segments::{generate, LoadOptions, SynthConfig, Transactions};
/// let mut csv = Vec::new();
/// generate(&SynthConfig::new(2_000, 7), &mut csv)?;
/// let tx = Transactions::from_csv("orders.csv", csv, b',', &LoadOptions::default())?;
/// let m = measure(&tx, None, &MeasureOptions::default())?;
/// let b = bottleneck(&m, Lang::En)?;
/// let top = &b.drivers[0];
/// assert!(top.ltv_after >= top.ltv_before);
/// assert!(!top.set_by.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bottleneck(m: &MeasuredBaseline, lang: Lang) -> Result<Bottleneck> {
    let as_of_month = m.as_of.month_index();
    let Some(inputs) = m.inputs() else {
        return Err(PlanError::invalid(
            None,
            "monthly_churn",
            "nothing",
            "measured (no customer has churned yet)",
        ));
    };
    let ltv = m.headline.ltv;
    let cac = m.headline.cac;
    let mut out = Vec::new();
    let mut not_assessed = vec![NotAssessed {
        driver: BottleneckDriver::Margin,
        across: None,
        reason: lang
            .pick(
                "gross margin is given, not measured per channel or cohort: see the standard steps",
                "粗利率は入力値で、チャネル・コホート別には測定していません。標準ステップの表を参照してください",
            )
            .to_owned(),
    }];
    let drivers = [
        BottleneckDriver::Churn,
        BottleneckDriver::RepeatRate,
        BottleneckDriver::Frequency,
        BottleneckDriver::Aov,
    ];
    for across in [Across::Channels, Across::Cohorts] {
        if across == Across::Channels && !m.has_channels {
            continue;
        }
        for driver in drivers {
            // cohorts: first-order months, or quarters when more quarters than months
            // are large and old enough to compare
            let groups = match across {
                Across::Channels => &m.by_channel,
                Across::Cohorts => {
                    let count = |gs: &[GroupDrivers]| {
                        gs.iter()
                            .filter(|g| eligible(driver, across, g, as_of_month))
                            .count()
                    };
                    if count(&m.by_quarter) > count(&m.by_cohort) {
                        &m.by_quarter
                    } else {
                        &m.by_cohort
                    }
                }
            };
            let mut points: Vec<Point<'_>> = groups
                .iter()
                .filter(|g| eligible(driver, across, g, as_of_month))
                .filter_map(|g| {
                    Some(Point {
                        name: &g.group,
                        value: metric(driver, &g.drivers)?,
                    })
                })
                .collect();
            let n = points.len() as u64;
            let Some((bar_value, set_by)) = bar(driver, &mut points) else {
                not_assessed.push(NotAssessed {
                    driver,
                    across: Some(across),
                    reason: match lang {
                        Lang::En => format!(
                            "fewer than two {} with at least {MIN_GROUP_CUSTOMERS} customers{} to compare",
                            across.many(lang),
                            if across == Across::Cohorts { " old enough" } else { "" }
                        ),
                        Lang::Ja => format!(
                            "比較できる顧客 {MIN_GROUP_CUSTOMERS} 人以上の{}が 2 つ未満です",
                            across.many(lang)
                        ),
                    },
                });
                continue;
            };
            let behind = points
                .iter()
                .filter(|p| {
                    if driver.lower_is_better() {
                        p.value > bar_value
                    } else {
                        p.value < bar_value
                    }
                })
                .count() as u64;
            let all: Vec<(Decimal, Decimal, bool)> = groups
                .iter()
                .map(|g| {
                    (
                        pooled_value(driver, &g.drivers),
                        weight(driver, &g.drivers),
                        eligible(driver, across, g, as_of_month),
                    )
                })
                .collect();
            let after = pooled(driver, &all, bar_value)?;
            // today's value, exactly as the headline measures it
            let before = match driver {
                BottleneckDriver::Churn => inputs.monthly_churn,
                BottleneckDriver::Frequency => inputs.orders_per_month,
                BottleneckDriver::Aov => inputs.aov,
                _ => m.drivers.repeat_rate.unwrap_or_default(),
            };
            let ltv_after = match driver {
                BottleneckDriver::Churn => m.value_of(&inputs.with_churn(after)?)?.ltv,
                BottleneckDriver::Frequency => {
                    m.value_of(&inputs.with_orders_per_month(after)?)?.ltv
                }
                BottleneckDriver::Aov => {
                    m.value_of(&Inputs {
                        aov: after,
                        ..inputs
                    })?
                    .ltv
                }
                BottleneckDriver::RepeatRate => match repeat_factor(m, before, after)? {
                    Some(f) => mul(ltv, f, "LTV at the repeat rate")?.normalize(),
                    None => {
                        not_assessed.push(NotAssessed {
                            driver,
                            across: Some(across),
                            reason: lang
                                .pick(
                                    "the LTV of repeat and of one-time buyers cannot both be measured yet",
                                    "リピート顧客と 1 回購入の顧客の LTV をまだ両方は測定できません",
                                )
                                .to_owned(),
                        });
                        continue;
                    }
                },
                _ => ltv,
            };
            out.push(achievable(
                m,
                lang,
                driver,
                across,
                (before, after, bar_value, set_by.to_owned(), n, behind),
                ltv,
                ltv_after,
                cac,
                cac,
            )?);
        }
    }
    // CAC across channels: every channel behind the bar buys customers at the bar.
    if m.spend.as_ref().is_some_and(|s| !s.all_customers) {
        let rows: Vec<(&str, Decimal, Decimal)> = m
            .channels
            .iter()
            .filter_map(|c| Some((c.channel.as_str(), c.cac?, Decimal::from(c.new_customers?))))
            .collect();
        let mut points: Vec<Point<'_>> = rows
            .iter()
            .filter(|(_, cac, new)| {
                *cac > Decimal::ZERO && *new >= Decimal::from(MIN_GROUP_CUSTOMERS)
            })
            .map(|(name, cac, _)| Point { name, value: *cac })
            .collect();
        let n = points.len() as u64;
        match (bar(BottleneckDriver::Cac, &mut points), cac) {
            (Some((bar_value, set_by)), Some(cac_before)) => {
                let all: Vec<(Decimal, Decimal, bool)> = rows
                    .iter()
                    .map(|(_, c, new)| {
                        (
                            *c,
                            *new,
                            *c > Decimal::ZERO && *new >= Decimal::from(MIN_GROUP_CUSTOMERS),
                        )
                    })
                    .collect();
                let after = pooled(BottleneckDriver::Cac, &all, bar_value)?;
                let behind = points.iter().filter(|p| p.value > bar_value).count() as u64;
                out.push(achievable(
                    m,
                    lang,
                    BottleneckDriver::Cac,
                    Across::Channels,
                    (cac_before, after, bar_value, set_by.to_owned(), n, behind),
                    ltv,
                    ltv,
                    Some(cac_before),
                    (after > Decimal::ZERO).then_some(after),
                )?);
            }
            _ => not_assessed.push(NotAssessed {
                driver: BottleneckDriver::Cac,
                across: Some(Across::Channels),
                reason: lang
                    .pick(
                        "fewer than two channels with a CAC above 0 and enough new customers",
                        "CAC が 0 より大きく新規顧客が十分なチャネルが 2 つ未満です",
                    )
                    .to_owned(),
            }),
        }
    }
    let ranked_by = if cac.is_some() {
        RankedBy::LtvCacRatio
    } else {
        RankedBy::Ltv
    };
    let key = |a: &Achievable| match ranked_by {
        RankedBy::LtvCacRatio => a.ltv_cac_change_pct.unwrap_or_default(),
        RankedBy::Ltv => a.ltv_change_pct,
    };
    out.sort_by_key(|a| std::cmp::Reverse(key(a)));
    for (i, a) in out.iter_mut().enumerate() {
        a.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    Ok(Bottleneck {
        ranked_by,
        min_group_customers: MIN_GROUP_CUSTOMERS,
        rule: lang
            .pick(
                "bar = the value the best quarter of groups (channels or cohorts with at least 30 customers) already reach; achievable = the overall value if every group behind the bar reached it",
                "基準 = 上位 4 分の 1 のグループ（顧客 30 人以上のチャネルまたはコホート）が既に達成している値。達成可能値 = 基準に届かないグループがすべて基準に達した場合の全体の値",
            )
            .to_owned(),
        drivers: out,
        not_assessed,
    })
}

/// ((1 − r′)·V₁ + r′·V₂) ÷ ((1 − r)·V₁ + r·V₂).
fn repeat_factor(m: &MeasuredBaseline, r: Decimal, r_after: Decimal) -> Result<Option<Decimal>> {
    let ltv_of = |status: &str| -> Result<Option<Decimal>> {
        let Some(g) = m.by_repeat.iter().find(|g| g.group == status) else {
            return Ok(None);
        };
        match Inputs::of(&g.drivers, m.options.margin, None) {
            Some(i) if i.aov > Decimal::ZERO => Ok(Some(m.value_of(&i)?.ltv)),
            _ => Ok(None),
        }
    };
    let (Some(v1), Some(v2)) = (ltv_of("one_time")?, ltv_of("repeat")?) else {
        return Ok(None);
    };
    let mix = |r: Decimal| -> Result<Decimal> {
        add(
            mul(Decimal::ONE - r, v1, "one-time share")?,
            mul(r, v2, "repeat share")?,
            "LTV mix",
        )
    };
    let before = mix(r)?;
    if before <= Decimal::ZERO {
        return Ok(None);
    }
    Ok(Some(div(mix(r_after)?, before, "repeat factor")?))
}

#[allow(clippy::too_many_arguments)]
fn achievable(
    m: &MeasuredBaseline,
    lang: Lang,
    driver: BottleneckDriver,
    across: Across,
    (before, after, bar, set_by, groups, behind): (Decimal, Decimal, Decimal, String, u64, u64),
    ltv_before: Decimal,
    ltv_after: Decimal,
    cac_before: Option<Decimal>,
    cac_after: Option<Decimal>,
) -> Result<Achievable> {
    let ratio = |ltv: Decimal, cac: Option<Decimal>| -> Result<Option<Decimal>> {
        match cac {
            Some(c) if c > Decimal::ZERO => div(ltv, c, "LTV/CAC").map(|r| Some(r.normalize())),
            _ => Ok(None),
        }
    };
    let ltv_cac_before = ratio(ltv_before, cac_before)?;
    let ltv_cac_after = ratio(ltv_after, cac_after)?;
    let ltv_cac_change_pct = match (ltv_cac_before, ltv_cac_after) {
        (Some(b), Some(a)) => change_pct(b, a)?,
        _ => None,
    };
    let c = &m.currency;
    let v = |x: Decimal| shown(driver, x, c, lang);
    let evidence = match lang {
        Lang::En => format!(
            "{} '{set_by}' sets the bar at {}: the best quarter of {groups} {} with at least {MIN_GROUP_CUSTOMERS} customers; {behind} {} behind it. Overall {} → {}.",
            across.one(lang),
            v(bar),
            across.many(lang),
            if behind == 1 { "is" } else { "are" },
            v(before),
            v(after),
        ),
        Lang::Ja => format!(
            "{}「{set_by}」が基準 {} を達成（顧客 {MIN_GROUP_CUSTOMERS} 人以上の {groups} {}のうち上位 4 分の 1）。基準に届かない{}は {behind}。全体 {} → {}。",
            across.one(lang),
            v(bar),
            across.many(lang),
            across.many(lang),
            v(before),
            v(after),
        ),
    };
    Ok(Achievable {
        rank: 0,
        driver,
        across,
        value_before: if driver == BottleneckDriver::Frequency {
            mul(before, Decimal::from(12), "orders per year")?.normalize()
        } else {
            before
        },
        value_after: if driver == BottleneckDriver::Frequency {
            mul(after, Decimal::from(12), "orders per year")?.normalize()
        } else {
            after
        },
        bar: if driver == BottleneckDriver::Frequency {
            mul(bar, Decimal::from(12), "orders per year")?.normalize()
        } else {
            bar
        },
        set_by,
        groups,
        groups_behind: behind,
        ltv_before,
        ltv_after,
        ltv_change_pct: change_pct(ltv_before, ltv_after)?.unwrap_or_default(),
        ltv_cac_before,
        ltv_cac_after,
        ltv_cac_change_pct,
        band_after: ltv_cac_after.map(Band::of_ratio),
        evidence,
        recommendation: recommendation(m.business, driver, lang).to_owned(),
    })
}
