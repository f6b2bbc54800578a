//! `cargo xtask bench [--customers N] [--file PATH] [--runs R]`: the segments benchmark.
//!
//! Builds `ltv` in release mode, generates (once, in the temp dir) a synthetic file with
//! `gen-data`, and runs `ltv rfm|customers|cohort FILE --format csv > /dev/null` under
//! GNU `/usr/bin/time -v`, printing the best wall time and the peak RSS per command as a
//! Markdown table for docs/benchmarks.md.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::gen_data;

/// 1.1 M customers make about 10 M rows (≈ 340 MB) with the default seed.
const DEFAULT_CUSTOMERS: u64 = 1_100_000;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut customers = DEFAULT_CUSTOMERS;
    let mut file: Option<String> = None;
    let mut runs = 3u32;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--customers" => {
                customers = value
                    .replace('_', "")
                    .parse()
                    .map_err(|_| "--customers must be a whole number")?
            }
            "--file" => file = Some(value.clone()),
            "--runs" => runs = value.parse().map_err(|_| "--runs must be a whole number")?,
            other => return Err(format!("bench: unknown flag '{other}'")),
        }
    }
    if !Path::new("/usr/bin/time").exists() {
        return Err("bench needs GNU time at /usr/bin/time (apt-get install time)".into());
    }
    let file = file.unwrap_or_else(|| {
        std::env::temp_dir()
            .join(format!(
                "ltv-bench-{customers}-{}.csv",
                gen_data::DEFAULT_SEED
            ))
            .display()
            .to_string()
    });
    if !Path::new(&file).exists() {
        eprintln!("generating {file} ...");
        let stats = gen_data::write(&file, customers, gen_data::DEFAULT_SEED)?;
        eprintln!("{} rows, {:.1} MB", stats.rows, stats.bytes as f64 / 1e6);
    }
    let size = std::fs::metadata(&file)
        .map_err(|e| format!("cannot read {file}: {e}"))?
        .len();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "-p", "ltv-cli"])
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !status.success() {
        return Err("release build failed".into());
    }
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let ltv = format!("{target}/release/ltv");
    println!(
        "file: {file} ({:.0} MB), {} cores, best of {runs}\n",
        size as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| command | wall (s) | peak RSS (MB) |");
    println!("| --- | ---: | ---: |");
    for cmd in ["rfm", "customers", "cohort"] {
        let mut best = f64::MAX;
        let mut rss = 0u64;
        for _ in 0..runs {
            let (wall, kb) = time(&ltv, &[cmd, &file, "--format", "csv"])?;
            best = best.min(wall);
            rss = rss.max(kb);
        }
        println!(
            "| `ltv {cmd} FILE --format csv > /dev/null` | {best:.2} | {:.0} |",
            rss as f64 / 1024.0
        );
    }
    Ok(())
}

/// Runs `ltv args > /dev/null` under `/usr/bin/time -v`: (wall seconds, max RSS in KiB).
fn time(ltv: &str, args: &[&str]) -> Result<(f64, u64), String> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(ltv)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run /usr/bin/time: {e}"))?;
    let text = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("ltv {} failed:\n{text}", args.join(" ")));
    }
    let mut wall = None;
    let mut rss = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("Elapsed (wall clock) time (h:mm:ss or m:ss): ") {
            wall = Some(
                v.split(':')
                    .try_fold(0.0, |acc, part| part.parse::<f64>().map(|x| acc * 60.0 + x))
                    .map_err(|_| format!("cannot read wall time '{v}'"))?,
            );
        }
        if let Some(v) = line.strip_prefix("Maximum resident set size (kbytes): ") {
            rss = v.parse().ok();
        }
    }
    match (wall, rss) {
        (Some(w), Some(r)) => Ok((w, r)),
        _ => Err(format!("cannot read /usr/bin/time output:\n{text}")),
    }
}
