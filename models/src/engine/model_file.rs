//! A model file: a lab's weights with the settings they were trained with, in one file.
//!
//! Layout: the line `tenlab model`, one line of JSON (the [`Header`]), then the weights in
//! Burn's record format (parameters by path, so a file of other shapes is caught on loading).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{LabError, ModelFileProblem};
use crate::params::Values;

const MAGIC: &[u8] = b"tenlab model\n";
const VERSION: u32 = 1;

/// What a model file says about its weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub version: u32,
    /// The lab's id.
    pub lab: String,
    /// The settings the model was built and trained with (live changes included).
    pub values: Values,
    /// Steps it trained.
    pub steps: u64,
}

fn problem(path: &Path, problem: ModelFileProblem) -> LabError {
    LabError::ModelFile { file: path.display().to_string(), problem }
}

/// Writes a model file (through a temporary file, so a failed write never leaves half a file
/// where a good one was).
pub fn write(path: &Path, lab: &str, values: &Values, steps: u64, weights: &[u8]) -> Result<(), LabError> {
    let header = Header { version: VERSION, lab: lab.into(), values: values.clone(), steps };
    let mut bytes = MAGIC.to_vec();
    serde_json::to_writer(&mut bytes, &header).expect("values are plain JSON");
    bytes.push(b'\n');
    bytes.extend_from_slice(weights);
    let io = |e: std::io::Error| problem(path, ModelFileProblem::Io(e.to_string()));
    let tmp = path.with_extension("tenlab-partial");
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// Reads a model file: its header and its weights' bytes.
pub fn read(path: &Path) -> Result<(Header, Vec<u8>), LabError> {
    let bytes = std::fs::read(path).map_err(|e| problem(path, ModelFileProblem::Io(e.to_string())))?;
    parse(path, &bytes)
}

/// Reads a model file's bytes (`path` names it in messages).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<(Header, Vec<u8>), LabError> {
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| problem(path, ModelFileProblem::NotAModel))?;
    let end = rest
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| problem(path, ModelFileProblem::Header("no end of header".into())))?;
    let header: Header = serde_json::from_slice(&rest[..end])
        .map_err(|e| problem(path, ModelFileProblem::Header(e.to_string())))?;
    if header.version != VERSION {
        let msg = format!("version {} (this tenlab reads version {VERSION})", header.version);
        return Err(problem(path, ModelFileProblem::Header(msg)));
    }
    Ok((header, rest[end + 1..].to_vec()))
}

/// Checks that a model file is one of lab `expected`.
pub fn check_lab(path: &Path, header: &Header, expected: &str) -> Result<(), LabError> {
    if header.lab == expected {
        Ok(())
    } else {
        Err(problem(
            path,
            ModelFileProblem::OtherLab { found: header.lab.clone(), expected: expected.into() },
        ))
    }
}
