//! `ltv health`: flags → `ltv_health::HealthOptions`, the files opened, one call to
//! `ltv_health::health`, the report rendered as text, JSON or CSV.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use ltv_core::present::{money, percent};
use ltv_core::Decimal;
use ltv_health::{
    health_with_progress, Band, CustomerHealth, Discrimination, HealthError, HealthOptions,
    HealthReport, Lang, OutcomeFile, OutcomeKind, Role,
};
use ltv_segments::{CsvFile, SegmentsError};

use crate::args::{HealthArgs, LangArg, TableFormat};
use crate::commands::{csv_out, load};
use crate::error;
use crate::output::{self, KvTable, Table};

pub fn run(args: &HealthArgs, out: &mut dyn Write) -> Result<()> {
    let options = options(args);
    let usage = CsvFile::open(&args.usage, args.delimiter).map_err(segments_error)?;
    let outcomes = match (&args.mrr, &args.churned) {
        (Some(path), _) => Some(OutcomeFile::Mrr(
            CsvFile::open(path, args.delimiter).map_err(segments_error)?,
        )),
        (None, Some(path)) => Some(OutcomeFile::Churned(
            CsvFile::open(path, args.delimiter).map_err(segments_error)?,
        )),
        (None, None) => None,
    };
    // a progress line while the files are read, on a terminal
    let terminal = std::io::stderr().is_terminal();
    let progress = terminal.then_some(load::progress as fn(u64, u64));
    let report = health_with_progress(&usage, outcomes.as_ref(), &options, progress);
    if terminal {
        eprint!("\r\x1b[K");
    }
    let report = report.map_err(health_error)?;
    drop((usage, outcomes));
    match args.format.format {
        TableFormat::Json => output::write(out, &output::json(&report)?),
        TableFormat::Text => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            output::write(out, &text(&report, args.top))
        }
        TableFormat::Csv => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            csv(&report, out)
        }
    }
}

/// The flags as the library's options.
fn options(args: &HealthArgs) -> HealthOptions {
    let mut o = HealthOptions::new(args.as_of);
    o.horizon_months = args.horizon_months;
    o.backtest = args.backtest;
    o.history_months = args.history_months;
    o.lang = match args.lang {
        LangArg::En => Lang::En,
        LangArg::Ja => Lang::Ja,
    };
    o.usage_metrics = args.usage_metrics.clone();
    o.tickets_metric = args.tickets_metric.clone();
    o.nps_metric = args.nps_metric.clone();
    o.failed_payments_metric = args.failed_payments_metric.clone();
    o.customer_col = args.customer_col.clone();
    o.date_col = args.date_col.clone();
    o.metric_col = args.metric_col.clone();
    o.value_col = args.value_col.clone();
    o.segment_col = args.segment_col.clone();
    o.churn_date_col = args.churn_date_col.clone();
    o.date_format = args.date_format.clone();
    o.delimiter = args.delimiter;
    o.skip_invalid = args.skip_invalid;
    o
}

/// A reading error whose option names become flags (`customer_col` → `--customer-col`).
fn segments_error(err: SegmentsError) -> anyhow::Error {
    match err {
        SegmentsError::UnknownColumn {
            file,
            column,
            flag,
            available,
        } => anyhow::anyhow!(
            "{file}: no column '{column}' (set by {}); the header has: {available}",
            error::flag(&flag)
        ),
        other => error::segments(other),
    }
}

/// A library error phrased in terms of the flags.
fn health_error(err: HealthError) -> anyhow::Error {
    match err {
        HealthError::InvalidOption {
            field,
            value,
            allowed,
        } => error::out_of_range(field, &allowed, value),
        HealthError::UnknownMetric {
            file,
            metric,
            field,
            available,
        } => anyhow::anyhow!(
            "{file}: no metric '{metric}' (set by {}); the file has: {available}",
            error::flag(field)
        ),
        HealthError::Segments(e) => segments_error(e),
        HealthError::Saas(ltv_saas::SaasError::Data(e)) => segments_error(e),
        other => anyhow::Error::new(other),
    }
}

fn t<'a>(lang: Lang, en: &'a str, ja: &'a str) -> &'a str {
    lang.pick(en, ja)
}

fn dec(x: f64) -> Decimal {
    Decimal::try_from(x).unwrap_or_default()
}

fn pct(x: f64) -> String {
    percent(dec(x))
}

fn count(n: impl Into<u64>) -> String {
    ltv_core::present::group(Decimal::from(n.into()), 0)
}

fn text(r: &HealthReport, top: usize) -> String {
    let lang = r.lang;
    let mut s = String::new();
    s.push_str(&match lang {
        Lang::En => format!(
            "Customer health, {} (as of {}; churn within {} months)\n",
            r.scored_month, r.as_of, r.horizon_months
        ),
        Lang::Ja => format!(
            "顧客ヘルススコア {}（基準日 {}、{}か月以内の解約）\n",
            r.scored_month, r.as_of, r.horizon_months
        ),
    });
    s.push_str(&format!(
        "{}{}\n",
        t(lang, "Weights: ", "重み："),
        r.model.note
    ));
    if let Some(tr) = &r.model.training {
        s.push_str(&match lang {
            Lang::En => format!(
                "Base rate: {} of customer-months were followed by churn within {} months\n",
                pct(tr.base_rate),
                r.horizon_months
            ),
            Lang::Ja => format!(
                "基準率：顧客月の {} が {}か月以内に解約\n",
                pct(tr.base_rate),
                r.horizon_months
            ),
        });
    }

    let sm = &r.summary;
    let mut kv = KvTable::new(format!("\n{}", t(lang, "Summary", "概要")));
    let share = |n: usize| {
        if sm.customers == 0 {
            String::new()
        } else {
            pct(n as f64 / sm.customers as f64)
        }
    };
    kv.row(
        t(lang, "customers scored", "スコア対象の顧客"),
        count(sm.customers as u64),
    )
    .note(
        Band::Healthy.label(lang),
        count(sm.healthy as u64),
        share(sm.healthy),
    )
    .note(
        Band::Watch.label(lang),
        count(sm.watch as u64),
        share(sm.watch),
    )
    .note(
        Band::AtRisk.label(lang),
        count(sm.at_risk as u64),
        share(sm.at_risk),
    );
    if let (Some(total), Some(at_risk), Some(watch)) = (sm.mrr, sm.mrr_at_risk, sm.mrr_watch) {
        kv.row(t(lang, "MRR", "MRR"), money(total))
            .row(t(lang, "MRR at risk", "解約リスクのMRR"), money(at_risk))
            .row(t(lang, "MRR to watch", "要注意のMRR"), money(watch));
    }
    if let Some(e) = sm.expected_churns {
        kv.row(
            match lang {
                Lang::En => format!("expected churns in {} months", r.horizon_months),
                Lang::Ja => format!("{}か月の解約見込み数", r.horizon_months),
            },
            money(dec(e)),
        );
    }
    if let Some(loss) = sm.expected_mrr_loss {
        kv.row(
            t(lang, "expected MRR lost", "失われるMRRの見込み"),
            money(loss),
        );
    }
    s.push_str(&kv.render());

    let flagged: Vec<CustomerHealth> = r
        .customers
        .iter()
        .filter(|c| c.band != Band::Healthy)
        .collect();
    if flagged.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            t(
                lang,
                "No customer at risk or to watch.",
                "解約リスク・要注意の顧客はいません。"
            )
        ));
    } else {
        let shown = flagged.len().min(top);
        s.push_str(&match lang {
            Lang::En => format!(
                "\nAt risk and to watch, biggest MRR first ({shown} of {}; --format csv lists every customer)\n",
                flagged.len()
            ),
            Lang::Ja => format!(
                "\n解約リスク・要注意（MRRの大きい順、{} 件中 {shown} 件、全顧客は --format csv）\n",
                flagged.len()
            ),
        });
        let mut table = Table::new([
            t(lang, "customer", "顧客"),
            t(lang, "score", "スコア"),
            t(lang, "band", "区分"),
            t(lang, "churn", "解約確率"),
            "MRR",
            t(lang, "reasons", "理由"),
        ])
        .left_aligned(2)
        .left_aligned(5);
        for c in flagged.iter().take(top) {
            table.push([
                c.customer_id.clone(),
                c.score.to_string(),
                c.band.label(lang).to_owned(),
                c.churn_probability.map_or_else(|| "–".to_owned(), pct),
                c.mrr.map_or_else(|| "–".to_owned(), money),
                c.reasons
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ]);
        }
        s.push_str(&table.render());
    }

    if !r.model.weights.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            t(
                lang,
                "What moves the score (learned weight: log-odds of churn per standard deviation; + riskier)",
                "スコアを動かす要因（学習した重み：標準偏差あたりの解約の対数オッズ、＋はリスク増）"
            )
        ));
        let mut table = Table::new([t(lang, "feature", "要因"), t(lang, "weight", "重み")]);
        for w in &r.model.weights {
            table.push([w.label.clone(), format!("{:+.2}", w.weight)]);
        }
        s.push_str(&table.render());
    }
    if !r.model.components.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            t(
                lang,
                "Default weights (a weighted mean of component scores 0–100)",
                "既定の重み（各要素スコア0〜100の加重平均）"
            )
        ));
        let mut table = Table::new([t(lang, "component", "要素"), t(lang, "weight", "重み")]);
        for c in &r.model.components {
            table.push([c.label.clone(), format!("{}", c.weight)]);
        }
        s.push_str(&table.render());
    }

    if let Some(b) = &r.backtest {
        s.push_str(&match lang {
            Lang::En => format!(
                "\nBacktest: {} scored with weights learned up to {}; {} of {} customers churned within {} months\n",
                b.month,
                b.trained_to,
                count(b.churned as u64),
                count(b.customers as u64),
                r.horizon_months
            ),
            Lang::Ja => format!(
                "\nバックテスト：{} 時点を {} までで学習した重みで採点、{} 件中 {} 件が {}か月以内に解約\n",
                b.month,
                b.trained_to,
                count(b.customers as u64),
                count(b.churned as u64),
                r.horizon_months
            ),
        });
        let mut table = Table::new([
            "",
            t(lang, "learned", "学習済み"),
            t(lang, "default weights", "既定の重み"),
            t(lang, "naive: usage fell", "単純：利用減"),
        ]);
        let all: [&Discrimination; 3] = [&b.learned, &b.default_weights, &b.naive];
        table.push(
            std::iter::once("AUC".to_owned()).chain(all.iter().map(|d| format!("{:.2}", d.auc))),
        );
        table.push(
            std::iter::once(t(lang, "± 2 standard errors", "± 標準誤差×2").to_owned())
                .chain(all.iter().map(|d| format!("{:.2}", 2.0 * d.auc_se))),
        );
        table.push(
            std::iter::once(t(lang, "lift, riskiest 10 %", "リフト（上位10 %）").to_owned())
                .chain(all.iter().map(|d| format!("{:.2}", d.lift_top_decile))),
        );
        s.push_str(&table.render());
        s.push_str(&format!("{}\n", b.verdict));
        s.push_str(&format!(
            "\n{}\n",
            t(
                lang,
                "Calibration (ten equal bins by predicted churn)",
                "キャリブレーション（予測解約確率で10等分）"
            )
        ));
        let mut table = Table::new([
            t(lang, "bin", "区分"),
            t(lang, "customers", "顧客数"),
            t(lang, "predicted", "予測"),
            t(lang, "observed", "実績"),
        ]);
        for (i, bin) in b.calibration.iter().enumerate() {
            table.push([
                (i + 1).to_string(),
                count(bin.customers as u64),
                pct(bin.predicted),
                pct(bin.observed),
            ]);
        }
        s.push_str(&table.render());
    }

    if let Some(n) = &r.nps {
        let o = &n.overall;
        let score = |v: Option<Decimal>| {
            v.map_or_else(
                || "–".to_owned(),
                |v| {
                    let shown = ltv_core::present::group(v, 1);
                    if v > Decimal::ZERO {
                        format!("+{shown}")
                    } else {
                        shown
                    }
                },
            )
        };
        s.push_str(&match lang {
            Lang::En => format!(
                "\nNPS ({}): {} (answers {}: promoters {}, passives {}, detractors {})\n",
                n.metric,
                score(o.nps),
                count(o.responses),
                count(o.promoters),
                count(o.passives),
                count(o.detractors)
            ),
            Lang::Ja => format!(
                "\nNPS（{}）：{}（回答 {} 件：推奨者 {}、中立者 {}、批判者 {}）\n",
                n.metric,
                score(o.nps),
                count(o.responses),
                count(o.promoters),
                count(o.passives),
                count(o.detractors)
            ),
        });
        let header = |first: &str| {
            Table::new([
                first.to_owned(),
                t(lang, "answers", "回答").to_owned(),
                t(lang, "promoters", "推奨者").to_owned(),
                t(lang, "passives", "中立者").to_owned(),
                t(lang, "detractors", "批判者").to_owned(),
                "NPS".to_owned(),
            ])
        };
        let mut table = header(t(lang, "month", "月"));
        for m in &n.by_month {
            let x = &m.score;
            table.push([
                m.month.to_string(),
                count(x.responses),
                count(x.promoters),
                count(x.passives),
                count(x.detractors),
                score(x.nps),
            ]);
        }
        s.push_str(&table.render());
        if !n.by_segment.is_empty() {
            let mut table = header(t(lang, "segment", "セグメント"));
            for g in &n.by_segment {
                let x = &g.score;
                table.push([
                    g.segment.clone(),
                    count(x.responses),
                    count(x.promoters),
                    count(x.passives),
                    count(x.detractors),
                    score(x.nps),
                ]);
            }
            s.push('\n');
            s.push_str(&table.render());
        }
    }

    let u = &r.data.usage;
    let metrics: Vec<String> = u
        .metrics
        .iter()
        .map(|m| {
            let role = match m.role {
                Role::Usage => t(lang, "usage", "利用"),
                Role::Tickets => t(lang, "tickets", "問い合わせ"),
                Role::Nps => "NPS",
                Role::FailedPayments => t(lang, "failed payments", "決済失敗"),
                Role::NotUsed => t(lang, "not used", "未使用"),
            };
            format!("{} ({role})", m.name)
        })
        .collect();
    s.push_str(&match lang {
        Lang::En => format!(
            "\nData: {}: {} rows, {} used, {} to {}, {} customers; metrics: {}\n",
            u.file,
            count(u.rows),
            count(u.rows_used),
            u.first_month,
            u.scored_month,
            count(u.customers as u64),
            metrics.join(", ")
        ),
        Lang::Ja => format!(
            "\nデータ：{}：{} 行（使用 {} 行）、{}〜{}、顧客 {} 件、指標：{}\n",
            u.file,
            count(u.rows),
            count(u.rows_used),
            u.first_month,
            u.scored_month,
            count(u.customers as u64),
            metrics.join("、")
        ),
    });
    let o = &r.data.outcomes;
    s.push_str(&match (o.kind, lang) {
        (OutcomeKind::UsageOnly, Lang::En) => {
            "Outcomes: none (a customer is current with usage in the month or the two before)\n"
                .to_owned()
        }
        (OutcomeKind::UsageOnly, Lang::Ja) => {
            "結果データ：なし（当月または前2か月に利用がある顧客を現在の顧客とみなします）\n"
                .to_owned()
        }
        (kind, Lang::En) => format!(
            "Outcomes: {} ({}), {} customers\n",
            o.file.as_deref().unwrap_or(""),
            if kind == OutcomeKind::Mrr {
                "MRR"
            } else {
                "churn dates"
            },
            count(o.customers as u64)
        ),
        (kind, Lang::Ja) => format!(
            "結果データ：{}（{}）、顧客 {} 件\n",
            o.file.as_deref().unwrap_or(""),
            if kind == OutcomeKind::Mrr {
                "MRR"
            } else {
                "解約日"
            },
            count(o.customers as u64)
        ),
    });
    s
}

fn csv(r: &HealthReport, out: &mut dyn Write) -> Result<()> {
    out.write_all(b"customer_id,score,band,churn_probability,reason_1,reason_2,reason_3,mrr\n")?;
    // rows are put in words and formatted in parallel, in order, without allocating
    // per row
    csv_out::write_rows(out, r.customers.len(), |i, buf| {
        let Some(c) = r.customers.row(i) else {
            return;
        };
        csv_out::push_field(buf, c.customer_id());
        buf.push(b',');
        csv_out::push_int(buf, c.score());
        buf.push(b',');
        buf.extend_from_slice(
            match c.band() {
                Band::Healthy => "healthy",
                Band::Watch => "watch",
                Band::AtRisk => "at_risk",
            }
            .as_bytes(),
        );
        buf.push(b',');
        if let Some(p) = c.churn_probability() {
            use std::io::Write as _;
            let _ = write!(buf, "{p}");
        }
        let mut text = String::new();
        for k in 0..3 {
            buf.push(b',');
            text.clear();
            if c.write_reason(k, &mut text) {
                csv_out::push_field(buf, &text);
            }
        }
        buf.push(b',');
        if let Some(m) = c.mrr() {
            csv_out::push_decimal(buf, m);
        }
        buf.push(b'\n');
    })?;
    out.flush()?;
    Ok(())
}
