//! `ltv rfm`.

use std::io::Write;

use anyhow::Result;
use ltv_core::present::{group, money, percent};
use ltv_core::Decimal;
use ltv_segments::{rfm_table, DimensionScoring, RfmOptions, RfmReport, SegmentMap};
use serde::Serialize;

use super::{csv_out, load};
use crate::args::{RfmArgs, TableFormat};
use crate::output::{self, Table};

pub fn run(args: &RfmArgs, out: &mut dyn Write) -> Result<()> {
    let options = RfmOptions {
        bins: args.bins,
        r_breaks: breaks("--r-breaks", &args.r_breaks)?,
        f_breaks: breaks("--f-breaks", &args.f_breaks)?,
        m_breaks: breaks("--m-breaks", &args.m_breaks)?,
    };
    let map = SegmentMap::load(&args.segments)?;
    let table = load::customer_table(&args.input)?;
    let report = rfm_table(&table, &options, &map).map_err(crate::error::segments)?;
    if args.summary {
        return summary(&report, &map, args.format.format, out);
    }
    match args.format.format {
        TableFormat::Json => output::write(out, &output::json(&report)?),
        TableFormat::Csv => {
            out.write_all(
                b"customer_id,recency_days,frequency,monetary_total,r,f,m,rfm,segment\n",
            )?;
            // each segment's field and the line end, formatted once
            let tail = |name: &str| {
                let mut bytes = vec![b','];
                csv_out::push_field(&mut bytes, name);
                bytes.push(b'\n');
                bytes
            };
            let tails: Vec<Vec<u8>> = map.segment_names().iter().map(|n| tail(n)).collect();
            let unnamed = tail("");
            csv_out::write_rows(out, report.len(), |i, buf| {
                let c = report.row(i);
                buf.reserve(128);
                csv_out::push_field(buf, c.customer_id);
                buf.push(b',');
                csv_out::push_int(buf, c.recency_days);
                buf.push(b',');
                csv_out::push_int(buf, c.frequency);
                buf.push(b',');
                csv_out::push_decimal(buf, c.monetary_total);
                // scores are single digits (at most 9 bins)
                let [r, f, m] = c.rfm.0.map(|d| b'0' + d);
                buf.extend_from_slice(&[b',', r, b',', f, b',', m, b',', r, f, m]);
                let segment = report.segment_index(i).and_then(|s| tails.get(s));
                buf.extend_from_slice(segment.unwrap_or(&unnamed));
            })?;
            out.flush()?;
            Ok(())
        }
        TableFormat::Text => {
            let mut t = Table::new([
                "customer", "recency", "freq", "monetary", "R", "F", "M", "RFM", "segment",
            ]);
            for c in report.rows() {
                t.push([
                    c.customer_id.to_string(),
                    c.recency_days.to_string(),
                    c.frequency.to_string(),
                    money(c.monetary_total),
                    c.r.to_string(),
                    c.f.to_string(),
                    c.m.to_string(),
                    c.rfm.to_string(),
                    c.segment.to_string(),
                ]);
            }
            let text = format!("{}{}", header(&report), t.render());
            output::write(out, &text)
        }
    }
}

fn breaks(flag: &str, raw: &Option<Vec<String>>) -> Result<Option<Vec<Decimal>>> {
    let Some(values) = raw else { return Ok(None) };
    let parsed = values
        .iter()
        .map(|v| {
            crate::decimal_arg::parse(v.trim())
                .map_err(|e| anyhow::anyhow!("invalid value '{v}' for {flag}: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(parsed))
}

fn header(report: &RfmReport<'_>) -> String {
    let mut text = format!(
        "RFM as of {}: {} customers, {} bins, segments: {}\n",
        report.as_of,
        report.len(),
        report.bins,
        report.segments
    );
    for (name, dim, fmt) in [
        (
            "R (recency, days)",
            &report.recency,
            fmt_int as fn(Decimal) -> String,
        ),
        ("F (frequency)", &report.frequency, fmt_int),
        ("M (monetary)", &report.monetary, money),
    ] {
        text.push_str(&format!(
            "  {name} by {}: {}\n",
            dim.method,
            ranges(dim, fmt)
        ));
    }
    text.push('\n');
    text
}

fn fmt_int(d: Decimal) -> String {
    group(d, 0)
}

fn ranges(dim: &DimensionScoring, fmt: fn(Decimal) -> String) -> String {
    dim.ranges
        .iter()
        .map(|r| match (r.min, r.max) {
            (Some(a), Some(b)) if a == b => format!("{}={}", r.score, fmt(a)),
            (Some(a), Some(b)) => format!("{}={}..{}", r.score, fmt(a), fmt(b)),
            _ => format!("{}=(none)", r.score),
        })
        .collect::<Vec<_>>()
        .join("  ")
}

#[derive(Serialize)]
struct SummaryReport<'a> {
    as_of: ltv_segments::Day,
    bins: u32,
    segments_map: &'a str,
    customers: usize,
    segments: Vec<ltv_segments::SegmentSummary>,
}

fn summary(
    report: &RfmReport<'_>,
    map: &SegmentMap,
    format: TableFormat,
    out: &mut dyn Write,
) -> Result<()> {
    let rows = report.summary(map)?;
    match format {
        TableFormat::Json => output::write(
            out,
            &output::json(&SummaryReport {
                as_of: report.as_of,
                bins: report.bins,
                segments_map: &report.segments,
                customers: report.len(),
                segments: rows,
            })?,
        ),
        TableFormat::Csv => {
            let mut text = String::from("segment,customers,share,revenue,revenue_share,mean_recency_days,mean_frequency,mean_monetary\n");
            for s in &rows {
                text.push_str(&format!(
                    "{},{},{},{},{},{},{},{}\n",
                    csv_out::field(&s.segment),
                    s.customers,
                    s.share,
                    s.revenue,
                    s.revenue_share,
                    s.mean_recency_days,
                    s.mean_frequency,
                    s.mean_monetary
                ));
            }
            output::write(out, &text)
        }
        TableFormat::Text => {
            let mut t = Table::new([
                "segment",
                "customers",
                "share",
                "revenue",
                "rev share",
                "recency",
                "freq",
                "monetary",
            ]);
            for s in &rows {
                t.push([
                    s.segment.clone(),
                    s.customers.to_string(),
                    percent(s.share),
                    money(s.revenue),
                    percent(s.revenue_share),
                    group(s.mean_recency_days, 1),
                    money(s.mean_frequency),
                    money(s.mean_monetary),
                ]);
            }
            output::write(out, &format!("{}{}", header(report), t.render()))
        }
    }
}
