//! A reader for the small subset of TOML our `Cargo.toml` files use: `[table]` headers,
//! one `key = value` per line, inline tables on one line. Enough to list a crate's
//! targets and dependencies without a TOML dependency; anything fancier is reported, not
//! guessed at.

use std::path::Path;

/// What the tidy rules need to know about one member crate's `Cargo.toml`.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    /// `[package] name`.
    pub name: String,
    /// Has a binary target (`[[bin]]` or `src/main.rs` or `src/bin/`).
    pub has_bin: bool,
    /// Has a library target (`[lib]` or `src/lib.rs`).
    pub has_lib: bool,
    /// `[lints] workspace = true`.
    pub workspace_lints: bool,
    /// `[package] version.workspace = true` (released in lockstep with the workspace).
    pub inherits_version: bool,
    /// Every dependency, of every kind.
    pub dependencies: Vec<Dependency>,
}

/// One entry of a `[dependencies]`-like table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
    /// The name as written (the key).
    pub name: String,
    /// `dependencies`, `dev-dependencies` or `build-dependencies`.
    pub kind: String,
    /// `optional = true`.
    pub optional: bool,
    /// `x.workspace = true` or `x = { workspace = true, ... }`.
    pub workspace: bool,
}

impl Dependency {
    /// A normal or build dependency (what the built library links), not a dev one.
    pub(crate) fn is_linked(&self) -> bool {
        self.kind != "dev-dependencies"
    }
}

/// Reads `<dir>/Cargo.toml` and looks at `<dir>/src` for implicit targets.
pub(crate) fn read(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join("Cargo.toml");
    let text = crate::workspace::read(&path)?;
    let mut manifest = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    manifest.has_bin |= dir.join("src/main.rs").is_file() || dir.join("src/bin").is_dir();
    manifest.has_lib |= dir.join("src/lib.rs").is_file();
    Ok(manifest)
}

/// Parses a manifest's text (explicit targets only; [`read`] adds the implicit ones).
pub(crate) fn parse(text: &str) -> Result<Manifest, String> {
    let mut manifest = Manifest::default();
    let mut table = String::new();
    // A `[dependencies.foo]` table: the dependency being described.
    let mut dep_table: Option<Dependency> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            if let Some(dep) = dep_table.take() {
                manifest.dependencies.push(dep);
            }
            table = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            if table == "bin" {
                manifest.has_bin = true;
            }
            if table == "lib" {
                manifest.has_lib = true;
            }
            if let Some((kind, name)) = dependency_table(&table) {
                dep_table = Some(Dependency {
                    name,
                    kind,
                    optional: false,
                    workspace: false,
                });
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            // A continuation line of a multi-line array (`features = [`...): skip.
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if let Some(dep) = dep_table.as_mut() {
            dep.optional |= key == "optional" && value == "true";
            dep.workspace |= key == "workspace" && value == "true";
            continue;
        }
        match table.as_str() {
            "package" if key == "name" => manifest.name = unquote(value).to_string(),
            "lints" if key == "workspace" => manifest.workspace_lints = value == "true",
            "package" if key == "version.workspace" || key == "version" => {
                manifest.inherits_version = value == "true" || inline_flag(value, "workspace");
            }
            _ => {}
        }
        if let Some(kind) = dependency_kind(&table) {
            if value.starts_with('{') && !value.ends_with('}') {
                return Err(format!(
                    "line {}: an inline table spanning lines is not supported",
                    index + 1
                ));
            }
            let (name, dotted) = match key.split_once('.') {
                Some((name, rest)) => (name.trim(), Some(rest.trim())),
                None => (key, None),
            };
            let name = unquote(name).to_string();
            let workspace =
                dotted == Some("workspace") && value == "true" || inline_flag(value, "workspace");
            let optional = inline_flag(value, "optional");
            if let Some(existing) = manifest
                .dependencies
                .iter_mut()
                .find(|d| d.name == name && d.kind == kind)
            {
                existing.workspace |= workspace;
                existing.optional |= optional || dotted == Some("optional") && value == "true";
            } else {
                manifest.dependencies.push(Dependency {
                    name,
                    kind,
                    optional,
                    workspace,
                });
            }
        }
    }
    if let Some(dep) = dep_table.take() {
        manifest.dependencies.push(dep);
    }
    Ok(manifest)
}

/// `dependencies`, `dev-dependencies`, `build-dependencies`, also under
/// `target.'cfg(...)'.`, or `None` for any other table.
fn dependency_kind(table: &str) -> Option<String> {
    let last = table.rsplit('.').next().unwrap_or(table).trim();
    let is_dep = matches!(
        last,
        "dependencies" | "dev-dependencies" | "build-dependencies"
    );
    (is_dep && !table.starts_with("workspace.")).then(|| last.to_string())
}

/// `[dependencies.foo]` → (`dependencies`, `foo`).
fn dependency_table(table: &str) -> Option<(String, String)> {
    let (head, name) = table.rsplit_once('.')?;
    let kind = dependency_kind(head)?;
    Some((kind, unquote(name.trim()).to_string()))
}

/// `{ workspace = true, optional = true }` has `flag` set to true.
fn inline_flag(value: &str, flag: &str) -> bool {
    let Some(inner) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) else {
        return false;
    };
    inner.split(',').any(|pair| {
        pair.split_once('=')
            .is_some_and(|(k, v)| k.trim() == flag && v.trim() == "true")
    })
}

fn strip_comment(line: &str) -> &str {
    // Good enough for manifests: a `#` inside a string is not something we write.
    match line.find('#') {
        Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
        _ => line,
    }
}

/// `"text"` → `text`.
pub(crate) fn unquote(value: &str) -> &str {
    value
        .trim()
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_package_targets_lints_and_every_dependency_form() {
        let m = parse(
            r#"
[package]
name = "ltv-x" # the crate
version.workspace = true

[[bin]]
name = "x"
path = "src/main.rs"

[dependencies]
a.workspace = true
b = { workspace = true, optional = true }
c = "1"
d = { version = "1", features = [
    "std",
] }

[dependencies.e]
workspace = true
optional = true

[dev-dependencies]
f.workspace = true

[target.'cfg(unix)'.dependencies]
g.workspace = true

[lints]
workspace = true
"#,
        );
        // `d` spans lines: refused rather than misread.
        assert!(m.is_err());

        let m = parse(
            r#"
[package]
name = "ltv-x" # the crate
version.workspace = true

[[bin]]
name = "x"

[dependencies]
a.workspace = true
b = { workspace = true, optional = true }
c = "1"

[dependencies.e]
workspace = true
optional = true

[dev-dependencies]
f.workspace = true

[target.'cfg(unix)'.dependencies]
g.workspace = true

[lints]
workspace = true
"#,
        )
        .unwrap();
        assert_eq!(m.name, "ltv-x");
        assert!(m.has_bin && !m.has_lib && m.workspace_lints && m.inherits_version);
        let deps: Vec<(&str, &str, bool, bool)> = m
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.kind.as_str(), d.optional, d.workspace))
            .collect();
        assert_eq!(
            deps,
            [
                ("a", "dependencies", false, true),
                ("b", "dependencies", true, true),
                ("c", "dependencies", false, false),
                ("e", "dependencies", true, true),
                ("f", "dev-dependencies", false, true),
                ("g", "dependencies", false, true),
            ]
        );
    }

    #[test]
    fn workspace_dependency_tables_are_not_a_crate_s_dependencies() {
        let m = parse("[workspace.dependencies]\nx = \"1\"\n").unwrap();
        assert!(m.dependencies.is_empty());
    }
}
