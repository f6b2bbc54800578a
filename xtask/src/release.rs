//! `cargo xtask release <X.Y.Z> [--dry-run]`: one command from a clean tree to a tagged
//! release with checksummed binaries.
//!
//! Steps, in order (a failing step stops the release):
//! 1. checks: a semantic version not below the current one, a clean working tree, no
//!    tag `vX.Y.Z` yet, a changelog with something under `## [Unreleased]`;
//! 2. bumps every crate to X.Y.Z in lockstep (root `Cargo.toml`, see [`crate::version`])
//!    and moves `CHANGELOG.md`'s `## [Unreleased]` under `## [X.Y.Z] - <today, UTC>`;
//! 3. `cargo update --workspace --offline` to record the new versions in `Cargo.lock`;
//! 4. `cargo xtask ci`;
//! 5. `cargo build --release` of the `ltv` and `ltv-server` binaries for the host (a
//!    binary whose crate does not exist yet is skipped with a note), copied to
//!    `target/release-artifacts/<bin>-X.Y.Z-<host>` with a `SHA256SUMS` file;
//! 6. commits `Release vX.Y.Z` and creates the annotated tag `vX.Y.Z` (pushing is left to
//!    the person releasing).
//!
//! `--dry-run` runs the read-only checks, prints every step with what it would change,
//! and changes nothing.

use std::path::{Path, PathBuf};

use crate::cmd::{cargo_program, output_in, run_in};
use crate::version::{self, Version};
use crate::workspace;

/// The release binaries: (package, binary).
const BINARIES: [(&str, &str); 2] = [("ltv-cli", "ltv"), ("ltv-server", "ltv-server")];

/// The files a release edits and commits.
const EDITED: [&str; 3] = ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"];

/// `cargo xtask release <X.Y.Z> [--dry-run]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask release <X.Y.Z> [--dry-run]";
    let dry_run = args.iter().any(|a| a == "--dry-run");
    let positional: Vec<&String> = args.iter().filter(|a| *a != "--dry-run").collect();
    let [version] = positional[..] else {
        return Err(usage.into());
    };
    if version.starts_with('-') {
        return Err(format!("unknown option '{version}'; {usage}"));
    }
    let version = Version::parse(version.trim_start_matches('v'))?;
    let root = workspace::root();
    let tag = format!("v{version}");
    let step = |n: u32, what: &str| {
        let mode = if dry_run {
            " (dry run: nothing is changed)"
        } else {
            ""
        };
        eprintln!("\n== release {version}, step {n}/6: {what}{mode}");
    };

    step(1, "checks");
    let status = output_in(&root, "git", &["status", "--porcelain"])?;
    if !status.trim().is_empty() {
        let msg = format!("the working tree is not clean; commit or stash first:\n{status}");
        if !dry_run {
            return Err(msg);
        }
        eprintln!("a real release would stop here: {msg}");
    }
    let tags = output_in(&root, "git", &["tag", "--list", &tag])?;
    if !tags.trim().is_empty() {
        return Err(format!("tag {tag} already exists"));
    }
    let date = crate::date::today()?;
    edit_files(&root, &version, &date, true)?; // the version and the changelog are fine

    step(2, "bump every crate's version and date the changelog");
    let changes = edit_files(&root, &version, &date, dry_run)?;
    for change in &changes {
        eprintln!("  {change}");
    }

    let rest = || -> Result<(), String> {
        let cargo = cargo_program();
        step(3, "record the new versions in Cargo.lock");
        let update = ["update", "--workspace", "--offline"];
        if dry_run {
            eprintln!("would run: cargo {}", update.join(" "));
        } else {
            run_in(&root, &cargo, &update)?;
        }

        step(4, "cargo xtask ci");
        if dry_run {
            eprintln!(
                "would run: cargo xtask ci (fmt, clippy, tests, snapshots, doc, docs --check)"
            );
        } else {
            crate::ci::check_all()?;
        }

        step(5, "release binaries and SHA-256 checksums");
        build_artifacts(&root, &version, dry_run)?;

        step(6, "commit and tag");
        let message = format!("Release {tag}");
        let mut add = vec!["add", "--"];
        add.extend(EDITED);
        let commit = ["commit", "--message", message.as_str()];
        let tag_args = [
            "tag",
            "--annotate",
            tag.as_str(),
            "--message",
            message.as_str(),
        ];
        for git in [&add[..], &commit[..], &tag_args[..]] {
            if dry_run {
                eprintln!("would run: {}", crate::cmd::shown("git", git, &[]));
            } else {
                run_in(&root, "git", git)?;
            }
        }
        Ok(())
    };
    match rest() {
        Ok(()) if dry_run => {
            eprintln!("\nxtask release: dry run of {tag} done; nothing was changed");
            Ok(())
        }
        Ok(()) => {
            eprintln!(
                "\nxtask release: {tag} committed and tagged; push with `git push --follow-tags`"
            );
            Ok(())
        }
        Err(e) if dry_run => Err(e),
        Err(e) => Err(format!(
            "{e}\nthe release stopped after editing {}; `git checkout -- {}` undoes that",
            EDITED.join(", "),
            EDITED.join(" ")
        )),
    }
}

/// Steps 2 and 3: sets every crate's version to `to` in `<root>/Cargo.toml` and releases
/// `<root>/CHANGELOG.md`'s Unreleased section as `to` on `date`. With `dry_run` nothing is
/// written. Returns what changed (or would), one line each.
///
/// # Errors
/// A version below the current one, or a changelog that cannot be released (see
/// [`crate::changelog::release`]). Nothing is written unless both edits succeed.
pub(crate) fn edit_files(
    root: &Path,
    to: &Version,
    date: &str,
    dry_run: bool,
) -> Result<Vec<String>, String> {
    let current = version::current(root)?;
    if current.is_after(to) {
        return Err(format!("{to} is below the current version {current}"));
    }
    let manifest_path = root.join("Cargo.toml");
    let (manifest, mut changes) = version::bump(&workspace::read(&manifest_path)?, to)?;
    let changelog_path = root.join("CHANGELOG.md");
    let changelog = crate::changelog::release(&workspace::read(&changelog_path)?, to, date)?;
    if changes.is_empty() {
        changes.push(format!("Cargo.toml: already at {to}"));
    } else {
        changes = changes
            .into_iter()
            .map(|c| format!("Cargo.toml: {c}"))
            .collect();
    }
    changes.push(format!(
        "CHANGELOG.md: ## [Unreleased] -> ## [{to}] - {date}, a new empty ## [Unreleased] above"
    ));
    if !dry_run {
        workspace::write(&manifest_path, &manifest)?;
        workspace::write(&changelog_path, &changelog)?;
    }
    Ok(changes)
}

/// Step 6: builds each existing release binary and writes it with `SHA256SUMS` into
/// `target/release-artifacts/`.
fn build_artifacts(root: &Path, version: &Version, dry_run: bool) -> Result<(), String> {
    let host = host_triple(root)?;
    let out_dir = workspace::target_dir().join("release-artifacts");
    let packages: Vec<String> = workspace::crate_dirs(root)?
        .iter()
        .map(|dir| crate::manifest::read(dir).map(|m| m.name))
        .collect::<Result<_, _>>()?;
    let mut sums = String::new();
    for (package, bin) in BINARIES {
        if !packages.iter().any(|p| p == package) {
            eprintln!("note: no `{package}` crate in the workspace yet; skipping `{bin}`");
            continue;
        }
        let build = [
            "build",
            "--release",
            "--locked",
            "--package",
            package,
            "--bin",
            bin,
        ];
        let exe = std::env::consts::EXE_SUFFIX;
        let built = workspace::target_dir()
            .join("release")
            .join(format!("{bin}{exe}"));
        let name = format!("{bin}-{version}-{host}{exe}");
        if dry_run {
            eprintln!("would run: cargo {}", build.join(" "));
            eprintln!(
                "would write: {} and its SHA-256",
                out_dir.join(&name).display()
            );
            continue;
        }
        run_in(root, &cargo_program(), &build)?;
        std::fs::create_dir_all(&out_dir)
            .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
        let artifact: PathBuf = out_dir.join(&name);
        std::fs::copy(&built, &artifact).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                built.display(),
                artifact.display()
            )
        })?;
        let bytes = std::fs::read(&artifact)
            .map_err(|e| format!("cannot read {}: {e}", artifact.display()))?;
        let line = format!("{}  {name}\n", crate::sha256::hex_digest(&bytes));
        eprint!("  {line}");
        sums.push_str(&line);
    }
    let sums_path = out_dir.join("SHA256SUMS");
    if dry_run {
        eprintln!(
            "would write: {} (check with `sha256sum -c SHA256SUMS`)",
            sums_path.display()
        );
    } else if !sums.is_empty() {
        workspace::write(&sums_path, &sums)?;
        eprintln!("wrote {}", sums_path.display());
    }
    Ok(())
}

/// The host target triple, from `rustc -vV`.
fn host_triple(root: &Path) -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let info = output_in(root, &rustc, &["-vV"])?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .ok_or_else(|| "`rustc -vV` did not name the host target".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of the workspace's manifests and changelog, the files a release edits.
    fn copy_of_workspace(name: &str) -> PathBuf {
        let from = workspace::root();
        let to = workspace::scratch_dir(name);
        let mut files = vec![PathBuf::from("Cargo.toml"), PathBuf::from("CHANGELOG.md")];
        files.push(PathBuf::from("xtask/Cargo.toml"));
        for dir in workspace::crate_dirs(&from).unwrap() {
            files.push(dir.strip_prefix(&from).unwrap().join("Cargo.toml"));
        }
        for file in files {
            std::fs::create_dir_all(to.join(&file).parent().unwrap()).unwrap();
            std::fs::copy(from.join(&file), to.join(&file)).unwrap();
        }
        // Right after a release the real Unreleased section is empty (and these tests run
        // during `cargo xtask release`): give the copy an entry of its own.
        let changelog = to.join("CHANGELOG.md");
        let text = read(changelog.clone()).replacen(
            "## [Unreleased]\n",
            "## [Unreleased]\n\n### Fixed\n- an entry added by the release test\n",
            1,
        );
        std::fs::write(changelog, text).unwrap();
        to
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// The next minor version after the workspace's current one.
    fn next_minor(root: &Path) -> Version {
        let current = version::current(root).unwrap();
        Version::parse(&format!("{}.{}.0", current.major, current.minor + 1)).unwrap()
    }

    #[test]
    fn release_bumps_every_crate_in_lockstep_and_dates_the_changelog() {
        let root = copy_of_workspace("release");
        let before_manifest = read(root.join("Cargo.toml"));
        let before_changelog = read(root.join("CHANGELOG.md"));
        let current = version::current(&root).unwrap();
        let to = next_minor(&root);

        edit_files(&root, &to, "2026-11-26", false).unwrap();
        let manifest = read(root.join("Cargo.toml"));
        assert_eq!(version::current(&root).unwrap(), to);

        // Every internal crate's version moved; no other line changed.
        let mut internal = 0;
        for (old, new) in before_manifest.lines().zip(manifest.lines()) {
            if old.contains("path = \"crates/") {
                internal += 1;
                assert_eq!(
                    new,
                    old.replace(&format!("\"{current}\""), &format!("\"{to}\""))
                );
            } else if old.starts_with("version = ") {
                assert_eq!(new, format!("version = \"{to}\""));
            } else {
                assert_eq!(old, new);
            }
        }
        assert_eq!(before_manifest.lines().count(), manifest.lines().count());
        assert!(internal >= 2, "ltv-core and ltv-cli at least");
        assert!(!manifest.contains(&format!("version = \"{current}\"")));

        // Member manifests inherit the workspace version and are untouched.
        for dir in workspace::crate_dirs(&root).unwrap() {
            assert!(read(dir.join("Cargo.toml")).contains("version.workspace = true"));
        }

        // The Unreleased entries now sit under the new version; Unreleased is empty.
        let changelog = read(root.join("CHANGELOG.md"));
        let unreleased_body = before_changelog
            .split("## [Unreleased]\n")
            .nth(1)
            .unwrap()
            .split("\n## ")
            .next()
            .unwrap()
            .trim();
        assert!(!unreleased_body.is_empty());
        let heading = format!("## [Unreleased]\n\n## [{to}] - 2026-11-26\n\n{unreleased_body}\n");
        assert!(changelog.contains(&heading), "{changelog}");

        // The same version again: the changelog has nothing new to release.
        let err = edit_files(&root, &to, "2026-11-27", false).unwrap_err();
        assert!(err.contains("already has a `## ["), "{err}");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn dry_run_and_refused_versions_change_nothing() {
        let root = copy_of_workspace("release-dry-run");
        let manifest = read(root.join("Cargo.toml"));
        let changelog = read(root.join("CHANGELOG.md"));
        let to = next_minor(&root);

        let changes = edit_files(&root, &to, "2026-11-26", true).unwrap();
        assert!(
            changes
                .iter()
                .any(|c| c.contains(&format!("version = \"{to}\""))),
            "{changes:?}"
        );
        assert!(
            changes.iter().any(|c| c.starts_with("CHANGELOG.md: ")),
            "{changes:?}"
        );

        let err = edit_files(
            &root,
            &Version::parse("0.0.1").unwrap(),
            "2026-11-26",
            false,
        )
        .unwrap_err();
        assert!(err.contains("is below the current version"), "{err}");

        assert_eq!(read(root.join("Cargo.toml")), manifest);
        assert_eq!(read(root.join("CHANGELOG.md")), changelog);
        std::fs::remove_dir_all(root).unwrap();
    }
}
