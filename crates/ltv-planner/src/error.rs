//! The one error type of `ltv-planner`.

use std::fmt;

use ltv_core::CoreError;

/// Where in an input file something went wrong (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
}

impl Location {
    /// The line and column of byte offset `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        Location { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

fn at(location: &Option<Location>) -> String {
    location.map(|l| format!(" ({l})")).unwrap_or_default()
}

fn who(initiative: &Option<String>) -> String {
    initiative
        .as_ref()
        .map(|n| format!("initiative \"{n}\": "))
        .unwrap_or_default()
}

/// Everything that can go wrong in planning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The file is not valid TOML/JSON/CSV or does not have the expected shape.
    #[error("invalid {format}: {message}{}", at(location))]
    Parse {
        /// `TOML`, `JSON` or `CSV`.
        format: &'static str,
        /// The parser's message.
        message: String,
        /// Where, when the format reports it.
        location: Option<Location>,
    },
    /// A value is outside what its field allows.
    #[error(
        "{}{field} must be {allowed}, got {value}{}",
        who(initiative),
        at(location)
    )]
    Invalid {
        /// The initiative the value belongs to; `None` for the baseline or options.
        initiative: Option<String>,
        /// The field's path, e.g. `impact`, `raters[1].ease`, `baseline.churn`.
        field: String,
        /// The rejected value as written.
        value: String,
        /// The allowed range or values in words.
        allowed: String,
        /// Where in the file, when known.
        location: Option<Location>,
    },
    /// `--initiative NAME` names no initiative of the file.
    #[error("no initiative named \"{name}\"; the file has: {known}")]
    UnknownInitiative {
        /// The name asked for.
        name: String,
        /// The names in the file, comma-separated.
        known: String,
    },
    /// An ltv-core formula rejected a (moved) value.
    #[error("{}{context}: {source}", who(initiative))]
    Core {
        /// The initiative whose move produced the value, if any.
        initiative: Option<String>,
        /// What was being computed, e.g. `baseline` or `after the change`.
        context: String,
        /// The formula's error.
        source: CoreError,
    },
    /// A result does not fit in a 96-bit decimal.
    #[error("arithmetic overflow while computing {what}: the inputs are too large")]
    Overflow {
        /// What was being computed.
        what: &'static str,
    },
    /// The initiatives file has no `[baseline]` and none was measured from data.
    #[error("the initiatives file has no [baseline]: measure the baseline from the orders data, or add a [baseline] table")]
    NoBaseline,
}

impl PlanError {
    /// The offending field's path, where there is one (`baseline.churn`, `impact`, ...).
    pub fn field(&self) -> Option<String> {
        match self {
            PlanError::Invalid { field, .. } => Some(field.clone()),
            PlanError::Core { source, .. } => source.field().map(str::to_owned),
            PlanError::UnknownInitiative { .. } => Some("initiative".to_owned()),
            PlanError::NoBaseline => Some("baseline".to_owned()),
            PlanError::Parse { .. } | PlanError::Overflow { .. } => None,
        }
    }

    /// The initiative the error is about, where there is one.
    pub fn initiative(&self) -> Option<&str> {
        match self {
            PlanError::Invalid { initiative, .. } | PlanError::Core { initiative, .. } => {
                initiative.as_deref()
            }
            _ => None,
        }
    }

    /// The file location, where the format gives one.
    pub fn location(&self) -> Option<Location> {
        match self {
            PlanError::Parse { location, .. } | PlanError::Invalid { location, .. } => *location,
            _ => None,
        }
    }

    pub(crate) fn invalid(
        initiative: Option<&str>,
        field: impl Into<String>,
        value: impl fmt::Display,
        allowed: impl Into<String>,
    ) -> PlanError {
        PlanError::Invalid {
            initiative: initiative.map(str::to_owned),
            field: field.into(),
            value: value.to_string(),
            allowed: allowed.into(),
            location: None,
        }
    }

    pub(crate) fn core(initiative: Option<&str>, context: &str, source: CoreError) -> PlanError {
        match source {
            CoreError::Overflow { what } => PlanError::Overflow { what },
            source => PlanError::Core {
                initiative: initiative.map(str::to_owned),
                context: context.to_owned(),
                source,
            },
        }
    }

    /// Sets the location of an [`PlanError::Invalid`] that has none.
    pub(crate) fn with_location(mut self, loc: Option<Location>) -> PlanError {
        if let PlanError::Invalid { location, .. } = &mut self {
            if location.is_none() {
                *location = loc;
            }
        }
        self
    }
}

/// Result alias for `ltv-planner`.
pub type Result<T, E = PlanError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_line_and_column() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(
            Location::of_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            Location::of_offset(text, 11),
            Location { line: 2, column: 5 }
        );
        assert_eq!(Location::of_offset(text, 999).line, 3);
    }

    #[test]
    fn invalid_names_initiative_field_and_place() {
        let err = PlanError::invalid(Some("Onboarding"), "impact", 11, "in [1, 10]").with_location(
            Some(Location {
                line: 7,
                column: 10,
            }),
        );
        assert_eq!(
            err.to_string(),
            "initiative \"Onboarding\": impact must be in [1, 10], got 11 (line 7, column 10)"
        );
    }
}
