//! `cargo xtask bench --compare`: the same summary + RFM + cohort work in DuckDB and
//! Polars (scripts in `xtask/bench/`), from a local Python venv when one is present.
//! Nothing is ever installed from here.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::line::Measurement;
use super::timing;

/// The engines compared, with their script in `xtask/bench/`.
pub const ENGINES: [(&str, &str); 2] = [("duckdb", "duckdb_rfm.py"), ("polars", "polars_rfm.py")];

/// `$LTV_BENCH_PYTHON`, else `<root>/.venv/bin/python`, if it exists.
pub fn python(root: &Path) -> Option<PathBuf> {
    let candidate = match std::env::var_os("LTV_BENCH_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => root.join(".venv/bin/python"),
    };
    candidate.exists().then_some(candidate)
}

/// Whether `python -c "import <module>"` succeeds.
pub fn importable(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Times every importable engine on `file` (best wall of `runs`, largest peak RSS):
/// one `compare.<engine>` measurement each. Says on stderr what it skips.
pub fn run(root: &Path, file: &str, size: &str, runs: u32) -> Result<Vec<Measurement>, String> {
    let Some(python) = python(root) else {
        eprintln!(
            "--compare: no Python venv (.venv/bin/python or $LTV_BENCH_PYTHON), skipping \
             DuckDB/Polars; set one up with `python3 -m venv .venv && .venv/bin/pip install duckdb polars`"
        );
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (engine, script) in ENGINES {
        if !importable(&python, engine) {
            eprintln!(
                "--compare: `import {engine}` fails in {}, skipping it",
                python.display()
            );
            continue;
        }
        let script = root.join("xtask/bench").join(script);
        let (program, script) = (python.display().to_string(), script.display().to_string());
        eprintln!("timing {engine}: {program} {script} {file}");
        let (wall, rss_kb) = timing::best_of(runs, &program, &[&script, file])?;
        out.push(Measurement {
            name: format!("compare.{engine}"),
            size: size.to_string(),
            value: wall,
            unit: "s".into(),
            p99_ms: None,
            rss_mb: Some(rss_kb as f64 / 1024.0),
        });
    }
    Ok(out)
}

/// One line per compared engine: its wall time and peak RSS divided by ltv's for the
/// same work (`ltv rfm` + `ltv cohort`: wall times added, the larger peak RSS).
pub fn ratios(measurements: &[Measurement]) -> Vec<String> {
    let find = |name: &str| measurements.iter().find(|m| m.name == name);
    let (Some(rfm), Some(cohort)) = (find("segments.rfm"), find("segments.cohort")) else {
        return Vec::new();
    };
    let wall = rfm.value + cohort.value;
    let rss = rfm.rss_mb.zip(cohort.rss_mb).map(|(a, b)| a.max(b));
    measurements
        .iter()
        .filter_map(|m| Some((m.name.strip_prefix("compare.")?, m)))
        .map(|(engine, m)| {
            let memory = match (m.rss_mb, rss) {
                (Some(theirs), Some(ours)) if ours > 0.0 => {
                    format!(
                        ", peak RSS {theirs:.0} MB vs {ours:.0} MB = {:.2}×",
                        theirs / ours
                    )
                }
                _ => String::new(),
            };
            format!(
                "{engine} ÷ ltv (rfm + cohort): wall {:.2} s vs {wall:.2} s = {:.2}×{memory}",
                m.value,
                m.value / wall
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, value: f64, rss_mb: f64) -> Measurement {
        Measurement {
            name: name.into(),
            size: "10,000,000 rows".into(),
            value,
            unit: "s".into(),
            p99_ms: None,
            rss_mb: Some(rss_mb),
        }
    }

    #[test]
    fn ratios_divide_by_rfm_plus_cohort() {
        let all = [
            m("segments.rfm", 1.0, 500.0),
            m("segments.customers", 9.0, 900.0),
            m("segments.cohort", 0.75, 400.0),
            m("compare.duckdb", 3.5, 1250.0),
        ];
        assert_eq!(
            ratios(&all),
            ["duckdb ÷ ltv (rfm + cohort): wall 3.50 s vs 1.75 s = 2.00×, peak RSS 1250 MB vs 500 MB = 2.50×"]
        );
    }

    #[test]
    fn no_ratios_without_engines_or_baseline() {
        assert!(ratios(&[m("segments.rfm", 1.0, 1.0), m("segments.cohort", 1.0, 1.0)]).is_empty());
        assert!(ratios(&[m("compare.polars", 1.0, 1.0)]).is_empty());
    }

    #[test]
    fn scripts_exist() {
        let dir = crate::workspace::root().join("xtask/bench");
        for (_, script) in ENGINES {
            assert!(dir.join(script).is_file(), "{script}");
        }
    }
}
