//! Errors a user can cause or see. Each variant carries the data of its message, so the app
//! can show it in the user's language; `Display` gives the English text (CLI, logs).

use std::fmt;

/// Why a CSV file could not be read, with the 1-based line it happened on.
#[derive(Clone, Debug, PartialEq)]
pub enum CsvProblem {
    /// The file could not be opened or read.
    Io(String),
    /// No data rows.
    Empty,
    /// A row has a different number of fields than the first row.
    FieldCount { line: usize, expected: usize, got: usize },
    /// A feature field is not a number.
    NotANumber { line: usize, column: usize, text: String },
    /// The label column named by the user does not exist.
    NoSuchColumn { column: String, columns: usize },
    /// Fewer than two classes or fewer than two feature columns.
    TooFew { what: &'static str },
}

/// Why a text file could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum TextProblem {
    Io(String),
    NotUtf8,
    Empty,
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::NotUtf8 => write!(f, "the file is not UTF-8 text"),
            Self::Empty => write!(f, "the file has no text"),
        }
    }
}

/// Why an IDX file (MNIST's format) could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum IdxProblem {
    Io(String),
    Gzip(String),
    /// The magic number says this is not an IDX file of the expected kind.
    Magic {
        found: u32,
        expected: u32,
    },
    Truncated {
        expected: usize,
        got: usize,
    },
    TooLong {
        expected: usize,
        got: usize,
    },
    /// Images and labels disagree, or a label is out of range.
    Mismatch {
        images: usize,
        labels: usize,
    },
    BadLabel {
        index: usize,
        label: u8,
        classes: usize,
    },
}

impl fmt::Display for IdxProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::Gzip(e) => write!(f, "the gzip data is damaged: {e}"),
            Self::Magic { found, expected } => {
                write!(
                    f,
                    "not an IDX file of this kind (magic number {found:#010x}, expected {expected:#010x})"
                )
            }
            Self::Truncated { expected, got } => {
                write!(f, "the file is truncated (expected {expected} bytes, found {got})")
            }
            Self::TooLong { expected, got } => {
                write!(f, "the file is longer than its header says (expected {expected} bytes, found {got})")
            }
            Self::Mismatch { images, labels } => write!(f, "{images} images but {labels} labels"),
            Self::BadLabel { index, label, classes } => {
                write!(f, "label {label} of item {index} is not one of the {classes} classes")
            }
        }
    }
}

/// Why a folder of the user's images could not be used.
#[derive(Clone, Debug, PartialEq)]
pub enum FolderProblem {
    Io(String),
    /// Fewer than two sub-folders hold readable images.
    TooFewClasses {
        found: usize,
    },
}

impl fmt::Display for FolderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the folder: {e}"),
            Self::TooFewClasses { found } => write!(
                f,
                "the folder needs at least two sub-folders (one per class) with PNG or JPEG images; found {found}"
            ),
        }
    }
}

/// Why a model file (weights with their settings) could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelFileProblem {
    /// The file could not be read or written.
    Io(String),
    /// Not a tenlab model file (no tenlab header).
    NotAModel,
    /// The header is damaged.
    Header(String),
    /// The file holds a model of another lab.
    OtherLab { found: String, expected: String },
}

impl fmt::Display for ModelFileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read or write the file: {e}"),
            Self::NotAModel => write!(f, "not a tenlab model file"),
            Self::Header(e) => write!(f, "the file's header is damaged: {e}"),
            Self::OtherLab { found, expected } => {
                write!(f, "this is a model of the {found} lab, not of the {expected} lab")
            }
        }
    }
}

/// Everything that can go wrong in a lab, its config or its run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LabError {
    #[error("unknown lab '{0}'")]
    UnknownLab(String),
    #[error("unknown parameter '{key}' (known: {known})")]
    UnknownParam { key: String, known: String },
    #[error("{key} = {value} is out of range: allowed {min} to {max}")]
    OutOfRange { key: String, value: String, min: String, max: String },
    #[error("{key} = '{value}' is not one of: {options}")]
    BadChoice { key: String, value: String, options: String },
    #[error("{key} = '{value}' is not a valid {expected}")]
    WrongType { key: String, value: String, expected: &'static str },
    #[error("{0}")]
    Csv(CsvProblem),
    #[error("{file}: {problem}")]
    Idx { file: String, problem: IdxProblem },
    /// A text file that could not be used.
    #[error("{file}: {problem}")]
    Text { file: String, problem: TextProblem },
    /// A graph file (nodes, edges or features) that could not be read.
    #[error("{file}: {problem}")]
    Graph { file: String, problem: GraphProblem },
    #[error("{0}")]
    Folder(FolderProblem),
    /// A notice: these files could not be read and were left out; the rest loaded.
    #[error("{} files could not be read and were left out: {}", .0.len(), .0.join(", "))]
    Skipped(Vec<String>),
    /// A combination of settings that cannot work (message key + English text).
    #[error("{english}")]
    Invalid { key: &'static str, english: &'static str },
    #[error("loss became {what} at step {step} — the learning rate may be too high")]
    NonFinite { step: u64, what: &'static str },
    #[error("the lab crashed: {0}")]
    Panic(String),
    #[error("the GPU failed ({0}); using the CPU instead")]
    GpuFallback(String),
    /// A notice: the GPU's cache folder cannot be used, so its kernels are tuned anew on every
    /// run (slower start-ups, nothing else).
    #[error("the GPU's cache cannot be kept ({0}); it tunes its kernels anew on every run")]
    GpuCache(String),
    #[error("no such view '{0}'")]
    UnknownView(String),
    #[error("{file}: {problem}")]
    ModelFile { file: String, problem: ModelFileProblem },
    /// Saved weights that do not fit the model (other parameters or shapes), or are damaged.
    #[error("the weights do not fit this model: {0}")]
    Weights(String),
}

impl LabError {
    /// A loss (or any measured value) that must be finite: NaN or infinite is an error naming
    /// which and the step (counted from 1) that produced it.
    pub fn check_finite(value: f32, step: u64) -> Result<(), LabError> {
        if value.is_finite() {
            Ok(())
        } else {
            Err(LabError::NonFinite { step, what: if value.is_nan() { "NaN" } else { "infinite" } })
        }
    }
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::Empty => write!(f, "the file has no data rows"),
            Self::FieldCount { line, expected, got } => {
                write!(f, "line {line}: expected {expected} fields, found {got}")
            }
            Self::NotANumber { line, column, text } => {
                write!(f, "line {line}, column {column}: '{text}' is not a number")
            }
            Self::NoSuchColumn { column, columns } => {
                write!(f, "no label column '{column}' (the file has {columns} columns)")
            }
            Self::TooFew { what } => write!(f, "the file needs at least two {what}"),
        }
    }
}

/// Why a graph file could not be read (the file named in [`crate::data::graph::GraphError`]).
#[derive(Clone, Debug, PartialEq)]
pub enum GraphProblem {
    Io(String),
    /// No data rows.
    Empty,
    /// A row has too few fields (1-based line).
    Fields {
        line: usize,
        expected: usize,
        got: usize,
    },
    /// A node id that the nodes file does not have.
    UnknownNode {
        line: usize,
        column: usize,
        id: String,
    },
    /// A split that is not train, val, test or empty.
    BadSplit {
        line: usize,
        column: usize,
        text: String,
    },
    /// A node listed twice.
    Duplicate {
        line: usize,
        id: String,
    },
    /// Fewer than two classes.
    OneClass,
}

impl std::fmt::Display for GraphProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the file: {e}"),
            Self::Empty => write!(f, "the file has no data rows"),
            Self::Fields { line, expected, got } => {
                write!(f, "line {line}: {got} fields, expected at least {expected}")
            }
            Self::UnknownNode { line, column, id } => {
                write!(f, "line {line}, column {column}: no node '{id}' in the nodes file")
            }
            Self::BadSplit { line, column, text } => {
                write!(f, "line {line}, column {column}: split '{text}' is not train, val, test or empty")
            }
            Self::Duplicate { line, id } => write!(f, "line {line}: node '{id}' is listed twice"),
            Self::OneClass => write!(f, "the nodes need at least two classes"),
        }
    }
}
