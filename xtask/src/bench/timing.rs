//! Timing a program under GNU `/usr/bin/time -v`: wall time and peak RSS.

use std::process::{Command, Stdio};

/// Best wall seconds and largest peak RSS (KiB) of `runs` runs of `program args > /dev/null`.
pub fn best_of(runs: u32, program: &str, args: &[&str]) -> Result<(f64, u64), String> {
    let mut best = f64::MAX;
    let mut rss = 0u64;
    for _ in 0..runs.max(1) {
        let (wall, kb) = time(program, args)?;
        best = best.min(wall);
        rss = rss.max(kb);
    }
    Ok((best, rss))
}

/// Runs `program args > /dev/null` under `/usr/bin/time -v`: (wall seconds, max RSS in KiB).
fn time(program: &str, args: &[&str]) -> Result<(f64, u64), String> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run /usr/bin/time: {e}"))?;
    let text = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{program} {} failed:\n{text}", args.join(" ")));
    }
    parse_time_v(&text).ok_or_else(|| format!("cannot read /usr/bin/time output:\n{text}"))
}

/// (wall seconds, max RSS KiB) from GNU time's `-v` report.
fn parse_time_v(text: &str) -> Option<(f64, u64)> {
    let mut wall = None;
    let mut rss = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("Elapsed (wall clock) time (h:mm:ss or m:ss): ") {
            wall = v
                .split(':')
                .try_fold(0.0, |acc, part| part.parse::<f64>().map(|x| acc * 60.0 + x))
                .ok();
        }
        if let Some(v) = line.strip_prefix("Maximum resident set size (kbytes): ") {
            rss = v.parse().ok();
        }
    }
    wall.zip(rss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gnu_time_report() {
        let report = "\tCommand being timed: \"ltv rfm f.csv\"\n\
                      \tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.50\n\
                      \tMaximum resident set size (kbytes): 764000\n";
        assert_eq!(parse_time_v(report), Some((62.5, 764_000)));
        assert_eq!(parse_time_v("nothing"), None);
    }
}
