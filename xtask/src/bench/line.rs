//! The machine-readable summary line every benchmark prints, one per measurement:
//!
//! ```text
//! BENCH name=forecast.bgnbd_fit size=1,000,000_customers value=0.269 unit=s rss_mb=210
//! ```
//!
//! Fields are `key=value` words separated by spaces (values hold no spaces; `_` in
//! `size` reads as a space). `name`, `size`, `value` (a number) and `unit` are
//! required; `p99_ms` and `rss_mb` are optional numbers. Unknown keys are ignored so a
//! benchmark can add fields without breaking older xtasks.

/// One measurement, as read from a `BENCH` line or measured by xtask itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Stable id, e.g. `segments.rfm` or `server.calc_subscription`.
    pub name: String,
    /// What was measured on, e.g. `10,000,000 rows`.
    pub size: String,
    /// The main figure, in `unit`.
    pub value: f64,
    /// `s`, `req/s`, `rows/s` or `ratio`.
    pub unit: String,
    /// 99th-percentile latency in milliseconds, where measured.
    pub p99_ms: Option<f64>,
    /// Peak resident memory in MB, where measured.
    pub rss_mb: Option<f64>,
}

/// The prefix that marks a summary line.
pub const PREFIX: &str = "BENCH ";

#[cfg(test)]
impl Measurement {
    /// The summary line for this measurement (what [`parse`] reads back).
    pub fn to_line(&self) -> String {
        let mut line = format!(
            "{PREFIX}name={} size={} value={} unit={}",
            self.name,
            self.size.replace(' ', "_"),
            self.value,
            self.unit
        );
        if let Some(p99) = self.p99_ms {
            line.push_str(&format!(" p99_ms={p99}"));
        }
        if let Some(rss) = self.rss_mb {
            line.push_str(&format!(" rss_mb={rss}"));
        }
        line
    }
}

/// Reads one summary line; `Ok(None)` if `line` is not one (ordinary output).
pub fn parse(line: &str) -> Result<Option<Measurement>, String> {
    let Some(rest) = line.trim_end().strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let (mut name, mut size, mut value, mut unit, mut p99_ms, mut rss_mb) =
        (None, None, None, None, None, None);
    for word in rest.split_whitespace() {
        let (key, val) = word
            .split_once('=')
            .ok_or_else(|| format!("'{word}' is not key=value in summary line '{line}'"))?;
        let number = || {
            val.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{key}={val} is not a number in summary line '{line}'"))
        };
        match key {
            "name" => name = Some(val.to_string()),
            "size" => size = Some(val.replace('_', " ")),
            "value" => value = Some(number()?),
            "unit" => unit = Some(val.to_string()),
            "p99_ms" => p99_ms = Some(number()?),
            "rss_mb" => rss_mb = Some(number()?),
            _ => {}
        }
    }
    let missing = |field: &str| format!("summary line without {field}: '{line}'");
    Ok(Some(Measurement {
        name: name.ok_or_else(|| missing("name"))?,
        size: size.ok_or_else(|| missing("size"))?,
        value: value.ok_or_else(|| missing("value"))?,
        unit: unit.ok_or_else(|| missing("unit"))?,
        p99_ms,
        rss_mb,
    }))
}

/// Every summary line in a benchmark's output, in order; other lines are skipped.
pub fn parse_all(output: &str) -> Result<Vec<Measurement>, String> {
    output
        .lines()
        .filter_map(|l| parse(l).transpose())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_required_and_optional_fields() {
        let m = parse("BENCH name=server.rfm size=1,000,000_rows value=238652.5 unit=rows/s p99_ms=4920 rss_mb=512.5")
            .unwrap()
            .unwrap();
        assert_eq!(m.name, "server.rfm");
        assert_eq!(m.size, "1,000,000 rows");
        assert_eq!(m.value, 238_652.5);
        assert_eq!(m.unit, "rows/s");
        assert_eq!(m.p99_ms, Some(4920.0));
        assert_eq!(m.rss_mb, Some(512.5));
    }

    #[test]
    fn optional_fields_may_be_absent_and_unknown_keys_are_ignored() {
        let m = parse("BENCH name=a size=1 value=2 unit=s runs=5\n")
            .unwrap()
            .unwrap();
        assert_eq!((m.p99_ms, m.rss_mb), (None, None));
    }

    #[test]
    fn other_lines_are_not_summary_lines() {
        assert_eq!(
            parse("bgnbd_fit/1_000_000 customers: median 0.269 s").unwrap(),
            None
        );
        assert_eq!(parse("  BENCH name=a").unwrap(), None);
    }

    #[test]
    fn bad_summary_lines_are_errors() {
        assert!(parse("BENCH name=a size=1 unit=s")
            .unwrap_err()
            .contains("without value"));
        assert!(parse("BENCH name=a size=1 value=fast unit=s")
            .unwrap_err()
            .contains("value=fast is not a number"));
        assert!(parse("BENCH name=a size=1 value=NaN unit=s").is_err());
        assert!(parse("BENCH name=a oops")
            .unwrap_err()
            .contains("not key=value"));
    }

    #[test]
    fn to_line_round_trips() {
        let m = Measurement {
            name: "segments.rfm".into(),
            size: "10,239,898 rows".into(),
            value: 1.25,
            unit: "s".into(),
            p99_ms: None,
            rss_mb: Some(746.0),
        };
        assert_eq!(parse(&m.to_line()).unwrap(), Some(m));
    }

    #[test]
    fn parse_all_keeps_only_summary_lines() {
        let out = "prose\nBENCH name=a size=1 value=1 unit=s\nmore prose\nBENCH name=b size=2 value=3 unit=req/s p99_ms=0.8\n";
        let all = parse_all(out).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].name, "b");
        assert_eq!(all[1].p99_ms, Some(0.8));
    }
}
