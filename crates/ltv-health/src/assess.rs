//! The assessment: learn (or take the default) weights, score every current customer
//! with its reasons, backtest, NPS, and say what was not used.

use ltv_core::Decimal;
use ltv_saas::{read_mrr, MrrColumns, MrrReadOptions};
use ltv_segments::{CsvFile, CsvOptions};
use rayon::prelude::*;
use rust_decimal::prelude::FromPrimitive;

use crate::default_score::{components, DefaultScorer};
use crate::error::{HealthError, Result};
use crate::evaluate::{calibration, discrimination, Discrimination};
use crate::features::{Facts, Feature, FeatureWeight, Features, TREND_MONTHS};
use crate::ids::{hash_bytes, mix};
use crate::lang::Lang;
use crate::model::{fit, moments, sigmoid, Logistic};
use crate::nps;
use crate::options::{HealthOptions, DEFAULT_NPS_METRIC};
use crate::outcomes::{read_churned, Activity, OutcomeKind, Outcomes};
use crate::read::{read_usage_with_progress, Usage, Window};
use crate::reasons::Fact;
use crate::report::{
    Backtest, Band, Customers, DataSummary, HealthReport, ModelKind, ModelSummary, ScoreSummary,
    Scored, Training, HEALTHY_FROM,
};

/// Fewest churn events in the training months for weights to be learned.
pub const MIN_CHURN_EVENTS: u64 = 20;
/// Most rows a model is fitted on (churned rows first; the others sampled).
pub const MAX_TRAINING_ROWS: u64 = 200_000;
/// The L2 penalty λ on the standardised weights.
pub const REGULARIZATION: f64 = 1.0;
/// A learned score maps the odds ratio against the base rate to 0–100 so that an
/// average customer scores `100 ÷ (1 + 1 ÷ SCORE_ODDS)` = 75.
const SCORE_ODDS: f64 = 3.0;
/// Reasons per customer.
const REASONS: usize = 3;
/// Customers per block of the parallel passes (results come back in order).
const BLOCK: usize = 1024;

/// The outcome file of a request: MRR per customer and month, or churn dates.
#[derive(Debug)]
pub enum OutcomeFile {
    /// `customer_id,month,mrr` (what `ltv saas` reads).
    Mrr(CsvFile),
    /// `customer_id,churn_date`.
    Churned(CsvFile),
}

/// Reads the usage file and the outcome file (if any) and assesses: what `ltv health`
/// and `POST /v1/health` run.
///
/// # Errors
/// As for [`crate::read_usage`], [`ltv_saas::read_mrr`], [`read_churned`] and [`assess`].
pub fn health(
    usage: &CsvFile,
    outcomes: Option<&OutcomeFile>,
    options: &HealthOptions,
) -> Result<HealthReport> {
    health_with_progress(usage, outcomes, options, None)
}

/// [`health`], calling `progress(bytes done, bytes total)` now and then while each file
/// is read (from any thread), as the CLI's progress line does on a terminal.
///
/// # Errors
/// As for [`health`].
pub fn health_with_progress(
    usage: &CsvFile,
    outcomes: Option<&OutcomeFile>,
    options: &HealthOptions,
    progress: Option<fn(u64, u64)>,
) -> Result<HealthReport> {
    options.validate()?;
    // the outcomes first: their reader's peak memory is then not added to the usage
    let outcomes = match outcomes {
        None => None,
        Some(OutcomeFile::Mrr(file)) => {
            let read = MrrReadOptions {
                columns: MrrColumns {
                    customer: options.customer_col.clone(),
                    ..MrrColumns::default()
                },
                csv: CsvOptions {
                    skip_invalid: options.skip_invalid,
                    progress,
                },
                sum_duplicates: false,
            };
            let (mrr, skipped) = read_mrr(file, &read)?;
            Some(Outcomes::from_mrr(file.name(), mrr, &skipped))
        }
        Some(OutcomeFile::Churned(file)) => Some(read_churned(file, options)?),
    };
    let table = read_usage_with_progress(usage, options, progress)?;
    assess(&table, outcomes.as_ref(), options)
}

/// A model learned from some months, ready to score.
struct Learned {
    fit: Logistic,
    mean: Vec<f64>,
    sd: Vec<f64>,
    base_rate: f64,
    training: Training,
}

impl Learned {
    /// Standardised features of `x`, into `z`.
    fn standardise(&self, x: &[f64], z: &mut [f64]) {
        for (((z, x), m), s) in z.iter_mut().zip(x).zip(&self.mean).zip(&self.sd) {
            *z = if *s > 0.0 { (x - m) / s } else { 0.0 };
        }
    }

    /// The 0–100 score of churn probability `p`.
    fn score(&self, p: f64) -> f64 {
        let odds = |q: f64| q / (1.0 - q).max(1e-12);
        let ratio = odds(p) / odds(self.base_rate).max(1e-12);
        100.0 / (1.0 + ratio / SCORE_ODDS)
    }
}

/// Everything the passes share.
struct Ctx<'a> {
    feats: Features<'a>,
    usage: &'a Usage,
    act: &'a Activity,
    options: &'a HealthOptions,
}

impl Ctx<'_> {
    fn id(&self, c: usize) -> &str {
        if c < self.usage.customers() {
            self.usage.ids.text(c)
        } else {
            self.act.extra_id(self.usage.customers(), c)
        }
    }

    fn window(&self) -> Window {
        self.usage.window
    }

    /// Learns from feature slots `from..=to` (outcomes `h` months after each).
    fn learn(&self, from: usize, to: usize) -> std::result::Result<Learned, String> {
        let lang = self.options.lang;
        let h = self.options.horizon_months as usize;
        let w = self.window();
        if self.act.kind == OutcomeKind::UsageOnly {
            return Err(lang
                .pick(
                    "no outcomes (an MRR file or a churn file) to learn from",
                    "学習に使う結果データ（MRRファイルまたは解約ファイル）がありません",
                )
                .to_owned());
        }
        if to < from || to + h >= w.len() {
            let need = from + 2 * h + 1;
            return Err(match lang {
                Lang::En => format!(
                    "too little history to learn from: {} months of usage ({} to {}); {need} are needed for a {h}-month horizon",
                    w.len(),
                    w.month(0),
                    w.month(w.len() - 1)
                ),
                Lang::Ja => format!(
                    "学習に必要な期間が足りません：利用データは {} か月（{}〜{}）、予測期間 {h} か月には {need} か月必要です",
                    w.len(),
                    w.month(0),
                    w.month(w.len() - 1)
                ),
            });
        }
        let n = self.act.len();
        let (positives, total) = (0..n)
            .into_par_iter()
            .map(|c| {
                let mut pos = 0u64;
                let mut all = 0u64;
                for s in from..=to {
                    if self.act.is_active(c, s) {
                        all += 1;
                        pos += u64::from(self.act.churns_within(c, s, h));
                    }
                }
                (pos, all)
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        let negatives = total - positives;
        if positives < MIN_CHURN_EVENTS || negatives == 0 {
            return Err(match lang {
                Lang::En => format!(
                    "only {positives} of {total} customer-months from {} to {} were followed by churn within {h} months: too few to learn from (at least {MIN_CHURN_EVENTS} churned and some retained are needed)",
                    w.month(from),
                    w.month(to)
                ),
                Lang::Ja => format!(
                    "{}〜{} の顧客月 {total} 件のうち {h} か月以内の解約は {positives} 件で、学習には少なすぎます（解約 {MIN_CHURN_EVENTS} 件以上と継続顧客が必要）",
                    w.month(from),
                    w.month(to)
                ),
            });
        }
        // sampling: every churned row up to half the cap, the others to fill it
        let cap = MAX_TRAINING_ROWS as f64;
        let (q1, q0) = if total <= MAX_TRAINING_ROWS {
            (1.0, 1.0)
        } else {
            let q1 = (cap / 2.0 / positives as f64).min(1.0);
            let q0 = ((cap - q1 * positives as f64) / negatives as f64).min(1.0);
            (q1, q0)
        };
        let p = self.feats.len();
        let blocks: Vec<(Vec<f64>, Vec<bool>)> = (0..n)
            .collect::<Vec<_>>()
            .par_chunks(BLOCK)
            .map(|block| {
                let mut x = Vec::new();
                let mut y = Vec::new();
                let mut facts = Facts::default();
                let mut row = vec![0.0; p];
                for &c in block {
                    let id_hash = hash_bytes(self.id(c).as_bytes());
                    for s in from..=to {
                        if !self.act.is_active(c, s) {
                            continue;
                        }
                        let churned = self.act.churns_within(c, s, h);
                        let q = if churned { q1 } else { q0 };
                        if q < 1.0 {
                            let month = (w.start + s as i32) as u64;
                            let draw = mix(id_hash ^ month.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                            if (draw >> 11) as f64 / (1u64 << 53) as f64 >= q {
                                continue;
                            }
                        }
                        self.feats.facts(c, s, &mut facts);
                        self.feats.vector(&facts, s, &mut row);
                        x.extend_from_slice(&row);
                        y.push(churned);
                    }
                }
                (x, y)
            })
            .collect();
        let mut x = Vec::new();
        let mut y = Vec::new();
        for (bx, by) in blocks {
            x.extend(bx);
            y.extend(by);
        }
        let (mean, sd) = moments(&x, p);
        for row in x.chunks_mut(p.max(1)) {
            for ((v, m), s) in row.iter_mut().zip(&mean).zip(&sd) {
                *v = if *s > 0.0 { (*v - m) / s } else { 0.0 };
            }
        }
        let mut model = fit(&x, p, &y, REGULARIZATION);
        model.intercept -= (q1 / q0).ln();
        let base_rate = positives as f64 / total as f64;
        Ok(Learned {
            training: Training {
                from: w.month(from),
                to: w.month(to),
                customer_months: total,
                churned: positives,
                base_rate,
                rows_fitted: y.len(),
                regularization: REGULARIZATION,
                intercept: model.intercept,
                iterations: model.iterations,
                converged: model.converged,
            },
            fit: model,
            mean,
            sd,
            base_rate,
        })
    }

    /// The customers in slot `s` (and, for the scored month, not gone since).
    fn customers_in(&self, s: usize, scoring: bool) -> Vec<usize> {
        (0..self.act.len())
            .filter(|&c| {
                self.act.is_active(c, s)
                    && !(scoring && self.act.gone.get(c).copied().unwrap_or(false))
            })
            .collect()
    }

    /// Scores `customers` in slot `s` with the learned model or the default weights,
    /// with up to three reasons each when `reasons`.
    fn score(
        &self,
        customers: &[usize],
        s: usize,
        learned: Option<&Learned>,
        reasons: bool,
    ) -> Vec<Scored> {
        let scorer = DefaultScorer::new(&self.feats, s, customers);
        let p = self.feats.len();
        customers
            .par_chunks(BLOCK)
            .flat_map_iter(|block| {
                let mut facts = Facts::default();
                let mut x = vec![0.0; p];
                let mut z = vec![0.0; p];
                let mut effects: Vec<(Feature, f64)> = Vec::with_capacity(p);
                let mut out = Vec::with_capacity(block.len());
                for &c in block {
                    self.feats.facts(c, s, &mut facts);
                    effects.clear();
                    let (score, probability) = match learned {
                        Some(l) => {
                            self.feats.vector(&facts, s, &mut x);
                            l.standardise(&x, &mut z);
                            let prob = sigmoid(l.fit.eta(&z));
                            if reasons {
                                // only weights of the expected sign make reasons
                                effects.extend(
                                    self.feats
                                        .list
                                        .iter()
                                        .zip(l.fit.coef.iter().zip(&z))
                                        .filter(|(f, (b, _))| **b * Features::risk_sign(**f) > 0.0)
                                        .map(|(f, (b, z))| (*f, b * z)),
                                );
                            }
                            (l.score(prob), Some(prob))
                        }
                        None => {
                            let scored = scorer.score(&facts);
                            if reasons {
                                let healthy = Band::of(round_score(scored.score)) == Band::Healthy;
                                // a healthy customer's reasons are its good components
                                effects.extend(scored.parts().iter().filter_map(
                                    |&(f, lost, earned, own)| match healthy {
                                        true if own >= f64::from(HEALTHY_FROM) => {
                                            Some((f, -earned))
                                        }
                                        true => None,
                                        false => Some((f, lost)),
                                    },
                                ));
                            }
                            (scored.score, None)
                        }
                    };
                    let score = round_score(score);
                    let band = Band::of(score);
                    let mut chosen: [Option<Fact>; REASONS] = [None; REASONS];
                    if reasons {
                        // healthy: what holds the score up; otherwise what pulls it down
                        let healthy = band == Band::Healthy;
                        effects.retain(|(_, e)| if healthy { *e < 0.0 } else { *e > 0.0 });
                        effects.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
                        let mut facts_of = effects
                            .iter()
                            .filter_map(|&(feature, effect)| Fact::of(feature, effect, &facts));
                        for slot in &mut chosen {
                            *slot = facts_of.next();
                        }
                    }
                    out.push(Scored {
                        id: self.id(c).into(),
                        score,
                        band,
                        probability,
                        mrr: self.act.mrr_now.get(c).copied(),
                        facts: chosen,
                    });
                }
                out
            })
            .collect()
    }

    /// The naive risk: the share of usage metrics lower than the month before.
    fn naive(&self, c: usize, s: usize, facts: &mut Facts) -> f64 {
        self.feats.facts(c, s, facts);
        let fell = facts
            .now
            .iter()
            .zip(&facts.last)
            .filter(|(now, last)| last.is_some_and(|l| **now < l))
            .count();
        fell as f64 / facts.now.len().max(1) as f64
    }

    fn backtest(&self) -> Result<Backtest> {
        let lang = self.options.lang;
        let h = self.options.horizon_months as usize;
        let w = self.window();
        let last = w.len() - 1;
        let unavailable = |reason: String| HealthError::NotEnoughHistory { reason };
        if self.act.kind == OutcomeKind::UsageOnly {
            return Err(unavailable(
                "it needs outcomes: an MRR file or a churn file".into(),
            ));
        }
        let Some(t) = last.checked_sub(h).filter(|&t| t >= h + TREND_MONTHS) else {
            return Err(unavailable(format!(
                "it scores {h} months before the scored month with a model learned {h} months earlier again, so it needs at least {} months of usage; the data has {} ({} to {})",
                TREND_MONTHS + 2 * h + 1,
                w.len(),
                w.month(0),
                w.month(last)
            )));
        };
        let learned = self.learn(TREND_MONTHS, t - h).map_err(unavailable)?;
        let customers = self.customers_in(t, false);
        let churned: Vec<bool> = customers
            .iter()
            .map(|&c| self.act.churns_within(c, t, h))
            .collect();
        let scored = self.score(&customers, t, Some(&learned), false);
        let probability: Vec<f64> = scored
            .iter()
            .map(|c| c.probability.unwrap_or(0.0))
            .collect();
        let default_risk: Vec<f64> = self
            .score(&customers, t, None, false)
            .iter()
            .map(|c| 100.0 - f64::from(c.score))
            .collect();
        let naive: Vec<f64> = customers
            .par_chunks(BLOCK)
            .flat_map_iter(|block| {
                let mut facts = Facts::default();
                block
                    .iter()
                    .map(|&c| self.naive(c, t, &mut facts))
                    .collect::<Vec<_>>()
            })
            .collect();
        let none = || {
            unavailable(format!(
                "no churn (or no customer without churn) among the {} customers of {} in the {h} months after it",
                customers.len(),
                w.month(t)
            ))
        };
        let learned_d = discrimination(&probability, &churned).ok_or_else(none)?;
        let default_d = discrimination(&default_risk, &churned).ok_or_else(none)?;
        let naive_d = discrimination(&naive, &churned).ok_or_else(none)?;
        let beats_naive = learned_d.auc > naive_d.auc;
        let better_than_chance = learned_d.auc - 2.0 * learned_d.auc_se > 0.5;
        let verdict = verdict(&learned_d, &naive_d, better_than_chance, beats_naive, lang);
        Ok(Backtest {
            month: w.month(t),
            trained_to: w.month(t - h),
            customers: customers.len(),
            churned: churned.iter().filter(|&&c| c).count(),
            calibration: calibration(&probability, &churned),
            learned: learned_d,
            default_weights: default_d,
            naive: naive_d,
            beats_naive,
            better_than_chance,
            verdict,
        })
    }
}

fn verdict(
    learned: &Discrimination,
    naive: &Discrimination,
    better_than_chance: bool,
    beats_naive: bool,
    lang: Lang,
) -> String {
    let (auc, se, naive_auc) = (learned.auc, learned.auc_se, naive.auc);
    match (better_than_chance, beats_naive, lang) {
        (false, _, Lang::En) => format!(
            "AUC {auc:.2} (± {:.2}): no better than chance. The usage data does not predict churn here; do not act on these scores",
            2.0 * se
        ),
        (false, _, Lang::Ja) => format!(
            "AUC {auc:.2}（± {:.2}）：偶然と区別できません。このデータの利用状況からは解約を予測できないため、スコアを判断に使わないでください",
            2.0 * se
        ),
        (true, true, Lang::En) => format!(
            "AUC {auc:.2} (± {:.2}) against {naive_auc:.2} for \"usage fell last month\": the learned score ranks churners ahead and beats the naive baseline",
            2.0 * se
        ),
        (true, true, Lang::Ja) => format!(
            "AUC {auc:.2}（± {:.2}）、「先月利用が減った」の {naive_auc:.2} を上回り、学習したスコアは解約顧客を上位に並べています",
            2.0 * se
        ),
        (true, false, Lang::En) => format!(
            "AUC {auc:.2} (± {:.2}) is better than chance but not than \"usage fell last month\" ({naive_auc:.2}): the simple rule does as well here",
            2.0 * se
        ),
        (true, false, Lang::Ja) => format!(
            "AUC {auc:.2}（± {:.2}）は偶然よりは良いものの、「先月利用が減った」（{naive_auc:.2}）を上回りません",
            2.0 * se
        ),
    }
}

/// A score rounded to a whole number in 0..=100.
fn round_score(score: f64) -> u8 {
    score.round().clamp(0.0, 100.0) as u8
}

/// Assesses the customers of `usage` with `outcomes` (learned weights) or without
/// (default weights).
///
/// # Errors
/// [`HealthError::Outcomes`] when the outcomes do not fit the usage (no shared ids, MRR
/// ending before the scored month); [`HealthError::NotEnoughHistory`] when a backtest is
/// asked for and the data cannot give one; [`HealthError::InvalidOption`].
pub fn assess(
    usage: &Usage,
    outcomes: Option<&Outcomes>,
    options: &HealthOptions,
) -> Result<HealthReport> {
    options.validate()?;
    let act = Activity::build(usage, outcomes, options)?;
    let ctx = Ctx {
        feats: Features::new(usage, &act),
        usage,
        act: &act,
        options,
    };
    let lang = options.lang;
    let h = options.horizon_months as usize;
    let w = usage.window;
    let last = w.len() - 1;
    let learned = ctx.learn(TREND_MONTHS, last.saturating_sub(h));
    let backtest = if options.backtest {
        Some(ctx.backtest()?)
    } else {
        None
    };
    let current = ctx.customers_in(last, true);
    let mut rows = ctx.score(&current, last, learned.as_ref().ok(), true);
    rows.par_sort_unstable_by(|a, b| {
        a.band
            .cmp(&b.band)
            .then_with(|| b.mrr.cmp(&a.mrr))
            .then_with(|| a.score.cmp(&b.score))
            .then_with(|| a.id.cmp(&b.id))
    });
    let wording = ctx.feats.wording(last, lang);
    let model = match &learned {
        Ok(l) => {
            let mut weights: Vec<FeatureWeight> = ctx
                .feats
                .list
                .iter()
                .zip(&l.fit.coef)
                .zip(l.mean.iter().zip(&l.sd))
                .map(|((f, b), (m, s))| FeatureWeight {
                    feature: wording.code(*f),
                    label: ctx.feats.label(*f, lang),
                    weight: *b,
                    mean: *m,
                    sd: *s,
                })
                .collect();
            weights.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
            ModelSummary {
                kind: ModelKind::Learned,
                note: match lang {
                    Lang::En => format!(
                        "learned by L2-regularised logistic regression of churn within {h} months on {} customer-months ({} to {}, {} followed by churn)",
                        l.training.customer_months, l.training.from, l.training.to, l.training.churned
                    ),
                    Lang::Ja => format!(
                        "{h}か月以内の解約を、顧客月 {} 件（{}〜{}、うち解約 {} 件）でL2正則化ロジスティック回帰により学習",
                        l.training.customer_months, l.training.from, l.training.to, l.training.churned
                    ),
                },
                training: Some(l.training.clone()),
                weights,
                components: Vec::new(),
            }
        }
        Err(why) => ModelSummary {
            kind: ModelKind::DefaultWeights,
            note: match lang {
                Lang::En => format!("default, not learned: {why}"),
                Lang::Ja => format!("既定（学習なし）：{why}"),
            },
            training: None,
            weights: Vec::new(),
            components: components(&ctx.feats, lang),
        },
    };
    let summary = summarise(&rows, !act.mrr.is_empty());
    let nps_metric = options
        .nps_metric
        .clone()
        .unwrap_or_else(|| DEFAULT_NPS_METRIC.to_owned());
    let warnings = warnings(usage, &act, lang);
    Ok(HealthReport {
        as_of: options.as_of,
        scored_month: w.month(last),
        horizon_months: options.horizon_months,
        lang,
        model,
        summary,
        customers: Customers { wording, rows },
        backtest,
        nps: nps::report(usage, nps_metric),
        data: DataSummary {
            usage: usage.summary.clone(),
            outcomes: act.summary.clone(),
        },
        warnings,
    })
}

fn summarise(customers: &[Scored], with_mrr: bool) -> ScoreSummary {
    let count = |band: Band| customers.iter().filter(|c| c.band == band).count();
    let mrr_of = |band: Option<Band>| -> Option<Decimal> {
        with_mrr.then(|| {
            customers
                .iter()
                .filter(|c| band.is_none_or(|b| c.band == b))
                .filter_map(|c| c.mrr)
                .sum()
        })
    };
    let learned = customers.iter().any(|c| c.probability.is_some());
    let expected_churns = learned.then(|| customers.iter().filter_map(|c| c.probability).sum());
    let expected_mrr_loss = (learned && with_mrr).then(|| {
        customers
            .iter()
            .map(|c| {
                let p = Decimal::from_f64(c.probability.unwrap_or(0.0)).unwrap_or_default();
                c.mrr.unwrap_or_default() * p
            })
            .sum()
    });
    ScoreSummary {
        customers: customers.len(),
        healthy: count(Band::Healthy),
        watch: count(Band::Watch),
        at_risk: count(Band::AtRisk),
        mrr: mrr_of(None),
        mrr_watch: mrr_of(Some(Band::Watch)),
        mrr_at_risk: mrr_of(Some(Band::AtRisk)),
        expected_churns,
        expected_mrr_loss,
    }
}

fn warnings(usage: &Usage, act: &Activity, lang: Lang) -> Vec<String> {
    let s = &usage.summary;
    let o = &act.summary;
    let ja = lang == Lang::Ja;
    let mut out = Vec::new();
    let mut say = |en: String, jp: String| out.push(if ja { jp } else { en });
    if s.rows_skipped > 0 {
        say(
            format!(
                "{}: invalid rows skipped: {} (the first: {})",
                s.file,
                s.rows_skipped,
                s.skipped_reasons.first().map_or("", String::as_str)
            ),
            format!(
                "{}：不正な行 {} 件をスキップ（最初：{}）",
                s.file,
                s.rows_skipped,
                s.skipped_reasons.first().map_or("", String::as_str)
            ),
        );
    }
    if s.rows_after_as_of > 0 {
        say(
            format!(
                "{}: rows after the as-of date, not used: {}",
                s.file, s.rows_after_as_of
            ),
            format!(
                "{}：基準日より後の {} 行は使用していません",
                s.file, s.rows_after_as_of
            ),
        );
    }
    if s.rows_in_incomplete_month > 0 {
        say(
            format!(
                "{}: rows after {} (in the incomplete month up to the as-of date), not used: {}; score as of a month's last day to include its month",
                s.file, s.scored_month, s.rows_in_incomplete_month
            ),
            format!(
                "{}：{} より後（基準日までの途中の月）の {} 行は使用していません。月末日を基準日にするとその月も含まれます",
                s.file, s.scored_month, s.rows_in_incomplete_month
            ),
        );
    }
    if s.rows_before_window > 0 {
        say(
            format!(
                "{}: rows before {} (outside the history window), used only to date customers' first month: {}",
                s.file, s.first_month, s.rows_before_window
            ),
            format!(
                "{}：{} より前（履歴期間外）の {} 行は顧客の開始月の判定にのみ使用しています",
                s.file, s.first_month, s.rows_before_window
            ),
        );
    }
    if s.rows_of_unused_metrics > 0 {
        let names: Vec<&str> = s
            .metrics
            .iter()
            .filter(|m| m.role == crate::read::Role::NotUsed)
            .map(|m| m.name.as_str())
            .collect();
        say(
            format!(
                "{}: rows of metrics not among the usage metrics asked for ({}), not used: {}",
                s.file,
                names.join(", "),
                s.rows_of_unused_metrics
            ),
            format!(
                "{}：指定した利用指標以外の {} 行は使用していません（{}）",
                s.file,
                s.rows_of_unused_metrics,
                names.join("、")
            ),
        );
    }
    if !s.months_without_rows.is_empty() {
        let months: Vec<String> = s
            .months_without_rows
            .iter()
            .map(ToString::to_string)
            .collect();
        say(
            format!(
                "{}: no rows at all in {}: usage reads as zero for every customer there",
                s.file,
                months.join(", ")
            ),
            format!(
                "{}：{} には行が一つもなく、全顧客の利用が 0 として扱われます",
                s.file,
                months.join("、")
            ),
        );
    }
    let file = o.file.clone().unwrap_or_default();
    if o.rows_skipped > 0 {
        say(
            format!(
                "{file}: invalid rows skipped: {} (the first: {})",
                o.rows_skipped,
                o.skipped_reasons.first().map_or("", String::as_str)
            ),
            format!(
                "{file}：不正な行 {} 件をスキップ（最初：{}）",
                o.rows_skipped,
                o.skipped_reasons.first().map_or("", String::as_str)
            ),
        );
    }
    if o.customers_without_usage > 0 {
        let examples = o.customers_without_usage_examples.join(", ");
        match o.kind {
            OutcomeKind::Mrr => say(
                format!(
                    "{file}: customers without a single usage row: {} of {} (e.g. {examples}); scored as having no usage: check that both files use the same customer ids",
                    o.customers_without_usage, o.customers
                ),
                format!(
                    "{file}：顧客 {} 件中 {} 件に利用データがありません（例：{examples}）。利用なしとしてスコアを付けています。両ファイルの顧客IDが一致しているか確認してください",
                    o.customers, o.customers_without_usage
                ),
            ),
            _ => say(
                format!(
                    "{file}: churned customers without a single usage row, not used (no months to learn from): {} of {} (e.g. {examples})",
                    o.customers_without_usage, o.customers
                ),
                format!(
                    "{file}：解約顧客 {} 件中 {} 件に利用データがなく、学習に使用していません（例：{examples}）",
                    o.customers, o.customers_without_usage
                ),
            ),
        }
    }
    if o.usage_customers_without_outcomes > 0 {
        say(
            format!(
                "{}: customers who never pay in {file}, not scored and not learned from: {}",
                s.file, o.usage_customers_without_outcomes
            ),
            format!(
                "{}：{} 件の顧客は {file} に課金がなく、スコア・学習の対象外です",
                s.file, o.usage_customers_without_outcomes
            ),
        );
    }
    if o.rows_after_scored_month > 0 {
        match o.kind {
            OutcomeKind::Mrr => say(
                format!(
                    "{file}: rows after {} (outcomes after the scored month), not used: {}",
                    s.scored_month, o.rows_after_scored_month
                ),
                format!(
                    "{file}：{} より後の {} 行は使用していません（対象月より後の結果）",
                    s.scored_month, o.rows_after_scored_month
                ),
            ),
            _ => say(
                format!(
                    "{file}: churn dates after the as-of date, not used: {}",
                    o.rows_after_scored_month
                ),
                format!(
                    "{file}：基準日より後の解約日 {} 件は使用していません",
                    o.rows_after_scored_month
                ),
            ),
        }
    }
    if o.churned_after_scored_month > 0 {
        say(
            format!(
                "{file}: customers who churned after {} but by the as-of date, not scored: {}",
                s.scored_month, o.churned_after_scored_month
            ),
            format!(
                "{file}：{} 件の顧客は {} の後、基準日までに解約済みのためスコア対象外です",
                o.churned_after_scored_month, s.scored_month
            ),
        );
    }
    out
}
