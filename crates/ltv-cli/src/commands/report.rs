//! `ltv report`: the whole analysis as one self-contained HTML page.

use std::io::Write;

use anyhow::{anyhow, Context, Result};
use ltv_report::{build, sample, ReportInput, ReportOptions};
use ltv_segments::{read_spend, CsvFile};

use super::{load, plan_file};
use crate::args::{ReportArgs, ReportFormat};
use crate::{error, output};

pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    let lang = super::plan::lang(args.lang);
    let doc = if args.sample {
        let (tx, spend, plan) = sample::load().map_err(error::report)?;
        let mut options = sample::options(lang);
        apply(args, &mut options);
        build(
            &ReportInput {
                transactions: &tx,
                spend: Some(&spend),
                plan: Some(&plan),
            },
            &options,
        )
        .map_err(error::report)?
    } else {
        let file = args
            .file
            .as_deref()
            .ok_or_else(|| anyhow!("give a transactions FILE or --sample"))?;
        let spend = match &args.cac {
            Some(path) => Some(
                read_spend(&CsvFile::open(&path.display().to_string(), b',')?)
                    .map_err(error::segments)?,
            ),
            None => None,
        };
        let plan = match &args.plan {
            Some(path) => Some(plan_file::load(path, None)?),
            None => None,
        };
        let tx = load::read(file, &args.read)?;
        let mut options = ReportOptions {
            lang,
            ..ReportOptions::default()
        };
        apply(args, &mut options);
        build(
            &ReportInput {
                transactions: &tx,
                spend: spend.as_deref(),
                plan: plan.as_ref(),
            },
            &options,
        )
        .map_err(error::report)?
    };
    let text = match args.format {
        ReportFormat::Html => doc.to_html()?,
        ReportFormat::Outline => doc.outline(),
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
    if let Some(m) = args.margin {
        options.margin = m;
    }
    if let Some(c) = &args.currency {
        options.currency.clone_from(c);
    }
    options.horizon_months = args.horizon_months;
    options.discount_rate = args.discount_rate;
}
