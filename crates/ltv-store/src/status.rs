//! The lifecycle of an initiative: `idea → approved → running → done | dropped`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Where an initiative is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proposed, being rated.
    Idea,
    /// Approved to run; not started.
    Approved,
    /// Running since its start date.
    Running,
    /// Finished on its end date; its effect can be measured.
    Done,
    /// Stopped or rejected.
    Dropped,
}

impl Status {
    /// Every status, in lifecycle order (the board's columns).
    pub const ALL: [Status; 5] = [
        Status::Idea,
        Status::Approved,
        Status::Running,
        Status::Done,
        Status::Dropped,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idea => "idea",
            Status::Approved => "approved",
            Status::Running => "running",
            Status::Done => "done",
            Status::Dropped => "dropped",
        }
    }

    /// The Japanese label.
    pub fn label_ja(self) -> &'static str {
        match self {
            Status::Idea => "アイデア",
            Status::Approved => "承認済み",
            Status::Running => "実行中",
            Status::Done => "完了",
            Status::Dropped => "中止",
        }
    }

    /// The statuses this one may move to: idea → approved | dropped; approved →
    /// running | dropped; running → done | dropped; done and dropped are final.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Idea => &[Status::Approved, Status::Dropped],
            Status::Approved => &[Status::Running, Status::Dropped],
            Status::Running => &[Status::Done, Status::Dropped],
            Status::Done | Status::Dropped => &[],
        }
    }

    /// Whether the lifecycle allows `self → to`.
    pub fn can_move_to(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// Whether the initiative is still open (idea, approved or running).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Idea | Status::Approved | Status::Running)
    }

    /// The statuses of a filter: names separated by commas, `open` (idea, approved,
    /// running) and `all`; empty or `all` is every status (an empty list).
    ///
    /// # Errors
    /// [`crate::StoreError::Invalid`] naming the unknown status.
    pub fn parse_filter(raw: &str) -> crate::Result<Vec<Status>> {
        let mut out: Vec<Status> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let add: Vec<Status> =
                match part.to_ascii_lowercase().as_str() {
                    "all" => return Ok(Vec::new()),
                    "open" => vec![Status::Idea, Status::Approved, Status::Running],
                    _ => vec![part.parse::<Status>().map_err(|allowed| {
                        crate::StoreError::Invalid {
                            initiative: None,
                            field: "status".to_owned(),
                            value: part.to_owned(),
                            allowed: format!("{allowed}, open or all"),
                        }
                    })?],
                };
            for s in add {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        Ok(out)
    }

    /// "allowed from idea: approved, dropped" / "idea is final".
    pub(crate) fn allowed_text(self) -> String {
        let next = self.next();
        if next.is_empty() {
            format!("{self} is final")
        } else {
            let names: Vec<&str> = next.iter().map(|s| s.as_str()).collect();
            format!("allowed from {self}: {}", names.join(", "))
        }
    }
}

/// A status move, as an API sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The status to move to.
    pub to: Status,
    /// The start date (to `running`) or end date (to `done` or `dropped`); default
    /// today (the server's local date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
}

impl MoveRequest {
    /// The date, or today's (local) date.
    pub fn date_or_today(&self) -> chrono::NaiveDate {
        self.date
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    /// Parses a status name (case ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == norm)
            .ok_or_else(|| "one of idea, approved, running, done, dropped".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        assert!(Status::Idea.can_move_to(Status::Approved));
        assert!(!Status::Idea.can_move_to(Status::Running));
        assert!(Status::Running.can_move_to(Status::Dropped));
        assert!(!Status::Done.can_move_to(Status::Running));
        assert_eq!(
            Status::Idea.allowed_text(),
            "allowed from idea: approved, dropped"
        );
        assert_eq!(Status::Done.allowed_text(), "done is final");
        assert_eq!("Running".parse::<Status>().unwrap(), Status::Running);
        assert!("started".parse::<Status>().is_err());
        assert_eq!(
            Status::parse_filter("open, done").unwrap(),
            [
                Status::Idea,
                Status::Approved,
                Status::Running,
                Status::Done
            ]
        );
        assert!(Status::parse_filter("all").unwrap().is_empty());
        assert!(Status::parse_filter("").unwrap().is_empty());
        assert_eq!(
            Status::parse_filter("idea,started").unwrap_err().to_string(),
            "status must be one of idea, approved, running, done, dropped, open or all, got started"
        );
    }
}
