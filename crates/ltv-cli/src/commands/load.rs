//! Loading a transactions file for a command: progress on a terminal, the skip report
//! and the as-of note on stderr.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use ltv_segments::{CsvFile, CustomerTable, Day, SkipReport, Transactions};

use crate::args::{ReadArgs, TransactionArgs};

/// Loads the file named by `args`, reporting skipped rows (and progress when stderr is
/// a terminal) on stderr.
pub(crate) fn transactions(args: &TransactionArgs) -> Result<Transactions> {
    read(&args.file, &args.read)
}

/// Loads `file` with the reading flags `args`, reporting as [`transactions`] does.
pub(crate) fn read(file: &str, args: &ReadArgs) -> Result<Transactions> {
    let tx = with_progress(
        |options| {
            let csv = CsvFile::open_encoded(file, args.delimiter, args.encoding)?;
            encoding_note(&csv);
            Transactions::load(&csv, options)
        },
        args,
    )?;
    notes(tx.skip_report(), tx.rows_after_as_of(), tx.as_of());
    Ok(tx)
}

/// Reads every customer's totals (one pass, orders not kept) from the file named by
/// `args`, reporting as [`transactions`] does.
pub(crate) fn customer_table(args: &TransactionArgs) -> Result<CustomerTable> {
    let read = &args.read;
    let table = with_progress(
        |options| {
            let csv = CsvFile::open_encoded(&args.file, read.delimiter, read.encoding)?;
            encoding_note(&csv);
            CustomerTable::load(&csv, options)
        },
        read,
    )?;
    notes(table.skip_report(), table.rows_after_as_of(), table.as_of());
    Ok(table)
}

/// Says on stderr when a file was not UTF-8 (read as Shift_JIS, UTF-16).
fn encoding_note(csv: &CsvFile) {
    if csv.encoding() != "UTF-8" {
        eprintln!(
            "note: read {} as {}",
            crate::error::clip(csv.name()),
            csv.encoding()
        );
    }
}

/// Runs `load` with a progress bar on stderr when it is a terminal.
fn with_progress<T>(
    load: impl FnOnce(&ltv_segments::LoadOptions) -> ltv_segments::Result<T>,
    args: &ReadArgs,
) -> ltv_segments::Result<T> {
    let terminal = std::io::stderr().is_terminal();
    let options = args.load_options(terminal.then_some(progress as fn(u64, u64)));
    let loaded = load(&options);
    if terminal {
        eprint!("\r\x1b[K");
    }
    loaded
}

/// The skipped-rows warning and the as-of note on stderr.
fn notes(skipped: &SkipReport, rows_after_as_of: u64, as_of: Day) {
    let report = skipped.describe();
    if !report.is_empty() {
        let lines: Vec<String> = report
            .lines()
            .map(|l| crate::error::printable(l).into_owned())
            .collect();
        eprintln!("warning: {}", lines.join("\n"));
    }
    if rows_after_as_of > 0 {
        eprintln!("note: ignored {rows_after_as_of} order(s) after the as-of date {as_of}");
    }
}

/// The progress line on stderr: `reading NN%`.
pub(crate) fn progress(done: u64, total: u64) {
    let pct = (done * 100).checked_div(total).unwrap_or(100);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\rreading {pct:>3}%");
    let _ = err.flush();
}
