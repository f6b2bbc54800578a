//! RFM scores: recency, frequency and monetary value scored 1..B, by rank or by
//! explicit breaks, and the per-segment summary.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::customers::CustomerSummary;
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::segment_map::SegmentMap;

/// Largest number of bins (scores are single digits in the RFM code).
pub const MAX_BINS: u32 = 9;

/// How to score: the bin count and optional explicit breaks per dimension.
///
/// Breaks are ascending, B − 1 of them. Frequency and monetary: score = 1 + number of
/// breaks ≤ value. Recency (days since the last order): score = B − number of breaks ≤
/// recency, so a recent customer scores high. A dimension without breaks is scored by
/// rank (see [`rank_scores`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RfmOptions {
    /// Number of bins B, 2..=9.
    pub bins: u32,
    /// Recency breaks in days.
    pub r_breaks: Option<Vec<Decimal>>,
    /// Frequency breaks (repeat purchases).
    pub f_breaks: Option<Vec<Decimal>>,
    /// Monetary breaks (money).
    pub m_breaks: Option<Vec<Decimal>>,
}

impl Default for RfmOptions {
    fn default() -> Self {
        RfmOptions {
            bins: 5,
            r_breaks: None,
            f_breaks: None,
            m_breaks: None,
        }
    }
}

/// The values one score covers, as found in the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreRange {
    /// The score.
    pub score: u32,
    /// Customers with this score.
    pub customers: u64,
    /// Smallest value among them (`null` if none).
    pub min: Option<Decimal>,
    /// Largest value among them (`null` if none).
    pub max: Option<Decimal>,
}

/// How one dimension was scored and the thresholds actually used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DimensionScoring {
    /// `rank` or `breaks`.
    pub method: &'static str,
    /// The explicit breaks (empty for `rank`).
    pub breaks: Vec<Decimal>,
    /// Per score, the value range in the data (recency in days since the last order).
    pub ranges: Vec<ScoreRange>,
}

/// One customer's RFM row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RfmRow<'a> {
    /// Customer id.
    pub customer_id: &'a str,
    /// Days since the last order.
    pub recency_days: i64,
    /// Repeat purchases (distinct order days − 1).
    pub frequency: u64,
    /// Sum of amounts (money).
    pub monetary_total: Decimal,
    /// Recency score.
    pub r: u32,
    /// Frequency score.
    pub f: u32,
    /// Monetary score.
    pub m: u32,
    /// The code, digits R, F, M (e.g. `545`).
    pub rfm: String,
    /// The named segment.
    pub segment: &'a str,
}

/// Per-segment totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentSummary {
    /// Segment name.
    pub segment: String,
    /// Customers in it.
    pub customers: u64,
    /// customers ÷ all customers, in [0, 1].
    pub share: Decimal,
    /// Sum of their monetary totals (money).
    pub revenue: Decimal,
    /// revenue ÷ all revenue (0 when all revenue is 0).
    pub revenue_share: Decimal,
    /// Mean days since the last order.
    pub mean_recency_days: Decimal,
    /// Mean repeat purchases.
    pub mean_frequency: Decimal,
    /// Mean monetary total (money).
    pub mean_monetary: Decimal,
}

/// The result of `ltv rfm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RfmReport<'a> {
    /// The as-of day.
    pub as_of: Day,
    /// Bins per dimension.
    pub bins: u32,
    /// The segment map used: `default`, `rf-grid` or the TOML file's path.
    pub segments: String,
    /// Recency scoring.
    pub recency: DimensionScoring,
    /// Frequency scoring.
    pub frequency: DimensionScoring,
    /// Monetary scoring.
    pub monetary: DimensionScoring,
    /// One row per customer, in input order.
    pub customers: Vec<RfmRow<'a>>,
}

/// Rank-based scores 1..=`bins` for `values`: a value's score is
/// 1 + ⌊bins × (number of values strictly smaller) ÷ n⌋, so equal values always share
/// a score and the scores are as even as the ties allow.
pub fn rank_scores<T: Ord + Copy + Send + Sync>(values: &[T], bins: u32) -> Vec<u32> {
    let mut sorted = values.to_vec();
    sorted.par_sort_unstable();
    let n = values.len() as u64;
    values
        .par_iter()
        .map(|v| {
            let smaller = sorted.partition_point(|x| x < v) as u64;
            1 + (u64::from(bins) * smaller / n.max(1)) as u32
        })
        .collect()
}

/// Scores from explicit ascending breaks: 1 + number of breaks ≤ value.
fn break_scores(values: &[Decimal], breaks: &[Decimal]) -> Vec<u32> {
    values
        .par_iter()
        .map(|v| 1 + breaks.partition_point(|b| b <= v) as u32)
        .collect()
}

fn check_breaks(field: &'static str, breaks: &[Decimal], bins: u32) -> Result<()> {
    let invalid = |allowed: String| SegmentsError::InvalidOption {
        field,
        value: breaks
            .iter()
            .map(Decimal::to_string)
            .collect::<Vec<_>>()
            .join(","),
        allowed,
    };
    if breaks.len() as u32 != bins - 1 {
        return Err(invalid(format!("{} ascending values (bins − 1)", bins - 1)));
    }
    if breaks.windows(2).any(|w| w[0] >= w[1]) {
        return Err(invalid("strictly ascending".into()));
    }
    Ok(())
}

fn ranges(values: &[Decimal], scores: &[u32], bins: u32) -> Vec<ScoreRange> {
    let mut out: Vec<ScoreRange> = (1..=bins)
        .map(|score| ScoreRange {
            score,
            customers: 0,
            min: None,
            max: None,
        })
        .collect();
    for (v, &s) in values.iter().zip(scores) {
        if let Some(r) = out.get_mut(s as usize - 1) {
            r.customers += 1;
            r.min = Some(r.min.map_or(*v, |m| m.min(*v)));
            r.max = Some(r.max.map_or(*v, |m| m.max(*v)));
        }
    }
    out
}

/// Scores every customer and names their segment.
///
/// R is ranked by last order day (later = higher), F by frequency, M by monetary total;
/// explicit breaks replace the ranking per dimension.
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for bins outside 2..=9 or bad breaks;
/// [`SegmentsError::SegmentMap`] when the map does not fit the bin count.
///
/// ```
/// use ltv_segments::{rfm, summarize, LoadOptions, RfmOptions, SegmentMap, Transactions};
/// let csv = "customer_id,order_date,amount\na,2024-01-01,10\nb,2024-03-01,50\nb,2024-03-05,50\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let summaries = summarize(&tx)?;
/// let map = SegmentMap::preset("default")?;
/// let report = rfm(&summaries, tx.as_of(), &RfmOptions::default(), &map)?;
/// // two customers: the better one has 1 of 2 below it, so 1 + ⌊5 × 1 ÷ 2⌋ = 3
/// assert_eq!(report.customers[1].rfm, "333");
/// assert_eq!(report.customers[1].segment, "Potential Loyalist");
/// assert_eq!(report.customers[0].rfm, "111");
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn rfm<'a>(
    summaries: &'a [CustomerSummary],
    as_of: Day,
    options: &RfmOptions,
    map: &'a SegmentMap,
) -> Result<RfmReport<'a>> {
    let bins = options.bins;
    if !(2..=MAX_BINS).contains(&bins) {
        return Err(SegmentsError::InvalidOption {
            field: "bins",
            value: bins.to_string(),
            allowed: format!("in 2..={MAX_BINS}"),
        });
    }
    map.check_bins(bins)?;
    let recency: Vec<Decimal> = summaries
        .iter()
        .map(|s| Decimal::from(s.recency_days))
        .collect();
    let frequency: Vec<Decimal> = summaries
        .iter()
        .map(|s| Decimal::from(s.frequency))
        .collect();
    let monetary: Vec<Decimal> = summaries.iter().map(|s| s.monetary_total).collect();

    let (r_scores, r_method, r_breaks) = match &options.r_breaks {
        Some(b) => {
            check_breaks("r_breaks", b, bins)?;
            let up = break_scores(&recency, b);
            (
                up.iter().map(|s| bins + 1 - s).collect(),
                "breaks",
                b.clone(),
            )
        }
        None => {
            let last: Vec<Day> = summaries.iter().map(|s| s.last_order).collect();
            (rank_scores(&last, bins), "rank", Vec::new())
        }
    };
    let (f_scores, f_method, f_breaks) = match &options.f_breaks {
        Some(b) => {
            check_breaks("f_breaks", b, bins)?;
            (break_scores(&frequency, b), "breaks", b.clone())
        }
        None => {
            let f: Vec<u64> = summaries.iter().map(|s| s.frequency).collect();
            (rank_scores(&f, bins), "rank", Vec::new())
        }
    };
    let (m_scores, m_method, m_breaks) = match &options.m_breaks {
        Some(b) => {
            check_breaks("m_breaks", b, bins)?;
            (break_scores(&monetary, b), "breaks", b.clone())
        }
        None => (rank_scores(&monetary, bins), "rank", Vec::new()),
    };
    let customers = summaries
        .par_iter()
        .enumerate()
        .map(|(i, s)| {
            let (r, f, m) = (
                r_scores.get(i).copied().unwrap_or(1),
                f_scores.get(i).copied().unwrap_or(1),
                m_scores.get(i).copied().unwrap_or(1),
            );
            let digit = |d: u32| char::from_digit(d, 10).unwrap_or('?');
            RfmRow {
                customer_id: &s.customer_id,
                recency_days: s.recency_days,
                frequency: s.frequency,
                monetary_total: s.monetary_total,
                r,
                f,
                m,
                rfm: [digit(r), digit(f), digit(m)].iter().collect(),
                segment: map.segment(r, f, m),
            }
        })
        .collect();
    Ok(RfmReport {
        as_of,
        bins,
        segments: map.name().to_string(),
        recency: DimensionScoring {
            method: r_method,
            breaks: r_breaks,
            ranges: ranges(&recency, &r_scores, bins),
        },
        frequency: DimensionScoring {
            method: f_method,
            breaks: f_breaks,
            ranges: ranges(&frequency, &f_scores, bins),
        },
        monetary: DimensionScoring {
            method: m_method,
            breaks: m_breaks,
            ranges: ranges(&monetary, &m_scores, bins),
        },
        customers,
    })
}

impl RfmReport<'_> {
    /// Per segment (in the map's order, then any others): customers, shares, revenue
    /// and mean recency/frequency/monetary.
    ///
    /// # Errors
    /// [`ltv_core::CoreError::Overflow`] if a sum does not fit.
    pub fn summary(&self, map: &SegmentMap) -> Result<Vec<SegmentSummary>> {
        let overflow = || {
            SegmentsError::Core(ltv_core::CoreError::Overflow {
                what: "segment totals",
            })
        };
        let names = map.segment_names();
        let mut acc: Vec<(u64, Decimal, Decimal, Decimal)> = vec![Default::default(); names.len()];
        let mut total = Decimal::ZERO;
        for row in &self.customers {
            let Some(i) = names.iter().position(|n| n == row.segment) else {
                continue;
            };
            if let Some(a) = acc.get_mut(i) {
                a.0 += 1;
                a.1 = a.1.checked_add(row.monetary_total).ok_or_else(overflow)?;
                a.2 += Decimal::from(row.recency_days);
                a.3 += Decimal::from(row.frequency);
            }
            total = total.checked_add(row.monetary_total).ok_or_else(overflow)?;
        }
        let n = Decimal::from(self.customers.len().max(1) as u64);
        Ok(names
            .iter()
            .zip(acc)
            .filter(|(_, a)| a.0 > 0)
            .map(|(name, (count, revenue, rec, freq))| {
                let c = Decimal::from(count);
                SegmentSummary {
                    segment: name.clone(),
                    customers: count,
                    share: (c / n).normalize(),
                    revenue,
                    revenue_share: if total.is_zero() {
                        Decimal::ZERO
                    } else {
                        (revenue / total).normalize()
                    },
                    mean_recency_days: (rec / c).normalize(),
                    mean_frequency: (freq / c).normalize(),
                    mean_monetary: (revenue / c).normalize(),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ranks_worked_example() {
        // 10 customers, B = 5: two per bin; ties share the lower score.
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(rank_scores(&v, 5), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        let tied = [0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        assert_eq!(rank_scores(&tied, 5), [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]);
    }

    #[test]
    fn breaks_score_up_for_f_and_m() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let breaks = [d("1"), d("2"), d("4"), d("8")];
        let values = [d("0"), d("1"), d("3"), d("8"), d("100")];
        assert_eq!(break_scores(&values, &breaks), [1, 2, 3, 5, 5]);
        assert!(check_breaks("f_breaks", &breaks, 5).is_ok());
        assert_eq!(
            check_breaks("f_breaks", &breaks[..3], 5)
                .unwrap_err()
                .to_string(),
            "f_breaks must be 4 ascending values (bins − 1), got 1,2,4"
        );
        assert!(check_breaks("f_breaks", &[d("1"), d("1"), d("2"), d("3")], 5).is_err());
    }

    proptest! {
        #[test]
        fn scores_in_range_and_ties_share(values in proptest::collection::vec(0u32..20, 1..200), bins in 2u32..10) {
            let scores = rank_scores(&values, bins);
            for (i, s) in scores.iter().enumerate() {
                prop_assert!((1..=bins).contains(s));
                for (j, t) in scores.iter().enumerate() {
                    if values[i] == values[j] { prop_assert_eq!(s, t); }
                    if values[i] < values[j] { prop_assert!(s <= t); }
                }
            }
        }
    }
}
