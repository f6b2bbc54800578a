//! Measurement after launch: did the initiative move its driver as planned?
//!
//! For a running or done initiative the driver's KPI is read from the last snapshot
//! before the start ("before") and the latest snapshot on or after start + ramp-up
//! ("after"). Planned change = the initiative's likely move applied to the value
//! before; actual change = after − before. With a target channel the effect is the
//! difference in differences: (channel after − channel before) − (rest after − rest
//! before), where "the rest" is the other channels' customer-weighted mean, so that a
//! change every customer saw (a season, a price rise) is not credited to the
//! initiative.
//!
//! The data cannot tell yet, and the measurement says so in plain words, when: there is
//! no snapshot before the start, or none after start + ramp; fewer than
//! [`MIN_CUSTOMERS`] customers are in the measured group or its comparison group; the
//! target is a segment (snapshots are per channel); fewer than
//! [`MIN_PERIODS_BEFORE`] snapshots precede the start (so how much the KPI moves on its
//! own is unknown). When the effect is no larger than the largest move between
//! consecutive snapshots before the start, it is reported as within the usual
//! variation.
//!
//! Realised ROI so far is the planner's ROI case ([`ltv_planner::roi`]) on the
//! before-snapshot's baseline over the months from the start to the after-snapshot,
//! with the measured effect in place of the planned one (for a channel target, scaled
//! by the channel's share of customers).

use chrono::{Datelike, Months, NaiveDate};
use ltv_core::present::group;
use ltv_planner::{Change, Driver, Estimate, RoiOptions, Scenario, Team};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::initiative::{Initiative, Target, TargetKind};
use crate::rank::planner_initiative;
use crate::snapshot::{Kpi, Snapshot};
use crate::status::Status;

/// Customers a measured group (and its comparison group) needs at least.
pub const MIN_CUSTOMERS: u64 = 30;
/// Snapshots before the start needed to know how much a KPI moves on its own.
pub const MIN_PERIODS_BEFORE: usize = 2;

/// Options of a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureOptions {
    /// Annual discount rate of the ROI so far; default 0.10.
    pub discount_rate: Decimal,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions {
            discount_rate: RoiOptions::default().discount_rate,
        }
    }
}

/// Whether the data shows an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The effect is larger than the usual variation between snapshots.
    Measured,
    /// The change is no larger than the usual variation: no effect can be told.
    WithinNoise,
    /// The data cannot tell yet (see the statements).
    CannotTellYet,
}

/// The KPI in one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    /// The snapshot's as-of date.
    pub as_of: NaiveDate,
    /// The KPI for all customers.
    pub value: Option<Decimal>,
    /// For a channel target: the KPI of the channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub treated: Option<Decimal>,
    /// For a channel target: the other channels' customer-weighted mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<Decimal>,
    /// LTV (headline).
    pub ltv: Decimal,
    /// LTV/CAC (headline).
    pub ltv_cac_ratio: Option<Decimal>,
    /// Customers in the data.
    pub customers: u64,
}

/// The difference in differences for a target channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffInDiff {
    /// The channel.
    pub channel: String,
    /// Channel customers (after).
    pub treated_customers: u64,
    /// Customers of the other channels (after).
    pub control_customers: u64,
    /// Channel: after − before.
    pub treated_change: Decimal,
    /// The rest: after − before.
    pub control_change: Decimal,
    /// treated_change − control_change.
    pub estimate: Decimal,
}

/// The realised ROI so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoiSoFar {
    /// Months from the start to the after-snapshot.
    pub months: u32,
    /// The driver change applied to the whole customer base.
    pub effect_on_base: Decimal,
    /// Net gain ÷ cost over those months; `null` without cost.
    pub roi: Option<Decimal>,
    /// Month the initiative paid back; `null` if not yet.
    pub payback_month: Option<u32>,
    /// NPV over those months.
    pub npv: Decimal,
    /// Σ cost over those months.
    pub total_cost: Decimal,
    /// Σ Δ gross profit − Σ Δ acquisition spend over those months.
    pub incremental_contribution: Decimal,
}

/// The measurement of one initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measurement {
    /// The initiative's id.
    pub initiative_id: i64,
    /// Its name.
    pub initiative: String,
    /// Its team.
    pub team: Team,
    /// Its status.
    pub status: Status,
    /// The driver it claims to move.
    pub driver: Driver,
    /// The KPI that measures it.
    pub kpi: Kpi,
    /// Whether a smaller KPI is better.
    pub lower_is_better: bool,
    /// Its target.
    pub target: Option<Target>,
    /// When it started.
    pub start_date: Option<NaiveDate>,
    /// Start + ramp-up: when the full effect is expected.
    pub effect_from: Option<NaiveDate>,
    /// The last snapshot before the start.
    pub before: Option<Point>,
    /// The latest snapshot on or after `effect_from`.
    pub after: Option<Point>,
    /// Every snapshot from `before` on.
    pub series: Vec<Point>,
    /// The planned value after (likely), from the value before.
    pub planned_after: Option<Decimal>,
    /// planned_after − before.
    pub planned_change: Option<Decimal>,
    /// after − before (of the channel, for a channel target).
    pub actual_change: Option<Decimal>,
    /// The effect credited to the initiative: the actual change, or the difference in
    /// differences for a channel target.
    pub effect: Option<Decimal>,
    /// effect ÷ planned change (1 = as planned).
    pub realised_share: Option<Decimal>,
    /// The difference in differences.
    pub did: Option<DiffInDiff>,
    /// The largest move between consecutive snapshots before the start.
    pub usual_variation: Option<Decimal>,
    /// LTV after − before.
    pub ltv_change: Option<Decimal>,
    /// LTV/CAC after − before.
    pub ltv_cac_change: Option<Decimal>,
    /// The realised ROI so far.
    pub roi_so_far: Option<RoiSoFar>,
    /// Whether the data shows an effect.
    pub verdict: Verdict,
    /// What the data says, in plain English.
    pub statements: Vec<String>,
    /// The same in Japanese.
    pub statements_ja: Vec<String>,
}

fn is_rate(kpi: Kpi) -> bool {
    matches!(kpi, Kpi::MonthlyChurn | Kpi::Margin)
}

/// A KPI value for a sentence: rates in %, the rest grouped with 2 places.
pub fn show_value(kpi: Kpi, v: Decimal) -> String {
    if is_rate(kpi) {
        format!("{}%", group(v * Decimal::ONE_HUNDRED, 2))
    } else {
        group(v, 2)
    }
}

/// A KPI change for a sentence: rates in signed points, the rest signed.
pub fn show_change(kpi: Kpi, v: Decimal) -> String {
    let sign = if v.is_sign_negative() && !v.is_zero() {
        ""
    } else {
        "+"
    };
    if is_rate(kpi) {
        format!("{sign}{} pt", group(v * Decimal::ONE_HUNDRED, 2))
    } else {
        format!("{sign}{}", group(v, 2))
    }
}

/// A KPI value and the customers it is measured on.
type Measured = Option<(Decimal, u64)>;

/// The channel's value and the other channels' customer-weighted mean.
fn split(s: &Snapshot, kpi: Kpi, channel: &str) -> (Measured, Measured) {
    let mut treated = None;
    let (mut sum, mut n) = (Decimal::ZERO, 0u64);
    for c in &s.kpis.channels {
        let Some(v) = c.get(kpi) else { continue };
        if c.channel == channel {
            treated = Some((v, c.customers));
        } else if let Some(p) = v.checked_mul(Decimal::from(c.customers)) {
            sum += p;
            n += c.customers;
        }
    }
    let control = (n > 0)
        .then(|| {
            sum.checked_div(Decimal::from(n))
                .map(|m| (m.normalize(), n))
        })
        .flatten();
    (treated, control)
}

fn point(s: &Snapshot, kpi: Kpi, channel: Option<&str>) -> Point {
    let (treated, control) = match channel {
        Some(ch) => {
            let (t, c) = split(s, kpi, ch);
            (t.map(|x| x.0), c.map(|x| x.0))
        }
        None => (None, None),
    };
    Point {
        as_of: s.kpis.as_of,
        value: s.kpis.headline.get(kpi),
        treated,
        control,
        ltv: s.kpis.headline.ltv,
        ltv_cac_ratio: s.kpis.headline.ltv_cac_ratio,
        customers: s.kpis.headline.customers,
    }
}

struct Say {
    en: Vec<String>,
    ja: Vec<String>,
}

impl Say {
    fn say(&mut self, en: String, ja: String) {
        self.en.push(en);
        self.ja.push(ja);
    }
}

fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    u32::try_from(m.max(1)).unwrap_or(1)
}

/// Measures one initiative against the snapshots (any order).
///
/// # Errors
/// [`StoreError::Unavailable`] for an initiative that is not running or done;
/// [`StoreError::Invalid`] for an unknown driver.
pub fn measure(
    initiative: &Initiative,
    snapshots: &[Snapshot],
    options: &MeasureOptions,
) -> Result<Measurement> {
    let name = initiative.name();
    if !matches!(initiative.status, Status::Running | Status::Done) {
        return Err(StoreError::Unavailable(format!(
            "initiative \"{name}\" is {}: only running or done initiatives are measured",
            initiative.status
        )));
    }
    let driver = initiative.fields.driver()?;
    let kpi = Kpi::of_driver(driver);
    let mut snaps: Vec<&Snapshot> = snapshots.iter().collect();
    snaps.sort_by_key(|s| (s.kpis.as_of, s.id));
    let start = initiative.start_date;
    let effect_from =
        start.and_then(|s| s.checked_add_months(Months::new(initiative.fields.ramp_months)));
    let channel = match &initiative.fields.target {
        Some(Target {
            kind: TargetKind::Channel,
            name,
        }) => Some(name.as_str()),
        _ => None,
    };
    let before_snaps: Vec<&Snapshot> = match start {
        Some(s) => snaps.iter().copied().filter(|x| x.kpis.as_of < s).collect(),
        None => Vec::new(),
    };
    let before = before_snaps.last().copied();
    let after = match effect_from {
        Some(e) => snaps.iter().copied().rev().find(|x| x.kpis.as_of >= e),
        None => None,
    };
    let series: Vec<Point> = snaps
        .iter()
        .filter(|s| before.is_none_or(|b| s.kpis.as_of >= b.kpis.as_of))
        .map(|s| point(s, kpi, channel))
        .collect();
    let mut m = Measurement {
        initiative_id: initiative.id,
        initiative: name.to_owned(),
        team: initiative.fields.team.clone(),
        status: initiative.status,
        driver,
        kpi,
        lower_is_better: kpi.lower_is_better(),
        target: initiative.fields.target.clone(),
        start_date: start,
        effect_from,
        before: before.map(|s| point(s, kpi, channel)),
        after: after.map(|s| point(s, kpi, channel)),
        series,
        planned_after: None,
        planned_change: None,
        actual_change: None,
        effect: None,
        realised_share: None,
        did: None,
        usual_variation: None,
        ltv_change: None,
        ltv_cac_change: None,
        roi_so_far: None,
        verdict: Verdict::CannotTellYet,
        statements: Vec::new(),
        statements_ja: Vec::new(),
    };
    let mut say = Say {
        en: Vec::new(),
        ja: Vec::new(),
    };
    let cannot = judge(
        initiative,
        &mut m,
        &before_snaps,
        after,
        channel,
        options,
        &mut say,
    );
    if cannot {
        m.verdict = Verdict::CannotTellYet;
    }
    m.statements = say.en;
    m.statements_ja = say.ja;
    Ok(m)
}

/// Fills the numbers; returns whether the data cannot tell yet.
#[allow(clippy::too_many_lines)]
fn judge(
    initiative: &Initiative,
    m: &mut Measurement,
    before_snaps: &[&Snapshot],
    after: Option<&Snapshot>,
    channel: Option<&str>,
    options: &MeasureOptions,
    say: &mut Say,
) -> bool {
    let kpi = m.kpi;
    let label = kpi.as_str();
    let Some(start) = m.start_date else {
        say.say(
            "cannot tell: the initiative has no start date".into(),
            "判定できません: 開始日がありません".into(),
        );
        return true;
    };
    let Some(before) = before_snaps.last().copied() else {
        say.say(
            format!("cannot tell: no snapshot before the start on {start}, so the value before the initiative is unknown"),
            format!("判定できません: 開始日 {start} より前のスナップショットがなく、施策前の値が分かりません"),
        );
        return true;
    };
    let effect_from = m.effect_from.unwrap_or(start);
    let Some(after) = after else {
        let latest = m.series.last().map_or(before.kpis.as_of, |p| p.as_of);
        say.say(
            format!("cannot tell yet: the full effect is expected from {effect_from} (start + {} months of ramp-up); the latest snapshot is as of {latest}", initiative.fields.ramp_months),
            format!("まだ判定できません: 効果が出揃うのは {effect_from} から（開始 + 立ち上がり {} か月）ですが、最新のスナップショットは {latest} 時点です", initiative.fields.ramp_months),
        );
        return true;
    };
    let mut cannot = false;
    let (hb, ha) = (&before.kpis.headline, &after.kpis.headline);
    m.ltv_change = Some((ha.ltv - hb.ltv).normalize());
    m.ltv_cac_change = ha
        .ltv_cac_ratio
        .zip(hb.ltv_cac_ratio)
        .map(|(a, b)| (a - b).normalize());
    // the group whose KPI the initiative moves: the channel, or every customer
    let (value_before, value_after) = match channel {
        Some(ch) => {
            let (tb, cb) = split(before, kpi, ch);
            let (ta, ca) = split(after, kpi, ch);
            match (tb, ta, cb, ca) {
                (Some(tb), Some(ta), Some(cb), Some(ca)) => {
                    let treated_change = (ta.0 - tb.0).normalize();
                    let control_change = (ca.0 - cb.0).normalize();
                    m.did = Some(DiffInDiff {
                        channel: ch.to_owned(),
                        treated_customers: ta.1,
                        control_customers: ca.1,
                        treated_change,
                        control_change,
                        estimate: (treated_change - control_change).normalize(),
                    });
                    for (group_en, group_ja, n) in [
                        (
                            format!("channel {ch}"),
                            format!("チャネル {ch}"),
                            tb.1.min(ta.1),
                        ),
                        (
                            "the other channels".to_owned(),
                            "他のチャネル".to_owned(),
                            cb.1.min(ca.1),
                        ),
                    ] {
                        if n < MIN_CUSTOMERS {
                            say.say(
                                format!("cannot tell: {group_en} has only {n} customers (at least {MIN_CUSTOMERS} are needed)"),
                                format!("判定できません: {group_ja} の顧客が {n} 人しかいません（{MIN_CUSTOMERS} 人以上必要）"),
                            );
                            cannot = true;
                        }
                    }
                    (Some(tb.0), Some(ta.0))
                }
                _ => {
                    say.say(
                        format!("cannot tell: {label} of channel {ch} and of the other channels is not in both snapshots ({} and {})", before.kpis.as_of, after.kpis.as_of),
                        format!("判定できません: チャネル {ch} と他のチャネルの {label} が両方のスナップショット（{} と {}）にありません", before.kpis.as_of, after.kpis.as_of),
                    );
                    return true;
                }
            }
        }
        None => {
            if let Some(Target {
                kind: TargetKind::Segment,
                name,
            }) = &initiative.fields.target
            {
                say.say(
                    format!("cannot tell: the target is segment {name}, but snapshots measure channels, so its effect cannot be told from the rest of the customers; the change below is for all customers"),
                    format!("判定できません: 対象はセグメント {name} ですが、スナップショットはチャネル単位のため他の顧客と比較できません。以下は全顧客の変化です"),
                );
                cannot = true;
            }
            let n = hb.customers.min(ha.customers);
            if n < MIN_CUSTOMERS {
                say.say(
                    format!("cannot tell: only {n} customers in the data (at least {MIN_CUSTOMERS} are needed)"),
                    format!("判定できません: データの顧客が {n} 人しかいません（{MIN_CUSTOMERS} 人以上必要）"),
                );
                cannot = true;
            }
            (hb.get(kpi), ha.get(kpi))
        }
    };
    let (Some(vb), Some(va)) = (value_before, value_after) else {
        say.say(
            format!("cannot tell: {label} is not measured in the snapshots"),
            format!("判定できません: スナップショットに {label} がありません"),
        );
        return true;
    };
    m.actual_change = Some((va - vb).normalize());
    let change = initiative.fields.change.at(Scenario::Likely);
    if let Ok(planned) = change.apply(vb) {
        m.planned_after = Some(planned.normalize());
        m.planned_change = Some((planned - vb).normalize());
    }
    let effect = m.did.as_ref().map_or((va - vb).normalize(), |d| d.estimate);
    m.effect = Some(effect);
    m.realised_share = m
        .planned_change
        .filter(|p| !p.is_zero())
        .and_then(|p| effect.checked_div(p))
        .map(|s| s.round_dp(4).normalize());
    // how much the measured quantity moved on its own before the start
    let measured_of = |s: &Snapshot| -> Option<Decimal> {
        match channel {
            Some(ch) => {
                let (t, c) = split(s, kpi, ch);
                Some(t?.0 - c?.0)
            }
            None => s.kpis.headline.get(kpi),
        }
    };
    let history: Vec<Decimal> = before_snaps.iter().filter_map(|s| measured_of(s)).collect();
    if history.len() >= MIN_PERIODS_BEFORE {
        m.usual_variation = history
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .max()
            .map(|v| v.normalize());
    } else {
        say.say(
            format!("cannot tell yet: too few periods, {} snapshot(s) before the start; at least {MIN_PERIODS_BEFORE} are needed to know how much {label} moves on its own", history.len()),
            format!("まだ判定できません: 開始前のスナップショットが {} 件しかなく、{label} が施策なしでどれだけ動くか分かりません（{MIN_PERIODS_BEFORE} 件以上必要）", history.len()),
        );
        cannot = true;
    }
    // the plain statement of the numbers
    let what_en = match &m.did {
        Some(d) => format!(
            "{label} of channel {} moved {} against {} for the other channels: an effect of {}",
            d.channel,
            show_change(kpi, d.treated_change),
            show_change(kpi, d.control_change),
            show_change(kpi, d.estimate)
        ),
        None => format!(
            "{label} moved from {} to {} ({})",
            show_value(kpi, vb),
            show_value(kpi, va),
            show_change(kpi, va - vb)
        ),
    };
    let what_ja = match &m.did {
        Some(d) => format!(
            "チャネル {} の {label} は {}、他のチャネルは {}：効果は {}",
            d.channel,
            show_change(kpi, d.treated_change),
            show_change(kpi, d.control_change),
            show_change(kpi, d.estimate)
        ),
        None => format!(
            "{label} は {} から {} へ（{}）",
            show_value(kpi, vb),
            show_value(kpi, va),
            show_change(kpi, va - vb)
        ),
    };
    let plan_en = match (m.planned_change, m.realised_share) {
        (Some(p), Some(s)) => format!(
            "; planned {} ({}% of plan)",
            show_change(kpi, p),
            group(s * Decimal::ONE_HUNDRED, 0)
        ),
        (Some(p), None) => format!("; planned {}", show_change(kpi, p)),
        _ => String::new(),
    };
    let plan_ja = match (m.planned_change, m.realised_share) {
        (Some(p), Some(s)) => format!(
            "。計画は {}（計画比 {}%）",
            show_change(kpi, p),
            group(s * Decimal::ONE_HUNDRED, 0)
        ),
        (Some(p), None) => format!("。計画は {}", show_change(kpi, p)),
        _ => String::new(),
    };
    say.say(
        format!(
            "{what_en} between {} and {}{plan_en}",
            before.kpis.as_of, after.kpis.as_of
        ),
        format!(
            "{} から {} の間に {what_ja}{plan_ja}",
            before.kpis.as_of, after.kpis.as_of
        ),
    );
    if !cannot {
        match m.usual_variation {
            Some(noise) if effect.abs() <= noise => {
                m.verdict = Verdict::WithinNoise;
                say.say(
                    format!("the effect is within the usual variation between snapshots before the start (up to {}): no effect can be told yet", show_change(kpi, noise).trim_start_matches('+')),
                    format!("効果は開始前のスナップショット間の通常の変動（最大 {}）の範囲内で、まだ効果があるとは言えません", show_change(kpi, noise).trim_start_matches('+')),
                );
            }
            _ => {
                m.verdict = Verdict::Measured;
                let good = if m.lower_is_better {
                    effect < Decimal::ZERO
                } else {
                    effect > Decimal::ZERO
                };
                say.say(
                    format!("the effect is larger than the usual variation between snapshots and goes the {} way", if good { "good" } else { "wrong" }),
                    format!("効果はスナップショット間の通常の変動より大きく、{}方向です", if good { "良い" } else { "悪い" }),
                );
            }
        }
    }
    m.roi_so_far = roi_so_far(initiative, m, before, after, effect, options, say);
    cannot
}

fn roi_so_far(
    initiative: &Initiative,
    m: &Measurement,
    before: &Snapshot,
    after: &Snapshot,
    effect: Decimal,
    options: &MeasureOptions,
    say: &mut Say,
) -> Option<RoiSoFar> {
    let start = m.start_date?;
    let baseline = before.kpis.baseline().ok()?;
    let share = match &m.did {
        Some(d) if before.kpis.headline.customers > 0 => {
            Decimal::from(d.treated_customers) / Decimal::from(before.kpis.headline.customers)
        }
        _ => Decimal::ONE,
    };
    let effect_on_base = (effect * share).normalize();
    let driver = match m.kpi {
        Kpi::MonthlyChurn => Driver::Churn,
        Kpi::Lifespan => Driver::Lifespan,
        Kpi::Aov => Driver::Aov,
        Kpi::OrdersPerYear => Driver::Frequency,
        Kpi::Margin => Driver::Margin,
        Kpi::Cac => Driver::Cac,
        Kpi::NewCustomersPerMonth => Driver::NewCustomers,
        Kpi::Ltv | Kpi::LtvCacRatio => return None,
    };
    let mut realised = initiative.clone();
    realised.fields.driver = driver.as_str().to_owned();
    realised.fields.change = Estimate::One(Change::Absolute(effect_on_base));
    realised.fields.baseline = None;
    let months = months_between(start, after.kpis.as_of);
    let case = planner_initiative(&realised, Some(&baseline))
        .map_err(|e| e.to_string())
        .and_then(|(p, _)| {
            ltv_planner::roi(
                &baseline,
                &p,
                &RoiOptions {
                    horizon_months: months,
                    discount_rate: options.discount_rate,
                    ..RoiOptions::default()
                },
            )
            .map_err(|e| e.to_string())
        });
    match case {
        Ok(r) => {
            let roi_en = r.roi.map_or("no cost, so no ROI".to_owned(), |x| {
                format!("ROI {}%", group(x * Decimal::ONE_HUNDRED, 0))
            });
            let roi_ja = r.roi.map_or("費用がないため ROI なし".to_owned(), |x| {
                format!("ROI {}%", group(x * Decimal::ONE_HUNDRED, 0))
            });
            let pay_en = r.payback_month.map_or("not paid back yet".to_owned(), |p| {
                format!("paid back in month {p}")
            });
            let pay_ja = r
                .payback_month
                .map_or("まだ回収していません".to_owned(), |p| {
                    format!("{p} か月目に回収")
                });
            say.say(
                format!("realised so far ({months} months, with the measured effect): {roi_en}, {pay_en}"),
                format!("これまでの実績（{months} か月、実測の効果で計算）: {roi_ja}、{pay_ja}"),
            );
            Some(RoiSoFar {
                months,
                effect_on_base,
                roi: r.roi,
                payback_month: r.payback_month,
                npv: r.npv,
                total_cost: r.total_cost,
                incremental_contribution: r.incremental_contribution,
            })
        }
        Err(e) => {
            say.say(
                format!("no ROI so far: the measured effect cannot be modelled ({e})"),
                format!(
                    "これまでの ROI は計算できません: 実測の効果をモデルに適用できません（{e}）"
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::initiative::NewInitiative;
    use crate::snapshot::tests::{d, kpis};
    use chrono::{DateTime, Utc};

    fn snap(id: i64, as_of: &str, churn: &str, search: &str) -> Snapshot {
        Snapshot {
            id,
            taken_at: DateTime::<Utc>::UNIX_EPOCH,
            taken_by: "t".into(),
            kpis: kpis(as_of, churn, search),
        }
    }

    fn running(target: Option<&str>) -> Initiative {
        let mut f = NewInitiative::new("Onboarding", "cs", "churn", "-1pt").unwrap();
        f.target = target.map(|t| Target::parse(t).unwrap());
        f.yearly_cost = d("1200");
        f.ramp_months = 1;
        Initiative {
            id: 1,
            fields: f,
            status: Status::Running,
            start_date: Some("2024-03-01".parse().unwrap()),
            end_date: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            version: 3,
            ratings: vec![],
        }
    }

    #[test]
    fn difference_in_differences() {
        let snaps = [
            snap(1, "2024-01-31", "0.05", "0.05"),
            snap(2, "2024-02-29", "0.051", "0.0505"),
            snap(3, "2024-04-30", "0.048", "0.041"),
        ];
        let m = measure(
            &running(Some("channel:search")),
            &snaps,
            &MeasureOptions::default(),
        )
        .unwrap();
        let did = m.did.clone().unwrap();
        // search 0.0505 → 0.041 (−0.0095); social 0.051 → 0.048 (−0.003)
        assert_eq!(did.treated_change, d("-0.0095"));
        assert_eq!(did.control_change, d("-0.003"));
        assert_eq!(did.estimate, d("-0.0065"));
        assert_eq!(m.planned_change, Some(d("-0.01")));
        assert_eq!(m.realised_share, Some(d("0.65")));
        // before the start the gap moved from 0 to −0.0005
        assert_eq!(m.usual_variation, Some(d("0.0005")));
        assert_eq!(m.verdict, Verdict::Measured);
        assert!(m.roi_so_far.is_some(), "{:?}", m.statements);
        assert!(
            m.statements[0]
                .starts_with("monthly_churn of channel search moved -0.95 pt against -0.30 pt"),
            "{:?}",
            m.statements
        );
    }

    #[test]
    fn cannot_tell_yet() {
        // one snapshot before: the usual variation is unknown
        let snaps = [
            snap(1, "2024-02-29", "0.05", "0.05"),
            snap(2, "2024-04-30", "0.04", "0.04"),
        ];
        let m = measure(&running(None), &snaps, &MeasureOptions::default()).unwrap();
        assert_eq!(m.verdict, Verdict::CannotTellYet);
        assert!(m.statements[0].starts_with("cannot tell yet: too few periods"));
        assert_eq!(m.actual_change, Some(d("-0.01")));
        // nothing after start + ramp
        let m = measure(&running(None), &snaps[..1], &MeasureOptions::default()).unwrap();
        assert_eq!(m.verdict, Verdict::CannotTellYet);
        assert!(m.statements[0].contains("the full effect is expected from 2024-04-01"));
        // an idea is not measured
        let mut idea = running(None);
        idea.status = Status::Idea;
        assert!(measure(&idea, &snaps, &MeasureOptions::default()).is_err());
    }

    #[test]
    fn within_noise() {
        let snaps = [
            snap(1, "2024-01-31", "0.05", "0.05"),
            snap(2, "2024-02-29", "0.06", "0.06"),
            snap(3, "2024-04-30", "0.055", "0.055"),
        ];
        let m = measure(&running(None), &snaps, &MeasureOptions::default()).unwrap();
        assert_eq!(m.verdict, Verdict::WithinNoise);
        assert_eq!(m.usual_variation, Some(d("0.01")));
    }
}
