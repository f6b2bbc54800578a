//! Running other programs: every command is echoed to stderr before it runs.

use std::path::Path;
use std::process::Command;

/// The cargo that runs us (`$CARGO`), so nested runs use the same toolchain.
pub(crate) fn cargo_program() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cargo <args>` in the workspace root with `INSTA_UPDATE=no`.
pub(crate) fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_with_env(args, &[])
}

/// Runs `cargo <args>` in the workspace root with `INSTA_UPDATE=no` and `env` set.
pub(crate) fn cargo_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(cargo_program());
    command
        .args(args)
        .current_dir(crate::workspace::root())
        .env("INSTA_UPDATE", "no");
    for (key, value) in env {
        command.env(key, value);
    }
    run(command, &shown("cargo", args, env))
}

/// Runs `program <args>` in `dir`, failing unless it exits 0.
pub(crate) fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    run(command, &shown(program, args, &[]))
}

/// Runs `program <args>` in `dir` and returns its stdout, failing unless it exits 0.
/// Its stderr passes through.
pub(crate) fn output_in(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let line = shown(program, args, &[]);
    eprintln!("$ {line}");
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `{line}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{line}` failed ({})", out.status));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`{line}` printed invalid UTF-8"))
}

fn run(mut command: Command, line: &str) -> Result<(), String> {
    eprintln!("$ {line}");
    let status = command
        .status()
        .map_err(|e| format!("could not run `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// The command as a shell line, e.g. `RUSTDOCFLAGS="-D warnings" cargo doc --no-deps`.
pub(crate) fn shown(program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut words: Vec<String> = env
        .iter()
        .map(|(k, v)| format!("{k}={}", quoted(v)))
        .collect();
    // `/root/.cargo/bin/cargo` reads as `cargo`.
    let name = Path::new(program).file_name().map(|n| n.to_string_lossy());
    words.push(name.map_or_else(|| program.to_string(), |n| n.into_owned()));
    words.extend(args.iter().map(|a| quoted(a)));
    words.join(" ")
}

fn quoted(word: &str) -> String {
    if word.is_empty() || word.contains(char::is_whitespace) {
        format!("\"{word}\"")
    } else {
        word.to_string()
    }
}
