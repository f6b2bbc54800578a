//! `cargo xtask`: project automation in Rust, so it runs wherever cargo does.
//!
//! One module per task; `main` only dispatches. Each task takes the arguments after its
//! name and returns `Err(message)` on failure, which is printed on stderr and exits 1.
//! Tasks use the standard library only (plus `ltv-cli`, whose clap definitions
//! `cargo xtask docs` renders).

// Tasks and what they share.
mod bench;
mod changelog;
mod ci;
mod cmd;
mod date;
mod docs;
mod gen_data;
mod gen_mrr;
mod gen_sample;
mod gen_usage;
mod manifest;
mod release;
mod sha256;
mod snapshots;
mod tidy;
mod version;
mod workspace;

use std::process::ExitCode;

/// `cargo(&["test", ...])` runs cargo in the workspace root with `INSTA_UPDATE=no`.
pub(crate) use cmd::cargo;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "ci" => ci::run(rest),
        "docs" => docs::run(rest),
        "release" => release::run(rest),
        "snapshots" => snapshots::run(rest),
        "tidy" => tidy::run(rest),
        "gen-data" => gen_data::run(rest),
        "gen-mrr" => gen_mrr::run(rest),
        "gen-sample" => gen_sample::run(rest),
        "gen-usage" => gen_usage::run(rest),
        "bench" => bench::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}{}{}", gen_mrr::USAGE, gen_usage::USAGE);
            Ok(())
        }
        other => Err(format!("unknown task '{other}'; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  ci                          everything CI checks: fmt, clippy -D warnings, tests with
                              snapshots in check mode and unreferenced snapshots rejected,
                              cargo doc with warnings denied, docs --check
  docs [--check]              regenerate docs/cli.md (from the clap definitions) and
                              docs/openapi.json (from `ltv-server --print-openapi`);
                              --check fails when a committed file is stale
  release <X.Y.Z> [--dry-run] bump every crate to X.Y.Z, date the changelog, run ci, build
                              release binaries with SHA-256 checksums, commit and tag vX.Y.Z;
                              --dry-run prints every step and changes nothing
  snapshots <references-file> fail if a .snap file was not asserted by the test run that
                              wrote <references-file> (INSTA_SNAPSHOT_REFERENCES_FILE)
  tidy                        check the architecture invariants (also a test of xtask)
  gen-data --customers N --out PATH [--seed S]
                              a seeded synthetic transactions CSV (`-` for stdout)
  gen-sample [--check]        regenerate the sample bundled in `ltv report --sample`
                              (crates/ltv-report/data); --check fails when it is stale
  bench [--rows N] [--compare] [--runs R] [--file PATH] [--customers N]
        [--only segments,forecast,server,health] [--health-accounts N]
                              every benchmark, one table with targets: `ltv rfm|customers|
                              cohort` on a generated file of about N rows (default
                              10,000,000), the BG/NBD fit on 1M customers, the server load
                              test, `ltv health` on about 60M generated usage rows
                              (--health-accounts, default 1,330,000); --compare adds
                              DuckDB/Polars from .venv/bin/python (or $LTV_BENCH_PYTHON)
                              when present, with ratios
";

/// Fails with a usage message if `args` holds anything but the flags in `known`;
/// returns which of them were given.
pub(crate) fn flags(task: &str, args: &[String], known: &[&str]) -> Result<Vec<bool>, String> {
    if let Some(bad) = args.iter().find(|a| !known.contains(&a.as_str())) {
        return Err(format!(
            "unexpected argument '{bad}' for `cargo xtask {task}`; run `cargo xtask help`"
        ));
    }
    Ok(known.iter().map(|k| args.iter().any(|a| a == k)).collect())
}
