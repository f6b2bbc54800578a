//! End-to-end tests of the `ltv` binary: every command's text and JSON output is a
//! snapshot; bad input exits 2 with one line naming the flag.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ltv(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ltv"))
        .args(args)
        .output()
        .expect("run ltv");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs a command that must succeed and returns its stdout.
fn ok(args: &[&str]) -> String {
    let run = ltv(args);
    assert_eq!(run.code, 0, "ltv {args:?} failed: {}", run.stderr);
    run.stdout
}

/// Runs a command that must fail with status 2 and returns its stderr.
fn fails(args: &[&str]) -> String {
    let run = ltv(args);
    assert_eq!(
        run.code, 2,
        "ltv {args:?} should exit 2; stdout: {}",
        run.stdout
    );
    assert!(run.stdout.is_empty());
    run.stderr
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&ok(&all)).unwrap()
}

mod backlog;
mod calc;
mod errors;
mod forecast;
mod health;
mod hostile;
mod one_ltv;
mod plan;
mod report;
mod saas;
mod segments;
