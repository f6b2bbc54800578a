//! Reading an initiatives file for `ltv levers --baseline`, `ltv plan` and `ltv roi`,
//! and phrasing the planner's errors with the file's name.

use std::path::Path;

use anyhow::{anyhow, Result};
use ltv_planner::{PlanError, PlanFile};

/// The error, prefixed with the file it is about.
pub fn error(path: &Path, err: PlanError) -> anyhow::Error {
    anyhow!("{}: {err}", path.display())
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
