//! The audit log: every change, with who, when, what, and the state before and after.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Position in the log (increasing).
    pub id: i64,
    /// When (UTC).
    pub changed_at: DateTime<Utc>,
    /// Who made it (`--as NAME`, `$USER`, or a token's name on the server).
    pub actor: String,
    /// What kind of thing changed: `initiative`, `rating`, `snapshot`, `baseline`,
    /// `schema`.
    pub entity: String,
    /// Its id.
    pub entity_id: Option<i64>,
    /// The initiative it belongs to.
    pub initiative_id: Option<i64>,
    /// The initiative's name, the snapshot's date and file, ...
    pub subject: String,
    /// `create`, `update`, `move`, `rate`, `delete`, `snapshot`, `baseline`, `migrate`.
    pub operation: String,
    /// The state before (`null` for a creation).
    pub before: Option<Value>,
    /// The state after (`null` for a deletion).
    pub after: Option<Value>,
}

/// One field that a change changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field.
    pub field: String,
    /// Its value before (`null`: absent).
    pub before: Value,
    /// Its value after.
    pub after: Value,
}

impl AuditEntry {
    /// The top-level fields whose values differ between `before` and `after`
    /// (bookkeeping fields `version` and `updated_at` left out), in name order.
    pub fn changes(&self) -> Vec<FieldChange> {
        let empty = serde_json::Map::new();
        let object = |v: &Option<Value>| match v {
            Some(Value::Object(m)) => m.clone(),
            _ => empty.clone(),
        };
        let (before, after) = (object(&self.before), object(&self.after));
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| !matches!(k.as_str(), "version" | "updated_at" | "created_at" | "id"))
            .filter_map(|k| {
                let b = before.get(k).cloned().unwrap_or(Value::Null);
                let a = after.get(k).cloned().unwrap_or(Value::Null);
                (b != a).then(|| FieldChange {
                    field: k.clone(),
                    before: b,
                    after: a,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields() {
        let e = AuditEntry {
            id: 1,
            changed_at: Utc::now(),
            actor: "a".into(),
            entity: "initiative".into(),
            entity_id: Some(1),
            initiative_id: Some(1),
            subject: "x".into(),
            operation: "move".into(),
            before: Some(serde_json::json!({"status": "idea", "version": 1, "team": "sales"})),
            after: Some(
                serde_json::json!({"status": "approved", "version": 2, "team": "sales", "start_date": "2024-01-01"}),
            ),
        };
        let c = e.changes();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].field, "start_date");
        assert_eq!(c[1].before, Value::from("idea"));
    }
}
