//! `cargo xtask gen-mrr --customers N --months M [--seed S] --out PATH`: a seeded
//! synthetic monthly MRR file for `ltv saas` (see `ltv_saas::synthetic`).

use std::fs::File;
use std::io::BufWriter;

pub const USAGE: &str = "  gen-mrr --customers N --months M [--seed S] --out PATH
        seeded synthetic MRR per customer and month (customer_id,month,mrr,plan,channel)
";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut customers: Option<u32> = None;
    let mut months: Option<u32> = None;
    let mut seed: u64 = 42;
    let mut out: Option<String> = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("gen-mrr: {flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("gen-mrr: {flag} must be a whole number, got '{v}'"))
        };
        match flag.as_str() {
            "--customers" => customers = Some(small(number(value)?, flag)?),
            "--months" => months = Some(small(number(value)?, flag)?),
            "--seed" => seed = number(value)?,
            "--out" => out = Some(value.clone()),
            other => return Err(format!("gen-mrr: unknown flag '{other}'\n{USAGE}")),
        }
    }
    let (Some(customers), Some(months), Some(out)) = (customers, months, out) else {
        return Err(format!(
            "gen-mrr: --customers, --months and --out are required\n{USAGE}"
        ));
    };
    let rows = ltv_saas::synthetic::generate(customers, months, seed);
    let file = File::create(&out).map_err(|e| format!("gen-mrr: cannot create {out}: {e}"))?;
    let mut w = BufWriter::new(file);
    ltv_saas::synthetic::write_csv(&rows, &mut w)
        .and_then(|()| std::io::Write::flush(&mut w))
        .map_err(|e| format!("gen-mrr: writing {out}: {e}"))?;
    eprintln!(
        "gen-mrr: wrote {} rows ({customers} customers, {months} months, seed {seed}) to {out}",
        rows.len()
    );
    Ok(())
}

fn small(n: u64, flag: &str) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "gen-mrr: {flag} must be in 1..=4294967295, got {n}"
        )),
    }
}
