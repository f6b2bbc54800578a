//! Versions: parsing a semantic version and bumping every crate to it in lockstep.
//!
//! Every member crate takes `version.workspace = true`, so a release edits two places in
//! the root `Cargo.toml`: `[workspace.package] version`, and the `version = "..."` of
//! each internal crate (`path = "crates/..."`) in `[workspace.dependencies]`.

use std::fmt;
use std::path::Path;

/// A semantic version `MAJOR.MINOR.PATCH[-PRE][+BUILD]` (semver.org 2.0.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Dot-separated pre-release identifiers, e.g. `rc.1`; empty for a release.
    pub pre: String,
    /// Build metadata, ignored for precedence.
    pub build: String,
}

impl Version {
    /// Parses `1.2.3`, `1.2.3-rc.1`, `1.2.3+build.5` (no leading `v`, no leading zeros).
    pub(crate) fn parse(text: &str) -> Result<Version, String> {
        let bad = |why: &str| format!("'{text}' is not a semantic version X.Y.Z: {why}");
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, build),
            None => (text, ""),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, pre),
            None => (rest, ""),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        let [major, minor, patch] = numbers[..] else {
            return Err(bad("expected three numbers separated by dots"));
        };
        let number = |part: &str| -> Result<u64, String> {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(&format!("'{part}' is not a number")));
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(bad(&format!("'{part}' has a leading zero")));
            }
            part.parse()
                .map_err(|_| bad(&format!("'{part}' is too large")))
        };
        let identifiers_ok = |s: &str| {
            s.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        };
        if text.contains('+') && !identifiers_ok(build) {
            return Err(bad("bad build metadata after '+'"));
        }
        if rest.contains('-') && !identifiers_ok(pre) {
            return Err(bad("bad pre-release after '-'"));
        }
        Ok(Version {
            major: number(major)?,
            minor: number(minor)?,
            patch: number(patch)?,
            pre: pre.to_string(),
            build: build.to_string(),
        })
    }

    /// Semver precedence: `self` comes after `other` (build metadata ignored).
    pub(crate) fn is_after(&self, other: &Version) -> bool {
        let core = |v: &Version| (v.major, v.minor, v.patch);
        if core(self) != core(other) {
            return core(self) > core(other);
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) | (false, true) => false,
            (true, false) => true,
            (false, false) => pre_after(&self.pre, &other.pre),
        }
    }
}

/// Pre-release precedence (semver.org §11.4).
fn pre_after(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.split('.'), b.split('.'));
    loop {
        match (a.next(), b.next()) {
            (None, None) | (None, Some(_)) => return false,
            (Some(_), None) => return true,
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) => {
                return match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x > y,
                    (Ok(_), Err(_)) => false,
                    (Err(_), Ok(_)) => true,
                    (Err(_), Err(_)) => x > y,
                }
            }
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// The `[workspace.package] version` of the root manifest under `root`.
pub(crate) fn current(root: &Path) -> Result<Version, String> {
    let text = crate::workspace::read(&root.join("Cargo.toml"))?;
    let mut table = "";
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed;
        } else if table == "[workspace.package]" {
            if let Some(value) = key_value(trimmed, "version") {
                return Version::parse(crate::manifest::unquote(value));
            }
        }
    }
    Err("the root Cargo.toml has no [workspace.package] version".into())
}

/// The root manifest's text with every crate's version set to `to`: the
/// `[workspace.package]` version and each internal crate's (`path = "..."`) version in
/// `[workspace.dependencies]`. Returns the new text and what changed, one line each.
pub(crate) fn bump(manifest: &str, to: &Version) -> Result<(String, Vec<String>), String> {
    let mut out = String::with_capacity(manifest.len());
    let mut changes = Vec::new();
    let mut table = String::new();
    let mut package_version = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed.to_string();
        }
        let new_line = match table.as_str() {
            "[workspace.package]" if key_value(trimmed, "version").is_some() => {
                package_version = true;
                let indent = &line[..line.len() - line.trim_start().len()];
                let newline = if line.ends_with('\n') { "\n" } else { "" };
                Some(format!("{indent}version = \"{to}\"{newline}"))
            }
            "[workspace.dependencies]" if trimmed.contains("path = ") => {
                replace_inline_version(line, to)
            }
            _ => None,
        };
        match new_line {
            Some(new_line) => {
                if new_line != line {
                    changes.push(format!("{} -> {}", line.trim(), new_line.trim()));
                }
                out.push_str(&new_line);
            }
            None => out.push_str(line),
        }
    }
    if !package_version {
        return Err("the root Cargo.toml has no [workspace.package] version".into());
    }
    Ok((out, changes))
}

/// `ltv-core = { path = "crates/ltv-core", version = "0.1.0" }` with the version replaced;
/// `None` if the line has no `version = "..."`.
fn replace_inline_version(line: &str, to: &Version) -> Option<String> {
    let at = line.find("version = \"")? + "version = \"".len();
    let end = at + line[at..].find('"')?;
    Some(format!("{}{to}{}", &line[..at], &line[end..]))
}

/// `version = "1.0"` → `"1.0"` for `key` `version`.
fn key_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let (k, v) = line.split_once('=')?;
    (k.trim() == key).then(|| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn parses_and_prints_semantic_versions() {
        for ok in [
            "0.1.0",
            "1.20.300",
            "1.0.0-rc.1",
            "1.0.0-alpha+001",
            "1.0.0+20130313",
        ] {
            assert_eq!(v(ok).to_string(), ok);
        }
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            "1.2.3.4",
            "01.2.3",
            "1.x.3",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3+",
        ] {
            let err = Version::parse(bad).unwrap_err();
            assert!(err.contains("is not a semantic version"), "{bad}: {err}");
        }
    }

    #[test]
    fn precedence_follows_semver() {
        let order = [
            "0.1.0",
            "0.1.1",
            "0.2.0-alpha",
            "0.2.0-alpha.1",
            "0.2.0-alpha.beta",
            "0.2.0-beta.2",
            "0.2.0-beta.11",
            "0.2.0",
            "1.0.0",
        ];
        for pair in order.windows(2) {
            assert!(
                v(pair[1]).is_after(&v(pair[0])),
                "{} > {}",
                pair[1],
                pair[0]
            );
            assert!(
                !v(pair[0]).is_after(&v(pair[1])),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        assert!(!v("1.0.0").is_after(&v("1.0.0+build")));
    }
}
