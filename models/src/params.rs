//! Hyper-parameters: every lab declares a table of [`ParamSpec`]s (key, kind, default, range,
//! whether it can change mid-run). The app builds its controls from the table, the CLI parses
//! `--set key=value` with it, and [`validate`] checks any [`Values`] against it. A lab turns
//! validated values into its own typed config with [`typed`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::error::LabError;

/// One value of a hyper-parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Text(s) => write!(f, "{s}"),
        }
    }
}

/// A lab's settings by key: what configs files hold and what the UI edits.
pub type Values = BTreeMap<String, ParamValue>;

/// Which controls a parameter belongs to (the UI groups them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Data,
    Model,
    Training,
    /// How a generative model draws its samples (sampler, steps, guidance).
    Sampling,
    /// How an agent explores, remembers and bootstraps (replay buffer, target network,
    /// epsilon).
    Agent,
}

#[derive(Clone, Debug)]
pub enum ParamKind {
    /// A real number in `[min, max]`; `log` asks for a logarithmic slider.
    Float {
        default: f64,
        min: f64,
        max: f64,
        log: bool,
    },
    Int {
        default: i64,
        min: i64,
        max: i64,
    },
    /// One of `options` (each option is also a translation key `opt.<option>`).
    Choice {
        default: &'static str,
        options: &'static [&'static str],
    },
    Bool {
        default: bool,
    },
    /// Free text.
    Text {
        default: &'static str,
    },
    /// A file (taking these extensions, without the dot; empty: any) or a folder, chosen with
    /// a file dialog or typed in; empty until chosen.
    Path {
        folder: bool,
        extensions: &'static [&'static str],
    },
}

/// One hyper-parameter. Its label and help text are the translation keys `<lab>.<key>` and
/// `<lab>.<key>.help`; its unit, if any, the key `unit.<unit>`.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    pub key: &'static str,
    pub kind: ParamKind,
    pub group: Group,
    /// Takes effect at the next step of a running lab; otherwise it needs a reset.
    pub live: bool,
    pub unit: Option<&'static str>,
    /// Shown only when this returns true for the current values (e.g. noise for 2-D sets).
    pub shown: Option<fn(&Values) -> bool>,
}

impl ParamSpec {
    pub fn new(key: &'static str, group: Group, kind: ParamKind) -> Self {
        Self { key, kind, group, live: false, unit: None, shown: None }
    }
    pub fn live(mut self) -> Self {
        self.live = true;
        self
    }
    pub fn unit(mut self, unit: &'static str) -> Self {
        self.unit = Some(unit);
        self
    }
    pub fn shown_if(mut self, f: fn(&Values) -> bool) -> Self {
        self.shown = Some(f);
        self
    }

    pub fn is_shown(&self, values: &Values) -> bool {
        self.shown.is_none_or(|f| f(values))
    }

    pub fn default_value(&self) -> ParamValue {
        match &self.kind {
            ParamKind::Float { default, .. } => ParamValue::Float(*default),
            ParamKind::Int { default, .. } => ParamValue::Int(*default),
            ParamKind::Choice { default, .. } => ParamValue::Text((*default).to_owned()),
            ParamKind::Bool { default } => ParamValue::Bool(*default),
            ParamKind::Text { default } => ParamValue::Text((*default).to_owned()),
            ParamKind::Path { .. } => ParamValue::Text(String::new()),
        }
    }

    /// The allowed values in words, for `tenlab list` and error messages.
    pub fn range_text(&self) -> String {
        match &self.kind {
            ParamKind::Float { min, max, .. } => format!("{min} to {max}"),
            ParamKind::Int { min, max, .. } => format!("{min} to {max}"),
            ParamKind::Choice { options, .. } => options.join(" | "),
            ParamKind::Bool { .. } => "true | false".into(),
            ParamKind::Text { .. } => "text".into(),
            ParamKind::Path { folder: true, .. } => "folder path".into(),
            ParamKind::Path { extensions: [], .. } => "file path".into(),
            ParamKind::Path { extensions, .. } => format!("path of a .{} file", extensions.join(" / .")),
        }
    }

    /// Parses a value typed by a user (`--set key=text`), then checks it.
    pub fn parse(&self, text: &str) -> Result<ParamValue, LabError> {
        let text = text.trim();
        let wrong = |expected| LabError::WrongType { key: self.key.into(), value: text.into(), expected };
        let value = match &self.kind {
            ParamKind::Float { .. } => ParamValue::Float(text.parse::<f64>().map_err(|_| wrong("number"))?),
            ParamKind::Int { .. } => ParamValue::Int(text.parse::<i64>().map_err(|_| wrong("whole number"))?),
            ParamKind::Bool { .. } => match text {
                "true" | "1" | "on" | "yes" => ParamValue::Bool(true),
                "false" | "0" | "off" | "no" => ParamValue::Bool(false),
                _ => return Err(wrong("true/false")),
            },
            ParamKind::Choice { .. } | ParamKind::Text { .. } | ParamKind::Path { .. } => {
                ParamValue::Text(text.into())
            }
        };
        self.check(&value)?;
        Ok(value)
    }

    /// Checks the type and range of one value.
    pub fn check(&self, value: &ParamValue) -> Result<(), LabError> {
        let key = self.key.to_owned();
        let wrong = |expected| LabError::WrongType { key: key.clone(), value: value.to_string(), expected };
        match (&self.kind, value) {
            (ParamKind::Float { min, max, .. }, ParamValue::Float(_) | ParamValue::Int(_)) => {
                let x = match value {
                    ParamValue::Float(x) => *x,
                    ParamValue::Int(i) => *i as f64,
                    _ => unreachable!(),
                };
                if !x.is_finite() || x < *min || x > *max {
                    return Err(LabError::OutOfRange {
                        key,
                        value: value.to_string(),
                        min: min.to_string(),
                        max: max.to_string(),
                    });
                }
            }
            (ParamKind::Int { min, max, .. }, ParamValue::Int(i)) => {
                if i < min || i > max {
                    return Err(LabError::OutOfRange {
                        key,
                        value: i.to_string(),
                        min: min.to_string(),
                        max: max.to_string(),
                    });
                }
            }
            (ParamKind::Choice { options, .. }, ParamValue::Text(s)) => {
                if !options.contains(&s.as_str()) {
                    return Err(LabError::BadChoice { key, value: s.clone(), options: options.join(", ") });
                }
            }
            (ParamKind::Bool { .. }, ParamValue::Bool(_))
            | (ParamKind::Text { .. } | ParamKind::Path { .. }, ParamValue::Text(_)) => {}
            (ParamKind::Float { .. }, _) => return Err(wrong("number")),
            (ParamKind::Int { .. }, _) => return Err(wrong("whole number")),
            (ParamKind::Choice { .. }, _) => return Err(wrong("choice")),
            (ParamKind::Bool { .. }, _) => return Err(wrong("true/false")),
            (ParamKind::Text { .. } | ParamKind::Path { .. }, _) => return Err(wrong("text")),
        }
        Ok(())
    }
}

/// The default value of every parameter.
pub fn defaults(specs: &[ParamSpec]) -> Values {
    specs.iter().map(|s| (s.key.to_owned(), s.default_value())).collect()
}

/// Checks every value against its spec and fills in defaults for missing keys.
pub fn validate(specs: &[ParamSpec], values: &Values) -> Result<Values, LabError> {
    for key in values.keys() {
        if !specs.iter().any(|s| s.key == key) {
            return Err(LabError::UnknownParam {
                key: key.clone(),
                known: specs.iter().map(|s| s.key).collect::<Vec<_>>().join(", "),
            });
        }
    }
    let mut out = Values::new();
    for spec in specs {
        let value = match values.get(spec.key) {
            Some(v) => {
                spec.check(v)?;
                // An integer given for a real-valued parameter is stored as a real.
                match (&spec.kind, v) {
                    (ParamKind::Float { .. }, ParamValue::Int(i)) => ParamValue::Float(*i as f64),
                    _ => v.clone(),
                }
            }
            None => spec.default_value(),
        };
        out.insert(spec.key.to_owned(), value);
    }
    Ok(out)
}

/// Values from `(key, text)` pairs as a user types them, each parsed by its spec.
pub fn parse_pairs(specs: &[ParamSpec], pairs: &[(&str, &str)]) -> Result<Values, LabError> {
    pairs
        .iter()
        .map(|&(key, text)| {
            let spec = specs.iter().find(|s| s.key == key).ok_or_else(|| LabError::UnknownParam {
                key: key.into(),
                known: specs.iter().map(|s| s.key).collect::<Vec<_>>().join(", "),
            })?;
            Ok((key.to_owned(), spec.parse(text)?))
        })
        .collect()
}

/// Validates `values` and converts them into a lab's typed config (a serde struct whose
/// field names are the parameter keys).
pub fn typed<C: DeserializeOwned>(specs: &[ParamSpec], values: &Values) -> Result<C, LabError> {
    let values = validate(specs, values)?;
    let json = serde_json::to_value(&values).expect("values are plain JSON");
    serde_json::from_value(json).map_err(|e| LabError::WrongType {
        key: "config".into(),
        value: e.to_string(),
        expected: "config",
    })
}

/// A typed config (a serde struct whose field names are the parameter keys) as values: the
/// way back of [`typed`], for whoever wants to see what a lab runs with.
pub fn untyped<C: Serialize>(specs: &[ParamSpec], config: &C) -> Values {
    let json = serde_json::to_value(config).unwrap_or_default();
    specs
        .iter()
        .filter_map(|spec| {
            let v = json.get(spec.key)?;
            let value = match &spec.kind {
                ParamKind::Float { .. } => ParamValue::Float(v.as_f64()?),
                ParamKind::Int { .. } => ParamValue::Int(v.as_i64()?),
                ParamKind::Bool { .. } => ParamValue::Bool(v.as_bool()?),
                ParamKind::Choice { .. } | ParamKind::Text { .. } | ParamKind::Path { .. } => {
                    ParamValue::Text(v.as_str()?.to_owned())
                }
            };
            Some((spec.key.to_owned(), value))
        })
        .collect()
}

/// The text of a choice or text parameter (empty if absent), for `shown_if` tests.
pub fn text_of<'a>(values: &'a Values, key: &str) -> &'a str {
    match values.get(key) {
        Some(ParamValue::Text(s)) => s,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> Vec<ParamSpec> {
        vec![
            ParamSpec::new(
                "lr",
                Group::Training,
                ParamKind::Float { default: 0.1, min: 1e-4, max: 1.0, log: true },
            ),
            ParamSpec::new("n", Group::Model, ParamKind::Int { default: 3, min: 1, max: 8 }),
            ParamSpec::new(
                "act",
                Group::Model,
                ParamKind::Choice { default: "relu", options: &["relu", "tanh"] },
            ),
        ]
    }

    #[test]
    fn fills_defaults_and_rejects_out_of_range_naming_the_field() {
        let v = validate(&specs(), &Values::new()).unwrap();
        assert_eq!(v["n"], ParamValue::Int(3));
        let bad: Values = [("lr".to_string(), ParamValue::Float(5.0))].into();
        let err = validate(&specs(), &bad).unwrap_err();
        assert_eq!(err.to_string(), "lr = 5 is out of range: allowed 0.0001 to 1");
        let err = specs()[2].parse("gelu").unwrap_err();
        assert!(err.to_string().contains("act = 'gelu' is not one of: relu, tanh"), "{err}");
        assert!(specs()[1].parse("2.5").is_err());
        let unknown: Values = [("x".to_string(), ParamValue::Int(1))].into();
        assert!(matches!(validate(&specs(), &unknown), Err(LabError::UnknownParam { .. })));
    }
}
