//! LeCun's IDX format (MNIST, Fashion-MNIST), optionally gzipped. Magic numbers and sizes
//! are checked, so a truncated or wrong file gets an [`IdxProblem`], never a panic.

use std::io::Read;

use crate::error::{IdxProblem, LabError};

/// An IDX file of unsigned bytes: its dimensions and its data.
#[derive(Clone, Debug, PartialEq)]
pub struct Idx {
    pub dims: Vec<usize>,
    pub data: Vec<u8>,
}

fn fail(file: &str, problem: IdxProblem) -> LabError {
    LabError::Idx { file: file.to_owned(), problem }
}

/// Decompresses gzip data (a file that does not start with gzip's magic is taken as is).
pub fn gunzip(file: &str, bytes: &[u8]) -> Result<Vec<u8>, LabError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| fail(file, IdxProblem::Gzip(e.to_string())))?;
        Ok(out)
    } else {
        Ok(bytes.to_vec())
    }
}

/// Parses IDX bytes (gzipped or not) that must have `rank` dimensions. `file` names the file
/// in messages.
pub fn parse(file: &str, bytes: &[u8], rank: usize) -> Result<Idx, LabError> {
    let raw = gunzip(file, bytes)?;
    if raw.len() < 4 {
        return Err(fail(file, IdxProblem::Truncated { expected: 4, got: raw.len() }));
    }
    let magic = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
    let expected_magic = 0x0800 | rank as u32;
    if magic != expected_magic {
        return Err(fail(file, IdxProblem::Magic { found: magic, expected: expected_magic }));
    }
    let header = 4 + 4 * rank;
    if raw.len() < header {
        return Err(fail(file, IdxProblem::Truncated { expected: header, got: raw.len() }));
    }
    let dims: Vec<usize> = (0..rank)
        .map(|i| {
            let b = &raw[4 + 4 * i..8 + 4 * i];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        })
        .collect();
    let size = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
    let expected = size.and_then(|s| s.checked_add(header)).unwrap_or(usize::MAX);
    if raw.len() != expected {
        let problem = if raw.len() < expected {
            IdxProblem::Truncated { expected, got: raw.len() }
        } else {
            IdxProblem::TooLong { expected, got: raw.len() }
        };
        return Err(fail(file, problem));
    }
    Ok(Idx { dims, data: raw[header..].to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(magic: u32, dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut v = magic.to_be_bytes().to_vec();
        for d in dims {
            v.extend(d.to_be_bytes());
        }
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn reads_a_good_file_and_names_what_is_wrong_with_a_bad_one() {
        let good = idx(0x0803, &[2, 2, 2], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(parse("a", &good, 3).unwrap(), Idx { dims: vec![2, 2, 2], data: (1..=8).collect() });

        let truncated = &good[..good.len() - 3];
        let e = parse("train-images", truncated, 3).unwrap_err();
        assert_eq!(e.to_string(), "train-images: the file is truncated (expected 24 bytes, found 21)");

        let e = parse("labels", &good, 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "labels: not an IDX file of this kind (magic number 0x00000803, expected 0x00000801)"
        );

        assert!(matches!(
            parse("x", &[0x1f, 0x8b, 0, 1], 1),
            Err(LabError::Idx { problem: IdxProblem::Gzip(_), .. })
        ));
        assert!(matches!(
            parse("x", &[0, 0], 1),
            Err(LabError::Idx { problem: IdxProblem::Truncated { .. }, .. })
        ));
        // A huge declared size must not overflow or allocate.
        let huge = idx(0x0803, &[u32::MAX, u32::MAX, u32::MAX], &[]);
        assert!(matches!(
            parse("x", &huge, 3),
            Err(LabError::Idx { problem: IdxProblem::Truncated { .. }, .. })
        ));
    }
}
