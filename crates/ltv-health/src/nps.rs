//! Net Promoter Score: % promoters (answers 9–10) − % detractors (0–6), with the counts,
//! over every answer, by month and by segment. Each answer counts once (several people
//! of one account may answer); the score is exact (a `Decimal` from whole counts).

use ltv_core::Decimal;
use ltv_saas::Month;
use serde::Serialize;

use crate::read::{month, Answer, Usage, NO_SEGMENT};

/// Counts and score of a set of answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsScore {
    /// Answers.
    pub responses: u64,
    /// Answers 9–10.
    pub promoters: u64,
    /// Answers 7–8.
    pub passives: u64,
    /// Answers 0–6.
    pub detractors: u64,
    /// 100 × (promoters − detractors) ÷ responses, from −100 to 100; `None` without
    /// answers.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub nps: Option<Decimal>,
}

impl NpsScore {
    fn add(&mut self, score: u8) {
        self.responses += 1;
        match score {
            9.. => self.promoters += 1,
            7..=8 => self.passives += 1,
            _ => self.detractors += 1,
        }
    }

    fn finish(mut self) -> Self {
        self.nps = (self.responses > 0).then(|| {
            let diff = Decimal::from(self.promoters) - Decimal::from(self.detractors);
            diff * Decimal::ONE_HUNDRED / Decimal::from(self.responses)
        });
        self
    }
}

/// NPS of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsMonth {
    /// The calendar month.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub month: Month,
    /// Its answers and score.
    #[serde(flatten)]
    pub score: NpsScore,
}

/// NPS of one segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsSegment {
    /// The segment as written in the usage file's segment column.
    pub segment: String,
    /// Its answers and score.
    #[serde(flatten)]
    pub score: NpsScore,
}

/// NPS overall, by month and by segment, over the answers in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NpsReport {
    /// The NPS metric's name.
    pub metric: String,
    /// Every answer from the first month to the scored month.
    pub overall: NpsScore,
    /// One row per month with answers, in order.
    pub by_month: Vec<NpsMonth>,
    /// One row per segment (the usage file's segment column), by name; answers without
    /// a segment under `(none)`. Empty without a segment column.
    pub by_segment: Vec<NpsSegment>,
}

/// The NPS report of `usage`'s answers; `None` when the file has no NPS metric.
pub(crate) fn report(usage: &Usage, metric: String) -> Option<NpsReport> {
    if !usage.has_nps {
        return None;
    }
    let mut overall = NpsScore::default();
    let mut months: Vec<(i32, NpsScore)> = Vec::new();
    let mut segments: Vec<NpsScore> = vec![NpsScore::default(); usage.segments.len() + 1];
    let mut answers: Vec<&Answer> = usage.answers.iter().collect();
    answers.sort_by_key(|a| a.day);
    for a in answers {
        overall.add(a.score);
        let m = ltv_segments::Day::from_days(a.day).month_index();
        match months.last_mut() {
            Some((last, s)) if *last == m => s.add(a.score),
            _ => {
                let mut s = NpsScore::default();
                s.add(a.score);
                months.push((m, s));
            }
        }
        let i = if a.segment == NO_SEGMENT {
            usage.segments.len()
        } else {
            usize::from(a.segment)
        };
        if let Some(s) = segments.get_mut(i) {
            s.add(a.score);
        }
    }
    let mut by_segment: Vec<NpsSegment> = usage
        .segments
        .iter()
        .cloned()
        .chain(std::iter::once("(none)".to_owned()))
        .zip(segments)
        .filter(|(_, s)| s.responses > 0)
        .map(|(segment, score)| NpsSegment {
            segment,
            score: score.finish(),
        })
        .collect();
    by_segment.sort_by(|a, b| a.segment.cmp(&b.segment));
    if usage.segments.is_empty() {
        by_segment.clear();
    }
    Some(NpsReport {
        metric,
        overall: overall.finish(),
        by_month: months
            .into_iter()
            .map(|(m, s)| NpsMonth {
                month: month(m),
                score: s.finish(),
            })
            .collect(),
        by_segment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promoters_minus_detractors() {
        let mut s = NpsScore::default();
        for a in [10, 9, 9, 8, 7, 6, 0, 10, 3, 9] {
            s.add(a);
        }
        let s = s.finish();
        assert_eq!((s.promoters, s.passives, s.detractors), (5, 2, 3));
        assert_eq!(s.nps, Some(Decimal::from(20)));
        assert_eq!(NpsScore::default().finish().nps, None);
    }
}
