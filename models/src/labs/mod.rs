//! The lab registry and the one trait every lab implements.
//!
//! A lab is one module that reads top to bottom: its parameter table and config, its data,
//! its model, its training step, its evaluation and its views.

use burn::tensor::Device;

use crate::{
    error::LabError,
    params::{ParamSpec, ParamValue, Values},
    view::{View, ViewSpec},
};

pub mod mlp;

/// Loss (and accuracy, where it means something) of one training step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepMetrics {
    pub loss: f32,
}

/// Loss and accuracy on the whole training and held-out sets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evaluation {
    pub train_loss: f32,
    pub train_acc: Option<f32>,
    pub test_loss: f32,
    pub test_acc: Option<f32>,
}

/// Whether a live hyper-parameter change took effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// From the next step on.
    Live,
    /// Only after a reset (the model or the data must be rebuilt).
    NeedsReset,
}

/// One lab, built for one device from validated values.
pub trait Lab: Send {
    /// Trains on one mini-batch.
    fn step(&mut self) -> Result<StepMetrics, LabError>;
    /// Measures the current model on the training and held-out sets.
    fn evaluate(&mut self) -> Result<Evaluation, LabError>;
    /// Evaluate every this many steps (the engine's schedule; evaluation costs time).
    fn eval_every(&self) -> u64 {
        25
    }
    /// The pictures this lab offers with its current data (e.g. no boundary for 4-D data).
    fn views(&self) -> Vec<ViewSpec>;
    /// Computes one picture as plain data.
    fn render(&mut self, view: &str) -> Result<View, LabError>;
    /// Changes a hyper-parameter mid-run where the lab can (the value is already validated).
    fn set_live(&mut self, key: &str, value: &ParamValue) -> Applied;
}

/// Builds a lab from validated values on a device.
pub type BuildFn = fn(&Values, &Device) -> Result<Box<dyn Lab>, LabError>;

/// A lab in the registry: its id (also the translation key `lab.<id>`), its parameters and
/// its constructor.
pub struct LabDef {
    pub id: &'static str,
    pub params: fn() -> Vec<ParamSpec>,
    pub build: BuildFn,
}

impl std::fmt::Debug for LabDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabDef").field("id", &self.id).finish()
    }
}

impl LabDef {
    pub fn defaults(&self) -> Values {
        crate::params::defaults(&(self.params)())
    }
    pub fn validate(&self, values: &Values) -> Result<Values, LabError> {
        crate::params::validate(&(self.params)(), values)
    }
    pub fn spec(&self, key: &str) -> Option<ParamSpec> {
        (self.params)().into_iter().find(|s| s.key == key)
    }
}

/// Every lab that exists and trains, in the order the app lists them.
pub fn registry() -> &'static [LabDef] {
    static LABS: [LabDef; 1] = [mlp::DEF];
    &LABS
}

pub fn find_lab(id: &str) -> Result<&'static LabDef, LabError> {
    registry().iter().find(|d| d.id == id).ok_or_else(|| LabError::UnknownLab(id.into()))
}
