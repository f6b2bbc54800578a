//! `cargo xtask bench [--rows N] [--compare]`: every benchmark, one table.
//!
//! 1. Segments (issue 3): generates (once, in the temp dir) a seeded transactions file
//!    of about N rows with `gen-data`, release-builds `ltv` and times
//!    `ltv rfm|customers|cohort FILE --format csv > /dev/null` under GNU
//!    `/usr/bin/time -v` (best wall, largest peak RSS).
//! 2. Forecast (issue 5): `cargo bench -p ltv-forecast --bench bgnbd_fit`.
//! 3. Server (issue 7): `cargo bench -p ltv-server --bench load`.
//! 4. Health (issue 21): `ltv health` on about 60 million generated usage rows, with
//!    default weights and learned from MRR with a backtest ([`health`]).
//! 5. With `--compare`: DuckDB and Polars (`xtask/bench/*.py`) on the same file, from
//!    `.venv/bin/python` or `$LTV_BENCH_PYTHON` when present.
//!
//! The sub-benchmarks print `BENCH name=… value=… unit=…` summary lines
//! ([`mod@line`]); their other output goes to stderr as progress. The table
//! ([`table`]) goes to stdout as Markdown, ready for docs/benchmarks.md.

mod compare;
mod health;
mod line;
mod table;
mod timing;

use std::path::Path;
use std::process::{Command, Stdio};

use crate::gen_data;
use line::Measurement;

/// Rows benchmarked when `--rows` is not given (the issue-3 target size).
const DEFAULT_ROWS: u64 = 10_000_000;

/// The generator's rows per customer with the default seed: 2,850,000 customers make
/// 10,239,898 rows (≈ 3.59 orders each).
const GEN_CUSTOMERS: u64 = 2_850_000;
const GEN_ROWS: u64 = 10_239_898;

/// The benchmarks `--only` can pick.
const PARTS: [&str; 4] = ["segments", "forecast", "server", "health"];

#[derive(Debug)]
struct Options {
    customers: u64,
    file: Option<String>,
    runs: u32,
    compare: bool,
    only: Vec<String>,
    health_accounts: u64,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        customers: customers_for(DEFAULT_ROWS),
        file: None,
        runs: 3,
        compare: false,
        only: PARTS.iter().map(|p| p.to_string()).collect(),
        health_accounts: health::DEFAULT_ACCOUNTS,
    };
    let whole = |flag: &str, v: &str| -> Result<u64, String> {
        v.replace('_', "")
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{flag} must be a positive whole number, got '{v}'"))
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--compare" {
            o.compare = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rows" => o.customers = customers_for(whole(flag, value)?),
            "--customers" => o.customers = whole(flag, value)?,
            "--health-accounts" => o.health_accounts = whole(flag, value)?,
            "--file" => o.file = Some(value.clone()),
            "--runs" => {
                o.runs = u32::try_from(whole(flag, value)?)
                    .map_err(|_| "--runs is too large".to_string())?
            }
            "--only" => {
                o.only = value.split(',').map(str::to_string).collect();
                if let Some(bad) = o.only.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    return Err(format!(
                        "--only: unknown benchmark '{bad}' (segments, forecast, server, health)"
                    ));
                }
            }
            other => {
                return Err(format!(
                    "bench: unknown flag '{other}'; run `cargo xtask help`"
                ))
            }
        }
    }
    Ok(o)
}

/// Customers for about `rows` generated rows, at least one.
fn customers_for(rows: u64) -> u64 {
    ((u128::from(rows) * u128::from(GEN_CUSTOMERS) + u128::from(GEN_ROWS / 2))
        / u128::from(GEN_ROWS))
    .clamp(1, u128::from(u64::MAX)) as u64
}

pub fn run(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let root = crate::workspace::root();
    let wants = |part: &str| o.only.iter().any(|p| p == part);
    let needs_file = wants("segments") || o.compare;
    if needs_file && !Path::new("/usr/bin/time").exists() {
        return Err("bench needs GNU time at /usr/bin/time (apt-get install time)".into());
    }
    let mut all = Vec::new();
    let mut file_line = None;
    if needs_file {
        let (file, rows, mb) = data_file(&o)?;
        let size = format!("{} rows", table::grouped(rows as f64));
        file_line = Some(format!("file: {file} ({size}, {mb:.0} MB)"));
        if wants("segments") {
            all.extend(segments(&file, &size, o.runs)?);
        }
        if o.compare {
            all.extend(compare::run(&root, &file, &size, o.runs)?);
        }
    }
    if wants("forecast") {
        all.extend(cargo_bench(&[
            "-p",
            "ltv-forecast",
            "--bench",
            "bgnbd_fit",
        ])?);
    }
    if wants("server") {
        all.extend(cargo_bench(&["-p", "ltv-server", "--bench", "load"])?);
    }
    if wants("health") {
        if !Path::new("/usr/bin/time").exists() {
            return Err("bench needs GNU time at /usr/bin/time (apt-get install time)".into());
        }
        let ltv = release_ltv()?;
        all.extend(health::run(&ltv, o.health_accounts, o.runs)?);
    }
    println!(
        "{} cores, best of {} runs per segments command{}\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        o.runs,
        file_line.map_or_else(String::new, |f| format!("; {f}"))
    );
    print!("{}", table::render(&all));
    if o.compare {
        let ratios = compare::ratios(&all);
        if !ratios.is_empty() {
            println!();
        }
        for r in ratios {
            println!("{r}");
        }
    }
    Ok(())
}

/// The transactions file to benchmark (generated once in the temp dir unless `--file`)
/// with its rows and megabytes.
fn data_file(o: &Options) -> Result<(String, u64, f64), String> {
    let file = o.file.clone().unwrap_or_else(|| {
        std::env::temp_dir()
            .join(format!(
                "ltv-bench-{}-{}.csv",
                o.customers,
                gen_data::DEFAULT_SEED
            ))
            .display()
            .to_string()
    });
    if !Path::new(&file).exists() {
        eprintln!("generating {file} ({} customers) ...", o.customers);
        let stats = gen_data::write(&file, o.customers, gen_data::DEFAULT_SEED)?;
        eprintln!("{} rows, {:.1} MB", stats.rows, stats.bytes as f64 / 1e6);
    }
    let (lines, bytes) = count_lines(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
    Ok((file, lines.saturating_sub(1), bytes as f64 / 1e6))
}

/// (newlines, bytes) of a file, read in chunks.
pub(crate) fn count_lines(path: &str) -> std::io::Result<(u64, u64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut lines, mut bytes) = (0u64, 0u64);
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok((lines, bytes));
        }
        let chunk = buf.get(..n).unwrap_or_default();
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        bytes += n as u64;
    }
}

/// Release-builds `ltv` and times `ltv rfm|customers|cohort FILE --format csv`.
fn segments(file: &str, size: &str, runs: u32) -> Result<Vec<Measurement>, String> {
    let ltv = release_ltv()?;
    let mut out = Vec::new();
    for cmd in ["rfm", "customers", "cohort"] {
        eprintln!("timing ltv {cmd} {file} --format csv > /dev/null ({runs} runs)");
        let (wall, kb) = timing::best_of(runs, &ltv, &[cmd, file, "--format", "csv"])?;
        out.push(Measurement {
            name: format!("segments.{cmd}"),
            size: size.to_string(),
            value: wall,
            unit: "s".into(),
            p99_ms: None,
            rss_mb: Some(kb as f64 / 1024.0),
        });
    }
    Ok(out)
}

/// Release-builds `ltv` and returns its path.
fn release_ltv() -> Result<String, String> {
    crate::cargo(&["build", "--release", "-p", "ltv-cli"])?;
    Ok(crate::workspace::target_dir()
        .join("release/ltv")
        .display()
        .to_string())
}

/// Runs `cargo bench <args>` and reads its summary lines; its other output goes to
/// stderr as progress.
fn cargo_bench(args: &[&str]) -> Result<Vec<Measurement>, String> {
    let mut all = vec!["bench"];
    all.extend_from_slice(args);
    let shown = crate::cmd::shown("cargo", &all, &[]);
    eprintln!("$ {shown}");
    let out = Command::new(crate::cmd::cargo_program())
        .args(&all)
        .current_dir(crate::workspace::root())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `{shown}`: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    for l in text.lines().filter(|l| !l.starts_with(line::PREFIX)) {
        eprintln!("  {l}");
    }
    if !out.status.success() {
        return Err(format!("`{shown}` failed ({})", out.status));
    }
    let found = line::parse_all(&text)?;
    if found.is_empty() {
        return Err(format!("`{shown}` printed no `BENCH ...` summary line"));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_become_customers_at_the_generator_ratio() {
        assert_eq!(customers_for(GEN_ROWS), GEN_CUSTOMERS);
        assert_eq!(customers_for(10_000_000), 2_783_231);
        assert_eq!(customers_for(1), 1);
    }

    #[test]
    fn flags() {
        let o = options(&args(&["--rows", "200_000", "--compare", "--runs", "1"])).unwrap();
        assert_eq!(
            (o.customers, o.runs, o.compare),
            (customers_for(200_000), 1, true)
        );
        let o = options(&args(&["--customers", "5", "--only", "segments,server"])).unwrap();
        assert_eq!(o.customers, 5);
        assert_eq!(o.only, ["segments", "server"]);
        assert!(options(&args(&["--rows"]))
            .unwrap_err()
            .contains("needs a value"));
        assert!(options(&args(&["--rows", "0"])).is_err());
        assert!(options(&args(&["--only", "gpu"]))
            .unwrap_err()
            .contains("unknown benchmark"));
        assert!(options(&args(&["--fast", "1"]))
            .unwrap_err()
            .contains("unknown flag"));
    }
}
