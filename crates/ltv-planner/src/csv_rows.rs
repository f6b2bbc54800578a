//! Reading initiatives from CSV, one row per initiative or per rater.

use rust_decimal::Decimal;

use crate::change::{Change, Estimate};
use crate::error::{Location, PlanError, Result};
use crate::file::initiative_from_cells;
use crate::initiative::{Initiative, Rice};

/// The columns a CSV may have.
pub const COLUMNS: [&str; 16] = [
    "name",
    "team",
    "driver",
    "change",
    "one_off_cost",
    "yearly_cost",
    "ramp_months",
    "impact",
    "confidence",
    "ease",
    "rater",
    "baseline",
    "reach",
    "rice_impact",
    "rice_confidence",
    "effort",
];

pub(crate) struct Row {
    pub initiative: Initiative,
    pub location: Location,
}

/// The character column where field `index` of the record starting at `start` begins.
fn field_column(text: &str, start: usize, index: usize) -> usize {
    let line_start = text
        .get(..start)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let mut col = text.get(line_start..start).map_or(0, |s| s.chars().count()) + 1;
    let mut field = 0;
    let mut quoted = false;
    for ch in text.get(start..).unwrap_or("").chars() {
        if field == index || (ch == '\n' && !quoted) {
            break;
        }
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
        col += 1;
    }
    col
}

fn parse_err(text: &str, err: &csv::Error) -> PlanError {
    let location = err.position().map(|p| Location {
        line: usize::try_from(p.line()).unwrap_or(usize::MAX),
        column: Location::of_offset(text, usize::try_from(p.byte()).unwrap_or(0)).column,
    });
    PlanError::Parse {
        format: "CSV",
        message: err.to_string(),
        location,
    }
}

pub(crate) fn read(text: &str) -> Result<Vec<Row>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| parse_err(text, &e))?.clone();
    let mut index = std::collections::BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.to_ascii_lowercase();
        if !COLUMNS.contains(&h.as_str()) {
            return Err(PlanError::Parse {
                format: "CSV",
                message: format!(
                    "unknown column `{h}`; known columns: {}",
                    COLUMNS.join(", ")
                ),
                location: Some(Location {
                    line: 1,
                    column: field_column(text, 0, i),
                }),
            });
        }
        index.insert(h, i);
    }
    for required in ["name", "team", "driver", "change"] {
        if !index.contains_key(required) {
            return Err(PlanError::Parse {
                format: "CSV",
                message: format!("missing column `{required}`"),
                location: Some(Location { line: 1, column: 1 }),
            });
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| parse_err(text, &e))?;
        let pos = record.position();
        let start = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        let line = pos.map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        let loc = |col: &str| Location {
            line,
            column: index.get(col).map_or(1, |&i| field_column(text, start, i)),
        };
        let cell =
            |col: &str| -> &str { index.get(col).and_then(|&i| record.get(i)).unwrap_or("") };
        let name = cell("name").to_owned();
        let bad = |col: &str, allowed: &str| {
            PlanError::invalid(
                (!name.is_empty()).then_some(name.as_str()),
                col,
                format!("\"{}\"", cell(col)),
                allowed,
            )
            .with_location(Some(loc(col)))
        };
        let dec = |col: &str| -> Result<Option<Decimal>> {
            let raw = cell(col);
            if raw.is_empty() {
                return Ok(None);
            }
            raw.replace('_', "")
                .parse::<Decimal>()
                .map(Some)
                .map_err(|_| bad(col, "a decimal number"))
        };
        let est = |col: &str| -> Result<Option<Estimate<Decimal>>> {
            let raw = cell(col);
            if raw.is_empty() {
                return Ok(None);
            }
            let parts: Vec<&str> = raw.split('/').map(str::trim).collect();
            let p = |s: &str| {
                s.parse::<Decimal>()
                    .map_err(|_| bad(col, "a number or a range low/likely/high such as 6/8/9"))
            };
            match parts.as_slice() {
                [one] => Ok(Some(Estimate::One(p(one)?))),
                [l, m, h] => Ok(Some(Estimate::Range {
                    low: p(l)?,
                    likely: p(m)?,
                    high: p(h)?,
                })),
                _ => Err(bad(
                    col,
                    "a number or a range low/likely/high such as 6/8/9",
                )),
            }
        };
        for col in ["name", "team", "driver", "change"] {
            if cell(col).is_empty() {
                return Err(bad(col, "a value (the column is required)"));
            }
        }
        let change = {
            let raw = cell("change");
            let parts: Vec<&str> = raw.split('/').collect();
            let p = |s: &str| Change::parse(s).map_err(|m| bad("change", &m));
            match parts.as_slice() {
                [one] => Estimate::One(p(one)?),
                [l, m, h] => Estimate::Range {
                    low: p(l)?,
                    likely: p(m)?,
                    high: p(h)?,
                },
                _ => {
                    return Err(bad(
                        "change",
                        "a change (-1pt, +5%, -0.01, =0.04) or low/likely/high",
                    ))
                }
            }
        };
        let ramp = match cell("ramp_months") {
            "" => 0,
            raw => raw
                .parse::<u32>()
                .map_err(|_| bad("ramp_months", "a whole number of months >= 0"))?,
        };
        let ice = match (est("impact")?, est("confidence")?, est("ease")?) {
            (Some(i), Some(c), Some(e)) => {
                let rater = Some(cell("rater").to_owned()).filter(|r| !r.is_empty());
                Some((rater, i, c, e))
            }
            (None, None, None) => None,
            (i, c, _) => {
                let missing = if i.is_none() {
                    "impact"
                } else if c.is_none() {
                    "confidence"
                } else {
                    "ease"
                };
                return Err(bad(
                    missing,
                    "an ICE score in [1, 10] (impact, confidence and ease go together)",
                ));
            }
        };
        let rice = match (
            dec("reach")?,
            dec("rice_impact")?,
            dec("rice_confidence")?,
            dec("effort")?,
        ) {
            (Some(reach), Some(impact), Some(confidence), Some(effort)) => Some(Rice {
                reach,
                impact,
                confidence,
                effort,
            }),
            (None, None, None, None) => None,
            _ => {
                return Err(bad(
                    "reach",
                    "given with rice_impact, rice_confidence and effort (all four or none)",
                ))
            }
        };
        let baseline = Some(cell("baseline").to_owned()).filter(|b| !b.is_empty());
        let initiative = initiative_from_cells(
            name.clone(),
            cell("team"),
            cell("driver").to_owned(),
            change,
            (
                dec("one_off_cost")?.unwrap_or_default(),
                dec("yearly_cost")?.unwrap_or_default(),
                ramp,
            ),
            ice,
            rice,
            baseline,
        );
        // costs and scores are checked by the plan file; point at the right cell
        if let Err(found) = initiative.check() {
            let field = found.error.field().unwrap_or_default();
            let col = field.split(['.', '[']).next().unwrap_or("").to_owned();
            let col = if let Some(stripped) = field.strip_prefix("raters") {
                stripped.rsplit('.').next().unwrap_or("impact").to_owned()
            } else if let Some(part) = field.strip_prefix("rice.") {
                match part {
                    "impact" | "confidence" => format!("rice_{part}"),
                    other => other.to_owned(),
                }
            } else {
                col
            };
            return Err(found.error.with_location(Some(loc(&col))));
        }
        rows.push(Row {
            initiative,
            location: loc("name"),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_of_quoted_fields() {
        let text = "a,b,c\n\"x, y\",z,w\n";
        assert_eq!(field_column(text, 6, 0), 1);
        assert_eq!(field_column(text, 6, 1), 8);
        assert_eq!(field_column(text, 6, 2), 10);
    }
}
