//! `ltv cohort`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{money, percent};
use ltv_segments::{cohorts, CohortMetric};

use super::load;
use crate::args::{CohortArgs, TableFormat};
use crate::output::{self, Table};

pub fn run(args: &CohortArgs, out: &mut dyn Write) -> Result<()> {
    let tx = load::transactions(&args.input)?;
    let matrix = cohorts(&tx, args.by.into(), args.metric.into())?;
    let text = match args.format.format {
        TableFormat::Json => output::json(&matrix)?,
        TableFormat::Csv => matrix.to_csv_with(super::csv_out::is_raw()),
        TableFormat::Text => {
            let mut header = vec!["cohort".to_string(), "size".to_string()];
            header.extend((0..matrix.periods).map(|k| k.to_string()));
            let mut t = Table::new(header);
            for row in &matrix.rows {
                let mut cells = vec![row.cohort.clone(), row.size.to_string()];
                cells.extend(row.cells.iter().map(|c| match (c, matrix.metric) {
                    (None, _) => String::new(),
                    (Some(v), CohortMetric::Retention | CohortMetric::Survival) => percent(*v),
                    (Some(v), _) => money(*v),
                }));
                t.push(cells);
            }
            let what = match matrix.metric {
                CohortMetric::Retention => "share of the cohort ordering in period k",
                CohortMetric::Revenue => "revenue in period k",
                CohortMetric::Ltv => "cumulative revenue through period k per customer",
                CohortMetric::Survival => {
                    "share of the cohort still active in period k (first through last order)"
                }
            };
            let unit = match args.by {
                crate::args::CohortKeyArg::Week => "weeks",
                crate::args::CohortKeyArg::Quarter => "quarters",
                _ => "months",
            };
            format!(
                "Cohorts as of {}: {what}; k in {unit} since the first order; blank = not reached yet\n{}",
                matrix.as_of,
                t.render()
            )
        }
    };
    output::write(out, &text)
}
