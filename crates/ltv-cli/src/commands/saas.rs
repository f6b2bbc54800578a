//! `ltv saas`: read the MRR (or events) file, call `ltv_saas::analyze` or
//! `ltv_saas::cohorts`, render.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{money, percent};
use ltv_core::Decimal;
use ltv_saas::{
    analyze, cohorts, read_events_table, read_mrr, CohortMatrix, EventColumns, EventReadOptions,
    LtvBasis, MonthMetrics, MrrColumns, MrrReadOptions, MrrTable, SaasError, SaasOptions,
    SaasReport,
};
use ltv_segments::{CsvFile, CsvOptions, DateFormat, SkipReport};

use crate::args::{SaasArgs, SaasInput, TableFormat};
use crate::error;
use crate::output::{self, KvTable, Table};

pub fn run(args: &SaasArgs, out: &mut dyn Write) -> Result<()> {
    let (table, skipped) = load(args)?;
    let options = SaasOptions {
        from: args.from,
        to: args.to,
        margin: args.margin,
        churn_window: args.churn_window,
        lifetime_cap: args.lifetime_cap,
    };
    let text = if args.cohorts {
        let mut matrix = cohorts(&table, &options).map_err(saas_error)?;
        matrix.skipped = skipped;
        match args.format.format {
            TableFormat::Json => output::json(&matrix)?,
            TableFormat::Text => cohort_text(&matrix),
            TableFormat::Csv => cohort_csv(&matrix),
        }
    } else {
        let mut report = analyze(&table, &options).map_err(saas_error)?;
        report.skipped = skipped;
        match args.format.format {
            TableFormat::Json => output::json(&report)?,
            TableFormat::Text => report_text(&report),
            TableFormat::Csv => report_csv(&report),
        }
    };
    output::write(out, &text)
}

/// Flags → reader options → the monthly MRR table; skipped rows are reported on stderr.
fn load(args: &SaasArgs) -> Result<(MrrTable, SkipReport)> {
    let file = CsvFile::open_encoded(&args.file, args.delimiter, args.encoding)
        .map_err(error::segments)?;
    let csv = CsvOptions {
        skip_invalid: args.skip_invalid,
        job: Default::default(),
    };
    let (table, skipped) = match args.input {
        SaasInput::Mrr => read_mrr(
            &file,
            &MrrReadOptions {
                columns: MrrColumns {
                    customer: args.customer_col.clone(),
                    month: args.month_col.clone(),
                    mrr: args.mrr_col.clone(),
                    plan: args.plan_col.clone(),
                    channel: args.channel_col.clone(),
                },
                csv,
                sum_duplicates: args.sum_duplicates,
            },
        ),
        SaasInput::Events => read_events_table(
            &file,
            &EventReadOptions {
                columns: EventColumns {
                    customer: args.customer_col.clone(),
                    date: args.date_col.clone(),
                    event: args.event_col.clone(),
                    mrr: args.mrr_col.clone(),
                    plan: args.plan_col.clone(),
                    channel: args.channel_col.clone(),
                },
                date_format: DateFormat::from_option(args.date_format.as_deref()),
                csv,
            },
        ),
    }
    .map_err(saas_error)?;
    let report = skipped.describe();
    if !report.is_empty() {
        let lines: Vec<String> = report
            .lines()
            .map(|l| crate::error::printable(l).into_owned())
            .collect();
        crate::progress::note!("warning: {}", lines.join("\n"));
    }
    Ok((table, skipped))
}

/// Option errors name the flag (`--margin`, `--churn-window`, `--lifetime-cap`).
fn saas_error(err: SaasError) -> anyhow::Error {
    match err {
        SaasError::Core(core) => error::core(core),
        SaasError::Data(data) => error::segments(data),
        other => anyhow::Error::new(other),
    }
}

fn ratio(r: Option<Decimal>) -> String {
    r.map_or_else(|| "n/a".to_owned(), percent)
}

fn factor(r: Option<Decimal>) -> String {
    r.map_or_else(|| "n/a".to_owned(), money)
}

fn report_text(report: &SaasReport) -> String {
    let mut table = Table::new([
        "month",
        "mrr",
        "customers",
        "new",
        "expansion",
        "contraction",
        "churned",
        "reactivation",
        "net_new",
        "logo_churn",
        "grr",
        "nrr",
        "quick_ratio",
    ]);
    for m in &report.months {
        table.push([
            m.month.to_string(),
            money(m.mrr),
            m.customers.to_string(),
            money(m.new),
            money(m.expansion),
            money(m.contraction),
            money(m.churned),
            money(m.reactivation),
            money(m.net_new),
            ratio(m.logo_churn),
            ratio(m.grr),
            ratio(m.nrr),
            factor(m.quick_ratio),
        ]);
    }
    let mut text = format!("MRR movements, {} to {}\n", report.from, report.to);
    text.push_str(&table.render());
    let mut notes = Vec::new();
    if report.from == report.data_start {
        notes.push(format!(
            "{} is the first month of the data: every customer in it counts as new",
            report.data_start
        ));
    }
    if report.months.iter().any(|m| m.quick_ratio.is_none()) {
        notes.push(
            "n/a = undefined: no customers or MRR at the start of the month; quick ratio: no contraction or churn to divide by"
                .to_owned(),
        );
    }
    for note in notes {
        text.push_str(&format!("note: {note}\n"));
    }
    let s = &report.summary;
    let mut kv = KvTable::new(format!("\nSummary at {}", s.month));
    kv.row("MRR", money(s.mrr))
        .row("customers", s.customers.to_string())
        .row("ARPA", factor(s.arpa));
    match &s.trailing_12m {
        Some(t) => {
            kv.note(
                "NRR, trailing 12 months",
                ratio(t.nrr),
                format!(
                    "the {} customers active in {}: {} then, {} now",
                    t.base_customers,
                    t.base_month,
                    money(t.base_mrr),
                    money(t.current_mrr)
                ),
            )
            .note(
                "GRR, trailing 12 months",
                ratio(t.grr),
                format!(
                    "their MRR now, each capped at their {} MRR: {}",
                    t.base_month,
                    money(t.capped_mrr)
                ),
            );
        }
        None => {
            let why = format!(
                "needs data from {} (the data starts {})",
                s.month.offset(-12),
                report.data_start
            );
            kv.note("NRR, trailing 12 months", "n/a", why.clone()).note(
                "GRR, trailing 12 months",
                "n/a",
                why,
            );
        }
    }
    let l = &s.ltv;
    kv.note(
        format!("logo churn, {}-month average", l.churn_window),
        percent(l.average_logo_churn),
        format!(
            "{} churned of {} customers at the start of {} month{}",
            l.churned_customers,
            l.customers_at_risk,
            l.churn_months_used,
            if l.churn_months_used == 1 { "" } else { "s" }
        ),
    )
    .row("gross margin", l.margin.to_string());
    let basis = match (l.basis, l.lifetime_cap_months) {
        (LtvBasis::LifetimeCap, Some(cap)) => {
            format!("ARPA × margin over a lifetime capped at {cap} months (--lifetime-cap)")
        }
        _ => "ARPA × margin ÷ churn (no lifetime cap)".to_owned(),
    };
    kv.note("LTV", money(l.ltv), basis);
    if let Some(life) = l.expected_lifetime_months {
        kv.row("expected lifetime", format!("{} months", money(life)));
    }
    text.push_str(&kv.render());
    text
}

const CSV_HEADER: &str = "month,mrr,customers,new,expansion,contraction,churned,reactivation,net_new,logo_churn,grr,nrr,quick_ratio,gross_revenue_churn,net_revenue_churn,arpa,nrr_12m,grr_12m";

fn cell(d: Option<Decimal>) -> String {
    d.map(|v| v.normalize().to_string()).unwrap_or_default()
}

fn report_csv(report: &SaasReport) -> String {
    let mut text = format!("{CSV_HEADER}\n");
    for m in &report.months {
        text.push_str(&csv_row(m));
        text.push('\n');
    }
    text
}

fn csv_row(m: &MonthMetrics) -> String {
    [
        m.month.to_string(),
        m.mrr.to_string(),
        m.customers.to_string(),
        m.new.to_string(),
        m.expansion.to_string(),
        m.contraction.to_string(),
        m.churned.to_string(),
        m.reactivation.to_string(),
        m.net_new.to_string(),
        cell(m.logo_churn),
        cell(m.grr),
        cell(m.nrr),
        cell(m.quick_ratio),
        cell(m.gross_revenue_churn),
        cell(m.net_revenue_churn),
        cell(m.arpa),
        cell(m.nrr_12m),
        cell(m.grr_12m),
    ]
    .join(",")
}

fn cohort_text(matrix: &CohortMatrix) -> String {
    let mut header = vec![
        "cohort".to_owned(),
        "customers".to_owned(),
        "start_mrr".to_owned(),
    ];
    header.extend((0..matrix.periods).map(|k| k.to_string()));
    let mut table = Table::new(header);
    for c in &matrix.cohorts {
        let mut row = vec![
            c.cohort.to_string(),
            c.customers.to_string(),
            money(c.start_mrr),
        ];
        row.extend(c.nrr.iter().map(|&v| percent(v)));
        table.push(row);
    }
    format!(
        "Cohort revenue retention (NRR) by start month, {} to {}: cohort MRR k months after the start ÷ its MRR in month 0\n{}",
        matrix.from,
        matrix.to,
        table.render()
    )
}

fn cohort_csv(matrix: &CohortMatrix) -> String {
    let mut header = vec![
        "cohort".to_owned(),
        "customers".to_owned(),
        "start_mrr".to_owned(),
    ];
    header.extend((0..matrix.periods).map(|k| k.to_string()));
    let mut text = header.join(",");
    text.push('\n');
    for c in &matrix.cohorts {
        let mut row = vec![
            c.cohort.to_string(),
            c.customers.to_string(),
            c.start_mrr.to_string(),
        ];
        row.extend(c.nrr.iter().map(|v| v.normalize().to_string()));
        row.resize(matrix.periods + 3, String::new());
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}
