//! The user's own numeric data from a CSV file, read with the `csv` crate: every column but the
//! label must be a number; the label may be anything (each distinct value is a class). A
//! first row that is not numeric is a header. Files as spreadsheets write them work: a UTF-8
//! byte-order mark, CRLF line ends, quoted fields (with commas or Chinese text inside), and
//! European exports separated by `;` (or tabs) with decimal commas. A malformed file gets a
//! [`CsvProblem`] naming the line.

use crate::data::Table;
use crate::error::{CsvProblem, LabError};

/// Reads a file from disk.
pub fn load(path: &str, label: Option<&str>) -> Result<Table, LabError> {
    let bytes = std::fs::read(path).map_err(|e| LabError::Csv(CsvProblem::Io(format!("{path}: {e}"))))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| LabError::Csv(CsvProblem::Io(format!("{path}: the file is not UTF-8 text"))))?;
    parse(&text, label)
}

/// The separator of the first data line: the most frequent of `,`, `;` and tab outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|c| c.0 == b) {
            c.1 += 1;
        }
    }
    counts.iter().max_by_key(|c| c.1).filter(|c| c.1 > 0).map_or(b',', |c| c.0)
}

/// A number as written in the file: with a decimal comma where commas do not separate fields.
fn number(field: &str, decimal_comma: bool) -> Option<f32> {
    let v = if decimal_comma { field.replace(',', ".").parse() } else { field.parse() };
    v.ok().filter(|v: &f32| v.is_finite())
}

/// Parses CSV text. `label` names the label column by header name or 1-based number; `None`
/// or "last" means the last column.
pub fn parse(text: &str, label: Option<&str>) -> Result<Table, LabError> {
    let err = |p| LabError::Csv(p);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let decimal_comma = delimiter != b',';
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    // The line a record starts on (the csv crate's own count skips blank lines, and a
    // record's offset can point at the blank lines before it).
    let bytes = text.as_bytes();
    let line_at = |p: Option<&::csv::Position>| {
        let mut at = p.map_or(0, |p| p.byte() as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r' | b'#') {
            if bytes[at] == b'#' {
                // A comment line: to its end.
                at += bytes[at..].iter().position(|&b| b == b'\n').unwrap_or(bytes.len() - at);
            } else {
                at += 1;
            }
        }
        bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
    };
    let mut records = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| err(CsvProblem::Io(format!("line {}: {e}", line_at(e.position())))))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = line_at(record.position());
        records.push((line, record.iter().map(str::to_owned).collect::<Vec<String>>()));
    }
    let mut lines = records.into_iter();
    let (first_line, first) = lines.next().ok_or(err(CsvProblem::Empty))?;
    let columns = first.len();
    let header =
        first.iter().any(|f| number(f, decimal_comma).is_none()) && first.iter().all(|f| !f.is_empty());
    let names: Vec<String> =
        if header { first.clone() } else { (1..=columns).map(|i| format!("x{i}")).collect() };
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
                labels.push(f.clone());
            } else {
                let v = number(f, decimal_comma)
                    .ok_or_else(|| err(CsvProblem::NotANumber { line, column: c + 1, text: f.clone() }))?;
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
        let e = parse("a,b,c\r\n# a comment\r\n\r\n1,2,0\r\n1,2\r\n", None).unwrap_err();
        assert_eq!(e.to_string(), "line 5: expected 3 fields, found 2");
        assert!(matches!(parse("", None), Err(LabError::Csv(CsvProblem::Empty))));
        assert!(matches!(parse("a,b\n1,0\n2,0\n", None), Err(LabError::Csv(CsvProblem::TooFew { .. }))));
        assert!(matches!(
            parse("a,b\n1,0\n", Some("z")),
            Err(LabError::Csv(CsvProblem::NoSuchColumn { .. }))
        ));
    }

    /// Files as spreadsheets write them, tried as a teacher would.
    #[test]
    fn spreadsheet_exports_read() {
        // Excel's "CSV UTF-8": a byte-order mark and CRLF.
        let t = parse("\u{feff}len,width,kind\r\n1.5,2,a\r\n3,4.25,b\r\n", None).unwrap();
        assert_eq!(
            (t.x.clone(), t.feature_names.clone()),
            (vec![1.5, 2.0, 3.0, 4.25], vec!["len".into(), "width".into()])
        );
        // A European export: `;` between fields, decimal commas.
        let t = parse("Länge;Breite;Art\n1,5;2,0;x\n3;4,25;y\n", Some("Art")).unwrap();
        assert_eq!(t.x, [1.5, 2.0, 3.0, 4.25]);
        // Quoted fields with commas and Chinese labels.
        let t = parse("x,y,label\n1,2,\"猫, 小\"\n3,4,\"狗\"\n5,6,\"猫, 小\"\n", None).unwrap();
        assert_eq!(t.class_names, ["狗", "猫, 小"]);
        assert_eq!(t.y, [1, 0, 1]);
        // Tabs.
        let t = parse("1\t2\t0\n3\t4\t1\n", None).unwrap();
        assert_eq!(t.dims, 2);
    }
}
