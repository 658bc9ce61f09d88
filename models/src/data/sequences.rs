//! Generated sequence tasks for the sequence labs: copy, reverse and sort a string of digits;
//! a noisy sum of sines to continue; and numbers written in English words to Chinese
//! numerals ("three hundred and five" -> "三百零五"), which a bilingual class reads at a
//! glance.

use crate::rng::Rng;

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] =
    ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/// `n` (0 to 9,999) in English words, British style: "two thousand three hundred and five".
pub fn english(n: u32) -> String {
    fn below_100(n: u32) -> String {
        match n {
            0..=19 => ONES[n as usize].to_string(),
            _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
            _ => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        }
    }
    fn below_1000(n: u32) -> String {
        match (n / 100, n % 100) {
            (0, r) => below_100(r),
            (h, 0) => format!("{} hundred", ONES[h as usize]),
            (h, r) => format!("{} hundred and {}", ONES[h as usize], below_100(r)),
        }
    }
    match (n / 1000, n % 1000) {
        (0, r) => below_1000(r),
        (t, 0) => format!("{} thousand", ONES[t as usize]),
        (t, r) if r < 100 => format!("{} thousand and {}", ONES[t as usize], below_100(r)),
        (t, r) => format!("{} thousand {}", ONES[t as usize], below_1000(r)),
    }
}

/// `n` (0 to 9,999) in Chinese numerals: 三百零五, 一千零五十, 十二 (ten alone as 十).
pub fn chinese(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    if n == 0 {
        return "零".into();
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut gap = false;
    for (k, &d) in digits.iter().enumerate() {
        if d == 0 {
            gap |= !out.is_empty();
            continue;
        }
        if gap {
            out.push('零');
            gap = false;
        }
        // 10 to 19 start with 十, not 一十.
        if !(k == 2 && d == 1 && out.is_empty()) {
            out.push(DIGITS[d as usize]);
        }
        out.push_str(UNITS[k]);
    }
    out
}

/// The digit tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigitTask {
    Copy,
    Reverse,
    Sort,
}

/// A random digit string of `len` digits and its answer under `task`.
pub fn digit_pair(task: DigitTask, len: usize, rng: &mut Rng) -> (String, String) {
    let source: String = (0..len).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
    let target = match task {
        DigitTask::Copy => source.clone(),
        DigitTask::Reverse => source.chars().rev().collect(),
        DigitTask::Sort => {
            let mut c: Vec<char> = source.chars().collect();
            c.sort_unstable();
            c.into_iter().collect()
        }
    };
    (source, target)
}

/// `n` values of a sum of three sines (periods 20, 33 and 57 steps) with Gaussian noise of
/// std `noise`, starting at a random phase.
pub fn sines(n: usize, noise: f32, rng: &mut Rng) -> Vec<f32> {
    let start = rng.below(10_000) as f32;
    (0..n)
        .map(|k| {
            let t = start + k as f32;
            let tau = std::f32::consts::TAU;
            0.5 * (tau * t / 20.0).sin()
                + 0.3 * (tau * t / 33.0).sin()
                + 0.2 * (tau * t / 57.0).sin()
                + noise * rng.normal()
        })
        .collect()
}

/// The numbers 0 to 9,999 split into training and held-out ones (`held_out` of them, seeded):
/// a model is tested only on numbers it never saw.
pub fn number_split(held_out: usize, seed: u64) -> (Vec<u32>, Vec<u32>) {
    let mut all: Vec<u32> = (0..10_000).collect();
    Rng::new(seed).shuffle(&mut all);
    let test = all.split_off(all.len() - held_out.min(all.len()));
    (all, test)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_in_english_and_chinese() {
        let cases = [
            (0, "zero", "零"),
            (7, "seven", "七"),
            (10, "ten", "十"),
            (12, "twelve", "十二"),
            (20, "twenty", "二十"),
            (45, "forty-five", "四十五"),
            (100, "one hundred", "一百"),
            (105, "one hundred and five", "一百零五"),
            (110, "one hundred and ten", "一百一十"),
            (305, "three hundred and five", "三百零五"),
            (1000, "one thousand", "一千"),
            (1005, "one thousand and five", "一千零五"),
            (1010, "one thousand and ten", "一千零一十"),
            (1050, "one thousand and fifty", "一千零五十"),
            (1500, "one thousand five hundred", "一千五百"),
            (2305, "two thousand three hundred and five", "二千三百零五"),
            (9999, "nine thousand nine hundred and ninety-nine", "九千九百九十九"),
        ];
        for (n, en, zh) in cases {
            assert_eq!((english(n).as_str(), chinese(n).as_str()), (en, zh), "{n}");
        }
        // Every number has its own words in both languages.
        let mut en: Vec<String> = (0..10_000).map(english).collect();
        let mut zh: Vec<String> = (0..10_000).map(chinese).collect();
        en.sort();
        en.dedup();
        zh.sort();
        zh.dedup();
        assert_eq!((en.len(), zh.len()), (10_000, 10_000));
        let (train, test) = number_split(1000, 1);
        assert_eq!((train.len(), test.len()), (9000, 1000));
        assert!(test.iter().all(|n| !train.contains(n)));
    }

    #[test]
    fn digit_tasks_and_sines() {
        let mut rng = Rng::new(2);
        let (s, t) = digit_pair(DigitTask::Reverse, 12, &mut rng);
        assert_eq!(s.len(), 12);
        assert_eq!(t, s.chars().rev().collect::<String>());
        let (s, t) = digit_pair(DigitTask::Sort, 9, &mut rng);
        let mut c: Vec<char> = s.chars().collect();
        c.sort_unstable();
        assert_eq!(t, c.into_iter().collect::<String>());
        let clean = sines(100, 0.0, &mut Rng::new(3));
        assert!(clean.iter().all(|v| v.abs() <= 1.0));
        assert_ne!(sines(100, 0.1, &mut Rng::new(3)), clean);
    }
}
