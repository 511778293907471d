//! Newtype ids. Ids are readable slugs (`orders-db`) that stay stable across edits, so that
//! diffs, waivers and generated resource names never churn.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id cannot be empty")]
    Empty,
    #[error("an id is at most {max} characters long, `{id}` has {len}")]
    TooLong { id: String, len: usize, max: usize },
    #[error(
        "`{id}` is not a valid id: use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit"
    )]
    InvalidCharacters { id: String },
}

/// The longest id we accept; long enough for any readable slug, short enough for every
/// exporter's identifier limits once prefixed.
pub const MAX_ID_LEN: usize = 64;

/// Checks that `id` is a slug: `[a-z0-9][a-z0-9._-]*`.
pub fn check_slug(id: &str) -> Result<(), IdError> {
    let Some(first) = id.chars().next() else {
        return Err(IdError::Empty);
    };
    if id.len() > MAX_ID_LEN {
        return Err(IdError::TooLong {
            id: id.to_owned(),
            len: id.len(),
            max: MAX_ID_LEN,
        });
    }
    let valid_rest =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) || !id.chars().all(valid_rest) {
        return Err(IdError::InvalidCharacters { id: id.to_owned() });
    }
    Ok(())
}

/// Turns any text into a slug candidate: `"Orders DB (primary)"` -> `"orders-db-primary"`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(MAX_ID_LEN - 4);
    if slug.is_empty() {
        "item".to_owned()
    } else {
        slug
    }
}

macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Builds an id, checking that it is a slug.
            pub fn new(id: impl Into<String>) -> Result<Self, IdError> {
                let id = id.into();
                check_slug(&id)?;
                Ok(Self(id))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

slug_id!(
    /// Id of a [`Component`](super::Component).
    ComponentId
);
slug_id!(
    /// Id of a [`Connection`](super::Connection).
    ConnectionId
);
slug_id!(
    /// Id of a [`Group`](super::Group) (a boundary).
    GroupId
);
slug_id!(
    /// Id of a [`Note`](super::Note).
    NoteId
);
slug_id!(
    /// Id of a [`Decision`](super::Decision) record.
    DecisionId
);
slug_id!(
    /// Id of a [`View`](super::View): one focused diagram of the model.
    ViewId
);

/// Id of a component kind in the catalog (`postgresql`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KindId(pub String);

/// Id of a connection kind in the catalog (`http`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnectionKindId(pub String);

macro_rules! plain_id_impls {
    ($name:ident) => {
        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

plain_id_impls!(KindId);
plain_id_impls!(ConnectionKindId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("orders-db").is_ok());
        assert!(check_slug("a.b_c-1").is_ok());
        assert_eq!(check_slug(""), Err(IdError::Empty));
        assert!(matches!(
            check_slug("Orders"),
            Err(IdError::InvalidCharacters { .. })
        ));
        assert!(matches!(
            check_slug("-x"),
            Err(IdError::InvalidCharacters { .. })
        ));
        assert!(matches!(
            check_slug("a b"),
            Err(IdError::InvalidCharacters { .. })
        ));
        assert!(matches!(
            check_slug(&"a".repeat(65)),
            Err(IdError::TooLong { .. })
        ));
    }

    #[test]
    fn slugify_makes_valid_slugs() {
        assert_eq!(slugify("Orders DB (primary)"), "orders-db-primary");
        assert_eq!(slugify("</text><script>"), "text-script");
        assert_eq!(slugify("???"), "item");
        assert!(check_slug(&slugify(&"Ü".repeat(200))).is_ok());
    }
}
