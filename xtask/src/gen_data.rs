//! `cargo xtask gen-data --customers N --out PATH [--seed S]`: a seeded synthetic
//! transactions CSV (see `ltv_segments::generate` for the model).

use std::fs::File;

use ltv_segments::{generate, SynthConfig, SynthStats};

/// Seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 42;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut customers: Option<u64> = None;
    let mut out: Option<String> = None;
    let mut seed = DEFAULT_SEED;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--customers" => {
                customers = Some(
                    value()?
                        .replace('_', "")
                        .parse()
                        .map_err(|_| "--customers must be a whole number".to_string())?,
                )
            }
            "--out" => out = Some(value()?),
            "--seed" => {
                seed = value()?
                    .parse()
                    .map_err(|_| "--seed must be a whole number".to_string())?
            }
            other => return Err(format!("gen-data: unknown flag '{other}'")),
        }
    }
    let customers = customers.ok_or("gen-data needs --customers N")?;
    let out = out.ok_or("gen-data needs --out PATH")?;
    let stats = write(&out, customers, seed)?;
    eprintln!(
        "wrote {out}: {} customers, {} rows, {:.1} MB (seed {seed})",
        customers,
        stats.rows,
        stats.bytes as f64 / 1e6
    );
    Ok(())
}

/// Writes `customers` synthetic customers' orders to `path` (`-` for stdout).
pub fn write(path: &str, customers: u64, seed: u64) -> Result<SynthStats, String> {
    let config = SynthConfig::new(customers, seed);
    let result = if path == "-" {
        generate(&config, &mut std::io::stdout().lock())
    } else {
        let mut file = File::create(path).map_err(|e| format!("cannot create {path}: {e}"))?;
        generate(&config, &mut file)
    };
    result.map_err(|e| format!("cannot write {path}: {e}"))
}
