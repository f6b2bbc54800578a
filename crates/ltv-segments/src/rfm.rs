//! RFM scores: recency, frequency and monetary value scored 1..B, by rank or by
//! explicit breaks, and the per-segment summary.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use std::borrow::Cow;

use crate::customer_table::CustomerTable;
use crate::day::Day;
use crate::error::{Result, SegmentsError};
use crate::segment_map::SegmentMap;
use crate::transactions::Transactions;

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

/// An RFM code: the three scores as digits, shown and serialised as text (`"545"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RfmCode(pub [u8; 3]);

impl std::fmt::Display for RfmCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [r, fr, m] = self.0;
        write!(f, "{r}{fr}{m}")
    }
}

impl Serialize for RfmCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One customer's RFM row (made on the fly by [`RfmReport::rows`]).
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
    pub rfm: RfmCode,
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

/// The result of `ltv rfm`: scoring, thresholds and (compactly) every customer's row.
///
/// Serialises as `{as_of, bins, segments, recency, frequency, monetary, customers: [..]}`
/// with one [`RfmRow`] per customer.
#[derive(Debug, Clone)]
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
    table: Cow<'a, CustomerTable>,
    map: &'a SegmentMap,
    scores: Vec<RfmCode>,
    segment_of: Vec<u16>,
}

impl Serialize for RfmReport<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Rows<'r, 'a>(&'r RfmReport<'a>);
        impl Serialize for Rows<'_, '_> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.rows())
            }
        }
        let skipped = self.table.skip_report();
        let mut st = s.serialize_struct("RfmReport", 7 + usize::from(!skipped.is_empty()))?;
        st.serialize_field("as_of", &self.as_of)?;
        st.serialize_field("bins", &self.bins)?;
        st.serialize_field("segments", &self.segments)?;
        st.serialize_field("recency", &self.recency)?;
        st.serialize_field("frequency", &self.frequency)?;
        st.serialize_field("monetary", &self.monetary)?;
        st.serialize_field("customers", &Rows(self))?;
        if !skipped.is_empty() {
            st.serialize_field("skipped", skipped)?;
        }
        st.end()
    }
}

impl<'a> RfmReport<'a> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The customers' totals the report was scored from.
    pub fn table(&self) -> &CustomerTable {
        &self.table
    }

    /// Row `i` (customers in the order of [`Transactions::customers`]).
    ///
    /// # Panics
    /// If `i >= self.len()`.
    #[allow(clippy::indexing_slicing)]
    pub fn row(&self, i: usize) -> RfmRow<'_> {
        let t = self.table.totals(i);
        let code = self.scores[i];
        RfmRow {
            customer_id: self.table.customer_id(i),
            recency_days: i64::from(self.as_of - t.last),
            frequency: u64::from(t.days.saturating_sub(1)),
            monetary_total: t.monetary,
            r: u32::from(code.0[0]),
            f: u32::from(code.0[1]),
            m: u32::from(code.0[2]),
            rfm: code,
            segment: self.segment_name(i),
        }
    }

    /// Where row `i`'s segment is in the map's [`SegmentMap::segment_names`] (`None`
    /// if out of range or no rule names its code).
    pub fn segment_index(&self, i: usize) -> Option<usize> {
        self.segment_of
            .get(i)
            .map(|&s| usize::from(s))
            .filter(|&s| s < self.map.segment_names().len())
    }

    /// The segment name of row `i` (`""` if out of range).
    pub fn segment_name(&self, i: usize) -> &'a str {
        self.segment_of
            .get(i)
            .and_then(|&s| self.map.segment_names().get(usize::from(s)))
            .map_or("", String::as_str)
    }

    /// Every customer's row, in input order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = RfmRow<'_>> + '_ {
        (0..self.len()).map(|i| self.row(i))
    }
}

/// Rank-based scores 1..=`bins` for `values`: a value's score is
/// 1 + ⌊bins × (number of values strictly smaller) ÷ n⌋, so equal values always share
/// a score and the scores are as even as the ties allow.
///
/// Computed through thresholds: with the values sorted (s₀ ≤ … ≤ sₙ₋₁) and
/// mₖ = ⌈k·n ÷ bins⌉, a value scores above k exactly when it is greater than sₘₖ₋₁
/// (then at least mₖ values are smaller than it), so the bins − 1 order statistics
/// sₘₖ₋₁ (found by selection, without sorting) and bins − 1 comparisons per value give
/// every score.
pub fn rank_scores<T: Ord + Copy + Send + Sync>(values: &[T], bins: u32) -> Vec<u32> {
    rank_codes(values, bins)
        .into_iter()
        .map(u32::from)
        .collect()
}

/// [`rank_scores`] as digits (`bins` ≤ [`MAX_BINS`]).
fn rank_codes<T: Ord + Copy + Send + Sync>(values: &[T], bins: u32) -> Vec<u8> {
    let thresholds = rank_thresholds(values, bins);
    values
        .par_iter()
        .with_min_len(1 << 12)
        .map(|v| 1 + thresholds.iter().filter(|t| v > *t).count() as u8)
        .collect()
}

/// Widest span of values (largest − smallest + 1) [`histogram_codes`] counts.
const HISTOGRAM_SPAN: usize = 1 << 16;

/// Per score, the customers and the smallest and largest key among them.
type Spans = Vec<(u64, Option<(i64, i64)>)>;

/// [`rank_codes`] for integer keys within [`HISTOGRAM_SPAN`] of each other (order
/// days, frequencies), and every score's customers and key span: one pass counts each
/// key, a key's score follows from the count of smaller keys by the definition, and a
/// second pass looks every value's score up. `None` for no values or a wider span.
fn histogram_codes<T: Sync>(
    values: &[T],
    bins: u32,
    key: impl Fn(&T) -> i64 + Sync,
) -> Option<(Vec<u8>, Spans)> {
    let (lo, hi) = values
        .par_iter()
        .map(|v| (key(v), key(v)))
        .reduce_with(|a, b| (a.0.min(b.0), a.1.max(b.1)))?;
    let span = usize::try_from(hi.checked_sub(lo)?)
        .ok()
        .filter(|&s| s < HISTOGRAM_SPAN)?
        + 1;
    let slot = |v: &T| usize::try_from(key(v) - lo).unwrap_or(usize::MAX);
    // a few chunks, each with its own counts (not one per rayon split: they are large)
    let chunk = values
        .len()
        .div_ceil(4 * rayon::current_num_threads().max(1))
        .max(1 << 14);
    let counts = values
        .par_chunks(chunk)
        .map(|part| {
            let mut counts = vec![0u64; span];
            for v in part {
                if let Some(c) = counts.get_mut(slot(v)) {
                    *c += 1;
                }
            }
            counts
        })
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a
        })?;
    let n = values.len() as u64;
    let mut smaller = 0u64;
    let mut spans: Spans = vec![(0, None); bins as usize];
    let mut table = Vec::with_capacity(span);
    for (k, &count) in (lo..).zip(&counts) {
        let score = 1 + (u64::from(bins) * smaller / n) as u8;
        table.push(score);
        smaller += count;
        if let Some((customers, range)) = spans.get_mut(usize::from(score) - 1) {
            if count > 0 {
                *customers += count;
                *range = Some(range.map_or((k, k), |(first, _)| (first, k)));
            }
        }
    }
    let scores = values
        .par_iter()
        .with_min_len(1 << 12)
        .map(|v| table.get(slot(v)).copied().unwrap_or(1))
        .collect();
    Some((scores, spans))
}

/// [`ScoreRange`]s from [`histogram_codes`] spans; `ends(lo, hi)` gives a span's
/// (min, max) as shown.
fn spans_to_ranges(spans: Spans, ends: impl Fn(i64, i64) -> (Decimal, Decimal)) -> Vec<ScoreRange> {
    spans
        .into_iter()
        .zip(1..)
        .map(|((customers, span), score)| {
            let ends = span.map(|(lo, hi)| ends(lo, hi));
            ScoreRange {
                score,
                customers,
                min: ends.map(|e| e.0),
                max: ends.map(|e| e.1),
            }
        })
        .collect()
}

/// The values sₘₖ₋₁ of [`rank_scores`], k = 1..bins (empty for no values).
fn rank_thresholds<T: Ord + Copy + Send + Sync>(values: &[T], bins: u32) -> Vec<T> {
    let n = values.len() as u64;
    if n == 0 {
        return Vec::new();
    }
    // mₖ ≥ 1 for k ≥ 1; ascending, with repeats when bins > n
    let positions: Vec<usize> = (1..u64::from(bins))
        .map(|k| ((k * n).div_ceil(u64::from(bins)) - 1) as usize)
        .collect();
    let mut work = values.to_vec();
    select_positions(&mut work, 0, &positions);
    positions
        .iter()
        .filter_map(|&p| work.get(p).copied())
        .collect()
}

/// Rearranges `slice` (the part of a larger slice starting at `offset`) so that each of
/// the ascending `positions` holds the value it would hold if the slice were sorted:
/// select the middle position, then the positions left and right of it in the two
/// smaller parts.
fn select_positions<T: Ord + Send>(slice: &mut [T], offset: usize, positions: &[usize]) {
    let Some(&p) = positions.get(positions.len() / 2) else {
        return;
    };
    let Some(at) = p.checked_sub(offset).filter(|&at| at < slice.len()) else {
        return;
    };
    let (left, _, right) = slice.select_nth_unstable(at);
    let below = positions.partition_point(|&q| q < p);
    let above = positions.partition_point(|&q| q <= p);
    let (lower, rest) = positions.split_at(below);
    let upper = rest.get(above - below..).unwrap_or(&[]);
    if left.len() + right.len() > 1 << 16 {
        rayon::join(
            || select_positions(left, offset, lower),
            || select_positions(right, p + 1, upper),
        );
    } else {
        select_positions(left, offset, lower);
        select_positions(right, p + 1, upper);
    }
}

/// Exact integer keys of decimals at their common scale (same order as the decimals),
/// or `None` if one does not fit `K` (money usually fits `i64`, which ranks faster).
fn decimal_keys<K: TryFrom<i128> + Send>(
    values: impl IndexedParallelIterator<Item = Decimal> + Clone,
) -> Option<Vec<K>> {
    let scale = values.clone().map(|v| v.scale()).max().unwrap_or(0);
    values
        .map(|v| {
            10i128
                .checked_pow(scale - v.scale())
                .and_then(|f| v.mantissa().checked_mul(f))
                .and_then(|k| K::try_from(k).ok())
        })
        .collect()
}

/// Rank scores and ranges of values through integer `keys` that order them exactly;
/// `at(row)` is the value shown for a row.
fn keyed<K: Ord + Copy + Send + Sync>(
    keys: &[K],
    bins: u32,
    at: impl Fn(usize) -> Decimal,
) -> (Vec<u8>, Vec<ScoreRange>) {
    let scores = rank_codes(keys, bins);
    let ranges = ranges(keys.par_iter().copied(), &scores, bins, |i, _| at(i));
    (scores, ranges)
}

/// Scores from explicit ascending breaks: 1 + number of breaks ≤ value.
fn break_scores(
    values: impl IndexedParallelIterator<Item = Decimal>,
    breaks: &[Decimal],
) -> Vec<u8> {
    values
        .map(|v| 1 + breaks.partition_point(|b| *b <= v) as u8)
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

/// Per score: customers and the smallest and largest value (the first of equal
/// smallest and the last of equal largest values, as `Ord::min`/`max` in input order),
/// shown through `decimal(row, value)`.
fn ranges<T: Ord + Copy + Send>(
    values: impl IndexedParallelIterator<Item = T>,
    scores: &[u8],
    bins: u32,
    decimal: impl Fn(usize, T) -> Decimal,
) -> Vec<ScoreRange> {
    /// (customers, (smallest, row), (largest, row)) per score.
    type Acc<T> = Vec<(u64, Option<((T, usize), (T, usize))>)>;
    let empty = || -> Acc<T> { vec![(0, None); bins as usize] };
    // a later value replaces the smallest only if smaller, the largest if not smaller
    let merge = |(lo, hi): ((T, usize), (T, usize)), (lo2, hi2): ((T, usize), (T, usize))| {
        (
            if lo2.0 < lo.0 { lo2 } else { lo },
            if hi2.0 >= hi.0 { hi2 } else { hi },
        )
    };
    let acc = values
        .zip(scores.par_iter())
        .enumerate()
        .with_min_len(1 << 14)
        .fold(empty, |mut acc, (i, (v, &s))| {
            if let Some((count, range)) = acc.get_mut(usize::from(s).wrapping_sub(1)) {
                *count += 1;
                *range = Some(range.map_or(((v, i), (v, i)), |r| merge(r, ((v, i), (v, i)))));
            }
            acc
        })
        // rayon reduces neighbours left to right, so ties resolve as in one pass
        .reduce(empty, |mut left, right| {
            for (l, r) in left.iter_mut().zip(right) {
                l.0 += r.0;
                l.1 = match (l.1, r.1) {
                    (Some(a), Some(b)) => Some(merge(a, b)),
                    (a, None) => a,
                    (None, b) => b,
                };
            }
            left
        });
    acc.into_iter()
        .zip(1..)
        .map(|((customers, range), score)| ScoreRange {
            score,
            customers,
            min: range.map(|((v, i), _)| decimal(i, v)),
            max: range.map(|(_, (v, i))| decimal(i, v)),
        })
        .collect()
}

/// Scores every customer and names their segment.
///
/// R is ranked by last order day (later = higher), F by frequency, M by monetary total;
/// explicit breaks replace the ranking per dimension. The same as [`rfm_table`] on
/// [`CustomerTable::from_transactions`].
///
/// # Errors
/// [`SegmentsError::InvalidOption`] for bins outside 2..=9 or bad breaks;
/// [`SegmentsError::SegmentMap`] when the map does not fit the bin count.
///
/// ```
/// use ltv_segments::{rfm, LoadOptions, RfmOptions, SegmentMap, Transactions};
/// let csv = "customer_id,order_date,amount\na,2024-01-01,10\nb,2024-03-01,50\nb,2024-03-05,50\n";
/// let tx = Transactions::from_csv("o.csv", csv.as_bytes().to_vec(), b',', &LoadOptions::default())?;
/// let map = SegmentMap::preset("default")?;
/// let report = rfm(&tx, &RfmOptions::default(), &map)?;
/// // two customers: the better one has 1 of 2 below it, so 1 + ⌊5 × 1 ÷ 2⌋ = 3
/// assert_eq!(report.row(1).rfm.to_string(), "333");
/// assert_eq!(report.row(1).segment, "Potential Loyalist");
/// assert_eq!(report.row(0).rfm.to_string(), "111");
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn rfm<'a>(
    tx: &Transactions,
    options: &RfmOptions,
    map: &'a SegmentMap,
) -> Result<RfmReport<'a>> {
    score(
        Cow::Owned(CustomerTable::from_transactions(tx)?),
        options,
        map,
    )
}

/// [`rfm`] on a [`CustomerTable`] (what `ltv rfm` uses: the table is read in one pass
/// without keeping the orders).
///
/// # Errors
/// As for [`rfm`].
///
/// ```
/// use ltv_segments::{rfm_table, CsvFile, CustomerTable, LoadOptions, RfmOptions, SegmentMap};
/// let csv = "customer_id,order_date,amount\na,2024-01-01,10\nb,2024-03-01,50\nb,2024-03-05,50\n";
/// let file = CsvFile::from_bytes("o.csv", csv.as_bytes().to_vec(), b',')?;
/// let table = CustomerTable::load(&file, &Default::default())?;
/// let map = SegmentMap::preset("default")?;
/// let report = rfm_table(&table, &RfmOptions::default(), &map)?;
/// assert_eq!(report.row(1).rfm.to_string(), "333");
/// # Ok::<(), ltv_segments::SegmentsError>(())
/// ```
pub fn rfm_table<'a>(
    table: &'a CustomerTable,
    options: &RfmOptions,
    map: &'a SegmentMap,
) -> Result<RfmReport<'a>> {
    score(Cow::Borrowed(table), options, map)
}

fn score<'a>(
    table: Cow<'a, CustomerTable>,
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
    for (field, breaks) in [
        ("r_breaks", &options.r_breaks),
        ("f_breaks", &options.f_breaks),
        ("m_breaks", &options.m_breaks),
    ] {
        if let Some(b) = breaks {
            check_breaks(field, b, bins)?;
        }
    }
    let as_of = table.as_of();
    // The three columns scored, in one pass over the totals (each dimension then
    // reads only its own column). When every monetary total has the same scale, its
    // mantissa orders it: `quick` holds those, i64::MIN where that does not work.
    let totals = &table.totals;
    let scale = totals.first().map_or(0, |t| t.monetary.scale());
    let quick_key = |d: Decimal| match d.scale() == scale {
        true => i64::try_from(d.mantissa()).unwrap_or(i64::MIN),
        false => i64::MIN,
    };
    let (last, (frequency, quick)): (Vec<Day>, (Vec<u32>, Vec<i64>)) = totals
        .par_iter()
        .map(|t| (t.last, (t.days.saturating_sub(1), quick_key(t.monetary))))
        .unzip();
    let recency = || last.par_iter().map(|&d| i64::from(as_of - d));

    let r_dim = || match &options.r_breaks {
        Some(b) => {
            let up = break_scores(recency().map(Decimal::from), b);
            let down: Vec<u8> = up.iter().map(|s| bins as u8 + 1 - s).collect();
            let ranges = ranges(recency(), &down, bins, |_, v| Decimal::from(v));
            (down, "breaks", ranges)
        }
        None => match histogram_codes(&last, bins, |d| i64::from(d.days())) {
            // later last order = higher score = smaller recency
            Some((scores, spans)) => {
                let ranges = spans_to_ranges(spans, |lo, hi| {
                    let recency = |day: i64| Decimal::from(i64::from(as_of.days()) - day);
                    (recency(hi), recency(lo))
                });
                (scores, "rank", ranges)
            }
            None => {
                let scores = rank_codes(&last, bins);
                let ranges = ranges(recency(), &scores, bins, |_, v| Decimal::from(v));
                (scores, "rank", ranges)
            }
        },
    };
    let f_dim = || {
        if options.f_breaks.is_none() {
            if let Some((scores, spans)) = histogram_codes(&frequency, bins, |&f| i64::from(f)) {
                let ranges =
                    spans_to_ranges(spans, |lo, hi| (Decimal::from(lo), Decimal::from(hi)));
                return (scores, "rank", ranges);
            }
        }
        let (scores, method) = match &options.f_breaks {
            Some(b) => (
                break_scores(frequency.par_iter().map(|&f| Decimal::from(f)), b),
                "breaks",
            ),
            None => (rank_codes(&frequency, bins), "rank"),
        };
        let ranges = ranges(frequency.par_iter().copied(), &scores, bins, |_, v| {
            Decimal::from(v)
        });
        (scores, method, ranges)
    };
    let m_dim = || {
        let amounts = || totals.par_iter().map(|t| t.monetary);
        let as_written = |_, d| d;
        if let Some(b) = &options.m_breaks {
            let scores = break_scores(amounts(), b);
            let ranges = ranges(amounts(), &scores, bins, as_written);
            return (scores, "breaks", ranges);
        }
        // Ranked and ranged on integer keys (every total at the largest scale) when
        // they fit; a range's ends are then the totals as written at those rows.
        let at = |i: usize| totals.get(i).map(|t| t.monetary).unwrap_or_default();
        let (scores, ranges) = if !quick.par_iter().any(|&k| k == i64::MIN) {
            keyed(&quick, bins, at)
        } else if let Some(keys) = decimal_keys::<i64>(amounts()) {
            keyed(&keys, bins, at)
        } else if let Some(keys) = decimal_keys::<i128>(amounts()) {
            keyed(&keys, bins, at)
        } else {
            let monetary: Vec<Decimal> = amounts().collect();
            let scores = rank_codes(&monetary, bins);
            let ranges = ranges(amounts(), &scores, bins, as_written);
            (scores, ranges)
        };
        (scores, "rank", ranges)
    };
    // the three dimensions are independent: score them side by side
    let (
        (r_scores, r_method, r_ranges),
        ((f_scores, f_method, f_ranges), (m_scores, m_method, m_ranges)),
    ) = rayon::join(r_dim, || rayon::join(f_dim, m_dim));
    let lookup = map.lookup_table(bins);
    let b = bins as usize;
    let (scores, segment_of): (Vec<RfmCode>, Vec<u16>) = r_scores
        .par_iter()
        .zip(&f_scores)
        .zip(&m_scores)
        .with_min_len(1 << 12)
        .map(|((&r, &f), &m)| {
            let [ri, fi, mi] = [r, f, m].map(|s| usize::from(s).wrapping_sub(1));
            let segment = lookup
                .get((ri * b + fi) * b + mi)
                .copied()
                .unwrap_or(u16::MAX);
            (RfmCode([r, f, m]), segment)
        })
        .unzip();
    let breaks = |b: &Option<Vec<Decimal>>| b.clone().unwrap_or_default();
    Ok(RfmReport {
        as_of,
        bins,
        segments: map.name().to_string(),
        recency: DimensionScoring {
            method: r_method,
            breaks: breaks(&options.r_breaks),
            ranges: r_ranges,
        },
        frequency: DimensionScoring {
            method: f_method,
            breaks: breaks(&options.f_breaks),
            ranges: f_ranges,
        },
        monetary: DimensionScoring {
            method: m_method,
            breaks: breaks(&options.m_breaks),
            ranges: m_ranges,
        },
        map,
        scores,
        segment_of,
        table,
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
        for i in 0..self.len() {
            let row = self.row(i);
            // the report's own map names the segments; `map` may list them differently
            let index = match std::ptr::eq(map, self.map) {
                true => self.segment_of.get(i).map(|&s| usize::from(s)),
                false => names.iter().position(|n| n == row.segment),
            };
            if let Some(a) = index.and_then(|s| acc.get_mut(s)) {
                a.0 += 1;
                a.1 = a.1.checked_add(row.monetary_total).ok_or_else(overflow)?;
                a.2 += Decimal::from(row.recency_days);
                a.3 += Decimal::from(row.frequency);
            }
            total = total.checked_add(row.monetary_total).ok_or_else(overflow)?;
        }
        let n = Decimal::from(self.len().max(1) as u64);
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
        assert_eq!(
            break_scores(values.into_par_iter(), &breaks),
            [1, 2, 3, 5, 5]
        );
        assert!(check_breaks("f_breaks", &breaks, 5).is_ok());
        assert_eq!(
            check_breaks("f_breaks", &breaks[..3], 5)
                .unwrap_err()
                .to_string(),
            "f_breaks must be 4 ascending values (bins − 1), got 1,2,4"
        );
        assert!(check_breaks("f_breaks", &[d("1"), d("1"), d("2"), d("3")], 5).is_err());
    }

    /// The definition: 1 + ⌊bins × (number of values strictly smaller) ÷ n⌋.
    fn by_definition<T: Ord>(values: &[T], bins: u32) -> Vec<u32> {
        let n = values.len() as u64;
        values
            .iter()
            .map(|v| {
                let smaller = values.iter().filter(|w| *w < v).count() as u64;
                1 + (u64::from(bins) * smaller / n) as u32
            })
            .collect()
    }

    /// The thresholds from a full sort (what selection replaced).
    fn sorted_thresholds<T: Ord + Copy>(values: &[T], bins: u32) -> Vec<T> {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = values.len() as u64;
        (1..u64::from(bins))
            .filter_map(|k| {
                sorted
                    .get(((k * n).div_ceil(u64::from(bins)) - 1) as usize)
                    .copied()
            })
            .collect()
    }

    #[test]
    fn decimal_keys_widen_when_needed() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let small = [d("1.5"), d("-2"), d("0.25")];
        assert_eq!(
            decimal_keys::<i64>(small.into_par_iter()),
            Some(vec![150, -200, 25])
        );
        // 10^19 × 100 does not fit i64 but fits i128; at scale 28 not even i128
        let big = [d("10000000000000000000"), d("0.01")];
        assert_eq!(decimal_keys::<i64>(big.into_par_iter()), None);
        assert_eq!(
            decimal_keys::<i128>(big.into_par_iter()),
            Some(vec![1_000_000_000_000_000_000_000, 1])
        );
        let huge = [Decimal::MAX, d("0.0000000000000000000000000001")];
        assert_eq!(decimal_keys::<i128>(huge.into_par_iter()), None);
    }

    #[test]
    fn selection_on_large_inputs_matches_sorting() {
        // large enough for the parallel branches of `select_positions`
        let values: Vec<i128> = (0..300_000u64)
            .map(|i| i128::from(i.wrapping_mul(2_654_435_761) % 1_000))
            .collect();
        for bins in 2..=MAX_BINS {
            assert_eq!(
                rank_thresholds(&values, bins),
                sorted_thresholds(&values, bins)
            );
        }
    }

    proptest! {
        #[test]
        fn thresholds_match_full_sort_and_definition(
            values in proptest::collection::vec(-5i128..5, 1..300),
            bins in 2u32..10,
        ) {
            prop_assert_eq!(rank_thresholds(&values, bins), sorted_thresholds(&values, bins));
            prop_assert_eq!(rank_scores(&values, bins), by_definition(&values, bins));
        }

        #[test]
        fn histogram_matches_ranking(
            values in proptest::collection::vec(-40i64..40, 1..300),
            wide in any::<bool>(),
            bins in 2u32..10,
        ) {
            // `wide` spreads the values past the histogram's span: no histogram then
            let values: Vec<i64> = values.iter().map(|&v| if wide { v << 20 } else { v }).collect();
            let scores = rank_codes(&values, bins);
            match histogram_codes(&values, bins, |&v| v) {
                Some((codes, spans)) => {
                    prop_assert!(!wide || values.iter().all(|&v| v == values[0]) || values.iter().max().unwrap() - values.iter().min().unwrap() < HISTOGRAM_SPAN as i64);
                    prop_assert_eq!(&codes, &scores);
                    let by_ranges = ranges(values.par_iter().copied(), &scores, bins, |_, v| Decimal::from(v));
                    let by_spans = spans_to_ranges(spans, |lo, hi| (Decimal::from(lo), Decimal::from(hi)));
                    prop_assert_eq!(by_spans, by_ranges);
                }
                None => prop_assert!(wide),
            }
        }

        /// Keys at one scale rank and range totals exactly as the totals themselves,
        /// down to which of equal totals (1.0, 1.00) ends a range.
        #[test]
        fn keyed_ranges_match_decimal_ranges(
            raw in proptest::collection::vec((-30i64..30, 0u32..3), 1..200),
            bins in 2u32..6,
        ) {
            let values: Vec<Decimal> = raw.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
            let scores = rank_codes(&values, bins);
            let want = ranges(values.par_iter().copied(), &scores, bins, |_, d| d);
            let keys = decimal_keys::<i64>(values.par_iter().copied()).unwrap();
            let (codes, got) = keyed(&keys, bins, |i| values[i]);
            prop_assert_eq!(&codes, &scores);
            prop_assert_eq!(&got, &want);
            let text = |r: &[ScoreRange]| r.iter().map(|r| format!("{:?}{:?}", r.min.map(|d| d.to_string()), r.max.map(|d| d.to_string()))).collect::<Vec<_>>();
            prop_assert_eq!(text(&got), text(&want));
        }

        #[test]
        fn wide_values_match_definition(
            values in proptest::collection::vec(any::<i32>(), 1..100),
            bins in 2u32..10,
        ) {
            prop_assert_eq!(rank_scores(&values, bins), by_definition(&values, bins));
        }

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
