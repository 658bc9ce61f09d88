//! A small CSV reader for the user's own numeric data: every column but the label must be a
//! number; the label may be anything (each distinct value is a class). A first row that is
//! not numeric is a header. A malformed file gets a [`CsvProblem`] naming the line.

use crate::data::Table;
use crate::error::{CsvProblem, LabError};

/// Reads a file from disk.
pub fn load(path: &str, label: Option<&str>) -> Result<Table, LabError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| LabError::Csv(CsvProblem::Io(format!("{path}: {e}"))))?;
    parse(&text, label)
}

/// Parses CSV text. `label` names the label column by header name or 1-based number; `None`
/// or "last" means the last column.
pub fn parse(text: &str, label: Option<&str>) -> Result<Table, LabError> {
    let err = |p| LabError::Csv(p);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n, l.split(',').map(str::trim).collect::<Vec<_>>()));
    let (first_line, first) = lines.next().ok_or(err(CsvProblem::Empty))?;
    let columns = first.len();
    let header = first.iter().any(|f| f.parse::<f64>().is_err()) && first.iter().all(|f| !f.is_empty());
    let names: Vec<String> = if header {
        first.iter().map(|s| s.to_string()).collect()
    } else {
        (1..=columns).map(|i| format!("x{i}")).collect()
    };
    let label_col = match label.map(str::trim) {
        None | Some("") | Some("last") => columns - 1,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=columns).contains(&n) => n - 1,
            _ => names
                .iter()
                .position(|n| n == l)
                .ok_or_else(|| err(CsvProblem::NoSuchColumn { column: l.into(), columns }))?,
        },
    };
    if columns < 2 {
        return Err(err(CsvProblem::TooFew { what: "columns" }));
    }
    let rows = if header { None } else { Some((first_line, first)) };
    let mut x = Vec::new();
    let mut labels = Vec::new();
    for (line, fields) in rows.into_iter().chain(lines) {
        if fields.len() != columns {
            return Err(err(CsvProblem::FieldCount { line, expected: columns, got: fields.len() }));
        }
        for (c, f) in fields.iter().enumerate() {
            if c == label_col {
                labels.push(f.to_string());
            } else {
                let v: f32 = f
                    .parse()
                    .map_err(|_| err(CsvProblem::NotANumber { line, column: c + 1, text: f.to_string() }))?;
                if !v.is_finite() {
                    return Err(err(CsvProblem::NotANumber { line, column: c + 1, text: f.to_string() }));
                }
                x.push(v);
            }
        }
    }
    if labels.is_empty() {
        return Err(err(CsvProblem::Empty));
    }
    // Classes in a stable order: numerically if all labels are numbers, else alphabetically.
    let mut class_names: Vec<String> = labels.clone();
    class_names.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
    class_names.dedup();
    if class_names.len() < 2 {
        return Err(err(CsvProblem::TooFew { what: "classes" }));
    }
    let y = labels.iter().map(|l| class_names.iter().position(|c| c == l).unwrap() as u32).collect();
    let feature_names =
        names.iter().enumerate().filter(|(c, _)| *c != label_col).map(|(_, n)| n.clone()).collect();
    Ok(Table { x, y, dims: columns - 1, feature_names, class_names })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_label_by_name_and_number() {
        let t = parse("a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n", Some("kind")).unwrap();
        assert_eq!(t.dims, 2);
        assert_eq!(t.y, [0, 1, 0]);
        assert_eq!(t.feature_names, ["a", "b"]);
        let t = parse("1,0,2\n3,1,4\n", Some("2")).unwrap();
        assert_eq!(t.x, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(t.feature_names, ["x1", "x3"]);
    }

    #[test]
    fn malformed_files_name_the_line() {
        let e = parse("a,b,c\n1,2,0\n1,2\n", None).unwrap_err();
        assert_eq!(e.to_string(), "line 3: expected 3 fields, found 2");
        let e = parse("a,b,c\n1,2,0\n\n1,x,1\n", None).unwrap_err();
        assert_eq!(e.to_string(), "line 4, column 2: 'x' is not a number");
        assert!(matches!(parse("", None), Err(LabError::Csv(CsvProblem::Empty))));
        assert!(matches!(parse("a,b\n1,0\n2,0\n", None), Err(LabError::Csv(CsvProblem::TooFew { .. }))));
        assert!(matches!(
            parse("a,b\n1,0\n", Some("z")),
            Err(LabError::Csv(CsvProblem::NoSuchColumn { .. }))
        ));
    }
}
