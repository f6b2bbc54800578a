//! Reading an initiatives file for `ltv levers --baseline`, `ltv plan` and `ltv roi`,
//! and phrasing the planner's errors with the file's name.

use std::path::Path;

use anyhow::{anyhow, Result};
use ltv_planner::{MeasureOptions, PlanError, PlanFile};

use crate::args::ReadArgs;
use crate::commands::{baseline, load};

/// The error, prefixed with the file it is about.
pub fn error(path: &Path, err: PlanError) -> anyhow::Error {
    match err {
        PlanError::NoBaseline => anyhow!(
            "{}: the file has no [baseline]: pass --data ORDERS.csv (with --margin and --cac as needed) to measure it from your orders, or add a [baseline] table",
            path.display()
        ),
        err => anyhow!("{}: {err}", path.display()),
    }
}

/// The orders to measure the baseline from (`--data` and its flags).
pub struct Data<'a> {
    /// The orders file.
    pub file: &'a str,
    /// How to read it.
    pub read: &'a ReadArgs,
    /// The CAC file.
    pub cac: Option<&'a Path>,
    /// How to measure.
    pub options: MeasureOptions,
}

/// The plan file with its main baseline measured from `data` when given: a `[baseline]`
/// in the file is replaced, and a warning on stderr names what differs.
pub fn with_data(path: &Path, file: PlanFile, data: Option<Data<'_>>) -> Result<PlanFile> {
    let Some(data) = data else {
        return Ok(file);
    };
    let tx = load::read(data.file, data.read)?;
    let m = baseline::measured(&tx, data.cac, &data.options, true)?;
    if let Some(w) = file.baseline.as_ref().and_then(|b| m.compare(b)) {
        crate::progress::note!("warning: {w}");
    }
    file.with_baseline(m.baseline).map_err(|e| error(path, e))
}

/// The file's text, at most [`ltv_segments::MAX_TEXT_FILE_BYTES`].
fn read(path: &Path) -> Result<String> {
    ltv_segments::read_text_file(&path.display().to_string(), "an initiatives file")
        .map_err(crate::error::segments)
}

/// Reads a `.toml` or `.json` file (by extension; anything else is read as TOML), or a
/// `.csv` of initiatives whose baselines come from `baselines`.
pub fn load(path: &Path, baselines: Option<&Path>) -> Result<PlanFile> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let text = read(path)?;
    match ext.as_str() {
        "csv" => {
            let Some(base_path) = baselines else {
                return Err(anyhow!(
                    "{}: a CSV holds only initiatives: give the baseline with --baseline FILE (TOML or JSON)",
                    path.display()
                ));
            };
            let base = load(base_path, None)?;
            PlanFile::from_csv_str(&text, base).map_err(|e| error(path, e))
        }
        "json" => PlanFile::from_json_str(&text).map_err(|e| error(path, e)),
        _ => PlanFile::from_toml_str(&text).map_err(|e| error(path, e)),
    }
}
