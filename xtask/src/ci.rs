//! `cargo xtask ci`: everything CI checks, in the order `.ci/run` runs it.

use std::path::PathBuf;

use crate::cmd::cargo_with_env;

/// `cargo fmt --all -- --check`
pub(crate) const FMT: &[&str] = &["fmt", "--all", "--", "--check"];
/// `cargo clippy ... -D warnings`
pub(crate) const CLIPPY: &[&str] = &[
    "clippy",
    "--workspace",
    "--all-targets",
    "--locked",
    "--",
    "-D",
    "warnings",
];
/// The README's test command.
pub(crate) const TEST: &[&str] = &["test", "--workspace", "--locked"];
/// `cargo doc`, run with [`DOC_ENV`].
pub(crate) const DOC: &[&str] = &["doc", "--workspace", "--no-deps", "--locked"];
/// Rustdoc warnings (broken intra-doc links, bad code blocks) fail the build.
pub(crate) const DOC_ENV: &[(&str, &str)] = &[("RUSTDOCFLAGS", "-D warnings")];

/// Runs every check; stops at the first failure.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    crate::flags("ci", args, &[])?;
    check_all()?;
    eprintln!("xtask ci: all checks passed");
    Ok(())
}

/// The checks, for `ci` and for `release`.
pub(crate) fn check_all() -> Result<(), String> {
    crate::cargo(FMT)?;
    crate::cargo(CLIPPY)?;

    // Tests with snapshots in check mode (`INSTA_UPDATE=no`, set by `cargo_with_env`);
    // insta appends every snapshot file it asserts to the references file, so a `.snap`
    // that is not listed afterwards belongs to no test.
    let references = references_file()?;
    let references_env = references.to_string_lossy().into_owned();
    cargo_with_env(
        TEST,
        &[("INSTA_SNAPSHOT_REFERENCES_FILE", references_env.as_str())],
    )?;
    crate::snapshots::check(&crate::workspace::root(), &references)?;

    cargo_with_env(DOC, DOC_ENV)?;
    crate::docs::check()?;
    // the sample bundled in `ltv report --sample` is what `gen-sample` makes
    crate::gen_sample::run(&["--check".to_owned()])?;
    Ok(())
}

/// `target/xtask/snapshot-references.txt`, emptied (insta appends to it).
fn references_file() -> Result<PathBuf, String> {
    let dir = crate::workspace::target_dir().join("xtask");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = dir.join("snapshot-references.txt");
    match std::fs::remove_file(&file) {
        Ok(()) => Ok(file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(file),
        Err(e) => Err(format!("cannot remove {}: {e}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::shown;

    /// `.ci/run` (what CI executes) and `cargo xtask ci` (what contributors run) must not
    /// drift apart: every check appears in `.ci/run`, in the same order.
    #[test]
    fn ci_run_script_runs_the_same_checks_in_the_same_order() {
        let script = crate::workspace::read(&crate::workspace::root().join(".ci/run")).unwrap();
        let expected = [
            "export INSTA_UPDATE=no".to_string(),
            shown("cargo", FMT, &[]),
            shown("cargo", CLIPPY, &[]),
            "export INSTA_SNAPSHOT_REFERENCES_FILE=".to_string(),
            shown("cargo", TEST, &[]),
            "cargo xtask snapshots \"$INSTA_SNAPSHOT_REFERENCES_FILE\"".to_string(),
            shown("cargo", DOC, DOC_ENV),
            "cargo xtask docs --check".to_string(),
            "cargo xtask gen-sample --check".to_string(),
        ];
        let mut from = 0;
        for line in &expected {
            match script[from..].find(line.as_str()) {
                Some(at) => from += at + line.len(),
                None => panic!("`.ci/run` does not run `{line}` (in this order)"),
            }
        }
    }
}
