//! Section 2, LTV drivers and the bottleneck: the LTV change per standard driver move, from
//! ltv-planner's driver sensitivity on the data-driven baseline.

use ltv_planner::{levers, Baseline, EcommerceBaseline};

use super::{lossy, Context, Facts};
use crate::charts::{self, Bar};
use crate::document::{Chart, Figure, Section, Table};
use crate::error::ReportError;
use crate::i18n::{t, Lang};

/// Builds the section.
///
/// # Errors
/// [`ReportError::Unavailable`] when the drivers cannot be measured; planner errors.
pub fn section(ctx: &Context, facts: &Facts<'_>) -> Result<Section, ReportError> {
    let lang = ctx.lang;
    let d = facts
        .drivers
        .as_ref()
        .map_err(|e| ReportError::Unavailable(e.clone()))?;
    let cac = match &facts.cac {
        Some(Ok(c)) => Some(*c),
        _ => None,
    };
    let baseline = Baseline::Ecommerce(EcommerceBaseline {
        aov: d.average_order_value,
        frequency: d.purchase_frequency_per_year,
        lifespan: d.lifespan_years,
        margin: Some(d.margin),
        cac,
        customers: None,
        new_customers_per_month: ltv_core::Decimal::ZERO,
        currency: None,
    });
    let report = levers(&baseline)?;
    let label = |l: &ltv_planner::Lever| {
        let name = match lang {
            Lang::En => l.driver.label(),
            Lang::Ja => l.driver.label_ja(),
        };
        format!("{name} {}", l.change)
    };
    let bars: Vec<Bar> = report
        .drivers
        .iter()
        .map(|l| Bar {
            label: label(l),
            value: lossy(l.ltv_change_pct),
        })
        .collect();
    let mut s = Section {
        lead: t(
            lang,
            "Each driver is moved by a standard step and the LTV recomputed with the same formula; the longest bar is the lever that moves LTV most. With a CAC, drivers are ranked by their effect on LTV/CAC.",
            "各ドライバーを標準的な幅だけ動かし、同じ計算式で LTV を再計算しました。最も長い棒が LTV を最も動かすレバーです。CAC がある場合は LTV/CAC への効果で順位付けします。",
        )
        .to_string(),
        ..Section::default()
    };
    s.charts.push(Chart {
        title: "levers".into(),
        svg: charts::bar_chart(
            t(
                lang,
                "LTV change per standard driver move",
                "標準的なドライバー変化による LTV の変化",
            ),
            t(lang, "LTV change (%)", "LTV の変化 (%)"),
            &bars,
        )?,
    });
    if let Some(top) = report.drivers.first() {
        s.figures.push(
            Figure::new(t(lang, "biggest lever", "最大のレバー"), label(top)).note(match lang {
                Lang::En => format!(
                    "LTV {} → {} ({:+}%)",
                    ctx.money(top.ltv_before),
                    ctx.money(top.ltv_after),
                    ctx.num(top.ltv_change_pct, 1)
                ),
                Lang::Ja => format!(
                    "LTV {} → {}（{}%）",
                    ctx.money(top.ltv_before),
                    ctx.money(top.ltv_after),
                    ctx.num(top.ltv_change_pct, 1)
                ),
            }),
        );
    }
    let with_ratio = report.drivers.iter().any(|l| l.ratio_after.is_some());
    let mut rows = Vec::new();
    for l in &report.drivers {
        let mut row = vec![
            l.rank.to_string(),
            label(l),
            ctx.money(l.ltv_after),
            format!("{}%", ctx.num(l.ltv_change_pct, 1)),
            l.ltv_elasticity
                .map_or_else(|| "–".into(), |e| ctx.num(e, 2)),
        ];
        if with_ratio {
            row.push(l.ratio_after.map_or_else(|| "–".into(), |r| ctx.num(r, 2)));
        }
        rows.push(row);
    }
    let mut header: Vec<String> = [
        "#",
        t(lang, "move", "変化"),
        t(lang, "LTV after", "変化後 LTV"),
        t(lang, "LTV change", "LTV 変化率"),
        t(lang, "elasticity", "弾力性"),
    ]
    .map(String::from)
    .to_vec();
    if with_ratio {
        header.push(t(lang, "LTV/CAC after", "変化後 LTV/CAC").into());
    }
    s.tables.push(Table {
        caption: t(
            lang,
            "Driver sensitivity, ranked",
            "ドライバー感応度（順位順）",
        )
        .into(),
        header,
        rows,
    });
    for skipped in &report.skipped {
        s.notes
            .push(format!("{}: {}", skipped.driver, skipped.reason));
    }
    Ok(s)
}
