//! Human output of `ltv backlog` (JSON is the store's types, serialised).

use std::fmt::Write as _;

use anyhow::Result;
use ltv_core::present::{group, money, percent};
use ltv_core::Decimal;
use ltv_planner::Estimate;
use ltv_store::{
    show_change, show_value, Assessment, Backlog, BaselineSource, Board, History, ImportReport,
    Measurement, RaterCalibration, Scores, Snapshot, Verdict,
};

use crate::args::TableFormat;
use crate::commands::csv_out::field;
use crate::commands::levers::signed;
use crate::output::{self, KvTable, Table};

fn opt(v: Option<Decimal>, f: impl Fn(Decimal) -> String) -> String {
    v.map_or_else(|| "-".to_owned(), f)
}

fn score(v: Decimal) -> String {
    if v.fract().is_zero() {
        group(v, 0)
    } else {
        money(v)
    }
}

fn estimate(e: &Estimate<Decimal>) -> String {
    match e {
        Estimate::One(v) => score(*v),
        Estimate::Range { low, likely, high } => {
            format!("{}/{}/{}", score(*low), score(*likely), score(*high))
        }
    }
}

/// `ICE 8/6/7` or `RICE 300 × 2 × 0.8 ÷ 4`.
pub fn scores(s: &Scores) -> String {
    match s {
        Scores::Ice {
            impact,
            confidence,
            ease,
        } => format!(
            "ICE {} / {} / {}",
            estimate(impact),
            estimate(confidence),
            estimate(ease)
        ),
        Scores::Rice {
            reach,
            impact,
            confidence,
            effort,
        } => format!(
            "RICE {} × {} × {} ÷ {}",
            score(*reach),
            score(*impact),
            confidence.normalize(),
            score(*effort)
        ),
    }
}

pub fn import(r: &ImportReport) -> String {
    let mut out = format!(
        "imported: {} created, {} updated, {} unchanged, {} rating(s) added\n",
        r.created.len(),
        r.updated.len(),
        r.unchanged.len(),
        r.ratings_added
    );
    for (label, names) in [("created", &r.created), ("updated", &r.updated)] {
        for n in names {
            let _ = writeln!(out, "  {label}: {n}");
        }
    }
    for b in &r.baselines_changed {
        let _ = writeln!(out, "  baseline stored: {b}");
    }
    out
}

fn source(b: &Backlog) -> String {
    match &b.baseline_source {
        BaselineSource::Snapshot { as_of, source, .. } => {
            format!("on the snapshot of {source} as of {as_of}")
        }
        BaselineSource::Imported => "on the imported plan file's baseline".to_owned(),
        BaselineSource::None => {
            "without a baseline (no snapshot, no imported plan file)".to_owned()
        }
    }
}

pub fn list(b: &Backlog, format: TableFormat) -> Result<String> {
    match format {
        TableFormat::Json => output::json(b),
        TableFormat::Csv => Ok(list_csv(b)),
        TableFormat::Text => Ok(list_text(b)),
    }
}

fn list_text(b: &Backlog) -> String {
    let mut out = format!(
        "Backlog ranked by {} {}; {}\n\n",
        b.mode.as_str().to_uppercase(),
        source(b),
        b.score_formula
    );
    if b.entries.is_empty() {
        out.push_str("no initiatives (add some with `ltv backlog add` or `ltv backlog import`)\n");
        return out;
    }
    let mut t = Table::new([
        "# initiative",
        "status",
        "team",
        "move",
        "score",
        "LTV",
        "ROI",
        "payback",
        "NPV",
    ]);
    let mut notes = Vec::new();
    for e in &b.entries {
        let i = &e.initiative;
        let p = e.planned.as_ref();
        t.push([
            format!(
                "{} {}",
                p.map_or_else(|| "-".to_owned(), |p| p.rank.to_string()),
                i.name()
            ),
            i.status.to_string(),
            i.fields.team.to_string(),
            format!("{} {}", i.fields.driver, i.fields.change),
            opt(e.score, score),
            opt(p.and_then(|p| p.model_ltv_change_pct), signed),
            opt(p.and_then(|p| p.roi), percent),
            p.map_or_else(
                || "-".to_owned(),
                |p| {
                    p.payback_month
                        .map_or("never".to_owned(), |m| format!("month {m}"))
                },
            ),
            p.map_or_else(|| "-".to_owned(), |p| money(p.npv)),
        ]);
        if let Some(n) = &e.note {
            notes.push(format!("{}: {n}", i.name()));
        }
    }
    out.push_str(&t.render());
    let _ = write!(
        out,
        "\nModel: LTV change at full effect, ROI and NPV over {} months at {} a year; ties: {}.\n",
        b.horizon_months,
        percent(b.discount_rate),
        b.tie_order
    );
    for n in notes {
        let _ = writeln!(out, "note: {n}");
    }
    if let Some(s) = &b.summary {
        let _ = writeln!(out, "\n{s}");
    }
    out
}

fn list_csv(b: &Backlog) -> String {
    let mut out = String::from(
        "id,rank,name,status,team,driver,change,target,score,model_ltv_change_pct,roi,payback_month,npv,version,note\n",
    );
    let d = |v: Option<Decimal>| v.map(|v| v.to_string()).unwrap_or_default();
    for e in &b.entries {
        let i = &e.initiative;
        let p = e.planned.as_ref();
        let cells = [
            i.id.to_string(),
            p.map(|p| p.rank.to_string()).unwrap_or_default(),
            i.name().to_owned(),
            i.status.to_string(),
            i.fields.team.to_string(),
            i.fields.driver.clone(),
            i.fields.change.to_string(),
            i.fields
                .target
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            d(e.score),
            d(p.and_then(|p| p.model_ltv_change_pct)),
            d(p.and_then(|p| p.roi)),
            p.and_then(|p| p.payback_month)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            d(p.map(|p| p.npv)),
            i.version.to_string(),
            e.note.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| field(c).into_owned()).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

pub fn snapshot(s: &Snapshot) -> String {
    let k = &s.kpis;
    let h = &k.headline;
    let mut t = KvTable::new(format!(
        "Snapshot #{} of {} as of {}",
        s.id, k.source, k.as_of
    ));
    t.row(
        "customers",
        format!("{} ({} active)", h.customers, h.active_customers),
    )
    .row("average order value", money(h.aov))
    .row("orders per year", money(h.orders_per_year))
    .note(
        "monthly churn",
        percent(h.monthly_churn),
        format!("no order for > {} days", h.inactive_days),
    )
    .row("gross margin", h.margin.normalize().to_string())
    .note("LTV", money(h.ltv), format!("basis: {}", h.ltv_basis))
    .row("CAC", opt(h.cac, money))
    .row("LTV/CAC", opt(h.ltv_cac_ratio, money))
    .note(
        "band",
        h.band.map_or("-", |b| b.label(ltv_core::Lang::En)),
        h.band.map_or("", |b| b.meaning()),
    )
    .note("max CAC", money(h.max_cac), "LTV ÷ target LTV/CAC")
    .row("repeat rate", opt(h.repeat_rate, percent))
    .row("new customers per month", money(h.new_customers_per_month));
    let mut out = t.render();
    if !k.channels.is_empty() {
        let mut c = Table::new([
            "channel",
            "customers",
            "LTV",
            "CAC",
            "LTV/CAC",
            "churn",
            "AOV",
            "orders/yr",
        ]);
        for ch in &k.channels {
            c.push([
                ch.channel.clone(),
                ch.customers.to_string(),
                opt(ch.ltv, money),
                opt(ch.cac, money),
                opt(ch.ltv_cac_ratio, money),
                opt(ch.monthly_churn, percent),
                opt(ch.aov, money),
                opt(ch.orders_per_year, money),
            ]);
        }
        out.push('\n');
        out.push_str(&c.render());
    }
    out
}

pub fn measurement(m: &Measurement, ja: bool) -> String {
    let kpi = m.kpi;
    // English and Japanese labels
    let l = |en: &'static str, jp: &'static str| if ja { jp } else { en };
    let target = m.target.as_ref().map(ToString::to_string);
    let title = if ja {
        format!(
            "施策「{}」の効果測定（{}、ドライバー {}、指標 {}{}）",
            m.initiative,
            m.status.label_ja(),
            m.driver,
            kpi.as_str(),
            target.map(|t| format!("、対象 {t}")).unwrap_or_default()
        )
    } else {
        format!(
            "Measurement of \"{}\" ({}; driver {}, measured by {}{})",
            m.initiative,
            m.status,
            m.driver,
            kpi.as_str(),
            target.map(|t| format!(", target {t}")).unwrap_or_default()
        )
    };
    let mut t = KvTable::new(title);
    let point = |p: &Option<ltv_store::Point>| match p {
        Some(p) => format!(
            "{}: {}",
            p.as_of,
            match (p.treated, p.value) {
                (Some(t), _) => format!("{} ({})", show_value(kpi, t), l("channel", "チャネル")),
                (None, Some(v)) => show_value(kpi, v),
                (None, None) => "-".to_owned(),
            }
        ),
        None => "-".to_owned(),
    };
    t.row(l("started", "開始日"), opt_date(m.start_date))
        .row(
            l("full effect from", "効果が出揃う日"),
            opt_date(m.effect_from),
        )
        .row(l("before", "施策前"), point(&m.before))
        .row(l("after", "施策後"), point(&m.after))
        .row(
            l("planned change", "計画した変化"),
            opt(m.planned_change, |v| show_change(kpi, v)),
        )
        .row(
            l("actual change", "実際の変化"),
            opt(m.actual_change, |v| show_change(kpi, v)),
        );
    if let Some(d) = &m.did {
        t.note(
            l("effect (diff-in-diff)", "効果（差分の差分）"),
            show_change(kpi, d.estimate),
            if ja {
                format!(
                    "チャネル {}、他のチャネル {}",
                    show_change(kpi, d.treated_change),
                    show_change(kpi, d.control_change)
                )
            } else {
                format!(
                    "channel {} vs the other channels {}",
                    show_change(kpi, d.treated_change),
                    show_change(kpi, d.control_change)
                )
            },
        );
    }
    t.row(l("share of plan", "計画比"), opt(m.realised_share, percent))
        .row(
            l("usual variation", "通常の変動"),
            opt(m.usual_variation, |v| {
                let v = show_change(kpi, v);
                let v = v.trim_start_matches('+');
                if ja {
                    format!("最大 {v}")
                } else {
                    format!("up to {v}")
                }
            }),
        )
        .row(l("LTV change", "LTV の変化"), opt(m.ltv_change, money))
        .row(
            l("LTV/CAC change", "LTV/CAC の変化"),
            opt(m.ltv_cac_change, money),
        );
    if let Some(r) = &m.roi_so_far {
        let note = match (ja, r.payback_month) {
            (false, Some(p)) => format!("{} months, payback month {p}", r.months),
            (false, None) => format!("{} months, payback not yet", r.months),
            (true, Some(p)) => format!("{} か月、{p} か月目に回収", r.months),
            (true, None) => format!("{} か月、未回収", r.months),
        };
        t.note(l("ROI so far", "これまでの ROI"), opt(r.roi, percent), note);
    }
    t.row(
        l("verdict", "判定"),
        match m.verdict {
            Verdict::Measured => l("measured", "計測済み"),
            Verdict::WithinNoise => l("within the usual variation", "通常の変動の範囲内"),
            Verdict::CannotTellYet => l("cannot tell yet", "まだ判定できません"),
        },
    );
    let mut out = t.render();
    out.push('\n');
    for s in if ja { &m.statements_ja } else { &m.statements } {
        let _ = writeln!(out, "- {s}");
    }
    out
}

fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

pub fn calibration(c: &[RaterCalibration]) -> String {
    if c.is_empty() {
        return "no done initiative can be measured yet, so no rater can be calibrated\n"
            .to_owned();
    }
    let mut t = Table::new(["rater", "done", "confidence", "delivered", "gap", "reading"]);
    for r in c {
        t.push([
            r.rater.clone(),
            r.initiatives.to_string(),
            money(r.mean_confidence),
            percent(r.mean_delivered),
            group(r.gap, 2),
            match r.assessment {
                Assessment::Calibrated => "calibrated",
                Assessment::OverConfident => "over-confident",
                Assessment::UnderConfident => "under-confident",
                Assessment::TooFewToJudge => "too few to judge",
            }
            .to_owned(),
        ]);
    }
    let mut out = t.render();
    out.push_str(
        "\nconfidence: mean Confidence (1–10); delivered: mean share of the planned effect achieved (capped to 0–100%);\ngap = confidence ÷ 10 − delivered (over-confident above +0.15, under-confident below −0.15, judged from 3 done initiatives)\n",
    );
    out
}

pub fn board(b: &Board) -> String {
    let mut out = String::new();
    for col in &b.columns {
        let _ = writeln!(out, "{} ({})", col.status, col.count);
        for team in &col.teams {
            for c in &team.cards {
                let _ = writeln!(
                    out,
                    "  [{}] {}  {} {}  score {}  LTV {}  ROI {}{}",
                    team.team,
                    c.name,
                    c.driver,
                    c.change,
                    opt(c.score, score),
                    opt(c.model_ltv_change_pct, signed),
                    opt(c.roi, percent),
                    c.verdict
                        .map(|v| format!(
                            "  measured: {}",
                            serde_json::to_value(v)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default()
                        ))
                        .unwrap_or_default()
                );
            }
        }
    }
    if !b.trend.is_empty() {
        let mut t = Table::new([
            "as of",
            "customers",
            "LTV",
            "LTV/CAC",
            "churn",
            "AOV",
            "orders/yr",
        ]);
        for p in &b.trend {
            t.push([
                p.as_of.to_string(),
                p.customers.to_string(),
                money(p.ltv),
                opt(p.ltv_cac_ratio, money),
                percent(p.monthly_churn),
                money(p.aov),
                money(p.orders_per_year),
            ]);
        }
        out.push_str("\nKPI trend\n");
        out.push_str(&t.render());
    }
    out
}

pub fn history(h: &History) -> String {
    let i = &h.initiative;
    let mut out = format!(
        "\"{}\" (#{}, {}, version {}): {} change(s), {} rating(s)\n",
        i.name(),
        i.id,
        i.status,
        i.version,
        h.changes.len(),
        h.ratings.len()
    );
    for c in &h.changes {
        let when = c.changed_at.format("%Y-%m-%d %H:%M:%S UTC");
        let what = match c.operation.as_str() {
            "rate" => c
                .after
                .as_ref()
                .and_then(|a| serde_json::from_value::<ltv_store::Rating>(a.clone()).ok())
                .map(|r| format!("{} by {}", scores(&r.scores), r.rater))
                .unwrap_or_default(),
            "create" => "created".to_owned(),
            _ => c
                .changes()
                .iter()
                .map(|f| format!("{}: {} → {}", f.field, show(&f.before), show(&f.after)))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let _ = writeln!(out, "  {when}  {:<8} {:<6} {what}", c.actor, c.operation);
    }
    out
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "-".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
