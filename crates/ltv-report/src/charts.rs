//! SVG charts drawn with plotters' SVG backend.
//!
//! Every chart has a title, axis labels with units and uses the Okabe–Ito colour-blind
//! safe palette (sequential data uses a viridis ramp). Values arrive as `f64`: charts
//! are presentation, the numbers shown beside them come from the exact Decimal results.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::ReportError;

/// Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
];

const GREY: RGBColor = RGBColor(110, 110, 110);
const FONT: &str = "sans-serif";

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn chart_err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Chart(format!("{e:?}"))
}

/// Draws into an SVG string of the given size.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(chart_err)?;
        draw(&root)?;
        root.present().map_err(chart_err)?;
    }
    Ok(out)
}

/// A labelled value of a bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Category label.
    pub label: String,
    /// Bar length.
    pub value: f64,
}

/// Horizontal bar chart, bars in the given order, the first one highlighted.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn bar_chart(title: &str, value_label: &str, bars: &[Bar]) -> Result<String, ReportError> {
    // plotters draws no labels on a one-segment axis, so keep at least two rows
    let n = bars.len().max(2);
    let height = 90 + 34 * n as u32;
    let (lo, hi) = bounds(bars.iter().map(|b| b.value), true);
    svg((720, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(210)
            .build_cartesian_2d(lo..hi, (0..n - 1).into_segmented())
            .map_err(chart_err)?;
        let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(value_label)
            .y_labels(n + 1)
            // the first bar at the top
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => n
                    .checked_sub(i + 1)
                    .and_then(|k| labels.get(k))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 13))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let colour = if i == 0 { PALETTE[3] } else { PALETTE[0] };
                let (x0, x1) = if b.value >= 0.0 {
                    (0.0, b.value)
                } else {
                    (b.value, 0.0)
                };
                let row = n - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (x0, SegmentValue::Exact(row)),
                        (x1, SegmentValue::Exact(row + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(5, 5, 0, 0);
                bar
            }))
            .map_err(chart_err)?;
        Ok(())
    })
}

/// One row of a heatmap: label and one cell per column (`None` = no data).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatRow {
    /// Row label.
    pub label: String,
    /// Cell values; `None` is drawn empty.
    pub cells: Vec<Option<f64>>,
}

/// Heatmap of values in [0, 1] (e.g. retention shares), one row per cohort, with a
/// colour legend titled `value_label`.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn heatmap(
    title: &str,
    x_label: &str,
    y_label: &str,
    value_label: &str,
    rows: &[HeatRow],
) -> Result<String, ReportError> {
    let cols = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(2);
    // plotters draws no labels on a one-segment axis, so keep at least two rows
    let n = rows.len().max(2);
    let cell_h = 22u32;
    let height = 110 + cell_h * n as u32;
    svg((820, height), |root| {
        let (root, legend) = root.split_horizontally(740);
        colour_legend(&legend, value_label)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d((0..cols - 1).into_segmented(), (0..n - 1).into_segmented())
            .map_err(chart_err)?;
        let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .x_labels(cols.min(25))
            .y_labels((n + 1).min(41))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => i.to_string(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| match v {
                // row 0 at the top
                SegmentValue::CenterOf(i) => n
                    .checked_sub(i + 1)
                    .and_then(|k| labels.get(k))
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .label_style((FONT, 11))
            .axis_desc_style((FONT, 13))
            .draw()
            .map_err(chart_err)?;
        let cells = rows.iter().enumerate().flat_map(|(r, row)| {
            row.cells.iter().enumerate().filter_map(move |(c, v)| {
                v.map(|v| {
                    let y = n - 1 - r;
                    Rectangle::new(
                        [
                            (SegmentValue::Exact(c), SegmentValue::Exact(y)),
                            (SegmentValue::Exact(c + 1), SegmentValue::Exact(y + 1)),
                        ],
                        viridis(v).filled(),
                    )
                })
            })
        });
        chart.draw_series(cells).map_err(chart_err)?;
        Ok(())
    })
}

/// A vertical viridis scale from 0 % (bottom) to 100 % (top).
fn colour_legend(area: &Area<'_>, label: &str) -> Result<(), ReportError> {
    let (_, h) = area.dim_in_pixel();
    let (top, bottom) = (50i32, h as i32 - 60);
    if bottom <= top {
        return Ok(());
    }
    let steps = 20;
    let step_h = f64::from(bottom - top) / f64::from(steps);
    for k in 0..steps {
        let t = 1.0 - (f64::from(k) + 0.5) / f64::from(steps);
        let y0 = top + (f64::from(k) * step_h) as i32;
        let y1 = top + (f64::from(k + 1) * step_h).ceil() as i32;
        area.draw(&Rectangle::new([(8, y0), (26, y1)], viridis(t).filled()))
            .map_err(chart_err)?;
    }
    let style = TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (text, y) in [("100%", top), ("50%", (top + bottom) / 2), ("0%", bottom)] {
        area.draw(&Text::new(text, (30, y), style.clone()))
            .map_err(chart_err)?;
    }
    area.draw(&Text::new(
        label.to_string(),
        (4, top - 18),
        TextStyle::from((FONT, 11).into_font()),
    ))
    .map_err(chart_err)?;
    Ok(())
}

/// A line series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Draw dashed (e.g. a projection).
    pub dashed: bool,
}

/// A marked point with a label, e.g. the payback month.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Position.
    pub at: (f64, f64),
    /// Label drawn beside it.
    pub label: String,
}

/// Line chart of several series with a legend and an optional marked point.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    marker: Option<&Marker>,
) -> Result<String, ReportError> {
    let (x0, x1) = bounds(
        series.iter().flat_map(|s| s.points.iter().map(|p| p.0)),
        false,
    );
    let (y0, y1) = bounds(
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(marker.map(|m| m.at.1)),
        true,
    );
    svg((760, 400), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .y_label_formatter(&|v| short_number(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(chart_err)?;
        if y0 < 0.0 && y1 > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(x0, 0.0), (x1, 0.0)],
                    GREY.stroke_width(1),
                ))
                .map_err(chart_err)?;
        }
        for (i, s) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let style = colour.stroke_width(2);
            let drawn = if s.dashed {
                chart.draw_series(DashedLineSeries::new(s.points.iter().copied(), 6, 4, style))
            } else {
                chart.draw_series(LineSeries::new(s.points.iter().copied(), style))
            }
            .map_err(chart_err)?;
            drawn.label(s.name.clone()).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2))
            });
        }
        if let Some(m) = marker {
            chart
                .draw_series([Circle::new(m.at, 6, PALETTE[3].filled())])
                .map_err(chart_err)?;
            chart
                .draw_series([Text::new(
                    m.label.clone(),
                    m.at,
                    TextStyle::from((FONT, 13).into_font())
                        .color(&PALETTE[3])
                        .pos(Pos::new(HPos::Left, VPos::Bottom)),
                )])
                .map_err(chart_err)?;
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.85))
                .border_style(GREY)
                .label_font((FONT, 12))
                .draw()
                .map_err(chart_err)?;
        }
        Ok(())
    })
}

/// Histogram of `values` in `bins` equal-width bins.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn histogram(
    title: &str,
    x_label: &str,
    y_label: &str,
    values: &[f64],
    bins: usize,
) -> Result<String, ReportError> {
    let bins = bins.max(1);
    let (lo, hi) = bounds(values.iter().copied(), false);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u32; bins];
    for v in values.iter().filter(|v| v.is_finite()) {
        let i = (((v - lo) / width) as usize).min(bins - 1);
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1);
    svg((760, 360), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(lo..hi, 0u32..(top + top / 10 + 1))
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .x_label_formatter(&|v| short_number(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(chart_err)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x = lo + width * i as f64;
                let mut r = Rectangle::new([(x, 0), (x + width, c)], PALETTE[0].filled());
                r.set_margin(0, 0, 1, 1);
                r
            }))
            .map_err(chart_err)?;
        Ok(())
    })
}

/// A semicircular gauge of the LTV/CAC ratio with the bands < 1, 1–3, ≥ 3 (scale 0–5).
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn ratio_gauge(title: &str, ratio: f64) -> Result<String, ReportError> {
    const MAX: f64 = 5.0;
    svg((420, 260), |root| {
        let root = root.titled(title, (FONT, 18)).map_err(chart_err)?;
        let (w, h) = root.dim_in_pixel();
        let centre = (w as i32 / 2, h as i32 - 40);
        let (r_out, r_in) = (150.0_f64, 95.0_f64);
        let angle = |v: f64| std::f64::consts::PI * (1.0 - (v / MAX).clamp(0.0, 1.0));
        let point = |a: f64, r: f64| {
            (
                centre.0 + (r * a.cos()).round() as i32,
                centre.1 - (r * a.sin()).round() as i32,
            )
        };
        let bands = [
            (0.0, 1.0, PALETTE[3], "< 1 unprofitable"),
            (1.0, 3.0, PALETTE[1], "1–3 needs improvement"),
            (3.0, MAX, PALETTE[2], "≥ 3 healthy"),
        ];
        for (from, to, colour, _) in bands {
            let steps = 40;
            let mut poly = Vec::with_capacity(2 * steps + 2);
            for k in 0..=steps {
                let v = from + (to - from) * k as f64 / steps as f64;
                poly.push(point(angle(v), r_out));
            }
            for k in (0..=steps).rev() {
                let v = from + (to - from) * k as f64 / steps as f64;
                poly.push(point(angle(v), r_in));
            }
            root.draw(&Polygon::new(poly, colour.mix(0.85).filled()))
                .map_err(chart_err)?;
        }
        for tick in [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] {
            let p = point(angle(tick), r_out + 12.0);
            root.draw(&Text::new(
                format!("{tick:.0}"),
                p,
                TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(chart_err)?;
        }
        let needle = point(angle(ratio), r_out - 5.0);
        root.draw(&PathElement::new(
            vec![centre, needle],
            BLACK.stroke_width(3),
        ))
        .map_err(chart_err)?;
        root.draw(&Circle::new(centre, 6, BLACK.filled()))
            .map_err(chart_err)?;
        root.draw(&Text::new(
            format!("LTV/CAC = {ratio:.2}"),
            (centre.0, centre.1 + 22),
            TextStyle::from((FONT, 16).into_font()).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(chart_err)?;
        Ok(())
    })
}

/// A box of a treemap.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// Label drawn inside the box.
    pub label: String,
    /// Area (e.g. customers).
    pub size: f64,
    /// Colour value in [0, 1] (e.g. revenue share ÷ largest share).
    pub shade: f64,
}

/// Treemap (slice-and-dice by rows) of tiles sized by `size`, coloured by `shade`.
///
/// # Errors
/// [`ReportError::Chart`] if plotters fails to draw.
pub fn treemap(title: &str, legend: &str, tiles: &[Tile]) -> Result<String, ReportError> {
    let mut tiles: Vec<&Tile> = tiles.iter().filter(|t| t.size > 0.0).collect();
    tiles.sort_by(|a, b| b.size.total_cmp(&a.size));
    svg((760, 420), |root| {
        let root = root.titled(title, (FONT, 18)).map_err(chart_err)?;
        let (body, foot) = root.split_vertically(root.dim_in_pixel().1 - 28);
        foot.draw(&Text::new(
            legend.to_string(),
            (10, 8),
            TextStyle::from((FONT, 12).into_font()).color(&GREY),
        ))
        .map_err(chart_err)?;
        let (w, h) = body.dim_in_pixel();
        let rects = squarify(&tiles, (0.0, 0.0, f64::from(w), f64::from(h)));
        for (tile, (x, y, tw, th)) in tiles.iter().zip(rects) {
            let (x0, y0) = (x as i32 + 1, y as i32 + 1);
            let (x1, y1) = ((x + tw) as i32 - 1, (y + th) as i32 - 1);
            let fill = viridis(tile.shade);
            body.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
                .map_err(chart_err)?;
            if tw > 60.0 && th > 22.0 {
                let text = if tile.shade > 0.55 { BLACK } else { WHITE };
                body.draw(&Text::new(
                    tile.label.clone(),
                    (x0 + 5, y0 + 5),
                    TextStyle::from((FONT, 12).into_font()).color(&text),
                ))
                .map_err(chart_err)?;
            }
        }
        Ok(())
    })
}

/// Slice-and-dice layout alternating direction by depth; good enough for ≤ 15 tiles.
fn squarify(tiles: &[&Tile], rect: (f64, f64, f64, f64)) -> Vec<(f64, f64, f64, f64)> {
    let total: f64 = tiles.iter().map(|t| t.size).sum();
    let mut out = Vec::with_capacity(tiles.len());
    let (mut x, mut y, mut w, mut h) = rect;
    let mut remaining = total;
    for (i, t) in tiles.iter().enumerate() {
        if i + 1 == tiles.len() || remaining <= 0.0 {
            out.push((x, y, w, h));
            continue;
        }
        let share = t.size / remaining;
        if w >= h {
            let tw = w * share;
            out.push((x, y, tw, h));
            x += tw;
            w -= tw;
        } else {
            let th = h * share;
            out.push((x, y, w, th));
            y += th;
            h -= th;
        }
        remaining -= t.size;
    }
    out
}

/// Viridis colour ramp for t in [0, 1] (colour-blind safe, perceptually uniform).
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * (STOPS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(STOPS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The hex colour of [`viridis`], for HTML legends.
pub fn viridis_hex(t: f64) -> String {
    let RGBColor(r, g, b) = viridis(t);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Axis range covering the values with a little headroom; `with_zero` includes 0.
fn bounds(values: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    if (hi - lo).abs() < 1e-12 {
        return (lo - 1.0, hi + 1.0);
    }
    (
        if with_zero && lo == 0.0 {
            0.0
        } else {
            lo - pad
        },
        hi + pad,
    )
}

/// 1234567 → "1.23M", 12345 → "12.3k", 0.25 → "0.25".
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_render_svg_with_titles() {
        let bars = [
            Bar {
                label: "churn −1 pt".into(),
                value: 25.0,
            },
            Bar {
                label: "price +10 %".into(),
                value: 10.0,
            },
        ];
        let svg = bar_chart("LTV change per driver move", "LTV change (%)", &bars).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("LTV change per driver move"));
        assert!(svg.contains("LTV change (%)"));
        let rows = [HeatRow {
            label: "1997-01".into(),
            cells: vec![Some(1.0), Some(0.4), None],
        }];
        let svg = heatmap(
            "Retention",
            "months since first order",
            "cohort",
            "retained",
            &rows,
        )
        .unwrap();
        assert!(svg.contains("1997-01"), "{svg}");
        let s = Series {
            name: "a".into(),
            points: vec![(0.0, 1.0), (1.0, 2.0)],
            dashed: true,
        };
        let m = Marker {
            at: (1.0, 2.0),
            label: "payback".into(),
        };
        assert!(line_chart("t", "x", "y", &[s], Some(&m))
            .unwrap()
            .contains("payback"));
        assert!(histogram("h", "x", "n", &[1.0, 2.0, 2.5], 5)
            .unwrap()
            .contains("<rect"));
        assert!(ratio_gauge("g", 2.5).unwrap().contains("LTV/CAC = 2.50"));
        let tiles = [
            Tile {
                label: "Champions".into(),
                size: 10.0,
                shade: 1.0,
            },
            Tile {
                label: "Lost".into(),
                size: 30.0,
                shade: 0.1,
            },
        ];
        assert!(treemap("RFM", "colour: revenue share", &tiles)
            .unwrap()
            .contains("Champions"));
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert!(bar_chart("t", "x", &[]).is_ok());
        assert!(heatmap("t", "x", "y", "v", &[]).is_ok());
        assert!(line_chart("t", "x", "y", &[], None).is_ok());
        assert!(histogram("t", "x", "y", &[], 10).is_ok());
        assert!(histogram("t", "x", "y", &[f64::NAN, 1.0], 10).is_ok());
        assert!(ratio_gauge("t", f64::INFINITY).is_ok());
        assert!(treemap("t", "l", &[]).is_ok());
    }

    #[test]
    fn ramp_ends() {
        assert_eq!(viridis_hex(0.0), "#440154");
        assert_eq!(viridis_hex(1.0), "#fde725");
        assert_eq!(viridis_hex(f64::NAN), "#440154");
    }
}
