//! The baseline measured from an orders file, for `ltv drivers`, `channels`, `report`,
//! `plan --data` and `roi --data`: one reading of the CAC file and one call to
//! `ltv_planner::measure`, with the warnings on stderr.

use std::path::Path;

use anyhow::Result;
use ltv_planner::{measure, MeasureOptions, MeasuredBaseline};
use ltv_segments::{read_spend, CsvFile, Spend, Transactions};

use crate::error;

/// Reads a CAC file: per channel, or without a channel column for all customers.
pub fn read_cac(path: &Path) -> Result<Spend> {
    read_spend(&CsvFile::open(&path.display().to_string(), b',')?).map_err(error::segments)
}

/// Measures the baseline; `warn` prints its warnings on stderr.
pub fn measured(
    tx: &Transactions,
    cac: Option<&Path>,
    options: &MeasureOptions,
    warn: bool,
) -> Result<MeasuredBaseline> {
    let spend = cac.map(read_cac).transpose()?;
    let m = measure(tx, spend.as_ref(), options).map_err(error::measure)?;
    if warn {
        for w in &m.warnings {
            crate::progress::note!("warning: {w}");
        }
    }
    Ok(m)
}
