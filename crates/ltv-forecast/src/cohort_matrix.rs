//! Reading survivor counts from the cohort retention matrix that
//! `ltv cohort --metric retention --format csv` writes.
//!
//! Format: a header `cohort,size,0,1,2,…,N`, then one row per cohort with its label, its
//! size and, per period, the retained share of the size as a decimal fraction
//! (`0.631`). A cell is empty when the cohort could not yet reach that period; after
//! the first empty cell every later cell of the row must be empty too. Survivors are
//! `round(size × share)` (half away from zero).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::ForecastError;
use crate::sbg::CohortSurvivors;

/// Parses the retention matrix CSV `text` into survivor counts per cohort.
///
/// # Errors
/// [`ForecastError::Matrix`] naming the line and column of a malformed header, size or
/// share (shares must lie in [0, 1]; sizes are whole numbers ≥ 1), a non-empty cell
/// after an empty one, or a file without cohorts.
pub fn survivors_from_retention_csv(text: &str) -> Result<Vec<CohortSurvivors>, ForecastError> {
    let err = |line: usize, column: usize, message: String| ForecastError::Matrix {
        line,
        column,
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((h, header)) = lines.next() else {
        return Err(err(
            1,
            1,
            "empty file: expected a header cohort,size,0,1,…".into(),
        ));
    };
    let names: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(str::trim)
        .collect();
    if names.len() < 3 || names[0] != "cohort" || names[1] != "size" {
        return Err(err(
            h + 1,
            1,
            format!(
                "expected a header cohort,size,0,1,…; got '{}'",
                header.trim()
            ),
        ));
    }
    for (i, name) in names[2..].iter().enumerate() {
        if name.parse::<usize>().ok() != Some(i) {
            return Err(err(
                h + 1,
                i + 3,
                format!("expected period column '{i}', got '{name}'"),
            ));
        }
    }
    let mut cohorts = Vec::new();
    for (l, row) in lines {
        let line = l + 1;
        let cells: Vec<&str> = row.split(',').map(str::trim).collect();
        if cells.len() != names.len() {
            return Err(err(
                line,
                cells.len().min(names.len()) + 1,
                format!("expected {} cells, got {}", names.len(), cells.len()),
            ));
        }
        let size: u64 = cells[1].parse().ok().filter(|&n| n >= 1).ok_or_else(|| {
            err(
                line,
                2,
                format!("size must be a whole number >= 1, got '{}'", cells[1]),
            )
        })?;
        let mut survivors = Vec::new();
        let mut ended = false;
        for (i, cell) in cells[2..].iter().enumerate() {
            let column = i + 3;
            if cell.is_empty() {
                ended = true;
                continue;
            }
            if ended {
                return Err(err(
                    line,
                    column,
                    format!("a value after an empty cell: period {i} has '{cell}'"),
                ));
            }
            let share: Decimal = cell
                .parse()
                .ok()
                .filter(|d: &Decimal| !d.is_sign_negative() && *d <= Decimal::ONE)
                .ok_or_else(|| {
                    err(
                        line,
                        column,
                        format!("retention share must be a decimal in [0, 1], got '{cell}'"),
                    )
                })?;
            let count = (Decimal::from(size) * share)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            survivors.push(u64::try_from(count).unwrap_or(0));
        }
        if survivors.is_empty() {
            return Err(err(line, 3, "period 0 is empty".into()));
        }
        cohorts.push(CohortSurvivors {
            label: cells[0].to_string(),
            survivors,
        });
    }
    if cohorts.is_empty() {
        return Err(err(h + 2, 1, "no cohort rows after the header".into()));
    }
    Ok(cohorts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ragged_matrix() {
        let text = "cohort,size,0,1,2,3\n2024-01,1000,1,0.631,0.468,0.382\n2024-02,500,1,0.7,,\n";
        let c = survivors_from_retention_csv(text).unwrap();
        assert_eq!(c[0].survivors, vec![1000, 631, 468, 382]);
        assert_eq!(c[1].survivors, vec![500, 350]);
        assert_eq!(c[1].label, "2024-02");
    }

    #[test]
    fn names_line_and_column() {
        let bad = |t: &str| match survivors_from_retention_csv(t) {
            Err(ForecastError::Matrix { line, column, .. }) => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(bad("cohort,size,0,1\na,10,1,1.5\n"), (2, 4));
        assert_eq!(bad("cohort,size,0,1,2\na,10,1,,0.5\n"), (2, 5));
        assert_eq!(bad("cohort,size,0,1\na,x,1,0.5\n"), (2, 2));
        assert_eq!(bad("cohort,n,0\n"), (1, 1));
        assert_eq!(bad("cohort,size,0,2\n"), (1, 4));
        assert_eq!(bad("cohort,size,0,1\n"), (2, 1));
    }
}
