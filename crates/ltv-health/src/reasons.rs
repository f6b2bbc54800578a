//! Reasons in words: each feature of a customer's month, stated as the fact behind it
//! ("logins −45 % vs the previous 3 months", "2 tickets in 2024-06", "NPS 4
//! (detractor)"), in English or Japanese.

use ltv_saas::Month;
use serde::Serialize;

use crate::features::{Facts, Feature, Features};
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
    let rounded = (x * 10.0).round() / 10.0;
    if (rounded - rounded.round()).abs() < 1e-9 {
        grouped(rounded.round() as i64)
    } else if x.abs() < 1.0 {
        format!("{:.2}", x)
    } else {
        format!(
            "{}.{}",
            grouped(rounded.trunc() as i64),
            ((rounded.fract().abs() * 10.0).round() as i64) % 10
        )
    }
}

fn grouped(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    if v < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A relative change as `+12 %` or `−45 %` (rounded to whole percent).
pub(crate) fn change(ratio: f64) -> String {
    let pct = ((ratio - 1.0) * 100.0).round();
    if pct < 0.0 {
        format!("−{} %", -pct)
    } else {
        format!("+{pct} %")
    }
}

fn plural(n: f64, one: &str, many: &str) -> String {
    if (n - 1.0).abs() < 1e-9 {
        one.to_owned()
    } else {
        many.to_owned()
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

/// The fact behind `feature` for a customer with facts `f` in slot `s` (month `month`).
pub(crate) fn describe(
    feats: &Features<'_>,
    feature: Feature,
    f: &Facts,
    s: usize,
    month: Month,
    lang: Lang,
) -> String {
    let ja = lang == Lang::Ja;
    match feature {
        Feature::Trend(j) => {
            let m = feats.metric(j);
            let now = f.now.get(j).copied().unwrap_or(0.0);
            let prev = f.prev.get(j).copied().unwrap_or(0.0);
            let k = f.prev_months;
            match (prev > 0.0, now > 0.0) {
                (true, true) if ja => {
                    format!("{month} の {m} が直前{k}か月平均比 {}", change(now / prev))
                }
                (true, true) => format!(
                    "{m} {} in {month} vs the previous {}",
                    change(now / prev),
                    if k == 1 {
                        "month".to_owned()
                    } else {
                        format!("{k} months")
                    }
                ),
                (true, false) if ja => {
                    format!(
                        "{month} の {m} なし（直前{k}か月は月平均 {}）",
                        number(prev)
                    )
                }
                (true, false) => format!("no {m} in {month} ({} a month before)", number(prev)),
                (false, true) if ja => format!("{m} が 0 から {} に増加（{month}）", number(now)),
                (false, true) => format!("{m} up from 0 to {} in {month}", number(now)),
                (false, false) if ja => format!("{m} が{}か月連続でなし", k + 1),
                (false, false) => format!("no {m} for {} months", k + 1),
            }
        }
        Feature::Level(j) => {
            let m = feats.metric(j);
            let now = number(f.now.get(j).copied().unwrap_or(0.0));
            let typical = number(feats.typical(s, j));
            if ja {
                format!("{month} の {m} {now}（標準的な顧客は {typical}）")
            } else {
                format!("{m} {now} in {month}; a typical customer: {typical}")
            }
        }
        Feature::Breadth => {
            let n = f.now.len();
            if ja {
                format!("{month} の利用指標 {n}中{}", f.used)
            } else {
                format!("used {} of {n} metrics in {month}", f.used)
            }
        }
        Feature::TicketsMonth => match (f.tickets_now > 0.0, ja) {
            (true, true) => format!("{month} の問い合わせ {}件", number(f.tickets_now)),
            (true, false) => format!(
                "{} {} in {month}",
                number(f.tickets_now),
                plural(f.tickets_now, "ticket", "tickets")
            ),
            (false, true) => format!("{month} の問い合わせなし"),
            (false, false) => format!("no tickets in {month}"),
        },
        Feature::TicketsQuarter => match (f.tickets_3m > 0.0, ja) {
            (true, true) => format!("{month} までの3か月の問い合わせ {}件", number(f.tickets_3m)),
            (true, false) => format!(
                "{} {} in the 3 months to {month}",
                number(f.tickets_3m),
                plural(f.tickets_3m, "ticket", "tickets")
            ),
            (false, true) => format!("{month} までの3か月の問い合わせなし"),
            (false, false) => format!("no tickets in the 3 months to {month}"),
        },
        Feature::Nps | Feature::NpsMissing => match f.nps {
            Some(n) if ja => format!("NPS {}（{}）", number(n), nps_category(n, lang)),
            Some(n) => format!("NPS {} ({})", number(n), nps_category(n, lang)),
            None => lang.pick("no NPS answer", "NPS回答なし").to_owned(),
        },
        Feature::FailedPayments => match (f.failed_3m > 0.0, ja) {
            (true, true) => format!("{month} までの3か月の決済失敗 {}回", number(f.failed_3m)),
            (true, false) => format!(
                "{} failed {} in the 3 months to {month}",
                number(f.failed_3m),
                plural(f.failed_3m, "payment", "payments")
            ),
            (false, true) => format!("{month} までの3か月の決済失敗なし"),
            (false, false) => format!("no failed payments in the 3 months to {month}"),
        },
        Feature::Tenure => {
            if ja {
                format!("契約{}か月目", f.tenure)
            } else {
                format!(
                    "customer for {} {}",
                    f.tenure,
                    plural(f64::from(f.tenure), "month", "months")
                )
            }
        }
        Feature::MrrChange => match (f.mrr_now, f.mrr_before) {
            (Some(now), Some(before)) if ja => format!("MRR 3か月で {}", change(now / before)),
            (Some(now), Some(before)) => format!("MRR {} over 3 months", change(now / before)),
            _ => lang
                .pick("MRR unchanged or new", "MRR 変化なし・新規")
                .to_owned(),
        },
        Feature::MrrLevel => {
            let now = number(f.mrr_now.unwrap_or(0.0));
            let typical = number(feats.typical_mrr(s));
            if ja {
                format!("MRR {now}（標準的な顧客は {typical}）")
            } else {
                format!("MRR {now}; a typical customer: {typical}")
            }
        }
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
        assert_eq!(change(0.55), "−45 %");
        assert_eq!(change(1.2), "+20 %");
        assert_eq!(change(1.0), "+0 %");
        assert_eq!(nps_category(6.0, Lang::En), "detractor");
        assert_eq!(nps_category(8.5, Lang::Ja), "中立者");
        assert_eq!(nps_category(9.0, Lang::En), "promoter");
    }
}
