//! `ltv`: customer lifetime value from the command line.
//!
//! `main` is tiny: parse the arguments, run the command, turn an error into one line on
//! stderr and exit status 2. All numbers come from the library crates.

mod args;
mod commands;
mod decimal_arg;
mod error;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error::one_line(&err));
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = args::Cli::parse();
    commands::run(cli)?;
    Ok(ExitCode::SUCCESS)
}
