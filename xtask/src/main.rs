//! `cargo xtask`: project automation in Rust, so it runs wherever cargo does.
//!
//! - `cargo xtask ci`: everything CI checks (fmt, clippy -D warnings, the test suite
//!   with snapshots in check mode).
//! - `cargo xtask gen-data --customers N --out PATH`: synthetic transactions.
//! - `cargo xtask bench`: the segments benchmark (docs/benchmarks.md).

use std::process::{Command, ExitCode};

mod bench;
mod gen_data;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("gen-data") => gen_data::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task '{other}'\n{USAGE}")),
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
usage: cargo xtask <task>

tasks:
  ci    fmt check, clippy with -D warnings, the whole test suite (snapshots must match)
  gen-data --customers N --out PATH [--seed S]
        a seeded synthetic transactions CSV (`-` for stdout)
  bench [--customers N] [--file PATH] [--runs R]
        release-build `ltv` and time `ltv rfm|customers|cohort` on a generated file
";

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace", "--locked"])?;
    Ok(())
}

fn cargo(args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .env("INSTA_UPDATE", "no")
        .status()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}
