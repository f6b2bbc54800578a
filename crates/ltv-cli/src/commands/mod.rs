//! One module per subcommand: each turns its arguments into a library request, calls
//! the library, and renders the result. No formula lives here.

mod cac;
mod calc;
mod unit_economics;

use anyhow::Result;

use crate::args::{Cli, Command};

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Calc(model) => calc::run(model),
        Command::Cac(args) => cac::run(&args),
        Command::UnitEconomics(args) => unit_economics::run(&args),
    }
}
