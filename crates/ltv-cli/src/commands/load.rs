//! Loading a transactions file for a command: progress on a terminal, the skip report
//! and the as-of note on stderr.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use ltv_segments::Transactions;

use crate::args::{ReadArgs, TransactionArgs};

/// Loads the file named by `args`, reporting skipped rows (and progress when stderr is
/// a terminal) on stderr.
pub(crate) fn transactions(args: &TransactionArgs) -> Result<Transactions> {
    read(&args.file, &args.read)
}

/// Loads `file` with the reading flags `args`, reporting as [`transactions`] does.
pub(crate) fn read(file: &str, args: &ReadArgs) -> Result<Transactions> {
    let terminal = std::io::stderr().is_terminal();
    let options = args.load_options(terminal.then_some(progress as fn(u64, u64)));
    let tx = Transactions::open(file, args.delimiter, &options);
    if terminal {
        eprint!("\r\x1b[K");
    }
    let tx = tx?;
    let report = tx.skip_report().describe();
    if !report.is_empty() {
        eprintln!("warning: {report}");
    }
    if tx.rows_after_as_of() > 0 {
        eprintln!(
            "note: ignored {} order(s) after the as-of date {}",
            tx.rows_after_as_of(),
            tx.as_of()
        );
    }
    Ok(tx)
}

fn progress(done: u64, total: u64) {
    let pct = (done * 100).checked_div(total).unwrap_or(100);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\rreading {pct:>3}%");
    let _ = err.flush();
}
