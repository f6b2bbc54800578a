//! The report as data: sections of charts, key figures, tables and notes, rendered to
//! one self-contained HTML page by a minijinja template.

use minijinja::{context, Environment};
use serde::Serialize;

use crate::error::ReportError;
use crate::i18n::Lang;

const TEMPLATE: &str = include_str!("../templates/report.html");

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Language of every text in the report.
    pub lang: Lang,
    /// Page title.
    pub title: String,
    /// Line under the title (data source, as-of date).
    pub subtitle: String,
    /// Which basis every LTV and banded LTV/CAC uses, in one line.
    pub basis: String,
    /// What the reader must know before reading the numbers.
    pub warnings: Vec<String>,
    /// The sections in order.
    pub sections: Vec<Section>,
    /// Footer line.
    pub footer: String,
}

/// One numbered section.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// One-paragraph explanation under the heading.
    pub lead: String,
    /// A highlighted paragraph (the executive summary).
    pub summary: Option<String>,
    /// Charts, drawn in order.
    pub charts: Vec<Chart>,
    /// Key numbers shown beside the charts.
    pub figures: Vec<Figure>,
    /// Tables under the charts.
    pub tables: Vec<Table>,
    /// Small print: assumptions, sources, what was skipped.
    pub notes: Vec<String>,
}

/// An SVG chart.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Accessible title.
    pub title: String,
    /// The SVG markup.
    pub svg: String,
}

/// A key number.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// What it is.
    pub label: String,
    /// The value, formatted.
    pub value: String,
    /// Small print under it.
    pub note: Option<String>,
    /// CSS class (e.g. the LTV/CAC band) for the colour of its rule.
    pub class: String,
}

impl Figure {
    /// A figure with no note.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Figure {
            label: label.into(),
            value: value.into(),
            note: None,
            class: String::new(),
        }
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Sets the CSS class.
    pub fn class(mut self, class: impl Into<String>) -> Self {
        self.class = class.into();
        self
    }
}

/// A table of formatted cells. Columns whose cells all look like numbers are
/// right-aligned (serialised as `numeric`).
#[derive(Debug, Clone)]
pub struct Table {
    /// Caption above the table.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// For each column, whether every non-empty cell looks like a number or an amount.
    pub fn numeric_columns(&self) -> Vec<bool> {
        (0..self.header.len())
            .map(|c| {
                self.rows.iter().all(|r| {
                    r.get(c).is_none_or(|cell| {
                        cell.is_empty()
                            || cell == "–"
                            || cell
                                .trim_start_matches(['-', '+'])
                                .starts_with(|ch: char| ch.is_ascii_digit() || "$¥€£".contains(ch))
                    })
                })
            })
            .collect()
    }
}

impl Serialize for Table {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Table", 4)?;
        st.serialize_field("caption", &self.caption)?;
        st.serialize_field("header", &self.header)?;
        st.serialize_field("rows", &self.rows)?;
        st.serialize_field("numeric", &self.numeric_columns())?;
        st.end()
    }
}

impl Document {
    /// Renders the self-contained HTML page.
    ///
    /// # Errors
    /// [`ReportError::Template`] if the template fails (a bug, not a data problem).
    pub fn to_html(&self) -> Result<String, ReportError> {
        let mut env = Environment::new();
        env.add_template("report.html", TEMPLATE)
            .map_err(|e| ReportError::Template(e.to_string()))?;
        let tmpl = env
            .get_template("report.html")
            .map_err(|e| ReportError::Template(e.to_string()))?;
        tmpl.render(context! {
            lang => crate::i18n::code(self.lang),
            title => &self.title,
            subtitle => &self.subtitle,
            basis => &self.basis,
            warnings => &self.warnings,
            warnings_title => crate::i18n::t(self.lang, "Before you read the numbers", "数値をご覧になる前に"),
            sections => &self.sections,
            footer => &self.footer,
        })
        .map_err(|e| ReportError::Template(e.to_string()))
    }

    /// A plain-text outline of the structure (headings, figures, tables, chart count),
    /// for snapshot tests and for reviewing a report without a browser.
    pub fn outline(&self) -> String {
        let mut out = format!("# {}\n{}\n{}\n", self.title, self.subtitle, self.basis);
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        for (i, s) in self.sections.iter().enumerate() {
            out.push_str(&format!(
                "\n## {}. {} ({} charts)\n",
                i + 1,
                s.title,
                s.charts.len()
            ));
            for c in &s.charts {
                out.push_str(&format!("  [chart] {}\n", c.title));
            }
            if let Some(summary) = &s.summary {
                out.push_str(&format!("  summary: {summary}\n"));
            }
            for f in &s.figures {
                out.push_str(&format!("  {}: {}", f.label, f.value));
                if let Some(n) = &f.note {
                    out.push_str(&format!(" ({n})"));
                }
                out.push('\n');
            }
            for t in &s.tables {
                out.push_str(&format!(
                    "  table: {}\n    {}\n",
                    t.caption,
                    t.header.join(" | ")
                ));
                for r in &t.rows {
                    out.push_str(&format!("    {}\n", r.join(" | ")));
                }
            }
            for n in &s.notes {
                out.push_str(&format!("  note: {n}\n"));
            }
        }
        out
    }
}
