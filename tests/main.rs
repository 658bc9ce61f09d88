//! tenlab's integration tests, in one binary (each extra test binary links Burn again): the
//! engine and labs driven as the app and the CLI drive them, every lab of the registry, the
//! command line, and the app through egui_kittest.

mod cartpole;
mod cli;
mod engine;
mod labs;
mod ui;
mod views;
