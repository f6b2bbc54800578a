//! The `ltv` command line as a library, so tests and other front ends can run exactly
//! what the binary runs: [`run`] parses arguments and writes the command's output.
//!
//! ```
//! let mut out = Vec::new();
//! ltv_cli::run(["ltv", "cac", "--marketing", "2000000", "--sales", "3000000",
//!               "--new-customers", "50", "--format", "json"], &mut out).unwrap();
//! let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(json["cac"], "100000");
//! ```
#![warn(missing_docs)]

mod args;
mod commands;
mod decimal_arg;
pub mod error;
mod output;
mod progress;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

pub use args::Cli;

/// Parses `args` (the first is the program name) and runs the command, writing its data
/// output to `out`. Diagnostics (progress, warnings) go to stderr.
///
/// # Errors
/// Argument errors (a `clap::Error`, which knows its own exit status and text), invalid
/// values and data errors, I/O errors writing `out`.
pub fn run<I, T>(args: I, out: &mut dyn Write) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cli = args::with_date_format(&args, || Cli::try_parse_from(&args))?;
    commands::run(cli, out)
}

/// The `clap::Command` of `ltv`, for generated documentation.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
