//! Lesson files: an ordered list of steps a teacher prepares, each a lab with a preset or
//! settings, controls to hide or lock, an optional model file, and the words the class reads
//! (a title, a question to answer before pressing Play, what to look for), in English and
//! 简体中文. The format is TOML:
//!
//! ```toml
//! title = { en = "Why deep nets need ReLU", zh = "深层网络为什么需要 ReLU" }
//!
//! [[step]]
//! lab = "mlp"
//! preset = "vanishing"
//! settings = { layers = 6 }
//! lock = ["activation"]
//! title = { en = "Six sigmoid layers", zh = "六层 sigmoid" }
//! question = { en = "Will it learn the spiral?", zh = "它能学会螺旋吗？" }
//! look = { en = "The gradient chart", zh = "梯度图" }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LabError;
use crate::labs::{LabDef, find_lab};
use crate::params::{ParamValue, Values};

/// Words in both languages (a missing Chinese text falls back to the English one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub zh: String,
}

impl Words {
    pub fn new(en: &str, zh: &str) -> Self {
        Self { en: en.into(), zh: zh.into() }
    }
    /// The text in Chinese (`zh`) or English; empty when there is none.
    pub fn get(&self, zh: bool) -> &str {
        if zh && !self.zh.trim().is_empty() { &self.zh } else { &self.en }
    }
    pub fn is_empty(&self) -> bool {
        self.en.trim().is_empty() && self.zh.trim().is_empty()
    }
}

/// A setting as the file writes it: a number, a truth value or a text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Setting {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Setting {
    fn text(&self) -> String {
        match self {
            Self::Bool(b) => b.to_string(),
            Self::Int(i) => i.to_string(),
            Self::Float(x) => x.to_string(),
            Self::Text(s) => s.clone(),
        }
    }
}

impl From<&ParamValue> for Setting {
    fn from(v: &ParamValue) -> Self {
        match v {
            ParamValue::Bool(b) => Self::Bool(*b),
            ParamValue::Int(i) => Self::Int(*i),
            ParamValue::Float(x) => Self::Float(*x),
            ParamValue::Text(s) => Self::Text(s.clone()),
        }
    }
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub lab: String,
    /// One of the lab's presets to start from (its defaults when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Settings on top of the preset.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, Setting>,
    /// Controls the class does not see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hide: Vec<String>,
    /// Controls shown but not to be changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lock: Vec<String>,
    /// A model file of the lab to start from, relative to the lesson file; `trained`: the
    /// trained model the lab ships with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The view to show first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    pub title: Words,
    /// A question to answer before pressing Play.
    #[serde(default, skip_serializing_if = "Words::is_empty")]
    pub question: Words,
    /// What to look for.
    #[serde(default, skip_serializing_if = "Words::is_empty")]
    pub look: Words,
}

/// A lesson: its title, a few words about it, and its steps in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub title: Words,
    #[serde(default, skip_serializing_if = "Words::is_empty")]
    pub about: Words,
    #[serde(rename = "step", default)]
    pub steps: Vec<Step>,
}

/// What is wrong with a lesson file; `step` counts from 1.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error("{0}")]
    Read(String),
    #[error("not a lesson file: {0}")]
    Syntax(String),
    #[error("the lesson has no steps")]
    NoSteps,
    #[error("step {step}: unknown lab '{lab}'")]
    UnknownLab { step: usize, lab: String },
    #[error("step {step}: the {lab} lab has no preset '{preset}'")]
    UnknownPreset { step: usize, lab: String, preset: String },
    #[error("step {step}: {error}")]
    Setting { step: usize, error: LabError },
    #[error("step {step}: the {lab} lab has no control '{key}' to hide or lock")]
    UnknownControl { step: usize, lab: String, key: String },
    #[error("step {step}: model file {path} not found")]
    NoModel { step: usize, path: String },
    #[error("step {step}: the {lab} lab has no view '{view}'")]
    UnknownView { step: usize, lab: String, view: String },
    #[error("step {step}: the {lab} lab ships no trained model")]
    NoTrained { step: usize, lab: String },
}

/// `model = "trained"`: the trained model the lab ships with.
pub const TRAINED: &str = "trained";

/// The lessons that ship with the app (id, file text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("relu_and_skips", include_str!("../../assets/lessons/relu_and_skips.toml")),
    ("diffusion_digit", include_str!("../../assets/lessons/diffusion_digit.toml")),
    ("trial_and_error", include_str!("../../assets/lessons/trial_and_error.toml")),
];

impl Lesson {
    /// Reads and checks a lesson file; model paths are taken relative to its folder.
    pub fn load(path: &Path) -> Result<Self, LessonError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LessonError::Read(format!("{}: {e}", path.display())))?;
        let lesson = Self::parse(&text)?;
        let base = path.parent().unwrap_or(Path::new("."));
        for (i, step) in lesson.steps.iter().enumerate() {
            if let Some(model) = step.model_path(base)
                && !model.is_file()
            {
                return Err(LessonError::NoModel { step: i + 1, path: model.display().to_string() });
            }
        }
        Ok(lesson)
    }

    /// Parses a lesson's text and checks every step (labs, presets, settings, controls).
    pub fn parse(text: &str) -> Result<Self, LessonError> {
        let lesson: Self = toml::from_str(text).map_err(|e| LessonError::Syntax(e.to_string()))?;
        if lesson.steps.is_empty() {
            return Err(LessonError::NoSteps);
        }
        for (i, step) in lesson.steps.iter().enumerate() {
            step.values().map_err(|e| e.at(i + 1))?;
        }
        Ok(lesson)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a lesson is plain data")
    }

    /// A shipped lesson by id.
    pub fn shipped(id: &str) -> Option<Self> {
        SHIPPED.iter().find(|(i, _)| *i == id).and_then(|(_, text)| Self::parse(text).ok())
    }
}

impl LessonError {
    /// The same error at step `step` (errors of a lone step say step 0).
    fn at(self, step: usize) -> Self {
        match self {
            Self::UnknownLab { lab, .. } => Self::UnknownLab { step, lab },
            Self::UnknownPreset { lab, preset, .. } => Self::UnknownPreset { step, lab, preset },
            Self::Setting { error, .. } => Self::Setting { step, error },
            Self::UnknownControl { lab, key, .. } => Self::UnknownControl { step, lab, key },
            Self::NoModel { path, .. } => Self::NoModel { step, path },
            Self::UnknownView { lab, view, .. } => Self::UnknownView { step, lab, view },
            Self::NoTrained { lab, .. } => Self::NoTrained { step, lab },
            other => other,
        }
    }
}

impl Step {
    /// A step of `lab` with `values`: the settings that differ from the lab's defaults.
    pub fn from_values(lab: &LabDef, values: &Values, title: Words) -> Self {
        let defaults = lab.defaults();
        let settings = values
            .iter()
            .filter(|(k, v)| defaults.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.into()))
            .collect();
        Self {
            lab: lab.id.into(),
            preset: None,
            settings,
            hide: Vec::new(),
            lock: Vec::new(),
            model: None,
            view: None,
            title,
            question: Words::default(),
            look: Words::default(),
        }
    }

    pub fn lab(&self) -> Result<&'static LabDef, LessonError> {
        find_lab(&self.lab).map_err(|_| LessonError::UnknownLab { step: 0, lab: self.lab.clone() })
    }

    /// The step's settings: the lab's defaults, its preset's, then its own, checked.
    pub fn values(&self) -> Result<Values, LessonError> {
        let lab = self.lab()?;
        let mut values = lab.defaults();
        let setting = |key: &str, text: &str| {
            let spec = lab.spec(key).ok_or_else(|| LessonError::Setting {
                step: 0,
                error: LabError::UnknownParam {
                    key: key.into(),
                    known: (lab.params)().iter().map(|s| s.key).collect::<Vec<_>>().join(", "),
                },
            })?;
            spec.parse(text).map_err(|error| LessonError::Setting { step: 0, error })
        };
        if let Some(id) = &self.preset {
            let preset = lab.presets.iter().find(|p| p.id == id).ok_or_else(|| {
                LessonError::UnknownPreset { step: 0, lab: self.lab.clone(), preset: id.clone() }
            })?;
            for &(key, text) in preset.values {
                values.insert(key.into(), setting(key, text)?);
            }
        }
        for (key, value) in &self.settings {
            values.insert(key.clone(), setting(key, &value.text())?);
        }
        for key in self.hide.iter().chain(&self.lock) {
            if lab.spec(key).is_none() {
                return Err(LessonError::UnknownControl { step: 0, lab: self.lab.clone(), key: key.clone() });
            }
        }
        if let Some(view) = &self.view
            && !lab.views.contains(&view.as_str())
        {
            return Err(LessonError::UnknownView { step: 0, lab: self.lab.clone(), view: view.clone() });
        }
        if self.starts_trained() && lab.trained.is_none() {
            return Err(LessonError::NoTrained { step: 0, lab: self.lab.clone() });
        }
        lab.validate(&values).map_err(|error| LessonError::Setting { step: 0, error })
    }

    /// The step starts from the trained model its lab ships with.
    pub fn starts_trained(&self) -> bool {
        self.model.as_deref() == Some(TRAINED)
    }

    /// The model file to start from, relative to the lesson's folder `base` (none for the
    /// shipped trained model).
    pub fn model_path(&self, base: &Path) -> Option<PathBuf> {
        self.model.as_ref().filter(|_| !self.starts_trained()).map(|m| base.join(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lessons_parse_and_every_step_builds_its_settings() {
        for (id, text) in SHIPPED {
            let lesson = Lesson::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(lesson.steps.len() >= 3, "{id}");
            for step in &lesson.steps {
                assert!(!step.title.en.is_empty() && !step.title.zh.is_empty(), "{id}: {:?}", step.title);
                assert!(!step.question.zh.is_empty() && !step.look.zh.is_empty(), "{id}: {:?}", step.title);
            }
        }
    }

    #[test]
    fn a_lesson_survives_a_round_trip_through_its_file() {
        let mlp = find_lab("mlp").unwrap();
        let mut values = mlp.defaults();
        values.insert("layers".into(), ParamValue::Int(6));
        values.insert("activation".into(), ParamValue::Text("sigmoid".into()));
        values.insert("lr".into(), ParamValue::Float(0.03));
        let mut step = Step::from_values(mlp, &values, Words::new("Deep sigmoid", "深层 sigmoid"));
        step.lock = vec!["activation".into()];
        step.question = Words::new("Will it learn?", "它能学会吗？");
        let lesson = Lesson { title: Words::new("A", "甲"), about: Words::default(), steps: vec![step] };
        let text = lesson.to_toml();
        let back = Lesson::parse(&text).unwrap();
        assert_eq!(back, lesson, "{text}");
        assert_eq!(back.steps[0].values().unwrap(), values);
        assert_eq!(back.steps[0].settings.len(), 3, "only what differs from the defaults: {text}");
    }

    #[test]
    fn a_bad_lesson_file_says_what_is_wrong_and_where() {
        let step = |body: &str| {
            format!(
                "title = {{ en = \"L\" }}\n[[step]]\ntitle = {{ en = \"one\" }}\nlab = \"mlp\"\n[[step]]\ntitle = {{ en = \"two\" }}\n{body}\n"
            )
        };
        let err = |text: &str| Lesson::parse(text).unwrap_err().to_string();
        assert!(err("title = ").starts_with("not a lesson file"), "{}", err("title = "));
        assert_eq!(err("title = { en = \"L\" }"), "the lesson has no steps");
        assert_eq!(err(&step("lab = \"rnn\"")), "step 2: unknown lab 'rnn'");
        assert_eq!(
            err(&step("lab = \"mlp\"\npreset = \"fast\"")),
            "step 2: the mlp lab has no preset 'fast'"
        );
        assert_eq!(
            err(&step("lab = \"mlp\"\nsettings = { layers = 99 }")),
            "step 2: layers = 99 is out of range: allowed 0 to 6"
        );
        assert_eq!(
            err(&step("lab = \"mlp\"\nhide = [\"colour\"]")),
            "step 2: the mlp lab has no control 'colour' to hide or lock"
        );
        assert!(
            err(&step("lab = \"mlp\"\nspeed = 3")).starts_with("not a lesson file"),
            "unknown fields are refused"
        );
        assert_eq!(
            err(&step("lab = \"mlp\"\nview = \"gallery\"")),
            "step 2: the mlp lab has no view 'gallery'"
        );
        assert_eq!(
            err(&step("lab = \"mlp\"\nmodel = \"trained\"")),
            "step 2: the mlp lab ships no trained model"
        );
        let dir = std::env::temp_dir().join(format!("tenlab-lesson-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("l.toml");
        std::fs::write(&path, step("lab = \"mlp\"\nmodel = \"missing.tenlab\"")).unwrap();
        let e = Lesson::load(&path).unwrap_err().to_string();
        assert!(e.starts_with("step 2: model file") && e.ends_with("missing.tenlab not found"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
