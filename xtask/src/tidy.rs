//! The architecture invariants of docs/ARCHITECTURE.md, checked by reading the manifests
//! and sources of every crate under `crates/` (so new crates are covered the day they
//! are added). `cargo xtask tidy` prints the violations; the test at the bottom makes
//! `cargo test --workspace` (and so CI) fail on any.
//!
//! A crate with a binary target is a *front end* (`ltv-cli`, `ltv-server`); a crate with
//! only a library is a *library*.

use std::path::{Path, PathBuf};

use crate::manifest::{self, Manifest};
use crate::workspace;

/// The dependencies `ltv-core` may have (dev-dependencies are free).
const CORE_ALLOWED: [&str; 3] = ["rust_decimal", "serde", "thiserror"];

/// I/O, async runtime and HTTP crates, which `ltv-core` may not take even behind a feature.
const IO_ASYNC_HTTP: [&str; 22] = [
    "async-std",
    "axum",
    "csv",
    "curl",
    "futures",
    "futures-util",
    "hyper",
    "isahc",
    "memmap2",
    "mio",
    "reqwest",
    "rusqlite",
    "smol",
    "sqlx",
    "surf",
    "tokio",
    "tower",
    "tower-http",
    "tracing-subscriber",
    "ureq",
    "actix-web",
    "warp",
];

/// Source text that means I/O or async in `ltv-core`.
const CORE_FORBIDDEN_SOURCE: [&str; 6] = [
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "async fn",
    ".await",
];

/// File names that say "I did not decide where this belongs".
const GRAB_BAGS: [&str; 3] = ["utils.rs", "util.rs", "misc.rs"];

/// `cargo xtask tidy`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    crate::flags("tidy", args, &[])?;
    let violations = check(&workspace::root())?;
    if violations.is_empty() {
        eprintln!("xtask tidy: the architecture invariants hold");
        Ok(())
    } else {
        Err(report(&violations))
    }
}

fn report(violations: &[String]) -> String {
    format!(
        "{} architecture invariant(s) broken (see docs/ARCHITECTURE.md):\n  {}",
        violations.len(),
        violations.join("\n  ")
    )
}

struct Crate {
    dir: PathBuf,
    manifest: Manifest,
}

impl Crate {
    fn is_front_end(&self) -> bool {
        self.manifest.has_bin
    }

    fn is_library(&self) -> bool {
        self.manifest.has_lib && !self.manifest.has_bin
    }

    fn name(&self) -> &str {
        &self.manifest.name
    }
}

/// Every violation under `root`, one line each naming the crate or file.
pub(crate) fn check(root: &Path) -> Result<Vec<String>, String> {
    let mut crates = Vec::new();
    for dir in workspace::crate_dirs(root)? {
        let manifest = manifest::read(&dir)?;
        crates.push(Crate { dir, manifest });
    }
    let mut violations = Vec::new();
    for krate in &crates {
        if krate.name() == "ltv-core" {
            core_is_pure(krate, &mut violations);
        }
        dependencies_flow_down(krate, &crates, &mut violations);
        if krate.is_library() {
            library_is_documented(krate, &mut violations);
        }
        workspace_conventions(krate, &mut violations);
    }
    no_grab_bag_modules(root, &mut violations);
    Ok(violations)
}

/// ltv-core: exact arithmetic only. No I/O, async or HTTP dependency, no such code, and
/// no floating point anywhere in its sources (so none can reach its public API).
fn core_is_pure(krate: &Crate, violations: &mut Vec<String>) {
    for dep in krate.manifest.dependencies.iter().filter(|d| d.is_linked()) {
        let name = dep.name.as_str();
        if IO_ASYNC_HTTP.contains(&name) {
            violations.push(format!(
                "ltv-core depends on `{name}`, an I/O, async or HTTP crate; ltv-core does no I/O"
            ));
        } else if !dep.optional && !CORE_ALLOWED.contains(&name) {
            violations.push(format!(
                "ltv-core depends on `{name}`; it may depend only on {} (or an optional, \
                 feature-gated crate that does no I/O)",
                CORE_ALLOWED.join(", ")
            ));
        }
    }
    for file in workspace::files_with_suffix(&krate.dir.join("src"), ".rs") {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let at = format!("{}:{}", shown(&file), index + 1);
            for word in ["f64", "f32"] {
                if contains_word(line, word) {
                    violations.push(format!(
                        "{at}: `{word}` in ltv-core; money and rates are Decimal (floats belong \
                         in statistical crates, converted at their boundary)"
                    ));
                }
            }
            for forbidden in CORE_FORBIDDEN_SOURCE {
                if line.contains(forbidden) {
                    violations.push(format!(
                        "{at}: `{forbidden}` in ltv-core, which does no I/O"
                    ));
                }
            }
        }
    }
}

/// Front ends depend on libraries; no library depends on a front end, and no front end
/// on another.
fn dependencies_flow_down(krate: &Crate, crates: &[Crate], violations: &mut Vec<String>) {
    for dep in krate.manifest.dependencies.iter().filter(|d| d.is_linked()) {
        let Some(target) = crates.iter().find(|c| c.name() == dep.name) else {
            continue;
        };
        if target.is_front_end() {
            let what = if krate.is_front_end() {
                "front end"
            } else {
                "library"
            };
            violations.push(format!(
                "{} ({what}) depends on {}, a front end (it has a binary); front ends sit on \
                 top and depend only on libraries",
                krate.name(),
                target.name()
            ));
        }
    }
}

/// A library opens with a `//!` crate doc that has a runnable example, and warns on
/// missing docs.
fn library_is_documented(krate: &Crate, violations: &mut Vec<String>) {
    let lib = krate.dir.join("src/lib.rs");
    let Ok(text) = std::fs::read_to_string(&lib) else {
        violations.push(format!("{}: cannot read it", shown(&lib)));
        return;
    };
    let crate_doc: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        .take_while(|l| l.starts_with("//!") || l.is_empty())
        .filter_map(|l| l.strip_prefix("//!"))
        .collect();
    if crate_doc.is_empty() {
        violations.push(format!(
            "{}: no `//!` crate-level doc at the top",
            shown(&lib)
        ));
    } else if !has_runnable_example(&crate_doc) {
        violations.push(format!(
            "{}: the `//!` crate doc has no runnable code example (a ``` or ```rust block)",
            shown(&lib)
        ));
    }
    let warns = ["warn", "deny", "forbid"]
        .iter()
        .any(|level| text.contains(&format!("#![{level}(missing_docs)]")));
    if !warns {
        violations.push(format!("{}: no `#![warn(missing_docs)]`", shown(&lib)));
    }
}

/// Some code block of the doc opens with ```` ``` ````, ```` ```rust ```` or
/// ```` ```no_run ````: a doctest that is compiled (```` ```text ```` is not).
fn has_runnable_example(doc: &[&str]) -> bool {
    let mut in_block = false;
    for line in doc {
        let Some(info) = line.trim().strip_prefix("```") else {
            continue;
        };
        if in_block {
            in_block = false;
            continue;
        }
        in_block = true;
        let runnable = info.split(',').all(|tag| {
            matches!(
                tag.trim(),
                "" | "rust" | "no_run" | "should_panic" | "edition2021" | "edition2024"
            )
        });
        if runnable {
            return true;
        }
    }
    false
}

/// Every dependency is declared once in the root manifest (`x.workspace = true`), every
/// crate opts into the workspace lints and takes the workspace version (lockstep releases).
fn workspace_conventions(krate: &Crate, violations: &mut Vec<String>) {
    let manifest = shown(&krate.dir.join("Cargo.toml"));
    for dep in &krate.manifest.dependencies {
        if !dep.workspace {
            violations.push(format!(
                "{manifest}: `{}` in [{}] is not `{}.workspace = true`; declare it once in the \
                 root [workspace.dependencies]",
                dep.name, dep.kind, dep.name
            ));
        }
    }
    if !krate.manifest.workspace_lints {
        violations.push(format!("{manifest}: no `[lints] workspace = true`"));
    }
    if !krate.manifest.inherits_version {
        violations.push(format!(
            "{manifest}: no `version.workspace = true`; every crate is released at the \
             workspace version"
        ));
    }
}

/// One concept per file: no `utils.rs`/`util.rs`/`misc.rs` in any crate or in xtask.
fn no_grab_bag_modules(root: &Path, violations: &mut Vec<String>) {
    for dir in [root.join("crates"), root.join("xtask")] {
        for file in workspace::files_with_suffix(&dir, ".rs") {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let parent = file.parent().and_then(Path::file_name);
            let grab_bag = name.as_deref().is_some_and(|n| GRAB_BAGS.contains(&n))
                || name.as_deref() == Some("mod.rs")
                    && parent.is_some_and(|p| {
                        GRAB_BAGS.contains(&format!("{}.rs", p.to_string_lossy()).as_str())
                    });
            if grab_bag {
                violations.push(format!(
                    "{}: a grab-bag module; name the file after the one concept it holds",
                    shown(&file)
                ));
            }
        }
    }
}

/// `word` appears in `line` as a whole identifier.
fn contains_word(line: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// A path relative to the workspace root when it is under it.
fn shown(path: &Path) -> String {
    let root = workspace::root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real workspace keeps every invariant.
    #[test]
    fn workspace_is_tidy() {
        let violations = check(&workspace::root()).unwrap();
        assert!(violations.is_empty(), "{}", report(&violations));
    }

    fn write(root: &Path, file: &str, text: &str) {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const PACKAGE: &str = "version.workspace = true\n[lints]\nworkspace = true\n";

    /// Each rule fires on a workspace that breaks it.
    #[test]
    fn every_rule_catches_its_violation() {
        let root = workspace::scratch_dir("tidy");
        write(
            &root,
            "crates/ltv-core/Cargo.toml",
            &format!(
                "[package]\nname = \"ltv-core\"\n{PACKAGE}[dependencies]\n\
                 serde.workspace = true\ntokio = {{ workspace = true, optional = true }}\n\
                 chrono.workspace = true\nltv-cli.workspace = true\n\
                 [dev-dependencies]\nproptest = \"1\"\n"
            ),
        );
        write(
            &root,
            "crates/ltv-core/src/lib.rs",
            "//! Core.\n//!\n//! ```text\n//! not run\n//! ```\n\
             pub fn f(x: f64) -> Vec<f64> { std::fs::read(\"x\"); vec![x] }\n\
             pub fn g(f64s: u8) {}\n",
        );
        write(&root, "crates/ltv-core/src/utils.rs", "");
        write(
            &root,
            "crates/ltv-cli/Cargo.toml",
            &format!("[package]\nname = \"ltv-cli\"\n{PACKAGE}[dependencies]\nltv-core.workspace = true\n"),
        );
        write(&root, "crates/ltv-cli/src/main.rs", "fn main() {}\n");
        write(
            &root,
            "crates/ltv-good/Cargo.toml",
            &format!("[package]\nname = \"ltv-good\"\n{PACKAGE}[dependencies]\nltv-core.workspace = true\n"),
        );
        write(
            &root,
            "crates/ltv-good/src/lib.rs",
            "//! Good.\n//!\n//! ```\n//! assert!(true);\n//! ```\n#![warn(missing_docs)]\n",
        );
        write(
            &root,
            "crates/ltv-bare/Cargo.toml",
            "[package]\nname = \"ltv-bare\"\n",
        );
        write(&root, "crates/ltv-bare/src/lib.rs", "pub fn x() {}\n");
        write(&root, "xtask/src/misc/mod.rs", "");

        let violations = check(&root).unwrap();
        let expect = [
            "ltv-core depends on `tokio`, an I/O, async or HTTP crate",
            "ltv-core depends on `chrono`; it may depend only on rust_decimal, serde, thiserror",
            "ltv-core depends on `ltv-cli`; it may depend only on",
            "ltv-core (library) depends on ltv-cli, a front end",
            "lib.rs:6: `f64` in ltv-core",
            "lib.rs:6: `std::fs` in ltv-core",
            "ltv-core/src/lib.rs: the `//!` crate doc has no runnable code example",
            "ltv-core/src/lib.rs: no `#![warn(missing_docs)]`",
            "ltv-core/Cargo.toml: `proptest` in [dev-dependencies] is not `proptest.workspace = true`",
            "ltv-bare/src/lib.rs: no `//!` crate-level doc at the top",
            "ltv-bare/src/lib.rs: no `#![warn(missing_docs)]`",
            "ltv-bare/Cargo.toml: no `[lints] workspace = true`",
            "ltv-bare/Cargo.toml: no `version.workspace = true`",
            "ltv-core/src/utils.rs: a grab-bag module",
            "xtask/src/misc/mod.rs: a grab-bag module",
        ];
        for e in expect {
            assert!(
                violations.iter().any(|v| v.contains(e)),
                "expected a violation containing {e:?} in:\n{}",
                violations.join("\n")
            );
        }
        assert_eq!(violations.len(), expect.len(), "{}", violations.join("\n"));
        assert!(!violations
            .iter()
            .any(|v| v.contains("ltv-good") || v.contains("ltv-cli/")));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn words_are_whole_identifiers() {
        assert!(contains_word("fn f(x: f64)", "f64"));
        assert!(contains_word("f64", "f64"));
        assert!(!contains_word("let f64s = 1;", "f64"));
        assert!(!contains_word("to_f64_lossy", "f64"));
    }
}
