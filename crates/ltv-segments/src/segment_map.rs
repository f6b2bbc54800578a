//! Named segments from RFM codes: the `default` and `rf-grid` presets and user TOML maps.
//!
//! A map is an ordered list of rules; the first rule whose score ranges contain the
//! customer's (R, F, M) names the segment. Maps are checked when built: every code
//! 1..=B in each dimension must be covered (or the map has a `default` name).
//!
//! User map (TOML):
//!
//! ```toml
//! default = "Other"          # optional: name for codes no rule covers
//!
//! [[segment]]
//! name = "Champions"
//! r = [4, 5]                 # inclusive score range, or one score: r = 5
//! f = [4, 5]
//! # m omitted: any score
//!
//! [[segment]]
//! name = "Lost"
//! r = 1
//! ```

use serde::Deserialize;

use crate::error::{Result, SegmentsError};
use crate::rfm::MAX_BINS;

/// The 125-code table of the `default` preset (`rfm,segment`).
const DEFAULT_TABLE: &str = include_str!("../presets/rfm_segments_default.csv");

/// One rule: inclusive score ranges (R, F, M) and the segment name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Segment name.
    pub name: String,
    /// Recency score range, inclusive.
    pub r: (u32, u32),
    /// Frequency score range, inclusive.
    pub f: (u32, u32),
    /// Monetary score range, inclusive.
    pub m: (u32, u32),
}

impl Rule {
    fn matches(&self, r: u32, f: u32, m: u32) -> bool {
        (self.r.0..=self.r.1).contains(&r)
            && (self.f.0..=self.f.1).contains(&f)
            && (self.m.0..=self.m.1).contains(&m)
    }
}

/// An ordered segment map with a lookup table for B ≤ 9.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentMap {
    name: String,
    bins: Option<u32>,
    rules: Vec<Rule>,
    fallback: Option<String>,
    names: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserMap {
    default: Option<String>,
    #[serde(default)]
    segment: Vec<UserRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserRule {
    name: String,
    r: Option<Range>,
    f: Option<Range>,
    m: Option<Range>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Range {
    One(u32),
    Span([u32; 2]),
}

impl Range {
    fn bounds(r: &Option<Range>) -> (u32, u32) {
        match r {
            None => (1, MAX_BINS),
            Some(Range::One(v)) => (*v, *v),
            Some(Range::Span([a, b])) => (*a, *b),
        }
    }
}

impl SegmentMap {
    /// The built-in presets: `default` (the common 11-segment map of all 125 codes) and
    /// `rf-grid` (the common 5 × 5 recency × frequency grid, M ignored). Both need 5 bins.
    ///
    /// # Errors
    /// [`SegmentsError::SegmentMap`] for another name.
    pub fn preset(name: &str) -> Result<SegmentMap> {
        match name {
            "default" => default_preset(),
            "rf-grid" => Ok(rf_grid()),
            other => Err(SegmentsError::SegmentMap {
                source_name: other.to_string(),
                reason: "unknown preset (use default, rf-grid or the path of a TOML file)".into(),
            }),
        }
    }

    /// A preset by name, or else the TOML map at that path.
    ///
    /// # Errors
    /// As for [`SegmentMap::preset`] and [`SegmentMap::from_toml`]; a missing file.
    pub fn load(name_or_path: &str) -> Result<SegmentMap> {
        match name_or_path {
            "default" | "rf-grid" => SegmentMap::preset(name_or_path),
            path => {
                let text = crate::table::read_text_file(path, "a segment map (TOML)")?;
                SegmentMap::from_toml(path, &text)
            }
        }
    }

    /// A user map from TOML text (see the module docs); `source_name` appears in errors.
    ///
    /// # Errors
    /// [`SegmentsError::SegmentMap`] for bad TOML, unknown keys, empty names or ranges
    /// outside 1..=9 or reversed.
    pub fn from_toml(source_name: &str, text: &str) -> Result<SegmentMap> {
        let err = |reason: String| SegmentsError::SegmentMap {
            source_name: source_name.to_string(),
            reason,
        };
        let user: UserMap =
            toml::from_str(text).map_err(|e| err(e.to_string().trim().replace('\n', " ")))?;
        if user.segment.is_empty() {
            return Err(err("no [[segment]] rules".into()));
        }
        let mut rules = Vec::with_capacity(user.segment.len());
        for (i, rule) in user.segment.iter().enumerate() {
            if rule.name.trim().is_empty() {
                return Err(err(format!("rule {} has an empty name", i + 1)));
            }
            let (r, f, m) = (
                Range::bounds(&rule.r),
                Range::bounds(&rule.f),
                Range::bounds(&rule.m),
            );
            for (dim, (a, b)) in [("r", r), ("f", f), ("m", m)] {
                if a < 1 || b > MAX_BINS || a > b {
                    return Err(err(format!(
                        "rule {} ('{}'): {dim} range [{a}, {b}] must lie in 1..={MAX_BINS} and be ascending",
                        i + 1,
                        rule.name
                    )));
                }
            }
            rules.push(Rule {
                name: rule.name.clone(),
                r,
                f,
                m,
            });
        }
        Ok(SegmentMap::new(source_name, None, rules, user.default))
    }

    fn new(name: &str, bins: Option<u32>, rules: Vec<Rule>, fallback: Option<String>) -> Self {
        let mut names: Vec<String> = Vec::new();
        for rule in &rules {
            if !names.contains(&rule.name) {
                names.push(rule.name.clone());
            }
        }
        if let Some(f) = &fallback {
            if !names.contains(f) {
                names.push(f.clone());
            }
        }
        SegmentMap {
            name: name.to_string(),
            bins,
            rules,
            fallback,
            names,
        }
    }

    /// `default`, `rf-grid` or the file's path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rules in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Segment names in rule order (then the default name).
    pub fn segment_names(&self) -> &[String] {
        &self.names
    }

    /// Checks the map can name every code for `bins` bins.
    ///
    /// # Errors
    /// [`SegmentsError::SegmentMap`] if it is a preset and `bins` is not 5, or a code is
    /// left unnamed.
    pub fn check_bins(&self, bins: u32) -> Result<()> {
        if let Some(b) = self.bins {
            if b != bins {
                return Err(SegmentsError::SegmentMap {
                    source_name: self.name.clone(),
                    reason: format!(
                        "the preset is defined for {b} bins, not {bins}: with --bins {bins} give your own TOML map with --segments PATH"
                    ),
                });
            }
        }
        if self.fallback.is_none() {
            for r in 1..=bins {
                for f in 1..=bins {
                    for m in 1..=bins {
                        if !self.rules.iter().any(|x| x.matches(r, f, m)) {
                            return Err(SegmentsError::SegmentMap {
                                source_name: self.name.clone(),
                                reason: format!(
                                    "no rule covers code {r}{f}{m}: add a rule or a top-level default = \"NAME\""
                                ),
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// For every code of `bins` bins, at index ((r−1)·B + (f−1))·B + (m−1), the index
    /// of its segment in [`SegmentMap::segment_names`] (`u16::MAX`: unnamed).
    pub fn lookup_table(&self, bins: u32) -> Vec<u16> {
        let mut table = Vec::with_capacity((bins * bins * bins) as usize);
        for r in 1..=bins {
            for f in 1..=bins {
                for m in 1..=bins {
                    let name = self.segment(r, f, m);
                    table.push(
                        self.names
                            .iter()
                            .position(|n| n == name)
                            .map_or(u16::MAX, |i| i as u16),
                    );
                }
            }
        }
        table
    }

    /// The segment of code (r, f, m): the first matching rule, else the default name,
    /// else `""` (impossible after [`SegmentMap::check_bins`]).
    pub fn segment(&self, r: u32, f: u32, m: u32) -> &str {
        self.rules
            .iter()
            .find(|x| x.matches(r, f, m))
            .map(|x| x.name.as_str())
            .or(self.fallback.as_deref())
            .unwrap_or("")
    }
}

fn default_preset() -> Result<SegmentMap> {
    let bad = |reason: String| SegmentsError::SegmentMap {
        source_name: "default".into(),
        reason,
    };
    let mut rules = Vec::with_capacity(125);
    for line in DEFAULT_TABLE
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
    {
        let (code, name) = line
            .split_once(',')
            .ok_or_else(|| bad(format!("bad line '{line}'")))?;
        let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
        let [r, f, m] = digits[..] else {
            return Err(bad(format!("bad code '{code}'")));
        };
        rules.push(Rule {
            name: name.trim().to_string(),
            r: (r, r),
            f: (f, f),
            m: (m, m),
        });
    }
    // Keep the names in the order of value, as the literature lists them.
    let order = [
        "Champions",
        "Loyal",
        "Potential Loyalist",
        "New Customers",
        "Promising",
        "Need Attention",
        "About To Sleep",
        "At Risk",
        "Cannot Lose Them",
        "Hibernating",
        "Lost",
    ];
    let mut map = SegmentMap::new("default", Some(5), rules, None);
    map.names
        .sort_by_key(|n| order.iter().position(|o| o == n).unwrap_or(order.len()));
    Ok(map)
}

fn rf_grid() -> SegmentMap {
    let rule = |name: &str, r: (u32, u32), f: (u32, u32)| Rule {
        name: name.to_string(),
        r,
        f,
        m: (1, 5),
    };
    SegmentMap::new(
        "rf-grid",
        Some(5),
        vec![
            rule("Champions", (5, 5), (4, 5)),
            rule("Loyal Customers", (3, 4), (4, 5)),
            rule("Potential Loyalists", (4, 5), (2, 3)),
            rule("New Customers", (5, 5), (1, 1)),
            rule("Promising", (4, 4), (1, 1)),
            rule("Need Attention", (3, 3), (3, 3)),
            rule("About To Sleep", (3, 3), (1, 2)),
            rule("Cannot Lose Them", (1, 2), (5, 5)),
            rule("At Risk", (1, 2), (3, 4)),
            rule("Hibernating", (1, 2), (1, 2)),
        ],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_covers_125_codes_once() {
        let map = SegmentMap::preset("default").unwrap();
        assert_eq!(map.rules().len(), 125);
        map.check_bins(5).unwrap();
        assert_eq!(map.segment_names().len(), 11);
        assert_eq!(map.segment(5, 5, 5), "Champions");
        assert_eq!(map.segment(1, 1, 1), "Lost");
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    let hits = map.rules().iter().filter(|x| x.matches(r, f, m)).count();
                    assert_eq!(hits, 1, "{r}{f}{m}");
                }
            }
        }
    }

    #[test]
    fn rf_grid_covers_25_cells_once() {
        let map = SegmentMap::preset("rf-grid").unwrap();
        for r in 1..=5 {
            for f in 1..=5 {
                let hits = map.rules().iter().filter(|x| x.matches(r, f, 1)).count();
                assert_eq!(hits, 1, "{r}{f}");
            }
        }
        assert_eq!(map.segment(5, 1, 3), "New Customers");
        assert_eq!(map.segment(3, 5, 1), "Loyal Customers");
    }

    #[test]
    fn presets_need_five_bins() {
        let err = SegmentMap::preset("default")
            .unwrap()
            .check_bins(3)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "segment map default: the preset is defined for 5 bins, not 3: with --bins 3 give your own TOML map with --segments PATH"
        );
    }

    #[test]
    fn user_map_rules_and_coverage() {
        let map = SegmentMap::from_toml(
            "m.toml",
            "[[segment]]\nname = \"Top\"\nr = [2, 3]\nf = 3\n\n[[segment]]\nname = \"Rest\"\nr = [1, 3]\n",
        )
        .unwrap();
        map.check_bins(3).unwrap();
        assert_eq!(map.segment(3, 3, 1), "Top");
        assert_eq!(map.segment(1, 3, 1), "Rest");
        let gap = SegmentMap::from_toml("g.toml", "[[segment]]\nname = \"A\"\nr = 1\n").unwrap();
        assert_eq!(
            gap.check_bins(2).unwrap_err().to_string(),
            "segment map g.toml: no rule covers code 211: add a rule or a top-level default = \"NAME\""
        );
        let bad =
            SegmentMap::from_toml("b.toml", "[[segment]]\nname = \"A\"\nr = [3, 1]\n").unwrap_err();
        assert!(bad.to_string().contains("r range [3, 1]"), "{bad}");
        assert!(SegmentMap::from_toml("u.toml", "[[segment]]\nname = \"A\"\nx = 1\n").is_err());
    }
}
