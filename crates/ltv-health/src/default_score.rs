//! The transparent default score, used when there are no outcomes to learn from: a
//! weighted mean of six component scores, each 0–100 (docs/formulas.md, "Default
//! weights").
//!
//! | component | weight | 100 when | 0 when |
//! | --- | ---: | --- | --- |
//! | usage trend | 30 | every metric at or above its mean of the previous 3 months | −50 % or worse |
//! | usage level | 20 | above every other current customer | below all |
//! | breadth | 15 | every usage metric used | none |
//! | tickets | 15 | no ticket this month | (100 ÷ (1 + tickets ÷ 2)) |
//! | NPS | 10 | latest answer 10 | latest answer 0 |
//! | failed payments | 10 | none in 3 months | (100 ÷ (1 + failures)) |
//!
//! A component the data cannot give (no tickets metric, no NPS answer yet, no previous
//! month for a trend) is left out and the weights of the others renormalised.

use rayon::prelude::*;
use serde::Serialize;

use crate::features::{Facts, Feature, Features};
use crate::lang::Lang;

/// One component of the default score and its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComponentWeight {
    /// Stable code: `usage_trend`, `usage_level`, `breadth`, `tickets`, `nps`,
    /// `failed_payments`.
    pub component: String,
    /// In words.
    pub label: String,
    /// Weight in the mean (of 100 for all six).
    pub weight: f64,
}

const TREND: f64 = 30.0;
const LEVEL: f64 = 20.0;
const BREADTH: f64 = 15.0;
const TICKETS: f64 = 15.0;
const NPS: f64 = 10.0;
const FAILED: f64 = 10.0;

/// The components the data has, for the output.
pub(crate) fn components(feats: &Features<'_>, lang: Lang) -> Vec<ComponentWeight> {
    let u = feats.usage;
    let mut out = vec![
        (
            "usage_trend",
            TREND,
            "usage vs the previous 3 months",
            "直近3か月と比べた利用",
        ),
        (
            "usage_level",
            LEVEL,
            "usage vs other customers",
            "他の顧客と比べた利用",
        ),
    ];
    if u.usage.len() > 1 {
        out.push((
            "breadth",
            BREADTH,
            "share of metrics used",
            "利用指標の割合",
        ));
    }
    if u.tickets.is_some() {
        out.push((
            "tickets",
            TICKETS,
            "support tickets this month",
            "当月の問い合わせ",
        ));
    }
    if u.has_nps {
        out.push(("nps", NPS, "latest NPS answer", "最新のNPS回答"));
    }
    if u.failed.is_some() {
        out.push((
            "failed_payments",
            FAILED,
            "failed payments over 3 months",
            "3か月の決済失敗",
        ));
    }
    out.into_iter()
        .map(|(c, w, en, ja)| ComponentWeight {
            component: c.into(),
            label: lang.pick(en, ja).into(),
            weight: w,
        })
        .collect()
}

/// Scores customers in one slot: the current customers' usage, sorted per metric, for
/// the level component.
pub(crate) struct DefaultScorer {
    /// Per usage metric: the distinct values of the current customers, ascending, and
    /// how many customers are below each and at it.
    levels: Vec<Levels>,
    customers: usize,
    breadth: bool,
    tickets: bool,
    failed: bool,
}

/// The distinct values of one metric and, for each, how many customers are below it
/// (`below` has one more entry: the number of customers).
#[derive(Debug, Default)]
struct Levels {
    values: Vec<f32>,
    below: Vec<u32>,
}

/// One scored customer: the score and, per component, the feature that names it, the
/// points it loses against a perfect 100, the points it earns and its own 0–100 score.
pub(crate) struct Scored {
    pub(crate) score: f64,
    parts: [(Feature, f64, f64, f64); 6],
    len: usize,
}

impl Scored {
    /// The components the data had.
    pub(crate) fn parts(&self) -> &[(Feature, f64, f64, f64)] {
        self.parts.get(..self.len).unwrap_or(&[])
    }
}

/// Up to six (weight, component score, feature) without allocating.
struct Parts {
    items: [(f64, f64, Feature); 6],
    len: usize,
}

impl Parts {
    fn push(&mut self, item: (f64, f64, Feature)) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = &(f64, f64, Feature)> {
        self.items.iter().take(self.len)
    }
}

impl DefaultScorer {
    /// A scorer for slot `s` among `customers` (the slot's current customers).
    pub(crate) fn new(feats: &Features<'_>, s: usize, customers: &[usize]) -> DefaultScorer {
        let u = feats.usage;
        let levels = u
            .usage
            .iter()
            .map(|&k| {
                let mut v: Vec<f32> = customers.iter().map(|&c| u.value(c, s, k) as f32).collect();
                v.par_sort_unstable_by(f32::total_cmp);
                let mut levels = Levels::default();
                for (i, x) in v.iter().enumerate() {
                    if levels.values.last() != Some(x) {
                        levels.values.push(*x);
                        levels.below.push(i as u32);
                    }
                }
                levels.below.push(v.len() as u32);
                levels
            })
            .collect();
        DefaultScorer {
            levels,
            customers: customers.len(),
            breadth: u.usage.len() > 1,
            tickets: u.tickets.is_some(),
            failed: u.failed.is_some(),
        }
    }

    /// Share of current customers below `x` on metric `j` (ties count half).
    fn percentile(&self, j: usize, x: f64) -> f64 {
        let Some(levels) = self.levels.get(j) else {
            return 0.5;
        };
        if self.customers == 0 {
            return 0.5;
        }
        let x = x as f32;
        // values are mostly whole counts: a search among the distinct ones
        let at = levels.values.partition_point(|&y| y < x);
        let below = f64::from(levels.below.get(at).copied().unwrap_or(0));
        let tied = if levels.values.get(at) == Some(&x) {
            f64::from(levels.below.get(at + 1).copied().unwrap_or(0)) - below
        } else {
            0.0
        };
        (below + tied / 2.0) / self.customers as f64
    }

    /// The score of facts `f` with its components.
    pub(crate) fn score(&self, f: &Facts) -> Scored {
        // (weight, component score, the feature naming it)
        let mut parts = Parts {
            items: [(0.0, 0.0, Feature::Tenure); 6],
            len: 0,
        };
        if f.prev_months > 0 && !f.now.is_empty() {
            let (mut sum, mut worst, mut worst_j) = (0.0, f64::INFINITY, 0);
            for (j, (now, prev)) in f.now.iter().zip(&f.prev).enumerate() {
                let ratio = (now + 1.0) / (prev + 1.0);
                let part = 100.0 * ((ratio - 0.5) / 0.5).clamp(0.0, 1.0);
                sum += part;
                if part < worst {
                    (worst, worst_j) = (part, j);
                }
            }
            parts.push((
                TREND,
                sum / f.now.len() as f64,
                Feature::Trend(worst_j as u16),
            ));
        }
        if !f.now.is_empty() {
            let (mut sum, mut worst, mut worst_j) = (0.0, f64::INFINITY, 0);
            for (j, now) in f.now.iter().enumerate() {
                let part = 100.0 * self.percentile(j, *now);
                sum += part;
                if part < worst {
                    (worst, worst_j) = (part, j);
                }
            }
            parts.push((
                LEVEL,
                sum / f.now.len() as f64,
                Feature::Level(worst_j as u16),
            ));
        }
        if self.breadth {
            let share = f.used as f64 / f.now.len().max(1) as f64;
            parts.push((BREADTH, 100.0 * share, Feature::Breadth));
        }
        if self.tickets {
            parts.push((
                TICKETS,
                100.0 / (1.0 + f.tickets_now / 2.0),
                Feature::TicketsMonth,
            ));
        }
        if let Some(n) = f.nps {
            parts.push((NPS, 10.0 * n, Feature::Nps));
        }
        if self.failed {
            parts.push((FAILED, 100.0 / (1.0 + f.failed_3m), Feature::FailedPayments));
        }
        let total: f64 = parts.iter().map(|p| p.0).sum();
        let mut out = Scored {
            score: 50.0,
            parts: [(Feature::Tenure, 0.0, 0.0, 0.0); 6],
            len: 0,
        };
        if total == 0.0 {
            return out;
        }
        out.score = parts.iter().map(|(w, c, _)| w * c).sum::<f64>() / total;
        for (slot, &(w, c, feature)) in out.parts.iter_mut().zip(parts.iter()) {
            *slot = (feature, w * (100.0 - c) / total, w * c / total, c);
        }
        out.len = parts.len;
        out
    }
}
