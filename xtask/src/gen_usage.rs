//! `cargo xtask gen-usage --accounts N --months M --out USAGE.csv --mrr MRR.csv [...]`:
//! seeded synthetic usage events and the matching MRR for `ltv health` (see
//! `ltv_health::synthetic` for the model); `--sample` rewrites the sample bundled in
//! `crates/ltv-health/data/`.

use std::fs::File;
use std::io::{BufWriter, Write};

use ltv_health::synthetic::{generate, Churn, RowOrder, UsageConfig, UsageStats};

pub const USAGE: &str =
    "  gen-usage --accounts N --months M --out USAGE.csv --mrr MRR.csv [--seed S]
            [--noise] [--order month|customer|shuffled] [--daily] [--segment] [--no-zero-rows]
        seeded synthetic usage (customer_id,date,metric,value) whose churn follows falling
        usage and tickets (--noise: churn at random), with the matching MRR file
  gen-usage --sample
        rewrite the sample bundled with ltv-health (crates/ltv-health/data)
";

/// Seed used when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 42;

pub fn run(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "--sample") {
        if args.len() > 1 {
            return Err(format!("gen-usage: --sample takes no other flag\n{USAGE}"));
        }
        let (usage, mrr) = ltv_health::sample::generate().map_err(|e| e.to_string())?;
        let dir = crate::workspace::root().join("crates/ltv-health/data");
        for (name, text) in [
            (ltv_health::sample::USAGE_FILE, usage),
            (ltv_health::sample::MRR_FILE, mrr),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .map_err(|e| format!("gen-usage: cannot write {}: {e}", path.display()))?;
            eprintln!("gen-usage: wrote {}", path.display());
        }
        return Ok(());
    }
    let mut config = UsageConfig::new(0, 0, DEFAULT_SEED);
    let (mut out, mut mrr) = (None, None);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("gen-usage: {flag} needs a value"))
        };
        let whole = |v: String| -> Result<u64, String> {
            v.replace('_', "")
                .parse()
                .map_err(|_| format!("gen-usage: {flag} must be a whole number, got '{v}'"))
        };
        match flag.as_str() {
            "--accounts" => config.accounts = small(whole(value()?)?, flag)?,
            "--months" => config.months = small(whole(value()?)?, flag)?,
            "--seed" => config.seed = whole(value()?)?,
            "--out" => out = Some(value()?),
            "--mrr" => mrr = Some(value()?),
            "--noise" => config.churn = Churn::Noise,
            "--daily" => config.daily = true,
            "--segment" => config.segment = true,
            "--no-zero-rows" => config.zero_rows = false,
            "--order" => {
                config.order = match value()?.as_str() {
                    "month" => RowOrder::Month,
                    "customer" => RowOrder::Customer,
                    "shuffled" => RowOrder::Shuffled,
                    other => {
                        return Err(format!(
                            "gen-usage: --order must be month, customer or shuffled, got '{other}'"
                        ))
                    }
                }
            }
            other => return Err(format!("gen-usage: unknown flag '{other}'\n{USAGE}")),
        }
    }
    let (Some(out), Some(mrr)) = (out, mrr) else {
        return Err(format!(
            "gen-usage: --accounts, --months, --out and --mrr are required\n{USAGE}"
        ));
    };
    if config.accounts == 0 || config.months == 0 {
        return Err(format!(
            "gen-usage: --accounts and --months are required\n{USAGE}"
        ));
    }
    let stats = write(&config, &out, &mrr)?;
    eprintln!(
        "gen-usage: wrote {} usage rows to {out} and {} MRR rows to {mrr} ({} accounts, {} months, seed {}); score with --as-of {}",
        stats.usage_rows,
        stats.mrr_rows,
        config.accounts,
        config.months,
        config.seed,
        config.as_of()
    );
    Ok(())
}

/// Writes the usage and MRR files of `config`.
pub fn write(config: &UsageConfig, usage: &str, mrr: &str) -> Result<UsageStats, String> {
    let create = |path: &str| {
        File::create(path)
            .map(|f| BufWriter::with_capacity(1 << 20, f))
            .map_err(|e| format!("gen-usage: cannot create {path}: {e}"))
    };
    let (mut u, mut m) = (create(usage)?, create(mrr)?);
    let stats = generate(config, &mut u, &mut m)
        .and_then(|s| u.flush().and_then(|()| m.flush()).map(|()| s))
        .map_err(|e| format!("gen-usage: writing {usage}: {e}"))?;
    Ok(stats)
}

fn small(n: u64, flag: &str) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "gen-usage: {flag} must be in 1..=4294967295, got {n}"
        )),
    }
}
