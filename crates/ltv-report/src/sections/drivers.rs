//! Section 2, the bottleneck: each driver brought to the bar that the business's best
//! channels or cohorts already reach, ranked by the effect on LTV/CAC (or LTV), with
//! the evidence; the standard-step sensitivity follows as a secondary table.

use ltv_core::Lang;
use ltv_planner::{Achievable, Across, BottleneckDriver, RankedBy};

use super::{lossy, Context, Facts};
use crate::charts::{self, Bar};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;

fn across(ctx: &Context, a: Across) -> &'static str {
    match a {
        Across::Channels => ctx.lang.pick("channels", "チャネル間"),
        Across::Cohorts => ctx.lang.pick("cohorts", "コホート間"),
    }
}

/// A driver value in its unit.
fn value(ctx: &Context, driver: BottleneckDriver, v: ltv_core::Decimal) -> String {
    match driver {
        BottleneckDriver::Churn | BottleneckDriver::RepeatRate | BottleneckDriver::Margin => {
            ctx.pct(v)
        }
        BottleneckDriver::Frequency => match ctx.lang {
            Lang::En => format!("{}/year", ctx.num(v, 2)),
            Lang::Ja => format!("年 {} 回", ctx.num(v, 2)),
        },
        BottleneckDriver::Aov | BottleneckDriver::Cac => ctx.money(v),
    }
}

fn label(ctx: &Context, a: &Achievable) -> String {
    match ctx.lang {
        Lang::En => format!("{} ({})", a.driver.label(ctx.lang), across(ctx, a.across)),
        Lang::Ja => format!("{}（{}）", a.driver.label(ctx.lang), across(ctx, a.across)),
    }
}

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the baseline cannot be measured.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let data = &facts.data;
    let b = facts.bottleneck.as_ref().ok_or_else(|| {
        ReportError::Unavailable(data.unavailable.get("drivers").cloned().unwrap_or_default())
    })?;
    let by_ratio = b.ranked_by == RankedBy::LtvCacRatio;
    let mut s = Section {
        lead: ctx
            .t(
                "A product formula gives every driver the same elasticity, so a fixed step only ranks the step sizes. Here each driver is compared across your own channels and cohorts: the bar is what the best quarter of them already reach, and the achievable value is the overall driver if every group behind the bar reached it. The longest bar is the bottleneck.",
                "積の形の計算式ではどのドライバーも弾力性が同じなので、一律の変化幅では幅の大小しか比べられません。ここでは各ドライバーを自社のチャネル・コホート間で比較し、上位 4 分の 1 が既に達成している値を基準とし、基準に届かないグループがすべて基準に達した場合の全体の値を「達成可能値」としています。最も長い棒がボトルネックです。",
            )
            .into(),
        ..Section::default()
    };
    let change = |a: &Achievable| {
        if by_ratio {
            a.ltv_cac_change_pct.unwrap_or_default()
        } else {
            a.ltv_change_pct
        }
    };
    let bars: Vec<Bar> = b
        .drivers
        .iter()
        .map(|a| Bar {
            label: label(ctx, a),
            value: lossy(change(a)),
        })
        .collect();
    s.charts.push(Chart {
        title: "bottleneck".into(),
        svg: charts::bar_chart(
            if by_ratio {
                ctx.t(
                    "LTV/CAC change if every group reached the bar",
                    "全グループが基準に達した場合の LTV/CAC の変化",
                )
            } else {
                ctx.t(
                    "LTV change if every group reached the bar",
                    "全グループが基準に達した場合の LTV の変化",
                )
            },
            if by_ratio {
                ctx.t("LTV/CAC change (%)", "LTV/CAC の変化 (%)")
            } else {
                ctx.t("LTV change (%)", "LTV の変化 (%)")
            },
            &bars,
        )?,
    });
    if let Some(top) = b.drivers.first() {
        s.figures.push(
            Figure::new(ctx.t("the bottleneck", "ボトルネック"), label(ctx, top))
                .note(top.evidence.clone()),
        );
        let effect = match (top.ltv_cac_before, top.ltv_cac_after) {
            (Some(before), Some(after)) => Figure::new(
                ctx.t(
                    "LTV/CAC if it reached the bar",
                    "基準に達した場合の LTV/CAC",
                ),
                format!("{} → {}", ctx.num(before, 2), ctx.num(after, 2)),
            )
            .note(match lang {
                Lang::En => format!(
                    "LTV {} → {}",
                    ctx.money(top.ltv_before),
                    ctx.money(top.ltv_after)
                ),
                Lang::Ja => format!(
                    "LTV {} → {}",
                    ctx.money(top.ltv_before),
                    ctx.money(top.ltv_after)
                ),
            }),
            _ => Figure::new(
                ctx.t("LTV if it reached the bar", "基準に達した場合の LTV"),
                format!(
                    "{} → {}",
                    ctx.money(top.ltv_before),
                    ctx.money(top.ltv_after)
                ),
            ),
        };
        s.figures.push(effect);
        s.figures.push(
            Figure::new(
                ctx.t("what to try", "打ち手の例"),
                top.recommendation.clone(),
            )
            .note(match lang {
                Lang::En => format!("{} playbook", data.business.label(lang)),
                Lang::Ja => format!("{} の定石", data.business.label(lang)),
            })
            .class("text"),
        );
    }
    let dash = || "–".to_string();
    let mut header: Vec<String> = [
        "#",
        ctx.t("driver (compared across)", "ドライバー（比較対象）"),
        ctx.t("today", "現在"),
        ctx.t("achievable", "達成可能値"),
        ctx.t("bar (set by)", "基準（達成グループ）"),
        ctx.t("LTV after", "変化後 LTV"),
    ]
    .map(String::from)
    .to_vec();
    if by_ratio {
        header.push(ctx.t("LTV/CAC after", "変化後 LTV/CAC").into());
    }
    header.push(ctx.t("change", "変化率").into());
    header.push(ctx.t("what to try", "打ち手の例").into());
    s.tables.push(Table {
        caption: ctx
            .t(
                "Achievable improvements, ranked",
                "達成可能な改善（順位順）",
            )
            .into(),
        header,
        rows: b
            .drivers
            .iter()
            .map(|a| {
                let mut row = vec![
                    a.rank.to_string(),
                    label(ctx, a),
                    value(ctx, a.driver, a.value_before),
                    value(ctx, a.driver, a.value_after),
                    format!("{} ({})", value(ctx, a.driver, a.bar), a.set_by),
                    ctx.money(a.ltv_after),
                ];
                if by_ratio {
                    row.push(a.ltv_cac_after.map_or_else(dash, |r| ctx.num(r, 2)));
                }
                row.push(format!("{:+}%", ctx.num(change(a), 1)).replace("+-", "-"));
                row.push(a.recommendation.clone());
                row
            })
            .collect(),
    });
    if let Some(sens) = &data.sensitivity {
        let with_ratio = sens.drivers.iter().any(|l| l.ratio_after.is_some());
        let mut header: Vec<String> = [
            ctx.t("standard step", "標準ステップ"),
            ctx.t("LTV after", "変化後 LTV"),
            ctx.t("LTV change", "LTV 変化率"),
        ]
        .map(String::from)
        .to_vec();
        if with_ratio {
            header.push(ctx.t("LTV/CAC after", "変化後 LTV/CAC").into());
        }
        s.tables.push(Table {
            caption: ctx
                .t(
                    "Secondary: standard steps of each driver (the step sizes decide this order)",
                    "参考: 各ドライバーの標準ステップ（順位は変化幅で決まります）",
                )
                .into(),
            header,
            rows: sens
                .drivers
                .iter()
                .map(|l| {
                    let name = match lang {
                        Lang::En => l.driver.label(),
                        Lang::Ja => l.driver.label_ja(),
                    };
                    let mut row = vec![
                        format!("{name} {}", l.change),
                        ctx.money(l.ltv_after),
                        format!("{}%", ctx.num(l.ltv_change_pct, 1)),
                    ];
                    if with_ratio {
                        row.push(l.ratio_after.map_or_else(dash, |r| ctx.num(r, 2)));
                    }
                    row
                })
                .collect(),
        });
    }
    s.notes.push(b.rule.clone());
    s.notes.extend(b.not_assessed_lines(lang));
    Ok(s)
}
