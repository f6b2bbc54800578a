//! The one table `cargo xtask bench` prints: every measurement with its target from the
//! issues (3: segments, 5: forecast, 7: server, 21: health) and whether it was met.

use super::line::Measurement;

/// Rows of the segments file the issue-3 target is stated for (10 million), ± 10 %.
const SEGMENTS_TARGET_ROWS: std::ops::RangeInclusive<u64> = 9_000_000..=11_000_000;

/// Usage rows the issue-21 target is stated for (60 million), ± 10 %.
const HEALTH_TARGET_ROWS: std::ops::RangeInclusive<u64> = 54_000_000..=66_000_000;

/// The target for a measurement and whether it was met (`None`: no target, or not
/// stated for this size).
pub fn judge(m: &Measurement) -> (String, Option<bool>) {
    match m.name.as_str() {
        "segments.rfm" => {
            let at_size = count(&m.size).is_some_and(|n| SEGMENTS_TARGET_ROWS.contains(&n));
            if at_size {
                let met = m.value < 1.5 && m.rss_mb.is_some_and(|r| r < 600.0);
                ("< 1.5 s, < 600 MB".into(), Some(met))
            } else {
                ("< 1.5 s, < 600 MB at 10 M rows".into(), None)
            }
        }
        "forecast.bgnbd_fit" => ("< 1 s".into(), Some(m.value < 1.0)),
        "health.default_weights" | "health.learned_backtest" => {
            let at_size = count(&m.size).is_some_and(|n| HEALTH_TARGET_ROWS.contains(&n));
            if at_size {
                let met = m.value < 10.0 && m.rss_mb.is_some_and(|r| r < 1024.0);
                ("< 10 s, < 1 GB".into(), Some(met))
            } else {
                ("< 10 s, < 1 GB at 60 M rows".into(), None)
            }
        }
        "server.calc_vs_trivial" => ("≥ 0.5".into(), Some(m.value >= 0.5)),
        _ => ("–".into(), None),
    }
}

/// The leading number of a size such as `10,239,898 rows`.
fn count(size: &str) -> Option<u64> {
    let digits: String = size
        .split_whitespace()
        .next()?
        .chars()
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

/// A size with its leading whole number grouped: `40000 requests` → `40,000 requests`.
fn size(size: &str) -> String {
    match size.split_once(' ') {
        Some((n, rest)) if n.bytes().all(|b| b.is_ascii_digit()) => match n.parse::<f64>() {
            Ok(v) => format!("{} {rest}", grouped(v)),
            Err(_) => size.to_string(),
        },
        _ => size.to_string(),
    }
}

/// The Markdown table of `measurements`, in the given order.
pub fn render(measurements: &[Measurement]) -> String {
    let mut out = String::from(
        "| benchmark | size | wall time / throughput | p99 | peak RSS | target | met? |\n\
         | --- | --- | ---: | ---: | ---: | --- | --- |\n",
    );
    for m in measurements {
        let (target, met) = judge(m);
        let met = match met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "–",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {target} | {met} |\n",
            m.name,
            size(&m.size),
            value(m.value, &m.unit),
            m.p99_ms.map_or_else(|| "–".into(), millis),
            m.rss_mb
                .map_or_else(|| "–".into(), |r| format!("{r:.0} MB")),
        ));
    }
    out
}

fn value(v: f64, unit: &str) -> String {
    match unit {
        "s" if v < 1.0 => format!("{v:.3} s"),
        "s" => format!("{v:.2} s"),
        "ratio" => format!("{v:.2}"),
        "req/s" | "rows/s" => format!("{} {unit}", grouped(v)),
        _ => format!("{v} {unit}"),
    }
}

fn millis(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{} ms", grouped(ms))
    }
}

/// `45230.4` → `45,230`.
pub fn grouped(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(name: &str, size: &str, value: f64, unit: &str) -> Measurement {
        Measurement {
            name: name.into(),
            size: size.into(),
            value,
            unit: unit.into(),
            p99_ms: None,
            rss_mb: None,
        }
    }

    #[test]
    fn segments_target_applies_at_ten_million_rows_only() {
        let mut rfm = m("segments.rfm", "10,239,898 rows", 1.2, "s");
        rfm.rss_mb = Some(550.0);
        assert_eq!(judge(&rfm), ("< 1.5 s, < 600 MB".into(), Some(true)));
        rfm.rss_mb = Some(746.0);
        assert_eq!(judge(&rfm).1, Some(false));
        rfm.rss_mb = None;
        assert_eq!(judge(&rfm).1, Some(false));
        let small = m("segments.rfm", "200,000 rows", 0.2, "s");
        assert_eq!(judge(&small).1, None);
    }

    #[test]
    fn forecast_and_server_targets() {
        assert_eq!(
            judge(&m("forecast.bgnbd_fit", "1,000,000 customers", 0.27, "s")).1,
            Some(true)
        );
        assert_eq!(
            judge(&m("forecast.bgnbd_fit", "1,000,000 customers", 1.2, "s")).1,
            Some(false)
        );
        assert_eq!(
            judge(&m("server.calc_vs_trivial", "x", 0.5, "ratio")).1,
            Some(true)
        );
        assert_eq!(
            judge(&m("server.calc_vs_trivial", "x", 0.49, "ratio")).1,
            Some(false)
        );
        assert_eq!(
            judge(&m("server.trivial", "x", 70_000.0, "req/s")),
            ("–".into(), None)
        );
    }

    #[test]
    fn health_target_applies_at_sixty_million_rows() {
        let mut h = m("health.default_weights", "59,981,102 rows", 8.4, "s");
        h.rss_mb = Some(700.0);
        assert_eq!(judge(&h), ("< 10 s, < 1 GB".into(), Some(true)));
        h.rss_mb = Some(1100.0);
        assert_eq!(judge(&h).1, Some(false));
        let small = m("health.learned_backtest", "1,000,000 rows", 0.4, "s");
        assert_eq!(judge(&small).1, None);
    }

    #[test]
    fn renders_one_markdown_table() {
        let mut calc = m(
            "server.calc_subscription",
            "40000 requests",
            45_230.4,
            "req/s",
        );
        calc.p99_ms = Some(0.8123);
        let mut fit = m("forecast.bgnbd_fit", "1,000,000 customers", 0.2691, "s");
        fit.rss_mb = Some(212.4);
        let mut rfm = m("server.rfm", "1,000,000 rows", 238_652.0, "rows/s");
        rfm.p99_ms = Some(4920.0);
        let table = render(&[
            fit,
            calc,
            rfm,
            m("server.calc_vs_trivial", "req/s ÷ req/s", 0.638, "ratio"),
        ]);
        assert_eq!(
            table,
            "| benchmark | size | wall time / throughput | p99 | peak RSS | target | met? |\n\
             | --- | --- | ---: | ---: | ---: | --- | --- |\n\
             | forecast.bgnbd_fit | 1,000,000 customers | 0.269 s | – | 212 MB | < 1 s | yes |\n\
             | server.calc_subscription | 40,000 requests | 45,230 req/s | 0.812 ms | – | – | – |\n\
             | server.rfm | 1,000,000 rows | 238,652 rows/s | 4,920 ms | – | – | – |\n\
             | server.calc_vs_trivial | req/s ÷ req/s | 0.64 | – | – | ≥ 0.5 | yes |\n"
        );
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.4), "999");
        assert_eq!(grouped(1000.0), "1,000");
        assert_eq!(grouped(10_239_898.0), "10,239,898");
        assert_eq!(grouped(-1234.0), "-1,234");
    }

    #[test]
    fn count_reads_the_leading_number() {
        assert_eq!(count("10,239,898 rows"), Some(10_239_898));
        assert_eq!(count("rows"), None);
    }
}
