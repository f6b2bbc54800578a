//! One module per subcommand: each turns its arguments into a library request, calls
//! the library, and renders the result. No formula lives here.

mod backlog;
mod baseline;
mod cac;
mod calc;
mod channels;
mod cohort;
mod csv_out;
mod customers;
mod drivers;
mod forecast;
mod health;
mod levers;
pub(crate) mod load;
mod plan;
mod plan_file;
mod report;
mod rfm;
mod roi;
mod saas;
mod unit_economics;

use std::io::Write;

use anyhow::Result;

use crate::args::{Cli, Command};

/// Runs the parsed command, writing its data output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    csv_out::set_raw(cli.raw_csv);
    if cli.excel {
        let mut excel = csv_out::Excel::new(out);
        run_command(cli.command, &mut excel)?;
        return excel.finish();
    }
    run_command(cli.command, out)
}

fn run_command(command: Command, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Calc(model) => calc::run(model, out),
        Command::Cac(args) => cac::run(&args, out),
        Command::UnitEconomics(args) => unit_economics::run(&args, out),
        Command::Levers(args) => levers::run(&args, out),
        Command::Plan(args) => plan::run(&args, out),
        Command::Roi(args) => roi::run(&args, out),
        Command::Report(args) => report::run(&args, out),
        Command::Saas(args) => saas::run(&args, out),
        Command::Customers(args) => customers::run(&args, out),
        Command::Rfm(args) => rfm::run(&args, out),
        Command::Cohort(args) => cohort::run(&args, out),
        Command::Channels(args) => channels::run(&args, out),
        Command::Drivers(args) => drivers::run(&args, out),
        Command::Forecast(cmd) => forecast::run(cmd, out),
        Command::Backlog(args) => backlog::run(args, out),
        Command::Health(args) => health::run(&args, out),
    }
}
