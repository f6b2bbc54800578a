//! The two languages of every generated text (reports, summaries, warnings).

use serde::{Deserialize, Serialize};

/// Language of generated text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// The English or the Japanese text.
    ///
    /// ```
    /// use ltv_core::Lang;
    /// assert_eq!(Lang::Ja.pick("churn", "解約率"), "解約率");
    /// ```
    pub fn pick<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    /// The language code: `en` or `ja`.
    pub fn code(self) -> &'static str {
        self.pick("en", "ja")
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    /// `en` or `ja` (case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            other => Err(format!("en or ja, got {other}")),
        }
    }
}
