//! `ltv plan`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, money};
use ltv_planner::{plan, Lang, PlanOptions, PlanReport, PlannedInitiative, ScoreMode};

use crate::args::{LangArg, ModeArg, PlanArgs, PlanFormat};
use crate::commands::levers::signed;
use crate::commands::plan_file;
use crate::output::{self, Table};
use ltv_core::present::percent;

pub fn run(args: &PlanArgs, out: &mut dyn Write) -> Result<()> {
    let file = plan_file::load(&args.file, args.baseline.as_deref())?;
    let data = args.data.as_deref().map(|f| plan_file::Data {
        file: f,
        read: &args.read,
        cac: args.measure.cac.as_deref(),
        options: args.measure.options(),
    });
    let file = plan_file::with_data(&args.file, file, data)?;
    let options = PlanOptions {
        mode: match args.mode {
            ModeArg::Ice => ScoreMode::Ice,
            ModeArg::IceMean => ScoreMode::IceMean,
            ModeArg::Rice => ScoreMode::Rice,
        },
        horizon_months: args.horizon_months,
        discount_rate: args.discount_rate,
        lang: lang(args.lang),
    };
    let report = plan(&file, &options).map_err(|e| plan_file::error(&args.file, e))?;
    let text = match args.format {
        PlanFormat::Json => output::json(&report)?,
        PlanFormat::Text => render_text(&report),
        PlanFormat::Md => render_md(&report),
    };
    output::write(out, &text)
}

pub fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::En => Lang::En,
        LangArg::Ja => Lang::Ja,
    }
}

fn score(v: ltv_core::Decimal) -> String {
    if v.fract().is_zero() {
        group(v, 0)
    } else {
        money(v)
    }
}

fn ice(i: &PlannedInitiative) -> String {
    match &i.ice {
        Some(s) => format!(
            "{}/{}/{}",
            group(s.impact.mean, 1),
            group(s.confidence.mean, 1),
            group(s.ease.mean, 1)
        ),
        None => "-".to_owned(),
    }
}

fn raters(i: &PlannedInitiative) -> String {
    match &i.ice {
        Some(s) if s.raters > 1 => {
            let spread = s.impact.spread.max(s.confidence.spread).max(s.ease.spread);
            format!("{} (±{})", s.raters, group(spread, 1))
        }
        Some(s) => s.raters.to_string(),
        None => "-".to_owned(),
    }
}

fn payback(i: &PlannedInitiative, lang: Lang) -> String {
    match (i.payback_month, lang) {
        (Some(m), Lang::En) => format!("month {m}"),
        (Some(m), Lang::Ja) => format!("{m}か月目"),
        (None, Lang::En) => "never".to_owned(),
        (None, Lang::Ja) => "回収せず".to_owned(),
    }
}

fn flags(i: &PlannedInitiative, lang: Lang) -> String {
    let mut f = Vec::new();
    let (subjective, model) = (i.subjective_impact_rank.unwrap_or(0), i.model_impact_rank);
    if i.disagreement {
        f.push(match lang {
            Lang::En => format!("impact? (yours #{subjective}, model #{model})"),
            Lang::Ja => format!("Impact要確認（主観{subjective}位、モデル{model}位）"),
        });
    }
    if i.verdict_flips {
        f.push(match lang {
            Lang::En => "horizon-sensitive".to_owned(),
            Lang::Ja => "期間で結論が変わる".to_owned(),
        });
    }
    f.join(if lang == Lang::En { "; " } else { "、" })
}

fn row(i: &PlannedInitiative, lang: Lang) -> Vec<String> {
    vec![
        i.rank.to_string(),
        i.name.clone(),
        i.team.to_string(),
        score(i.score),
        ice(i),
        raters(i),
        format!("{} {}", i.driver, i.change),
        i.model_ltv_change_pct
            .map(signed)
            .unwrap_or_else(|| "-".into()),
        money(i.model_profit_change),
        money(i.total_cost),
        payback(i, lang),
        i.roi.map(percent).unwrap_or_else(|| "-".into()),
        money(i.npv),
        format!("{}/{}/{}", i.rank_low, i.rank, i.rank_high),
        flags(i, lang),
    ]
}

const HEADER: [&str; 15] = [
    "#",
    "initiative",
    "team",
    "score",
    "I/C/E",
    "raters",
    "move",
    "LTV change",
    "contribution",
    "cost",
    "payback",
    "ROI",
    "NPV",
    "rank low/likely/high",
    "flags",
];

fn notes(r: &PlanReport) -> String {
    let mut s = format!("score: {}\n", r.score_formula);
    s.push_str(&format!("ties: {}\n", r.tie_order));
    s.push_str(&format!(
        "money: contribution, cost, ROI and NPV over {} months; NPV at {} a year, {}\n",
        r.horizon_months,
        percent(r.discount_rate),
        r.npv_convention
    ));
    if r.has_ranges {
        s.push_str(&format!(
            "ranges: in the top {} in the low, likely and high cases: {}\n",
            r.top_n,
            if r.stays_on_top.is_empty() {
                "none".to_owned()
            } else {
                r.stays_on_top.join(", ")
            }
        ));
    }
    s.push_str(
        "impact?: subjective Impact and the model's contribution are at least half the list apart\n",
    );
    s
}

/// Column headings of the Markdown table in Japanese.
const HEADER_JA: [&str; 15] = [
    "順位",
    "施策",
    "担当",
    "スコア",
    "I/C/E",
    "評価者数",
    "変化",
    "LTV変化",
    "貢献利益",
    "費用",
    "投資回収",
    "ROI",
    "NPV",
    "順位（悲観/標準/楽観）",
    "注意",
];

fn notes_ja(r: &PlanReport) -> String {
    let mut s = format!("スコア：{}\n", r.score_formula);
    s.push_str(
        "同点の順序：スコア、NPV（高い順）、初期費用＋年間費用（低い順）、名前、ファイル内の順\n",
    );
    s.push_str(&format!(
        "金額：貢献利益・費用・ROI・NPVは{}か月の合計。NPVは年率{}で割引（初期費用は0か月目に割引なしで計上、t か月目のキャッシュフローは (1 + 年率)^(-t/12) で割引）\n",
        r.horizon_months,
        percent(r.discount_rate)
    ));
    if r.has_ranges {
        s.push_str(&format!(
            "見積もりの幅：悲観・標準・楽観のいずれでも上位{}位に残る施策：{}\n",
            r.top_n,
            if r.stays_on_top.is_empty() {
                "なし".to_owned()
            } else {
                r.stays_on_top.join("、")
            }
        ));
    }
    s.push_str("Impact要確認：主観的なImpactの順位とモデルの貢献利益の順位が一覧の半分以上離れている施策\n");
    s
}

fn render_text(r: &PlanReport) -> String {
    let mut t = Table::new(HEADER);
    for i in &r.initiatives {
        t.push(row(i, Lang::En));
    }
    format!("{}\n{}\n{}\n", t.render(), notes(r), r.summary)
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The Markdown table; headings, payback and flags follow `--lang`.
fn render_md(r: &PlanReport) -> String {
    let header = match r.lang {
        Lang::En => HEADER,
        Lang::Ja => HEADER_JA,
    };
    let mut s = format!("| {} |\n", header.join(" | "));
    s.push_str(&format!(
        "|{}\n",
        HEADER
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 1 || i == 2 || i == 6 || i == 14 {
                "---|"
            } else {
                "---:|"
            })
            .collect::<String>()
    ));
    for i in &r.initiatives {
        let cells: Vec<String> = row(i, r.lang).iter().map(|c| md_cell(c)).collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s.push('\n');
    let notes = match r.lang {
        Lang::En => notes(r),
        Lang::Ja => notes_ja(r),
    };
    for line in notes.lines() {
        s.push_str(&format!("- {}\n", md_cell(line)));
    }
    s.push_str(&format!("\n{}\n", r.summary));
    s
}
