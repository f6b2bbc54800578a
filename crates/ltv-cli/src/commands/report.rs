//! `ltv report`: the whole analysis as one self-contained HTML page, its outline, or
//! its numbers as JSON.

use std::io::Write;

use anyhow::{anyhow, Context, Result};
use ltv_report::{build, report_data, sample, ReportInput, ReportOptions};

use super::{baseline, load, plan_file};
use crate::args::{ReportArgs, ReportFormat};
use crate::{error, output};

pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let lang = super::plan::lang(args.lang);
    let (tx, spend, plan, mut options) = if args.sample {
        let (tx, spend, plan) = sample::load().map_err(error::report)?;
        (tx, Some(spend), Some(plan), sample::options(lang))
    } else {
        let file = args
            .file
            .as_deref()
            .ok_or_else(|| anyhow!("give a transactions FILE or --sample"))?;
        let plan = match &args.plan {
            Some(path) => Some(plan_file::load(path, None)?),
            None => None,
        };
        let tx = load::read(file, &args.read)?;
        let options = ReportOptions {
            lang,
            ..ReportOptions::default()
        };
        (tx, None, plan, options)
    };
    let spend = match &args.measure.cac {
        Some(path) => Some(baseline::read_cac(path)?),
        None => spend,
    };
    apply(args, &mut options);
    let board = match &args.db {
        Some(url) => Some(super::backlog::board(url, lang)?),
        None => None,
    };
    let input = ReportInput {
        transactions: &tx,
        spend: spend.as_ref(),
        plan: plan.as_ref(),
        board: board.as_ref(),
    };
    let text = match args.format {
        ReportFormat::Json => {
            let data = report_data(&input, &options).map_err(error::report)?;
            for w in &data.warnings {
                eprintln!("warning: {w}");
            }
            output::json(&data)?
        }
        ReportFormat::Html | ReportFormat::Outline => {
            let doc = build(&input, &options).map_err(error::report)?;
            for w in &doc.warnings {
                eprintln!("warning: {w}");
            }
            if args.format == ReportFormat::Html {
                doc.to_html()?
            } else {
                doc.outline()
            }
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
        None => output::write(out, &text),
    }
}

/// The flags that override the defaults (the sample's or the plain ones).
fn apply(args: &ReportArgs, options: &mut ReportOptions) {
    let m = &args.measure;
    if let Some(margin) = m.margin {
        options.margin = margin;
    }
    if let Some(c) = &m.currency {
        options.currency.clone_from(c);
    }
    options.inactive_days = m.basis.inactive_days;
    options.repeat_days = m.basis.repeat_days;
    options.target_ratio = m.basis.target_ratio;
    if let Some(b) = m.basis.business {
        options.business = Some(b.into());
    }
    options.horizon_months = args.horizon_months;
    options.discount_rate = args.discount_rate;
}
