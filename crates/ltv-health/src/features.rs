//! Features of one customer in one month, from its monthly usage, tickets, NPS, failed
//! payments, tenure and MRR (docs/formulas.md, "Customer health"): first the facts in
//! their own units ([`Facts`], which the reasons quote), then the model's numbers
//! ([`Features::vector`]).

use rayon::prelude::*;
use serde::Serialize;

use crate::lang::Lang;
use crate::outcomes::Activity;
use crate::read::Usage;

/// Months before the current one that a trend compares with.
pub const TREND_MONTHS: usize = 3;
/// A log-ratio trend is clipped to ±this (a factor of about 150).
const TREND_CLIP: f64 = 5.0;

/// One model input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    /// ln((u + 1) ÷ (mean of the previous months + 1)) of usage metric `j`.
    Trend(u16),
    /// ln(u + 1) − the mean of ln(u + 1) over that month's customers, metric `j`.
    Level(u16),
    /// Share of usage metrics above 0.
    Breadth,
    /// ln(1 + tickets this month).
    TicketsMonth,
    /// ln(1 + tickets per month over this and the two months before).
    TicketsQuarter,
    /// (latest NPS − 7) ÷ 3, 0 without an answer.
    Nps,
    /// 1 without any NPS answer so far.
    NpsMissing,
    /// ln(1 + failed payments over this and the two months before).
    FailedPayments,
    /// ln(months as a customer).
    Tenure,
    /// ln(MRR ÷ MRR three months before).
    MrrChange,
    /// ln(MRR) − the mean of ln(MRR) over that month's paying customers.
    MrrLevel,
}

/// A customer's month in its own units.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Per usage metric: this month's value.
    pub(crate) now: Vec<f64>,
    /// Per usage metric: the mean over the previous months counted in `prev_months`.
    pub(crate) prev: Vec<f64>,
    /// Previous months available (as a customer, inside the window), up to 3.
    pub(crate) prev_months: usize,
    /// Per usage metric: last month's value (for the naive baseline); `None` without one.
    pub(crate) last: Vec<Option<f64>>,
    /// Usage metrics above 0 this month.
    pub(crate) used: usize,
    pub(crate) tickets_now: f64,
    pub(crate) tickets_3m: f64,
    /// Mean of the answers of the latest month with an NPS answer, up to this month.
    pub(crate) nps: Option<f64>,
    pub(crate) failed_3m: f64,
    /// Months as a customer, counting this one.
    pub(crate) tenure: i32,
    pub(crate) mrr_now: Option<f64>,
    pub(crate) mrr_before: Option<f64>,
}

/// The features the data supports, with the per-month means they are relative to.
#[derive(Debug)]
pub(crate) struct Features<'a> {
    pub(crate) usage: &'a Usage,
    pub(crate) act: &'a Activity,
    pub(crate) list: Vec<Feature>,
    /// `[slot][usage metric]`: mean of ln(u + 1) over the slot's customers.
    peers: Vec<Vec<f64>>,
    /// `[slot]`: mean of ln(MRR) over the slot's paying customers.
    mrr_peers: Vec<f64>,
}

impl<'a> Features<'a> {
    pub(crate) fn new(usage: &'a Usage, act: &'a Activity) -> Features<'a> {
        let m = usage.usage.len();
        let mut list: Vec<Feature> = (0..m as u16).map(Feature::Trend).collect();
        list.extend((0..m as u16).map(Feature::Level));
        if m > 1 {
            list.push(Feature::Breadth);
        }
        if usage.tickets.is_some() {
            list.extend([Feature::TicketsMonth, Feature::TicketsQuarter]);
        }
        if usage.has_nps {
            list.extend([Feature::Nps, Feature::NpsMissing]);
        }
        if usage.failed.is_some() {
            list.push(Feature::FailedPayments);
        }
        list.push(Feature::Tenure);
        if !act.mrr.is_empty() {
            list.extend([Feature::MrrChange, Feature::MrrLevel]);
        }
        let slots = usage.window.len();
        let n = act.len();
        let pairs: Vec<(usize, usize)> = (0..slots)
            .flat_map(|s| (0..m).map(move |j| (s, j)))
            .collect();
        let means: Vec<f64> = pairs
            .par_iter()
            .map(|&(s, j)| {
                let k = usage.usage.get(j).copied().unwrap_or(0);
                let (mut sum, mut count) = (0.0, 0u64);
                for c in 0..n {
                    if act.is_active(c, s) {
                        sum += ln_1p(usage.value(c, s, k));
                        count += 1;
                    }
                }
                if count == 0 {
                    0.0
                } else {
                    sum / count as f64
                }
            })
            .collect();
        let peers = (0..slots)
            .map(|s| means.get(s * m..(s + 1) * m).unwrap_or(&[]).to_vec())
            .collect();
        let mrr_peers = (0..slots)
            .into_par_iter()
            .map(|s| {
                let (mut sum, mut count) = (0.0, 0u64);
                for c in 0..n {
                    if let Some(v) = act.mrr(c, s).filter(|&v| v > 0.0) {
                        sum += v.ln();
                        count += 1;
                    }
                }
                if count == 0 {
                    0.0
                } else {
                    sum / count as f64
                }
            })
            .collect();
        Features {
            usage,
            act,
            list,
            peers,
            mrr_peers,
        }
    }

    /// Number of features.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The typical value of usage metric `j` in slot `s` (the geometric-mean-like
    /// exp(mean ln(u + 1)) − 1 of that month's customers).
    pub(crate) fn typical(&self, s: usize, j: usize) -> f64 {
        self.peers
            .get(s)
            .and_then(|p| p.get(j))
            .map_or(0.0, |m| m.exp_m1())
    }

    /// The typical MRR in slot `s`.
    pub(crate) fn typical_mrr(&self, s: usize) -> f64 {
        self.mrr_peers.get(s).map_or(0.0, |m| m.exp())
    }

    /// Customer `c`'s facts in slot `s`, into `f`.
    pub(crate) fn facts(&self, c: usize, s: usize, f: &mut Facts) {
        let u = self.usage;
        let m = u.usage.len();
        let month = u.window.start + s as i32;
        let start = self.act.start.get(c).copied().unwrap_or(month);
        f.tenure = (month - start + 1).max(1);
        // previous months: inside the window and the customer's tenure
        let first_prev = s.saturating_sub(TREND_MONTHS);
        let earliest_slot = usize::try_from(start - u.window.start).unwrap_or(0);
        let prev_slots = first_prev.max(earliest_slot)..s;
        f.prev_months = prev_slots.len();
        f.now.clear();
        f.prev.clear();
        f.last.clear();
        f.used = 0;
        for &k in u.usage.iter().take(m) {
            let now = u.value(c, s, k);
            if now > 0.0 {
                f.used += 1;
            }
            f.now.push(now);
            let prev = if f.prev_months == 0 {
                0.0
            } else {
                prev_slots.clone().map(|p| u.value(c, p, k)).sum::<f64>() / f.prev_months as f64
            };
            f.prev.push(prev);
            f.last
                .push((f.prev_months > 0).then(|| u.value(c, s - 1, k)));
        }
        let quarter = s.saturating_sub(2).max(earliest_slot.min(s))..=s;
        f.tickets_now = u.tickets.map_or(0.0, |k| u.value(c, s, k));
        f.tickets_3m = u
            .tickets
            .map_or(0.0, |k| quarter.clone().map(|p| u.value(c, p, k)).sum());
        f.failed_3m = u
            .failed
            .map_or(0.0, |k| quarter.clone().map(|p| u.value(c, p, k)).sum());
        f.nps = latest_nps(u, c, month);
        f.mrr_now = self.act.mrr(c, s);
        f.mrr_before = s
            .checked_sub(TREND_MONTHS)
            .and_then(|p| self.act.mrr(c, p))
            .filter(|&v| v > 0.0);
    }

    /// The feature vector of facts `f` in slot `s`, into `out` (length [`Self::len`]).
    pub(crate) fn vector(&self, f: &Facts, s: usize, out: &mut [f64]) {
        let m = f.now.len().max(1) as f64;
        for (x, feature) in out.iter_mut().zip(&self.list) {
            *x = match *feature {
                Feature::Trend(j) => {
                    let j = usize::from(j);
                    if f.prev_months == 0 {
                        0.0
                    } else {
                        let now = f.now.get(j).copied().unwrap_or(0.0);
                        let prev = f.prev.get(j).copied().unwrap_or(0.0);
                        ((now + 1.0) / (prev + 1.0))
                            .ln()
                            .clamp(-TREND_CLIP, TREND_CLIP)
                    }
                }
                Feature::Level(j) => {
                    let j = usize::from(j);
                    ln_1p(f.now.get(j).copied().unwrap_or(0.0))
                        - self
                            .peers
                            .get(s)
                            .and_then(|p| p.get(j))
                            .copied()
                            .unwrap_or(0.0)
                }
                Feature::Breadth => f.used as f64 / m,
                Feature::TicketsMonth => ln_1p(f.tickets_now),
                Feature::TicketsQuarter => (f.tickets_3m / 3.0).ln_1p(),
                Feature::Nps => f.nps.map_or(0.0, |n| (n - 7.0) / 3.0),
                Feature::NpsMissing => f64::from(u8::from(f.nps.is_none())),
                Feature::FailedPayments => ln_1p(f.failed_3m),
                Feature::Tenure => f64::from(f.tenure).ln(),
                Feature::MrrChange => match (f.mrr_now, f.mrr_before) {
                    (Some(now), Some(before)) if now > 0.0 => (now / before).ln(),
                    _ => 0.0,
                },
                Feature::MrrLevel => match f.mrr_now {
                    Some(now) if now > 0.0 => {
                        now.ln() - self.mrr_peers.get(s).copied().unwrap_or(0.0)
                    }
                    _ => 0.0,
                },
            };
        }
    }

    /// +1 when more of the feature means more risk, −1 when less does: a learned
    /// weight of the other sign (collinear features can get one) never makes a reason.
    pub(crate) fn risk_sign(feature: Feature) -> f64 {
        match feature {
            Feature::TicketsMonth
            | Feature::TicketsQuarter
            | Feature::NpsMissing
            | Feature::FailedPayments => 1.0,
            Feature::Trend(_)
            | Feature::Level(_)
            | Feature::Breadth
            | Feature::Nps
            | Feature::Tenure
            | Feature::MrrChange
            | Feature::MrrLevel => -1.0,
        }
    }

    /// The feature in words.
    pub(crate) fn label(&self, feature: Feature, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match feature {
            Feature::Trend(j) if ja => format!("{}：直近3か月平均との比", self.metric(j.into())),
            Feature::Trend(j) => {
                format!("{}: change vs the previous 3 months", self.metric(j.into()))
            }
            Feature::Level(j) if ja => format!("{}：他の顧客との比較", self.metric(j.into())),
            Feature::Level(j) => format!("{}: level vs other customers", self.metric(j.into())),
            _ => lang
                .pick(
                    match feature {
                        Feature::Breadth => "breadth: share of metrics used",
                        Feature::TicketsMonth => "tickets this month",
                        Feature::TicketsQuarter => "tickets per month over 3 months",
                        Feature::Nps => "latest NPS answer",
                        Feature::NpsMissing => "no NPS answer",
                        Feature::FailedPayments => "failed payments over 3 months",
                        Feature::Tenure => "months as a customer",
                        Feature::MrrChange => "MRR change over 3 months",
                        _ => "MRR vs other customers",
                    },
                    match feature {
                        Feature::Breadth => "利用の幅：利用指標の割合",
                        Feature::TicketsMonth => "当月の問い合わせ件数",
                        Feature::TicketsQuarter => "3か月の月平均問い合わせ件数",
                        Feature::Nps => "最新のNPS回答",
                        Feature::NpsMissing => "NPS回答なし",
                        Feature::FailedPayments => "3か月の決済失敗",
                        Feature::Tenure => "契約月数",
                        Feature::MrrChange => "3か月のMRR変化",
                        _ => "他の顧客と比べたMRR",
                    },
                )
                .to_owned(),
        }
    }

    /// What the reasons of slot `s` need to be put in words.
    pub(crate) fn wording(&self, s: usize, lang: crate::lang::Lang) -> crate::reasons::Wording {
        let m = self.usage.usage.len();
        crate::reasons::Wording {
            lang,
            month: self.usage.window.month(s),
            metrics: (0..m).map(|j| self.metric(j).to_owned()).collect(),
            typical: (0..m).map(|j| self.typical(s, j)).collect(),
            typical_mrr: self.typical_mrr(s),
        }
    }

    /// Name of usage metric `j`.
    pub(crate) fn metric(&self, j: usize) -> &str {
        self.usage
            .usage
            .get(j)
            .and_then(|&k| self.usage.stored.get(k))
            .map_or("", |m| m.name.as_str())
    }
}

/// Whole numbers below this have their ln(1 + x) in a table.
const LN_1P_TABLE: usize = 4096;

/// ln(1 + x), from a table for the whole counts usage values mostly are (the same
/// value as `f64::ln_1p`, looked up instead of computed a hundred million times).
pub(crate) fn ln_1p(x: f64) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    if x >= 0.0 && x < LN_1P_TABLE as f64 && x.fract() == 0.0 {
        let table = TABLE.get_or_init(|| (0..LN_1P_TABLE).map(|k| (k as f64).ln_1p()).collect());
        if let Some(&v) = table.get(x as usize) {
            return v;
        }
    }
    x.ln_1p()
}

/// The mean of customer `c`'s answers in its latest month with an answer, up to
/// absolute month `month`.
fn latest_nps(u: &Usage, c: usize, month: i32) -> Option<f64> {
    let answers = u.answers_of(c);
    let mut latest: Option<i32> = None;
    let (mut sum, mut count) = (0u32, 0u32);
    for a in answers.iter().rev() {
        let m = ltv_segments::Day::from_days(a.day).month_index();
        if m > month {
            continue;
        }
        match latest {
            None => latest = Some(m),
            Some(l) if l != m => break,
            _ => {}
        }
        sum += u32::from(a.score);
        count += 1;
    }
    (count > 0).then(|| f64::from(sum) / f64::from(count))
}

/// A learned weight in the output: one feature, its weight on the standardised scale
/// (log-odds of churning per standard deviation) and what a standard deviation is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeatureWeight {
    /// Stable code, e.g. `trend:logins`, `tickets_month`.
    pub feature: String,
    /// In words, in the requested language.
    pub label: String,
    /// Change in the log-odds of churning per standard deviation of the feature
    /// (positive: more of it, more churn).
    pub weight: f64,
    /// Mean of the feature over the training months.
    pub mean: f64,
    /// Standard deviation over the training months (0: constant, not used).
    pub sd: f64,
}
