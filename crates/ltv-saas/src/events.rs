//! Subscription events (`start`, `change`, `cancel`) → the monthly MRR view.
//!
//! Rule: a month's MRR is the MRR **in force at the end of the month**, i.e. after the
//! last event dated in that month; months without events carry the previous MRR
//! forward, up to the last month of the events. This is how ChartMogul and Baremetrics
//! report a month's MRR (the MRR at the end of the period), and it makes the monthly
//! movements the net effect of the month's events: a customer who starts and cancels
//! in the same month never shows, an upgrade on the 3rd and a downgrade on the 20th net
//! out.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use ltv_core::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Result, SaasError};
use crate::month::Month;
use crate::table::MrrRow;

/// What happened to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A subscription begins (first time or again after a cancel) at `mrr` > 0.
    Start,
    /// The MRR of an active subscription becomes `mrr` (>= 0; 0 pauses it).
    Change,
    /// The subscription ends; MRR becomes 0.
    Cancel,
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "start" => Ok(EventKind::Start),
            "change" => Ok(EventKind::Change),
            "cancel" => Ok(EventKind::Cancel),
            other => Err(format!(
                "unknown event '{other}': expected start, change or cancel"
            )),
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EventKind::Start => "start",
            EventKind::Change => "change",
            EventKind::Cancel => "cancel",
        })
    }
}

/// A calendar date, `YYYY-MM-DD` (only its month and order matter here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventDate {
    /// The month.
    pub month: Month,
    /// Day of the month, 1..=31 (checked against the month's length).
    pub day: u32,
}

impl FromStr for EventDate {
    type Err = SaasError;
    /// Parses `YYYY-MM-DD`; a time part after `T` or a space is ignored.
    fn from_str(text: &str) -> Result<Self> {
        let bad = || SaasError::InvalidDate {
            text: text.to_owned(),
        };
        let date = text.split(['T', ' ']).next().unwrap_or("");
        let (Some(ym), Some(d)) = (date.get(..7), date.get(7..)) else {
            return Err(bad());
        };
        let month: Month = ym.parse().map_err(|_| bad())?;
        let day = d
            .strip_prefix('-')
            .filter(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
            .ok_or_else(bad)?;
        if day == 0 || day > days_in(month) {
            return Err(bad());
        }
        Ok(EventDate { month, day })
    }
}

fn days_in(m: Month) -> u32 {
    match m.month() {
        2 => {
            let y = m.year();
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One subscription event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionEvent {
    /// Customer identifier.
    pub customer_id: String,
    /// When it happened.
    pub date: EventDate,
    /// What happened.
    pub kind: EventKind,
    /// The MRR after the event (required for start and change; empty or 0 for cancel).
    pub mrr: Option<Decimal>,
    /// Plan, if known.
    pub plan: Option<String>,
    /// Acquisition channel, if known.
    pub channel: Option<String>,
    /// Source line (or row number), for errors.
    pub line: u64,
}

/// Converts events into monthly rows (MRR in force at each month's end), from each
/// customer's first event through `end` (default: the month of the latest event).
/// Events of a customer are applied in date order, ties in input order.
///
/// # Errors
/// [`SaasError::Event`] naming the line for a `start` of an active subscription, a
/// `change` or `cancel` without one, a missing, negative (or, for `start`, zero) MRR,
/// or a `cancel` that carries an MRR.
pub fn events_to_rows(events: &[SubscriptionEvent], end: Option<Month>) -> Result<Vec<MrrRow>> {
    let Some(end) = end.or_else(|| events.iter().map(|e| e.date.month).max()) else {
        return Ok(Vec::new());
    };
    let mut by_customer: BTreeMap<&str, Vec<&SubscriptionEvent>> = BTreeMap::new();
    for e in events {
        by_customer
            .entry(e.customer_id.as_str())
            .or_default()
            .push(e);
    }
    let mut rows = Vec::new();
    for (customer, mut list) in by_customer {
        list.sort_by_key(|e| e.date); // stable: ties keep input order
        let mut current: Option<Decimal> = None; // the MRR in force
        let mut plan: Option<String> = None;
        let mut channel: Option<String> = None;
        let mut iter = list.into_iter().peekable();
        let Some(mut month) = iter.peek().map(|e| e.date.month) else {
            continue;
        };
        while month <= end {
            while let Some(e) = iter.next_if(|e| e.date.month == month) {
                current = apply(current, e)?;
                if e.plan.is_some() {
                    plan.clone_from(&e.plan);
                }
                if channel.is_none() {
                    channel.clone_from(&e.channel);
                }
            }
            if let Some(mrr) = current.filter(|v| !v.is_zero()) {
                rows.push(MrrRow {
                    customer_id: customer.to_owned(),
                    month,
                    mrr,
                    plan: plan.clone(),
                    channel: channel.clone(),
                });
            }
            month = month.next();
        }
    }
    Ok(rows)
}

fn apply(current: Option<Decimal>, e: &SubscriptionEvent) -> Result<Option<Decimal>> {
    let fail = |reason: String| SaasError::Event {
        file: String::new(),
        line: e.line,
        customer: e.customer_id.clone(),
        reason,
    };
    let amount = |min_exclusive: bool| -> Result<Decimal> {
        match e.mrr {
            None => Err(fail(format!("{} needs an mrr", e.kind))),
            Some(v) if v.is_sign_negative() && !v.is_zero() => {
                Err(fail(format!("mrr must be >= 0, got {v}")))
            }
            Some(v) if min_exclusive && v.is_zero() => {
                Err(fail("start needs an mrr > 0, got 0".to_owned()))
            }
            Some(v) => Ok(v),
        }
    };
    match (e.kind, current) {
        (EventKind::Start, Some(_)) => Err(fail(
            "start while a subscription is already active".to_owned(),
        )),
        (EventKind::Start, None) => Ok(Some(amount(true)?)),
        (EventKind::Change, None) => Err(fail("change without an active subscription".to_owned())),
        (EventKind::Change, Some(_)) => Ok(Some(amount(false)?)),
        (EventKind::Cancel, None) => Err(fail("cancel without an active subscription".to_owned())),
        (EventKind::Cancel, Some(_)) => match e.mrr {
            Some(v) if !v.is_zero() => Err(fail(format!(
                "cancel carries an mrr of {v}: leave it empty or 0"
            ))),
            _ => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: &str, date: &str, kind: &str, mrr: Option<&str>, line: u64) -> SubscriptionEvent {
        SubscriptionEvent {
            customer_id: c.into(),
            date: date.parse().unwrap(),
            kind: kind.parse().unwrap(),
            mrr: mrr.map(|m| m.parse().unwrap()),
            plan: None,
            channel: None,
            line,
        }
    }

    fn view(rows: &[MrrRow]) -> Vec<String> {
        rows.iter()
            .map(|r| format!("{} {} {}", r.customer_id, r.month, r.mrr))
            .collect()
    }

    #[test]
    fn month_end_rule() {
        let events = [
            ev("a", "2024-01-15", "start", Some("100"), 2),
            ev("a", "2024-03-03", "change", Some("150"), 3),
            ev("a", "2024-03-20", "change", Some("120"), 4),
            ev("a", "2024-05-10", "cancel", None, 5),
            ev("b", "2024-02-01", "start", Some("50"), 6),
            ev("b", "2024-02-28", "cancel", Some("0"), 7),
            ev("b", "2024-04-02", "start", Some("60"), 8),
        ];
        let rows = events_to_rows(&events, None).unwrap();
        assert_eq!(
            view(&rows),
            [
                "a 2024-01 100",
                "a 2024-02 100",
                "a 2024-03 120",
                "a 2024-04 120",
                "b 2024-04 60",
                "b 2024-05 60"
            ]
        );
    }

    #[test]
    fn contradictions_name_the_line() {
        let err = events_to_rows(&[ev("a", "2024-01-01", "cancel", None, 9)], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 9: customer a: cancel without an active subscription"
        );
        let err = events_to_rows(
            &[
                ev("a", "2024-01-01", "start", Some("1"), 2),
                ev("a", "2024-02-01", "start", Some("1"), 3),
            ],
            None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3: customer a: start while a subscription is already active"
        );
        let err = events_to_rows(&[ev("a", "2024-01-01", "start", None, 4)], None).unwrap_err();
        assert_eq!(err.to_string(), "line 4: customer a: start needs an mrr");
    }

    #[test]
    fn dates() {
        assert!("2024-02-29".parse::<EventDate>().is_ok());
        assert!("2023-02-29".parse::<EventDate>().is_err());
        assert!("2024-04-31".parse::<EventDate>().is_err());
        assert_eq!("2024-04-30T12:00:00".parse::<EventDate>().unwrap().day, 30);
        assert!("2024-4-30".parse::<EventDate>().is_err());
    }
}
