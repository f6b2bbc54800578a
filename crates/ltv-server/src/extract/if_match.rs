//! [`IfMatch`]: the `If-Match` header of a change, so that two people editing the same
//! initiative never overwrite each other silently.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::error::ApiError;

/// The entity tags of `If-Match`: `*` (any version: the caller overwrites knowingly)
/// or the tags it names. Missing: 428 `if_match_required`, before the body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `If-Match: *`.
    Any,
    /// `If-Match: "7-3"` (or a list).
    Tags(Vec<String>),
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let mut tags = Vec::new();
        for value in parts.headers.get_all(header::IF_MATCH) {
            let text = value.to_str().map_err(|_| ApiError::PreconditionFailed {
                message: "If-Match is not ASCII: send the ETag of the initiative".to_owned(),
            })?;
            for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if tag == "*" {
                    return Ok(IfMatch::Any);
                }
                tags.push(tag.to_owned());
            }
        }
        if tags.is_empty() {
            return Err(ApiError::PreconditionRequired {
                message: "a change needs the header `If-Match` with the initiative's ETag \
                          (from GET /v1/backlog/{id}), or `If-Match: *` to change whatever \
                          version is current"
                    .to_owned(),
            });
        }
        Ok(IfMatch::Tags(tags))
    }
}

impl IfMatch {
    /// The version of initiative `id` the caller expects: `None` for `*`; the version
    /// of the first strong tag `"ID-VERSION"` naming this initiative.
    ///
    /// # Errors
    /// [`ApiError::PreconditionFailed`] when no tag names this initiative (a weak tag
    /// `W/"…"` never matches, as RFC 9110 says of `If-Match`).
    pub fn version_of(&self, id: i64) -> Result<Option<i64>, ApiError> {
        let IfMatch::Tags(tags) = self else {
            return Ok(None);
        };
        tags.iter()
            .find_map(|t| {
                let (tag_id, version) = t
                    .strip_prefix('"')?
                    .strip_suffix('"')?
                    .split_once('-')?;
                (tag_id.parse::<i64>().ok()? == id).then(|| version.parse::<i64>().ok())?
            })
            .map(Some)
            .ok_or_else(|| ApiError::PreconditionFailed {
                message: format!(
                    "If-Match {} is not an ETag of initiative #{id}: send the ETag from GET /v1/backlog/{id}",
                    crate::error::clip(&tags.join(", "))
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_tags() {
        let tags = |t: &[&str]| IfMatch::Tags(t.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(tags(&["\"7-3\""]).version_of(7), Ok(Some(3)));
        assert_eq!(tags(&["\"8-1\"", "\"7-4\""]).version_of(7), Ok(Some(4)));
        assert_eq!(IfMatch::Any.version_of(7), Ok(None));
        for bad in ["\"8-3\"", "W/\"7-3\"", "7-3", "\"7-x\"", "\"\""] {
            assert!(tags(&[bad]).version_of(7).is_err(), "{bad}");
        }
    }
}
