//! Writes every chart kind into one report page: `cargo run -p ltv-report --example chart_gallery > /tmp/gallery.html`.
#![allow(clippy::unwrap_used)]

use ltv_report::charts::*;
use ltv_report::*;

fn main() {
    let bars = vec![
        Bar {
            label: "churn −1 pt".into(),
            value: 25.0,
        },
        Bar {
            label: "margin +5 pts".into(),
            value: 7.1,
        },
        Bar {
            label: "ARPU +10 %".into(),
            value: 10.0,
        },
        Bar {
            label: "CAC −10 %".into(),
            value: 0.0,
        },
    ];
    let rows: Vec<HeatRow> = (0..12)
        .map(|i| HeatRow {
            label: format!("1997-{:02}", i + 1),
            cells: (0..18)
                .map(|k| {
                    if k + i < 18 {
                        Some(if k == 0 {
                            1.0
                        } else {
                            0.5 / (1.0 + k as f64 * 0.3)
                        })
                    } else {
                        None
                    }
                })
                .collect(),
        })
        .collect();
    let series: Vec<Series> = (0..3)
        .map(|c| Series {
            name: format!("cohort {c}"),
            points: (0..18)
                .map(|k| (k as f64, 30.0 * (1.0 + k as f64).ln() + c as f64 * 5.0))
                .collect(),
            dashed: c == 2,
        })
        .collect();
    let cash = Series {
        name: "cumulative cash flow".into(),
        points: (0..=36)
            .map(|m| (m as f64, -10.0e6 + m as f64 * 0.7e6))
            .collect(),
        dashed: false,
    };
    let values: Vec<f64> = (0..500).map(|i| ((i * 7919) % 1000) as f64 / 7.0).collect();
    let tiles = vec![
        Tile {
            label: "Champions".into(),
            size: 300.0,
            shade: 1.0,
        },
        Tile {
            label: "Loyal".into(),
            size: 250.0,
            shade: 0.6,
        },
        Tile {
            label: "At Risk".into(),
            size: 200.0,
            shade: 0.3,
        },
        Tile {
            label: "Lost".into(),
            size: 500.0,
            shade: 0.05,
        },
        Tile {
            label: "New Customers".into(),
            size: 80.0,
            shade: 0.1,
        },
    ];
    let charts = vec![
        Chart {
            title: "bar".into(),
            svg: bar_chart("LTV change per driver move", "LTV change (%)", &bars).unwrap(),
        },
        Chart {
            title: "heat".into(),
            svg: heatmap(
                "Retention by cohort",
                "months since first order",
                "cohort (first-order month)",
                "retained",
                &rows,
            )
            .unwrap(),
        },
        Chart {
            title: "lines".into(),
            svg: line_chart(
                "Cumulative LTV per customer",
                "months since first order",
                "revenue per customer ($)",
                &series,
                None,
            )
            .unwrap(),
        },
        Chart {
            title: "cash".into(),
            svg: line_chart(
                "Cumulative cash flow",
                "month",
                "cash flow (¥)",
                &[cash],
                Some(&Marker {
                    at: (15.0, 0.5e6),
                    label: "payback: month 15".into(),
                }),
            )
            .unwrap(),
        },
        Chart {
            title: "hist".into(),
            svg: histogram("CLV distribution", "CLV ($)", "customers", &values, 30).unwrap(),
        },
        Chart {
            title: "gauge".into(),
            svg: ratio_gauge("LTV/CAC", 2.5).unwrap(),
        },
        Chart {
            title: "tree".into(),
            svg: treemap(
                "Customers by RFM segment",
                "area: customers · colour: revenue share (viridis, dark = low)",
                &tiles,
            )
            .unwrap(),
        },
    ];
    let doc = Document {
        lang: Lang::En,
        title: "Chart gallery".into(),
        subtitle: "every chart kind".into(),
        basis: String::new(),
        warnings: Vec::new(),
        sections: vec![Section {
            id: "s".into(),
            title: "Charts".into(),
            lead: "lead".into(),
            charts,
            figures: vec![Figure::new("LTV", "¥140,000").note("subscription")],
            ..Section::default()
        }],
        footer: "footer".into(),
    };
    print!("{}", doc.to_html().unwrap());
}
