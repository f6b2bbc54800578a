//! Turning library errors into the one line the user sees, safe for a terminal.

use std::borrow::Cow;

use ltv_core::CoreError;
use ltv_segments::SegmentsError;

/// The flag a library field name corresponds to: `new_customers` → `--new-customers`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// "invalid value for --flag: must be ALLOWED, got VALUE": how every library's
/// out-of-range error reads on the command line.
pub fn out_of_range(field: &str, allowed: &str, value: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "invalid value for {}: must be {allowed}, got {value}",
        flag(field)
    )
}

/// A [`CoreError`] phrased in terms of the command-line flags.
pub fn core(err: CoreError) -> anyhow::Error {
    match err {
        CoreError::OutOfRange {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        other => anyhow::Error::new(other),
    }
}

/// A [`SegmentsError`] phrased in terms of the command-line flags.
pub fn segments(err: SegmentsError) -> anyhow::Error {
    match err {
        SegmentsError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, &allowed, value),
        SegmentsError::Core(core) => self::core(core),
        other => anyhow::Error::new(other),
    }
}

/// A report error phrased in terms of the flags.
pub fn report(err: ltv_report::ReportError) -> anyhow::Error {
    match err {
        ltv_report::ReportError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        ltv_report::ReportError::Segments(e) => segments(e),
        ltv_report::ReportError::Core(e) => core(e),
        other => anyhow::Error::new(other),
    }
}

/// A measurement error phrased in terms of the flags.
pub fn measure(err: ltv_planner::MeasureError) -> anyhow::Error {
    match err {
        ltv_planner::MeasureError::InvalidOption {
            field,
            value,
            allowed,
        } => out_of_range(field, allowed, value),
        ltv_planner::MeasureError::Data(e) => segments(e),
        ltv_planner::MeasureError::Plan(ltv_planner::PlanError::Core { source, .. }) => {
            core(source)
        }
        ltv_planner::MeasureError::NotMeasurable { file, reason } => anyhow::anyhow!(
            "{file}: {}",
            reason.replace("(inactive_days)", "(--inactive-days)")
        ),
        other => anyhow::Error::new(other),
    }
}

/// The error and its causes on one line, with control characters escaped.
pub fn one_line(err: &anyhow::Error) -> String {
    printable(&format!("{err:#}")).into_owned()
}

/// The one hint line for an error, naming the flag that fixes it: a date that another
/// `--date-format` reads, a file in Shift_JIS.
pub fn hint(err: &anyhow::Error) -> Option<String> {
    let text = format!("{err:#}");
    if let Some(at) = text.find("(the date format ") {
        let rest = text.get(at + "(the date format ".len()..)?;
        let pattern = rest.split(" reads it)").next()?.split(" or ").next()?;
        return Some(format!("hint: add --date-format '{}'", printable(pattern)));
    }
    if text.contains("set the encoding to shift_jis") {
        return Some("hint: add --encoding shift_jis".to_owned());
    }
    None
}

/// `text` safe to print to a terminal: every control character (ESC, BEL, CR, line
/// breaks, …) escaped as `\u{1b}`, so a value from a file cannot move the cursor,
/// recolour the terminal, ring it or forge another line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Most bytes of a user's value an error message repeats.
pub const ECHO_BYTES: usize = 200;

/// `text` as an error message may repeat it: [`printable`], at most [`ECHO_BYTES`]
/// bytes (cut at a character boundary, `…` added).
pub fn clip(text: &str) -> Cow<'_, str> {
    if text.len() <= ECHO_BYTES {
        return printable(text);
    }
    let mut end = ECHO_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!(
        "{}…",
        printable(text.get(..end).unwrap_or_default())
    ))
}

/// A clap usage error as one `error:` line and at most one hint line (clap prints
/// the usage, blank lines and a tip besides).
pub fn clap_lines(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let lines: Vec<&str> = rendered.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error:"))
        .unwrap_or(0);
    let mut first = lines
        .get(start)
        .copied()
        .unwrap_or("error: invalid arguments")
        .trim()
        .to_owned();
    // the lines that belong to the error: a list of missing arguments, the possible
    // values
    let items: Vec<&str> = lines
        .iter()
        .skip(start + 1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.trim())
        .collect();
    if !items.is_empty() {
        first.push(' ');
        first.push_str(&items.join(if first.ends_with(':') { ", " } else { " " }));
    }
    let first = clip_line(&first);
    let hint = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("tip:"))
        .map(|tip| format!("hint: {}", clip_line(tip.trim())))
        .or_else(|| {
            lines
                .iter()
                .find_map(|l| l.trim().strip_prefix("Usage:"))
                .map(|usage| format!("hint: usage: {}", clip_line(usage.trim())))
        })
        .unwrap_or_else(|| "hint: see --help".to_owned());
    format!("{first}\n{hint}")
}

/// One line of a message: [`printable`], at most a few [`ECHO_BYTES`].
fn clip_line(line: &str) -> String {
    let mut end = line.len().min(4 * ECHO_BYTES);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = printable(line.get(..end).unwrap_or_default()).into_owned();
    if end < line.len() {
        out.push('…');
    }
    out
}

/// Whether the error is a closed stdout (e.g. `ltv rfm big.csv | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
