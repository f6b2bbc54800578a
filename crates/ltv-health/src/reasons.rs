//! Reasons in words: each feature of a customer's month, stated as the fact behind it
//! ("logins −45 % vs the previous 3 months", "2 tickets in 2024-06", "NPS 4
//! (detractor)"), in English or Japanese.

use std::fmt::Write;

use ltv_saas::Month;
use serde::Serialize;

use crate::features::{Facts, Feature};
use crate::lang::Lang;

/// One reason behind a customer's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// Stable code of the feature, e.g. `trend:logins`, `tickets_month`, `nps`.
    pub code: String,
    /// How much it moves the score: with learned weights the change in the log-odds of
    /// churning against an average customer-month (positive: riskier); with default
    /// weights the points it costs (positive) or earns (negative).
    pub effect: f64,
    /// The fact, in words.
    pub text: String,
}

/// `1,234`, `12.5`, `0.25`: a count as people write it.
pub(crate) fn number(x: f64) -> String {
    Num(x).to_string()
}

/// [`number`] as a `Display` (no allocation).
pub(crate) struct Num(pub(crate) f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        let rounded = (x * 10.0).round() / 10.0;
        if (rounded - rounded.round()).abs() < 1e-9 {
            grouped(rounded.round() as i64, f)
        } else if x.abs() < 1.0 {
            write!(f, "{x:.2}")
        } else {
            grouped(rounded.trunc() as i64, f)?;
            write!(
                f,
                ".{}",
                ((rounded.fract().abs() * 10.0).round() as i64) % 10
            )
        }
    }
}

fn grouped(v: i64, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let mut buf = itoa_buffer(v.unsigned_abs());
    let digits = buf.as_str();
    if v < 0 {
        f.write_char('-')?;
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            f.write_char(',')?;
        }
        f.write_char(ch)?;
    }
    buf.clear();
    Ok(())
}

/// The decimal digits of `v` in a small stack buffer.
fn itoa_buffer(mut v: u64) -> Digits {
    let mut d = Digits {
        bytes: [0; 20],
        start: 20,
    };
    loop {
        d.start -= 1;
        if let Some(b) = d.bytes.get_mut(d.start) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || d.start == 0 {
            return d;
        }
    }
}

struct Digits {
    bytes: [u8; 20],
    start: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes.get(self.start..).unwrap_or(&[])).unwrap_or("")
    }

    fn clear(&mut self) {
        self.start = 20;
    }
}

/// A relative change as `+12 %` or `−45 %` (rounded to whole percent).
pub(crate) struct Change(pub(crate) f64);

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = ((self.0 - 1.0) * 100.0).round();
        if pct < 0.0 {
            write!(f, "−{} %", -pct)
        } else {
            write!(f, "+{pct} %")
        }
    }
}

fn plural(n: f64, one: &'static str, many: &'static str) -> &'static str {
    if (n - 1.0).abs() < 1e-9 {
        one
    } else {
        many
    }
}

/// The NPS category of an answer (or a mean of answers).
pub(crate) fn nps_category(score: f64, lang: Lang) -> &'static str {
    if score < 7.0 {
        lang.pick("detractor", "批判者")
    } else if score < 9.0 {
        lang.pick("passive", "中立者")
    } else {
        lang.pick("promoter", "推奨者")
    }
}

/// A reason kept compactly until it is shown: the feature, its effect and the numbers
/// its sentence quotes (a million customers' reasons fit in a few dozen megabytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fact {
    pub(crate) feature: Feature,
    pub(crate) effect: f32,
    x: [f32; 3],
}

impl Fact {
    /// The fact behind `feature` in facts `f`; `None` when the feature has no fact of
    /// its own to state (an NPS score without an answer, a trend without a previous
    /// month, an MRR change without MRR 3 months before).
    pub(crate) fn of(feature: Feature, effect: f64, f: &Facts) -> Option<Fact> {
        let at = |v: &[f64], j: usize| v.get(j).copied().unwrap_or(0.0) as f32;
        let x = match feature {
            Feature::Trend(j) if f.prev_months > 0 => {
                // the previous months' sum rather than their mean: sums of whole
                // counts are exact in f32, so the ratio shown is the f64 one
                let j = usize::from(j);
                let k = f.prev_months as f64;
                let sum = f.prev.get(j).map_or(0.0, |p| p * k) as f32;
                [at(&f.now, j), sum, f.prev_months as f32]
            }
            Feature::Level(j) => [at(&f.now, usize::from(j)), 0.0, 0.0],
            Feature::Breadth => [f.used as f32, f.now.len() as f32, 0.0],
            Feature::TicketsMonth => [f.tickets_now as f32, 0.0, 0.0],
            Feature::TicketsQuarter => [f.tickets_3m as f32, 0.0, 0.0],
            Feature::Nps => [f.nps? as f32, 0.0, 0.0],
            Feature::NpsMissing if f.nps.is_none() => [0.0; 3],
            Feature::FailedPayments => [f.failed_3m as f32, 0.0, 0.0],
            Feature::Tenure => [f.tenure as f32, 0.0, 0.0],
            Feature::MrrChange => match (f.mrr_now, f.mrr_before) {
                (Some(now), Some(before)) if now > 0.0 => [now as f32, before as f32, 0.0],
                _ => return None,
            },
            Feature::MrrLevel => match f.mrr_now {
                Some(now) if now > 0.0 => [now as f32, 0.0, 0.0],
                _ => return None,
            },
            _ => return None,
        };
        Some(Fact {
            feature,
            effect: effect as f32,
            x,
        })
    }
}

/// What the sentences need besides a fact's numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Wording {
    pub(crate) lang: Lang,
    pub(crate) month: Month,
    /// Usage metric names, by index.
    pub(crate) metrics: Vec<String>,
    /// The typical value of each usage metric in `month`.
    pub(crate) typical: Vec<f64>,
    /// The typical MRR in `month`.
    pub(crate) typical_mrr: f64,
}

impl Wording {
    fn metric(&self, j: u16) -> &str {
        self.metrics.get(usize::from(j)).map_or("", String::as_str)
    }

    /// The stable code of a feature: `trend:logins`, `tickets_month`, …
    pub(crate) fn code(&self, feature: Feature) -> String {
        match feature {
            Feature::Trend(j) => format!("trend:{}", self.metric(j)),
            Feature::Level(j) => format!("level:{}", self.metric(j)),
            Feature::Breadth => "breadth".into(),
            Feature::TicketsMonth => "tickets_month".into(),
            Feature::TicketsQuarter => "tickets_3m".into(),
            Feature::Nps => "nps".into(),
            Feature::NpsMissing => "nps_missing".into(),
            Feature::FailedPayments => "failed_payments_3m".into(),
            Feature::Tenure => "tenure".into(),
            Feature::MrrChange => "mrr_change".into(),
            Feature::MrrLevel => "mrr_level".into(),
        }
    }

    /// The reason in full.
    pub(crate) fn reason(&self, fact: &Fact) -> Reason {
        Reason {
            code: self.code(fact.feature),
            // an approximate contribution: three decimals say all it can
            effect: (f64::from(fact.effect) * 1000.0).round() / 1000.0,
            text: self.text(fact),
        }
    }

    /// The fact in words.
    pub(crate) fn text(&self, fact: &Fact) -> String {
        let mut out = String::with_capacity(64);
        self.write_text(fact, &mut out);
        out
    }

    /// Appends the fact in words to `out`.
    pub(crate) fn write_text(&self, fact: &Fact, out: &mut String) {
        let (lang, month) = (self.lang, self.month);
        let ja = lang == Lang::Ja;
        let [a, b, c] = fact.x.map(f64::from);
        let _ = match fact.feature {
            Feature::Trend(j) => {
                let m = self.metric(j);
                let (now, prev, k) = (a, b / c.max(1.0), c as usize);
                match (prev > 0.0, now > 0.0) {
                    (true, true) if ja => {
                        write!(
                            out,
                            "{month} の {m} が直前{k}か月平均比 {}",
                            Change(now / prev)
                        )
                    }
                    (true, true) if k == 1 => write!(
                        out,
                        "{m} {} in {month} vs the previous month",
                        Change(now / prev)
                    ),
                    (true, true) => write!(
                        out,
                        "{m} {} in {month} vs the previous {k} months",
                        Change(now / prev)
                    ),
                    (true, false) if ja => {
                        write!(
                            out,
                            "{month} の {m} なし（直前{k}か月は月平均 {}）",
                            Num(prev)
                        )
                    }
                    (true, false) => {
                        write!(out, "no {m} in {month} ({} a month before)", Num(prev))
                    }
                    (false, true) if ja => {
                        write!(out, "{m} が 0 から {} に増加（{month}）", Num(now))
                    }
                    (false, true) => write!(out, "{m} up from 0 to {} in {month}", Num(now)),
                    (false, false) if ja => write!(out, "{m} が{}か月連続でなし", k + 1),
                    (false, false) => write!(out, "no {m} for {} months", k + 1),
                }
            }
            Feature::Level(j) => {
                let m = self.metric(j);
                let now = Num(a);
                let typical = number(self.typical.get(usize::from(j)).copied().unwrap_or(0.0));
                if ja {
                    write!(out, "{month} の {m} {now}（標準的な顧客は {typical}）")
                } else {
                    write!(out, "{m} {now} in {month} (typical customer: {typical})")
                }
            }
            Feature::Breadth => {
                if ja {
                    write!(out, "{month} の利用指標 {}中{}", Num(b), Num(a))
                } else {
                    write!(out, "used {} of {} metrics in {month}", Num(a), Num(b))
                }
            }
            Feature::TicketsMonth => match (a > 0.0, ja) {
                (true, true) => write!(out, "{month} の問い合わせ {}件", Num(a)),
                (true, false) => {
                    write!(
                        out,
                        "{} {} in {month}",
                        Num(a),
                        plural(a, "ticket", "tickets")
                    )
                }
                (false, true) => write!(out, "{month} の問い合わせなし"),
                (false, false) => write!(out, "no tickets in {month}"),
            },
            Feature::TicketsQuarter => match (a > 0.0, ja) {
                (true, true) => write!(out, "{month} までの3か月の問い合わせ {}件", Num(a)),
                (true, false) => write!(
                    out,
                    "{} {} in the 3 months to {month}",
                    Num(a),
                    plural(a, "ticket", "tickets")
                ),
                (false, true) => write!(out, "{month} までの3か月の問い合わせなし"),
                (false, false) => write!(out, "no tickets in the 3 months to {month}"),
            },
            Feature::Nps if ja => write!(out, "NPS {}（{}）", Num(a), nps_category(a, lang)),
            Feature::Nps => write!(out, "NPS {} ({})", Num(a), nps_category(a, lang)),
            Feature::NpsMissing => out.write_str(lang.pick("no NPS answer", "NPS回答なし")),
            Feature::FailedPayments => match (a > 0.0, ja) {
                (true, true) => write!(out, "{month} までの3か月の決済失敗 {}回", Num(a)),
                (true, false) => write!(
                    out,
                    "{} failed {} in the 3 months to {month}",
                    Num(a),
                    plural(a, "payment", "payments")
                ),
                (false, true) => write!(out, "{month} までの3か月の決済失敗なし"),
                (false, false) => write!(out, "no failed payments in the 3 months to {month}"),
            },
            Feature::Tenure if ja => write!(out, "契約{}か月目", Num(a)),
            Feature::Tenure => {
                write!(
                    out,
                    "customer for {} {}",
                    Num(a),
                    plural(a, "month", "months")
                )
            }
            Feature::MrrChange if ja => write!(out, "MRR 3か月で {}", Change(a / b)),
            Feature::MrrChange => write!(out, "MRR {} over 3 months", Change(a / b)),
            Feature::MrrLevel => {
                let typical = Num(self.typical_mrr);
                if ja {
                    write!(out, "MRR {}（標準的な顧客は {typical}）", Num(a))
                } else {
                    write!(out, "MRR {} (typical customer: {typical})", Num(a))
                }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_changes() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(1234.0), "1,234");
        assert_eq!(number(12.54), "12.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1234567.25), "1,234,567.3");
        assert_eq!(Change(0.55).to_string(), "−45 %");
        assert_eq!(Change(1.2).to_string(), "+20 %");
        assert_eq!(Change(1.0).to_string(), "+0 %");
        assert_eq!(nps_category(6.0, Lang::En), "detractor");
        assert_eq!(nps_category(8.5, Lang::Ja), "中立者");
        assert_eq!(nps_category(9.0, Lang::En), "promoter");
    }
}
