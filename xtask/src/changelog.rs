//! `CHANGELOG.md` (Keep a Changelog 1.1.0): releasing the `## [Unreleased]` section.

use crate::version::Version;

const UNRELEASED: &str = "## [Unreleased]";

/// The changelog with what was under `## [Unreleased]` moved under
/// `## [<version>] - <date>`, and a fresh, empty `## [Unreleased]` section above it.
///
/// # Errors
/// No `## [Unreleased]` heading, nothing under it, or `version` already released.
pub(crate) fn release(text: &str, version: &Version, date: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(start) = lines.iter().position(|l| l.trim_end() == UNRELEASED) else {
        return Err(format!("CHANGELOG.md has no `{UNRELEASED}` heading"));
    };
    let heading = format!("## [{version}]");
    if lines
        .iter()
        .any(|l| l.trim_end() == heading || l.starts_with(&format!("{heading} ")))
    {
        return Err(format!("CHANGELOG.md already has a `{heading}` section"));
    }
    // The section runs to the next `## ` heading or a link reference (`[x]: url`) block.
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("## ") || is_link_reference(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let body = lines[start + 1..end].concat();
    if body.trim().is_empty() {
        return Err(format!(
            "CHANGELOG.md: nothing under `{UNRELEASED}`; list the changes before releasing"
        ));
    }
    let mut out = lines[..start].concat();
    out.push_str(UNRELEASED);
    out.push_str("\n\n");
    out.push_str(&format!("{heading} - {date}\n\n"));
    out.push_str(body.trim_matches('\n'));
    out.push('\n');
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].concat());
    }
    Ok(out)
}

fn is_link_reference(line: &str) -> bool {
    line.starts_with('[') && line.contains("]: ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "\
# Changelog

Intro.

## [Unreleased]

### Added
- a thing

### Fixed
- a bug

## [0.1.0] - 2026-01-02

### Added
- the start
";

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn moves_unreleased_under_the_version_and_leaves_an_empty_unreleased() {
        let after = release(BEFORE, &v("0.2.0"), "2026-11-26").unwrap();
        assert_eq!(
            after,
            "\
# Changelog

Intro.

## [Unreleased]

## [0.2.0] - 2026-11-26

### Added
- a thing

### Fixed
- a bug

## [0.1.0] - 2026-01-02

### Added
- the start
"
        );
        // Releasing again with nothing new is refused.
        let err = release(&after, &v("0.3.0"), "2026-11-27").unwrap_err();
        assert!(err.contains("nothing under"), "{err}");
    }

    #[test]
    fn refuses_a_version_already_released_or_a_missing_heading() {
        let err = release(BEFORE, &v("0.1.0"), "2026-11-26").unwrap_err();
        assert!(err.contains("already has a `## [0.1.0]`"), "{err}");
        let err = release("# Changelog\n", &v("0.2.0"), "2026-11-26").unwrap_err();
        assert!(err.contains("no `## [Unreleased]`"), "{err}");
    }

    #[test]
    fn the_last_section_and_link_references_are_kept() {
        let text = "## [Unreleased]\n- x\n\n[Unreleased]: https://example.org\n";
        let after = release(text, &v("1.0.0"), "2026-11-26").unwrap();
        assert_eq!(
            after,
            "## [Unreleased]\n\n## [1.0.0] - 2026-11-26\n\n- x\n\n[Unreleased]: https://example.org\n"
        );
    }
}
