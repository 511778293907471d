//! Property schemas: which keys a kind or connection kind accepts, their types and defaults.

use serde::{Deserialize, Serialize};

use crate::model::PropertyValue;

/// The type of a property, with its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyType {
    Bool,
    Int { min: i64, max: i64 },
    Float { min: f64, max: f64 },
    Text,
    Choice(Vec<String>),
}

impl PropertyType {
    /// The type as error messages and `archsmith catalog` spell it.
    pub fn describe(&self) -> String {
        match self {
            Self::Bool => "bool".to_owned(),
            Self::Int { min, max } => format!("integer in {min}..={max}"),
            Self::Float { min, max } => format!("number in {min}..={max}"),
            Self::Text => "text".to_owned(),
            Self::Choice(options) => format!("one of {}", options.join(", ")),
        }
    }
}

/// One property a kind accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertySpec {
    pub name: String,
    pub ty: PropertyType,
    pub default: PropertyValue,
    #[serde(default)]
    pub doc: String,
    /// Whether the value is something infrastructure deploys (a size, a replica count), as
    /// opposed to a design fact the code carries (its language, its sessions). The
    /// infrastructure exports list every deployable value they do not encode.
    #[serde(default = "deploys_by_default", skip_serializing_if = "is_true")]
    pub deploys: bool,
}

fn deploys_by_default() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

/// Why a value does not fit its property's type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PropertyTypeError {
    #[error("expected {expected}, found {found} `{value}`")]
    WrongType {
        expected: String,
        found: &'static str,
        value: PropertyValue,
    },
    #[error("{value} is out of range: expected {expected}")]
    OutOfRange {
        expected: String,
        value: PropertyValue,
    },
    #[error("{value} is not allowed: expected {expected}")]
    NotAllowed {
        expected: String,
        value: PropertyValue,
    },
}

impl PropertySpec {
    /// Checks `value` against this property's type and constraints.
    pub fn check(&self, value: &PropertyValue) -> Result<(), PropertyTypeError> {
        let wrong_type = || PropertyTypeError::WrongType {
            expected: self.ty.describe(),
            found: value.type_name(),
            value: value.clone(),
        };
        let out_of_range = || PropertyTypeError::OutOfRange {
            expected: self.ty.describe(),
            value: value.clone(),
        };
        match (&self.ty, value) {
            (PropertyType::Bool, PropertyValue::Bool(_))
            | (PropertyType::Text, PropertyValue::Text(_)) => Ok(()),
            (PropertyType::Int { min, max }, PropertyValue::Int(v)) => {
                if (min..=max).contains(&v) {
                    Ok(())
                } else {
                    Err(out_of_range())
                }
            }
            (PropertyType::Float { min, max }, PropertyValue::Float(_) | PropertyValue::Int(_)) => {
                let v = value.as_float().unwrap_or(f64::NAN);
                if v >= *min && v <= *max {
                    Ok(())
                } else {
                    Err(out_of_range())
                }
            }
            (PropertyType::Choice(options), PropertyValue::Text(v)) => {
                if options.iter().any(|o| o == v) {
                    Ok(())
                } else {
                    Err(PropertyTypeError::NotAllowed {
                        expected: self.ty.describe(),
                        value: value.clone(),
                    })
                }
            }
            _ => Err(wrong_type()),
        }
    }
}

/// The closest of `candidates` to `input`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(input, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(ty: PropertyType, default: PropertyValue) -> PropertySpec {
        PropertySpec {
            deploys: true,
            name: "p".into(),
            ty,
            default,
            doc: String::new(),
        }
    }

    #[test]
    fn values_are_checked_against_types() {
        let replicas = spec(PropertyType::Int { min: 1, max: 10 }, PropertyValue::Int(1));
        assert!(replicas.check(&PropertyValue::Int(3)).is_ok());
        assert!(matches!(
            replicas.check(&PropertyValue::Int(0)),
            Err(PropertyTypeError::OutOfRange { .. })
        ));
        assert!(matches!(
            replicas.check(&"3".into()),
            Err(PropertyTypeError::WrongType { .. })
        ));
        let choice = spec(
            PropertyType::Choice(vec!["a".into(), "b".into()]),
            "a".into(),
        );
        assert!(choice.check(&"b".into()).is_ok());
        assert!(matches!(
            choice.check(&"c".into()),
            Err(PropertyTypeError::NotAllowed { .. })
        ));
        let ratio = spec(
            PropertyType::Float { min: 0.0, max: 1.0 },
            PropertyValue::Float(0.5),
        );
        assert!(ratio.check(&PropertyValue::Int(1)).is_ok());
        assert!(ratio.check(&PropertyValue::Float(1.5)).is_err());
    }

    #[test]
    fn suggestions_find_typos() {
        assert_eq!(
            did_you_mean("postgres", ["postgresql", "mysql"]),
            Some("postgresql")
        );
        assert_eq!(did_you_mean("zzz", ["postgresql", "mysql"]), None);
    }
}
