//! The team that owns an initiative.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An owning team: one of the usual five, or free text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Team {
    /// Marketing.
    Marketing,
    /// Sales.
    Sales,
    /// Customer success.
    CustomerSuccess,
    /// Product.
    Product,
    /// Executive team.
    Executive,
    /// Any other team, as written.
    Other(String),
}

impl Team {
    /// Reads a team name; `customer success`, `customer_success`, `customer-success`
    /// and `cs` are the same team, case ignored; anything else is kept as written.
    pub fn parse(raw: &str) -> Team {
        let norm = raw.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        match norm.as_str() {
            "marketing" => Team::Marketing,
            "sales" => Team::Sales,
            "customer success" | "cs" => Team::CustomerSuccess,
            "product" => Team::Product,
            "executive" | "exec" | "management" => Team::Executive,
            _ => Team::Other(raw.trim().to_owned()),
        }
    }

    /// The name shown and serialised.
    pub fn as_str(&self) -> &str {
        match self {
            Team::Marketing => "marketing",
            Team::Sales => "sales",
            Team::CustomerSuccess => "customer success",
            Team::Product => "product",
            Team::Executive => "executive",
            Team::Other(s) => s,
        }
    }
}

impl fmt::Display for Team {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Team {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Team {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Team::parse(&s))
    }
}

/// A team is a string in JSON: `marketing`, `sales`, `customer success` (also read as
/// `cs`), `product`, `executive`, or any other name as written.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Team {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "marketing, sales, customer success (also read as cs), product, executive, \
                 or any other team name as written",
            ))
            .examples(["marketing", "customer success", "finance"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Team {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Team::parse("Customer-Success"), Team::CustomerSuccess);
        assert_eq!(Team::parse("cs").to_string(), "customer success");
        assert_eq!(Team::parse(" RevOps "), Team::Other("RevOps".into()));
    }
}
