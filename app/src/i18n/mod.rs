//! Every user-facing string, in English and 简体中文: the shell's in `shell.rs`, each lab's
//! beside the lab (its `strings.rs`), what labs share in the models' `kit`. Look-ups go through
//! [`tr`] (the shell) and [`lab_tr`] (a lab, then the kit, then the shell); a key that is
//! missing shows as itself, and a test walks the registry to make sure none is.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tenlab_models::LabError;
use tenlab_models::error::{CsvProblem, FolderProblem, IdxProblem, ModelFileProblem};
use tenlab_models::labs::kit::strings as kit_strings;

mod shell;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];
    /// The language's own name (the same in both tables on purpose).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }
}

/// Where a string lives: the app shell, what labs share (`kit`), or one lab.
type Room = &'static str;
const SHELL_ROOM: Room = "";
const KIT_ROOM: Room = "kit";

type Table = HashMap<&'static str, [&'static str; 2]>;

/// Every string by room and key.
fn tables() -> &'static HashMap<Room, Table> {
    static TABLES: OnceLock<HashMap<Room, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let rooms = [(SHELL_ROOM, shell::SHELL), (KIT_ROOM, kit_strings::STRINGS)]
            .into_iter()
            .chain(tenlab_models::registry().iter().map(|d| (d.id, d.strings)));
        rooms
            .map(|(room, table)| (room, table.iter().map(|(k, en, zh)| (*k, [*en, *zh])).collect()))
            .collect()
    })
}

fn find(lang: Lang, room: &str, key: &str) -> Option<&'static str> {
    tables().get(room)?.get(key).map(|t| t[lang as usize])
}

/// The text of shell string `key` in `lang`, or the key itself if the table lacks it.
pub fn tr(lang: Lang, key: &str) -> String {
    lookup(lang, key).map_or_else(|| key.to_owned(), str::to_owned)
}

/// The text of shell string `key`, if the table has it.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    find(lang, SHELL_ROOM, key)
}

/// The text of lab string `key` (relative to the lab: `name`, `dataset.help`, `view.maps`):
/// the lab's own, else the shared one of `kit`, else the shell's.
pub fn lab_lookup(lang: Lang, lab: &str, key: &str) -> Option<&'static str> {
    find(lang, lab, key).or_else(|| find(lang, KIT_ROOM, key)).or_else(|| lookup(lang, key))
}

/// [`lab_lookup`], or `<lab>.<key>` where no table has it (a test makes sure none is missing).
pub fn lab_tr(lang: Lang, lab: &str, key: &str) -> String {
    lab_lookup(lang, lab, key).map_or_else(|| format!("{lab}.{key}"), str::to_owned)
}

/// Fills `{0}`, `{1}`, ... in the text of `key`.
pub fn trf(lang: Lang, key: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut s = tr(lang, key);
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), &a.to_string());
    }
    s
}

/// A parameter's label.
pub fn param_label(lang: Lang, lab: &str, key: &str) -> String {
    lab_tr(lang, lab, key)
}

/// A parameter's help text.
pub fn param_help(lang: Lang, lab: &str, key: &str) -> String {
    lab_tr(lang, lab, &format!("{key}.help"))
}

/// What a detector found in a run of lab `lab`, in the user's language (its step filled in).
pub fn finding_text(lang: Lang, lab: &str, f: &tenlab_models::engine::Finding) -> String {
    lab_tr(lang, lab, &format!("detect.{}", f.id)).replace("{0}", &f.step.to_string())
}

/// An error or notice of lab `lab` in the user's language.
pub fn error_text(lang: Lang, lab: &str, e: &LabError) -> String {
    let label = |key: &str| key.to_owned();
    match e {
        LabError::UnknownLab(id) => trf(lang, "err.unknown_lab", &[id]),
        LabError::UnknownParam { key, .. } => trf(lang, "err.unknown_param", &[key]),
        LabError::OutOfRange { key, value, min, max } => {
            trf(lang, "err.out_of_range", &[&label(key), value, min, max])
        }
        LabError::BadChoice { key, value, options } => {
            trf(lang, "err.bad_choice", &[&label(key), value, options])
        }
        LabError::WrongType { key, value, expected } => {
            trf(lang, "err.wrong_type", &[&label(key), value, &tr(lang, &format!("word.{expected}"))])
        }
        LabError::Csv(p) => match p {
            CsvProblem::Io(e) => trf(lang, "err.csv.io", &[e]),
            CsvProblem::Empty => tr(lang, "err.csv.empty"),
            CsvProblem::FieldCount { line, expected, got } => {
                trf(lang, "err.csv.fields", &[line, expected, got])
            }
            CsvProblem::NotANumber { line, column, text } => trf(lang, "err.csv.nan", &[line, column, text]),
            CsvProblem::NoSuchColumn { column, columns } => trf(lang, "err.csv.column", &[column, columns]),
            CsvProblem::TooFew { what } => {
                trf(lang, "err.csv.too_few", &[&tr(lang, &format!("word.{what}"))])
            }
        },
        LabError::Text { file, problem } => {
            use tenlab_models::error::TextProblem as T;
            let what = match problem {
                T::Io(e) => trf(lang, "err.text.io", &[e]),
                T::NotUtf8 => tr(lang, "err.text.utf8"),
                T::Empty => tr(lang, "err.text.empty"),
            };
            format!("{file}: {what}")
        }
        LabError::Graph { file, problem } => {
            use tenlab_models::error::GraphProblem as G;
            let what = match problem {
                G::Io(e) => trf(lang, "err.graph.io", &[e]),
                G::Empty => tr(lang, "err.graph.empty"),
                G::Fields { line, expected, got } => trf(lang, "err.graph.fields", &[line, got, expected]),
                G::UnknownNode { line, column, id } => trf(lang, "err.graph.unknown", &[line, column, id]),
                G::BadSplit { line, column, text } => trf(lang, "err.graph.split", &[line, column, text]),
                G::Duplicate { line, id } => trf(lang, "err.graph.duplicate", &[line, id]),
                G::OneClass => tr(lang, "err.graph.one_class"),
            };
            format!("{file}: {what}")
        }
        LabError::Idx { file, problem } => match problem {
            IdxProblem::Io(e) => trf(lang, "err.idx.io", &[file, e]),
            IdxProblem::Gzip(e) => trf(lang, "err.idx.gzip", &[file, e]),
            IdxProblem::Magic { found, expected } => {
                trf(lang, "err.idx.magic", &[file, &format!("{found:#010x}"), &format!("{expected:#010x}")])
            }
            IdxProblem::Truncated { expected, got } => trf(lang, "err.idx.truncated", &[file, expected, got]),
            IdxProblem::TooLong { expected, got } => trf(lang, "err.idx.too_long", &[file, expected, got]),
            IdxProblem::Mismatch { images, labels } => trf(lang, "err.idx.mismatch", &[file, images, labels]),
            IdxProblem::BadLabel { index, label, classes } => {
                trf(lang, "err.idx.label", &[file, label, index, classes])
            }
        },
        LabError::Folder(FolderProblem::Io(e)) => trf(lang, "err.folder.io", &[e]),
        LabError::Folder(FolderProblem::TooFewClasses { found }) => trf(lang, "err.folder.few", &[found]),
        LabError::Skipped(files) => trf(lang, "err.skipped", &[&files.len(), &files.join(", ")]),
        LabError::Invalid { key, .. } => lab_tr(lang, lab, key),
        LabError::NonFinite { step, what } => trf(lang, "err.non_finite", &[what, step]),
        LabError::Panic(msg) => trf(lang, "err.panic", &[msg]),
        LabError::GpuFallback(msg) => trf(lang, "err.gpu_fallback", &[msg]),
        LabError::GpuCache(msg) => trf(lang, "err.gpu_cache", &[msg]),
        LabError::UnknownView(v) => trf(lang, "err.unknown_view", &[v]),
        LabError::ModelFile { file, problem } => match problem {
            ModelFileProblem::Io(e) => trf(lang, "err.model.io", &[file, e]),
            ModelFileProblem::NotAModel => trf(lang, "err.model.not_a_model", &[file]),
            ModelFileProblem::Header(e) => trf(lang, "err.model.header", &[file, e]),
            ModelFileProblem::OtherLab { found, expected } => {
                let name = |id: &str| lab_tr(lang, id, "short");
                trf(lang, "err.model.other_lab", &[file, &name(found), &name(expected)])
            }
        },
        LabError::Weights(e) => trf(lang, "err.weights", &[e]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenlab_models::params::ParamKind;

    /// Every error key (`key: "err.<key>"`) and every view label (`"label.<key>"`) written in
    /// the Rust files under `dir` (strings files aside).
    fn error_keys_in(dir: &std::path::Path) -> Vec<String> {
        let mut keys = vec![];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                keys.extend(error_keys_in(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("key: \"err.").skip(1) {
                    let end = part.find('"').unwrap();
                    keys.push(format!("err.{}", &part[..end]));
                }
                if !path.ends_with("strings.rs") {
                    for part in text.split("\"label.").skip(1) {
                        let end = part.find('"').unwrap();
                        keys.push(format!("label.{}", &part[..end]));
                    }
                }
            }
        }
        keys
    }

    /// Walks the registry: every key a lab uses (its name, parameters, choices, units, views,
    /// charts and curves, and the errors its code raises) is there in both languages.
    #[test]
    fn every_key_the_labs_use_is_translated_in_both_languages() {
        let labs_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/src/labs");
        let mut missing = vec![];
        for def in tenlab_models::registry() {
            let mut keys: Vec<String> = ["name", "short", "desc"].map(String::from).to_vec();
            // The explanation panel: the model's five sections, and what to look for in each view.
            keys.extend(crate::app::explain::SECTIONS.iter().map(|(k, _)| k.to_string()));
            keys.extend(def.views.iter().map(|v| format!("view.{v}.look")));
            for spec in (def.params)() {
                keys.push(spec.key.into());
                keys.push(format!("{}.help", spec.key));
                if let ParamKind::Choice { options, .. } = spec.kind {
                    keys.extend(options.iter().map(|o| format!("opt.{o}")));
                }
                keys.extend(spec.unit.map(|u| format!("unit.{u}")));
            }
            for view in def.views {
                keys.push(format!("view.{view}"));
                keys.push(format!("view.{view}.help"));
            }
            keys.extend(def.presets.iter().map(|p| format!("preset.{}", p.id)));
            for chart in def.charts {
                keys.push(format!("chart.{}", chart.id));
                keys.extend(chart.line.map(|_| format!("chart.{}.line", chart.id)));
                keys.extend(chart.curves.iter().map(|c| format!("metric.{}", c.key)));
            }
            let dir = labs_dir.join(def.id);
            assert!(dir.is_dir(), "{} lives in its own folder", def.id);
            keys.extend(error_keys_in(&dir));
            keys.extend(error_keys_in(&labs_dir.join("kit")));
            for key in &keys {
                for lang in Lang::ALL {
                    if lab_lookup(lang, def.id, key).is_none_or(str::is_empty) {
                        missing.push(format!("{}: {key} in {lang:?}", def.id));
                    }
                }
            }
        }
        let shell_keys: Vec<String> =
            tenlab_models::DeviceChoice::ALL.iter().map(|d| format!("device.{}", d.key())).collect();
        for key in &shell_keys {
            for lang in Lang::ALL {
                if lookup(lang, key).is_none() {
                    missing.push(format!("shell: {key} in {lang:?}"));
                }
            }
        }
        assert!(missing.is_empty(), "missing strings:\n{}", missing.join("\n"));
    }

    /// Every error and notice a lab can raise reads as a sentence in both languages, not as a
    /// key.
    #[test]
    fn every_error_has_words_in_both_languages() {
        let errors = [
            LabError::UnknownLab("x".into()),
            LabError::UnknownParam { key: "x".into(), known: "y".into() },
            LabError::OutOfRange { key: "lr".into(), value: "5".into(), min: "0".into(), max: "1".into() },
            LabError::BadChoice { key: "k".into(), value: "v".into(), options: "a, b".into() },
            LabError::WrongType { key: "k".into(), value: "v".into(), expected: "number" },
            LabError::WrongType { key: "points".into(), value: "x,0".into(), expected: "point" },
            LabError::Graph { file: "e.csv".into(), problem: tenlab_models::error::GraphProblem::Empty },
            LabError::Graph {
                file: "e.csv".into(),
                problem: tenlab_models::error::GraphProblem::UnknownNode {
                    line: 3,
                    column: 2,
                    id: "q".into(),
                },
            },
            LabError::Text { file: "t.txt".into(), problem: tenlab_models::error::TextProblem::NotUtf8 },
            LabError::Text { file: "t.txt".into(), problem: tenlab_models::error::TextProblem::Empty },
            LabError::Csv(CsvProblem::Io("gone".into())),
            LabError::Csv(CsvProblem::Empty),
            LabError::Csv(CsvProblem::FieldCount { line: 3, expected: 3, got: 4 }),
            LabError::Csv(CsvProblem::NotANumber { line: 3, column: 2, text: "x".into() }),
            LabError::Csv(CsvProblem::NoSuchColumn { column: "c".into(), columns: 3 }),
            LabError::Csv(CsvProblem::TooFew { what: "classes" }),
            LabError::Idx { file: "f".into(), problem: IdxProblem::Io("gone".into()) },
            LabError::Idx { file: "f".into(), problem: IdxProblem::Magic { found: 1, expected: 2 } },
            LabError::Folder(FolderProblem::TooFewClasses { found: 1 }),
            LabError::Skipped(vec!["a.png".into()]),
            LabError::NonFinite { step: 3, what: "NaN" },
            LabError::Panic("boom".into()),
            LabError::GpuFallback("none".into()),
            LabError::GpuCache("none".into()),
            LabError::UnknownView("v".into()),
            LabError::ModelFile { file: "m".into(), problem: ModelFileProblem::NotAModel },
            LabError::ModelFile {
                file: "m".into(),
                problem: ModelFileProblem::OtherLab { found: "cnn".into(), expected: "mlp".into() },
            },
            LabError::Weights("shapes".into()),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let text = error_text(lang, "mlp", e);
                assert!(!text.starts_with("err.") && !text.contains("word."), "{e:?} in {lang:?}: {text}");
            }
        }
        let other = &errors[errors.len() - 2];
        assert!(error_text(Lang::En, "mlp", other).contains("of the CNN lab, not of the MLP lab"));
    }

    /// Every character of every string, in both languages, has a glyph in the fonts the app
    /// bundles (a missing one draws as a box, e.g. in a tooltip no test hovers).
    #[test]
    fn every_string_has_glyphs_in_the_bundled_fonts() {
        let ctx = egui::Context::default();
        crate::app::install_fonts(&ctx);
        let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
        let rooms = [shell::SHELL, kit_strings::STRINGS]
            .into_iter()
            .chain(tenlab_models::registry().iter().map(|d| d.strings));
        let mut missing = std::collections::BTreeSet::new();
        ctx.fonts_mut(|fonts| {
            for table in rooms {
                for (key, en, zh) in table.iter() {
                    for c in en.chars().chain(zh.chars()) {
                        if !c.is_whitespace() && !fonts.has_glyph(&egui::FontId::proportional(14.0), c) {
                            missing.insert(format!("{c} (U+{:04X}) in {key}", c as u32));
                        }
                    }
                }
            }
        });
        assert!(missing.is_empty(), "no glyph for: {missing:?}");
    }

    #[test]
    fn keys_are_unique_and_chinese_differs_from_english_for_sentences() {
        let rooms = [shell::SHELL, kit_strings::STRINGS]
            .into_iter()
            .chain(tenlab_models::registry().iter().map(|d| d.strings));
        for table in rooms {
            let mut seen = std::collections::HashSet::new();
            for (k, en, zh) in table.iter() {
                assert!(seen.insert(k), "duplicate key {k}");
                if en.contains(' ') && en.len() > 12 {
                    assert_ne!(en, zh, "{k} is not translated");
                }
            }
        }
        let e = LabError::NonFinite { step: 812, what: "NaN" };
        assert!(error_text(Lang::Zh, "mlp", &e).contains("第 812 步"));
        assert!(error_text(Lang::En, "mlp", &e).contains("step 812"));
    }
}
