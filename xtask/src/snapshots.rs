//! Unreferenced snapshots: a `.snap` file no test asserts is a leftover (a renamed or
//! deleted test) and is rejected, like `cargo insta test --unreferenced reject`, without
//! needing cargo-insta: insta itself records every snapshot file a test run asserts in
//! the file named by `INSTA_SNAPSHOT_REFERENCES_FILE`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `cargo xtask snapshots <references-file>`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let [references] = args else {
        return Err(
            "usage: cargo xtask snapshots <references-file> (the INSTA_SNAPSHOT_REFERENCES_FILE \
             of a full `cargo test --workspace` run)"
                .into(),
        );
    };
    check(&crate::workspace::root(), Path::new(references))?;
    eprintln!("xtask snapshots: every .snap file is asserted by a test");
    Ok(())
}

/// Fails, listing them, if any `.snap` file under `root` is missing from `references`.
pub(crate) fn check(root: &Path, references: &Path) -> Result<(), String> {
    let listed = match std::fs::read_to_string(references) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", references.display())),
    };
    let unreferenced = unreferenced(root, &listed);
    if unreferenced.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = unreferenced
        .iter()
        .map(|p| format!("  {}", p.strip_prefix(root).unwrap_or(p).display()))
        .collect();
    Err(format!(
        "{} snapshot file(s) asserted by no test (delete them, or restore the test that \
         names them):\n{}",
        unreferenced.len(),
        list.join("\n")
    ))
}

/// The `.snap` files under `root` not named in `listed` (one path per line).
fn unreferenced(root: &Path, listed: &str) -> Vec<PathBuf> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let referenced: BTreeSet<PathBuf> = listed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| canonical(Path::new(l.trim())))
        .collect();
    crate::workspace::files_with_suffix(root, ".snap")
        .into_iter()
        .filter(|snap| !referenced.contains(&canonical(snap)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_snapshot_files_no_test_asserted() {
        let dir = crate::workspace::scratch_dir("snapshots");
        std::fs::create_dir_all(dir.join("tests/snapshots")).unwrap();
        for name in ["a.snap", "b.snap", "c.snap.new"] {
            std::fs::write(dir.join("tests/snapshots").join(name), "x").unwrap();
        }
        let a = dir.join("tests/snapshots/a.snap");
        let found = unreferenced(&dir, &format!("{}\n{}\n", a.display(), a.display()));
        assert_eq!(found, [dir.join("tests/snapshots/b.snap")]);

        let references = dir.join("refs.txt");
        std::fs::write(&references, format!("{}\n", a.display())).unwrap();
        let err = check(&dir, &references).unwrap_err();
        assert!(
            err.contains("1 snapshot file(s) asserted by no test"),
            "{err}"
        );
        assert!(err.contains("tests/snapshots/b.snap"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
