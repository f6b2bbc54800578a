//! `ltv`: customer lifetime value from the command line.
//!
//! `main` is tiny: run the command, turn an error into one line on stderr and exit
//! status 2. All numbers come from the library crates.

use std::process::ExitCode;

use ltv_cli::error;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match ltv_cli::run(std::env::args_os(), &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => match err.downcast::<clap::Error>() {
            // --help and --version are "errors" that print to stdout and exit 0
            Ok(clap_err) if !clap_err.use_stderr() => clap_err.exit(),
            // a usage error: one line and at most one hint, not clap's usage block
            Ok(clap_err) => {
                eprintln!("{}", error::clap_lines(&clap_err));
                ExitCode::from(2)
            }
            Err(err) => {
                eprintln!("error: {}", error::one_line(&err));
                if let Some(hint) = error::hint(&err) {
                    eprintln!("{hint}");
                }
                ExitCode::from(2)
            }
        },
    }
}
