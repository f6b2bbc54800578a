//! Executive summaries in English and Japanese, generated from the numbers.

use ltv_core::present::group;
use rust_decimal::Decimal;

use crate::driver::Driver;
use crate::initiative::Initiative;
use crate::plan::PlanReport;
use crate::roi::RoiReport;
use crate::wording::{amount, fraction_pct, pct, ratio};

pub use ltv_core::Lang;

fn is_money(driver: Driver) -> bool {
    matches!(
        driver,
        Driver::Arpu | Driver::Aov | Driver::Price | Driver::Cac
    )
}

fn value(driver: Driver, v: Decimal, currency: &str, lang: Lang) -> String {
    if driver.is_rate() {
        return fraction_pct(v);
    }
    if is_money(driver) {
        return amount(currency, v);
    }
    let n = group(v, 2);
    let n = n.strip_suffix(".00").unwrap_or(&n).to_owned();
    match (driver, lang) {
        (Driver::Frequency, Lang::En) => format!("{n}/year"),
        (Driver::Frequency, Lang::Ja) => format!("年{n}回"),
        (Driver::Lifespan, Lang::En) => format!("{n} years"),
        (Driver::Lifespan, Lang::Ja) => format!("{n}年"),
        (_, Lang::En) => format!("{n}/month"),
        (_, Lang::Ja) => format!("月{n}社"),
    }
}

/// "cutting monthly churn by 1 point (5.0% → 4.0%)" / "月次解約率を1ポイント下げる（5.0%→4.0%）".
pub(crate) fn move_phrase(
    driver: Driver,
    before: Decimal,
    after: Decimal,
    currency: &str,
    lang: Lang,
) -> String {
    let up = after > before;
    let b = value(driver, before, currency, lang);
    let a = value(driver, after, currency, lang);
    let diff = after.checked_sub(before).unwrap_or_default().abs();
    let by = if driver.is_rate() {
        let pts = diff
            .checked_mul(Decimal::ONE_HUNDRED)
            .unwrap_or_default()
            .normalize();
        match lang {
            Lang::En if pts == Decimal::ONE => "1 point".to_owned(),
            Lang::En => format!("{pts} points"),
            Lang::Ja => format!("{pts}ポイント"),
        }
    } else if before.is_zero() {
        String::new()
    } else {
        pct(diff
            .checked_div(before.abs())
            .and_then(|f| f.checked_mul(Decimal::ONE_HUNDRED))
            .unwrap_or_default())
    };
    match lang {
        Lang::En => {
            let verb = match (up, driver.lower_is_better()) {
                (false, true) => "cutting",
                (true, _) => "raising",
                (false, false) => "lowering",
            };
            format!("{verb} {} by {by} ({b} → {a})", driver.label())
        }
        Lang::Ja => {
            let verb = if up { "上げる" } else { "下げる" };
            format!("{}を{by}{verb}（{b}→{a}）", driver.label_ja())
        }
    }
}

fn costs(initiative: &Initiative, currency: &str, lang: Lang) -> String {
    let mut parts = Vec::new();
    let one_off = initiative.one_off_cost;
    let yearly = initiative.yearly_cost;
    match lang {
        Lang::En => {
            if !one_off.is_zero() {
                parts.push(format!("{} up front", amount(currency, one_off)));
            }
            if !yearly.is_zero() {
                parts.push(format!("{} a year", amount(currency, yearly)));
            }
            if initiative.ramp_months > 0 {
                parts.push(format!(
                    "full effect after {} month{}",
                    initiative.ramp_months,
                    if initiative.ramp_months == 1 { "" } else { "s" }
                ));
            }
        }
        Lang::Ja => {
            if !one_off.is_zero() {
                parts.push(format!("初期費用{}", amount(currency, one_off)));
            }
            if !yearly.is_zero() {
                parts.push(format!("年間費用{}", amount(currency, yearly)));
            }
            if initiative.ramp_months > 0 {
                parts.push(format!("効果が出揃うまで{}か月", initiative.ramp_months));
            }
        }
    }
    parts.join(if lang == Lang::En { ", " } else { "、" })
}

/// The ROI case's executive summary.
pub(crate) fn roi_summary(r: &RoiReport, initiative: &Initiative, lang: Lang) -> String {
    let c = r.currency.as_str();
    let mv = move_phrase(r.driver, r.driver_before, r.driver_after, c, lang);
    let ltv_pct = r.ltv_change_pct.unwrap_or_default();
    let rate = fraction_pct(r.discount_rate);
    let h = r.horizon_months;
    let cost_words = costs(initiative, c, lang);
    let flip = r
        .verdicts
        .iter()
        .find(|v| v.invest != (r.npv > Decimal::ZERO));
    let horizons: Vec<String> = {
        let mut hs: Vec<u32> = r
            .verdicts
            .iter()
            .map(|v| v.outcome.horizon_months)
            .collect();
        hs.dedup();
        hs.iter().map(u32::to_string).collect()
    };
    let rates: Vec<String> = {
        let mut rs: Vec<Decimal> = r.verdicts.iter().map(|v| v.outcome.discount_rate).collect();
        rs.sort();
        rs.dedup();
        rs.into_iter().map(fraction_pct).collect()
    };
    let invest = r.npv > Decimal::ZERO;
    match lang {
        Lang::En => {
            let mut s = match r.ratio_before {
                Some(rb) => format!("LTV/CAC is {} today; ", ratio(rb)),
                None => format!("LTV is {} today; ", amount(c, r.ltv_before)),
            };
            s.push_str(&mv);
            if ltv_pct.is_zero() {
                s.push_str(&format!(" leaves LTV at {}", amount(c, r.ltv_after)));
            } else {
                s.push_str(&format!(
                    " {} LTV by {} to {}",
                    if ltv_pct > Decimal::ZERO {
                        "raises"
                    } else {
                        "lowers"
                    },
                    pct(ltv_pct.abs()),
                    amount(c, r.ltv_after)
                ));
            }
            if let Some(ra) = r.ratio_after {
                s.push_str(&format!(" and the ratio to {}", ratio(ra)));
            }
            s.push_str(". ");
            if cost_words.is_empty() {
                s.push_str("With no stated cost, the initiative ");
            } else {
                s.push_str(&format!("The initiative ({cost_words}) "));
            }
            match r.payback_month {
                Some(m) => s.push_str(&format!("pays back in month {m}")),
                None => s.push_str(&format!("does not pay back within {h} months")),
            }
            if let Some(roi) = r.roi {
                s.push_str(&format!("; {h}-month ROI {}", fraction_pct(roi)));
            }
            s.push_str(&format!(", NPV {} at {rate} a year. ", amount(c, r.npv)));
            match flip {
                Some(v) => s.push_str(&format!(
                    "Horizon and discounting matter: judged over {} months at {}, the NPV is {} and the verdict flips. ",
                    v.outcome.horizon_months,
                    fraction_pct(v.outcome.discount_rate),
                    amount(c, v.outcome.npv)
                )),
                None => s.push_str(&format!(
                    "The verdict holds over {} months at {} discounting. ",
                    horizons.join(", "),
                    rates.join(" and ")
                )),
            }
            s.push_str(if invest {
                "Verdict: invest."
            } else {
                "Verdict: do not invest on these numbers."
            });
            s
        }
        Lang::Ja => {
            let mut s = match r.ratio_before {
                Some(rb) => format!("LTV/CACは現在{}です。", ratio(rb)),
                None => format!("LTVは現在{}です。", amount(c, r.ltv_before)),
            };
            s.push_str(&format!("{mv}と、"));
            if ltv_pct.is_zero() {
                s.push_str(&format!("LTVは{}のまま", amount(c, r.ltv_after)));
            } else {
                s.push_str(&format!(
                    "LTVは{}{}て{}に",
                    pct(ltv_pct.abs()),
                    if ltv_pct > Decimal::ZERO {
                        "増え"
                    } else {
                        "減っ"
                    },
                    amount(c, r.ltv_after)
                ));
            }
            match r.ratio_after {
                Some(ra) => s.push_str(&format!("、LTV/CACは{}になります。", ratio(ra))),
                None => s.push_str("なります。"),
            }
            if cost_words.is_empty() {
                s.push_str("費用の記載がないこの施策は");
            } else {
                s.push_str(&format!("この施策（{cost_words}）は"));
            }
            match r.payback_month {
                Some(m) => s.push_str(&format!("{m}か月目に投資を回収し")),
                None => s.push_str(&format!("{h}か月以内に投資を回収できず")),
            }
            if let Some(roi) = r.roi {
                s.push_str(&format!("、{h}か月のROIは{}", fraction_pct(roi)));
            }
            s.push_str(&format!(
                "、NPV（年率{rate}で割引）は{}です。",
                amount(c, r.npv)
            ));
            match flip {
                Some(v) => s.push_str(&format!(
                    "ただし、{}か月・割引率{}で評価するとNPVは{}となり、結論が逆転します。",
                    v.outcome.horizon_months,
                    fraction_pct(v.outcome.discount_rate),
                    amount(c, v.outcome.npv)
                )),
                None => s.push_str(&format!(
                    "{}か月、割引率{}のいずれで評価しても結論は変わりません。",
                    horizons.join("・"),
                    rates.join("と")
                )),
            }
            s.push_str(if invest {
                "結論：実施を推奨します。"
            } else {
                "結論：この数字では実施を推奨しません。"
            });
            s
        }
    }
}

/// A score for sentences: whole numbers as they are, others to two places.
pub(crate) fn score_text(score: Decimal) -> String {
    if score.fract().is_zero() {
        group(score, 0)
    } else {
        ratio(score)
    }
}

fn list(names: &[String], lang: Lang) -> String {
    let quoted: Vec<String> = names
        .iter()
        .map(|n| match lang {
            Lang::En => format!("\"{n}\""),
            Lang::Ja => format!("「{n}」"),
        })
        .collect();
    match lang {
        Lang::Ja => quoted.join("、"),
        Lang::En => match quoted.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        },
    }
}

/// The plan's executive summary.
pub(crate) fn plan_summary(p: &PlanReport, lang: Lang) -> String {
    let c = p.currency.as_str();
    let n = p.initiatives.len();
    let h = p.horizon_months;
    let rate = fraction_pct(p.discount_rate);
    let paying = p
        .initiatives
        .iter()
        .filter(|i| i.payback_month.is_some())
        .count();
    let positive = p
        .initiatives
        .iter()
        .filter(|i| i.npv > Decimal::ZERO)
        .count();
    let Some(top) = p.initiatives.first() else {
        return match lang {
            Lang::En => "The file has no initiatives to rank.".to_owned(),
            Lang::Ja => "順位付けする施策がありません。".to_owned(),
        };
    };
    let mode = match p.mode {
        crate::ice::ScoreMode::Ice => "ICE (I × C × E)",
        crate::ice::ScoreMode::IceMean => "ICE mean ((I + C + E) ÷ 3)",
        crate::ice::ScoreMode::Rice => "RICE",
    };
    let ltv = top.model_ltv_change_pct.unwrap_or_default();
    let disagree: Vec<String> = p.disagreements.clone();
    match lang {
        Lang::En => {
            let mut s = format!(
                "{n} initiative{} ranked by {mode}. First: \"{}\" ({}), score {}; the model gives LTV {} ({} → {}), ",
                if n == 1 { "" } else { "s" },
                top.name,
                top.team,
                score_text(top.score),
                crate::wording::signed_pct(ltv),
                amount(c, top.model_ltv_before),
                amount(c, top.model_ltv_after),
            );
            match top.payback_month {
                Some(m) => s.push_str(&format!("payback in month {m}")),
                None => s.push_str(&format!("no payback within {h} months")),
            }
            s.push_str(&format!(
                " and an NPV of {} at {rate} a year. ",
                amount(c, top.npv)
            ));
            s.push_str(&format!(
                "{paying} of {n} pay back within {h} months; {positive} have a positive NPV. "
            ));
            if p.has_ranges {
                if p.stays_on_top.is_empty() {
                    s.push_str(&format!(
                        "No initiative stays in the top {} across the low, likely and high estimates: the order depends on the ranges. ",
                        p.top_n
                    ));
                } else {
                    s.push_str(&format!(
                        "{} stay{} in the top {} across the low, likely and high estimates. ",
                        list(&p.stays_on_top, lang),
                        if p.stays_on_top.len() == 1 { "s" } else { "" },
                        p.top_n
                    ));
                }
            }
            if disagree.is_empty() {
                s.push_str("Subjective Impact and the model broadly agree.");
            } else {
                s.push_str(&format!(
                    "Check the Impact scores of {}: the model ranks their effect very differently.",
                    list(&disagree, lang)
                ));
            }
            s
        }
        Lang::Ja => {
            let mut s = format!(
                "{n}件の施策を{mode}で順位付けしました。1位は「{}」（{}）でスコアは{}、モデル上のLTVは{}（{}→{}）、",
                top.name,
                team_ja(&top.team),
                score_text(top.score),
                crate::wording::signed_pct(ltv),
                amount(c, top.model_ltv_before),
                amount(c, top.model_ltv_after),
            );
            match top.payback_month {
                Some(m) => s.push_str(&format!("{m}か月目に投資を回収し")),
                None => s.push_str(&format!("{h}か月以内には投資を回収できず")),
            }
            s.push_str(&format!(
                "、NPV（年率{rate}で割引）は{}です。",
                amount(c, top.npv)
            ));
            s.push_str(&format!(
                "{n}件中{paying}件が{h}か月以内に投資を回収し、{positive}件のNPVがプラスです。"
            ));
            if p.has_ranges {
                if p.stays_on_top.is_empty() {
                    s.push_str(&format!(
                        "悲観・標準・楽観のいずれでも上位{}位に残る施策はなく、順位は見積もりの幅に左右されます。",
                        p.top_n
                    ));
                } else {
                    s.push_str(&format!(
                        "悲観・標準・楽観のいずれの見積もりでも{}は上位{}位に残ります。",
                        list(&p.stays_on_top, lang),
                        p.top_n
                    ));
                }
            }
            if disagree.is_empty() {
                s.push_str("主観的なImpactとモデルの評価はおおむね一致しています。");
            } else {
                s.push_str(&format!(
                    "{}はモデルの評価と主観的なImpactが大きく食い違っているため、スコアを見直してください。",
                    list(&disagree, lang)
                ));
            }
            s
        }
    }
}

fn team_ja(team: &crate::team::Team) -> String {
    use crate::team::Team;
    match team {
        Team::Marketing => "マーケティング".to_owned(),
        Team::Sales => "営業".to_owned(),
        Team::CustomerSuccess => "カスタマーサクセス".to_owned(),
        Team::Product => "プロダクト".to_owned(),
        Team::Executive => "経営".to_owned(),
        Team::Other(s) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn move_phrases() {
        assert_eq!(
            move_phrase(Driver::Churn, d("0.05"), d("0.04"), "¥", Lang::En),
            "cutting monthly churn by 1 point (5.0% → 4.0%)"
        );
        assert_eq!(
            move_phrase(Driver::Churn, d("0.05"), d("0.04"), "¥", Lang::Ja),
            "月次解約率を1ポイント下げる（5.0%→4.0%）"
        );
        assert_eq!(
            move_phrase(Driver::Arpu, d("10000"), d("10500"), "$", Lang::En),
            "raising ARPU by 5.0% ($10,000 → $10,500)"
        );
        assert_eq!(
            move_phrase(Driver::Frequency, d("4"), d("4.4"), "", Lang::Ja),
            "購入頻度を10.0%上げる（年4回→年4.40回）"
        );
    }
}
