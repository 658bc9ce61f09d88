//! Labelled image sets: the bundled MNIST, Fashion-MNIST and 8x8 digits, and the user's own
//! folders of PNG or JPEG images (one sub-folder per class).

use std::io::Read;
use std::path::Path;

use crate::data::{idx, stratified_split};
use crate::error::{FolderProblem, IdxProblem, LabError};
use crate::rng::Rng;

/// Images as `channels x h x w` planes of values in [0, 1], with a class each.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageSet {
    pub h: usize,
    pub w: usize,
    pub channels: usize,
    pub pixels: Vec<f32>,
    pub labels: Vec<u32>,
    pub class_names: Vec<String>,
}

/// A training set and a held-out test set of the same shape and classes.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: ImageSet,
    pub test: ImageSet,
}

impl ImageSet {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Values per image.
    pub fn image_len(&self) -> usize {
        self.channels * self.h * self.w
    }

    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.image_len();
        &self.pixels[i * n..(i + 1) * n]
    }

    pub fn select(&self, idx: &[usize]) -> ImageSet {
        ImageSet {
            pixels: idx.iter().flat_map(|&i| self.image(i).iter().copied()).collect(),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
            class_names: self.class_names.clone(),
            ..*self
        }
    }

    /// The first `n` images (all if fewer).
    pub fn first(&self, n: usize) -> ImageSet {
        self.select(&(0..n.min(self.len())).collect::<Vec<_>>())
    }

    /// A seeded stratified split.
    pub fn split(&self, train_fraction: f64, rng: &mut Rng) -> Split {
        let (train, test) = stratified_split(&self.labels, self.class_names.len(), train_fraction, rng);
        Split { train: self.select(&train), test: self.select(&test) }
    }
}

/// The pixels of some images, `[n, c, h, w]` row-major, each optionally shifted by up to two
/// pixels each way (the gap filled with zeros).
pub fn shifted(set: &ImageSet, idx: &[usize], shift: Option<&mut Rng>) -> Vec<f32> {
    let (c, h, w) = (set.channels, set.h, set.w);
    let mut out = Vec::with_capacity(idx.len() * set.image_len());
    let mut rng = shift;
    for &i in idx {
        let img = set.image(i);
        let (dx, dy) = match rng.as_deref_mut() {
            Some(r) => (r.below(5) as isize - 2, r.below(5) as isize - 2),
            None => (0, 0),
        };
        if dx == 0 && dy == 0 {
            out.extend_from_slice(img);
            continue;
        }
        for ch in 0..c {
            for y in 0..h as isize {
                for x in 0..w as isize {
                    let (sx, sy) = (x - dx, y - dy);
                    let inside = sx >= 0 && sy >= 0 && sx < w as isize && sy < h as isize;
                    out.push(if inside { img[ch * h * w + sy as usize * w + sx as usize] } else { 0.0 });
                }
            }
        }
    }
    out
}

/// An image set from IDX image and label files.
pub fn from_idx(
    name: &str,
    images: &[u8],
    labels: &[u8],
    class_names: Vec<String>,
) -> Result<ImageSet, LabError> {
    let img = idx::parse(&format!("{name} images"), images, 3)?;
    let lab = idx::parse(&format!("{name} labels"), labels, 1)?;
    let (n, h, w) = (img.dims[0], img.dims[1], img.dims[2]);
    if lab.dims[0] != n {
        return Err(LabError::Idx {
            file: name.into(),
            problem: IdxProblem::Mismatch { images: n, labels: lab.dims[0] },
        });
    }
    let classes = class_names.len();
    if let Some((index, &label)) = lab.data.iter().enumerate().find(|(_, l)| **l as usize >= classes) {
        return Err(LabError::Idx {
            file: format!("{name} labels"),
            problem: IdxProblem::BadLabel { index, label, classes },
        });
    }
    Ok(ImageSet {
        h,
        w,
        channels: 1,
        pixels: img.data.iter().map(|&b| b as f32 / 255.0).collect(),
        labels: lab.data.iter().map(|&l| l as u32).collect(),
        class_names,
    })
}

fn digit_names() -> Vec<String> {
    (0..10).map(|d| d.to_string()).collect()
}

/// The bundled MNIST subset: 20,000 training and 2,000 test digits, 28x28.
pub fn mnist() -> Result<Split, LabError> {
    Ok(Split {
        train: from_idx(
            "MNIST train",
            include_bytes!("../../../assets/mnist/train-images-idx3-ubyte.gz"),
            include_bytes!("../../../assets/mnist/train-labels-idx1-ubyte.gz"),
            digit_names(),
        )?,
        test: from_idx(
            "MNIST test",
            include_bytes!("../../../assets/mnist/t10k-images-idx3-ubyte.gz"),
            include_bytes!("../../../assets/mnist/t10k-labels-idx1-ubyte.gz"),
            digit_names(),
        )?,
    })
}

/// The bundled Fashion-MNIST subset: 10,000 training and 2,000 test images, 28x28.
pub fn fashion() -> Result<Split, LabError> {
    let names: Vec<String> = include_str!("../../../assets/fashion_mnist/classes.txt")
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, name)| name.trim().to_string()))
        .collect();
    Ok(Split {
        train: from_idx(
            "Fashion-MNIST train",
            include_bytes!("../../../assets/fashion_mnist/train-images-idx3-ubyte.gz"),
            include_bytes!("../../../assets/fashion_mnist/train-labels-idx1-ubyte.gz"),
            names.clone(),
        )?,
        test: from_idx(
            "Fashion-MNIST test",
            include_bytes!("../../../assets/fashion_mnist/t10k-images-idx3-ubyte.gz"),
            include_bytes!("../../../assets/fashion_mnist/t10k-labels-idx1-ubyte.gz"),
            names,
        )?,
    })
}

/// The bundled 8x8 digits (1,797 images, values 0..16), split 80/20 with the seed.
pub fn digits8x8(seed: u64) -> Result<Split, LabError> {
    let file = "digits8x8";
    let raw = idx::gunzip(file, include_bytes!("../../../assets/digits8x8/digits.csv.gz"))?;
    let text = String::from_utf8_lossy(&raw);
    let table = crate::data::csv::parse(&text, None)?;
    let set = ImageSet {
        h: 8,
        w: 8,
        channels: 1,
        pixels: table.x.iter().map(|v| v / 16.0).collect(),
        labels: table.y.clone(),
        class_names: table.class_names.clone(),
    };
    Ok(set.split(0.8, &mut Rng::new(seed)))
}

/// Loads a folder with one sub-folder per class of PNG or JPEG images, converted to grey (or
/// kept RGB) and resized to `size` x `size`. Unreadable files are skipped and returned by
/// name; the rest load.
pub fn folder(path: &Path, rgb: bool, size: usize) -> Result<(ImageSet, Vec<String>), LabError> {
    let err = |p| LabError::Folder(p);
    let entries =
        std::fs::read_dir(path).map_err(|e| err(FolderProblem::Io(format!("{}: {e}", path.display()))))?;
    let mut classes: Vec<_> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    classes.sort();
    let channels = if rgb { 3 } else { 1 };
    let mut set =
        ImageSet { h: size, w: size, channels, pixels: vec![], labels: vec![], class_names: vec![] };
    let mut skipped = Vec::new();
    for dir in classes {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
            .unwrap_or_default();
        files.sort();
        let label = set.class_names.len() as u32;
        let mut any = false;
        for file in files {
            match read_image(&file, rgb, size) {
                Ok(px) => {
                    set.pixels.extend(px);
                    set.labels.push(label);
                    any = true;
                }
                Err(_) => skipped.push(file.display().to_string()),
            }
        }
        if any {
            set.class_names
                .push(dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        }
    }
    if set.class_names.len() < 2 {
        return Err(err(FolderProblem::TooFewClasses { found: set.class_names.len() }));
    }
    Ok((set, skipped))
}

fn read_image(file: &Path, rgb: bool, size: usize) -> Result<Vec<f32>, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| e.to_string())?;
    let img = image::load_from_memory(&bytes).map_err(|e| e.to_string())?;
    let img = img.resize_exact(size as u32, size as u32, image::imageops::FilterType::Triangle);
    let planes = if rgb {
        let rgb = img.to_rgb8();
        (0..3).flat_map(|c| rgb.pixels().map(move |p| p[c] as f32 / 255.0).collect::<Vec<_>>()).collect()
    } else {
        img.to_luma8().pixels().map(|p| p[0] as f32 / 255.0).collect()
    };
    Ok(planes)
}

/// Prepares a drawing the way MNIST digits were prepared: the ink's bounding box is scaled
/// (keeping its aspect) to fit 20x20, then placed in a 28x28 image so that its centre of
/// mass sits at the centre. `raster` is `w x h` ink values in [0, 1], row-major. Returns
/// None for an empty drawing.
pub fn center_like_mnist(raster: &[f32], w: usize, h: usize) -> Option<Vec<f32>> {
    let ink = |x: usize, y: usize| raster[y * w + x];
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for y in 0..h {
        for x in 0..w {
            if ink(x, y) > 0.05 {
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            }
        }
    }
    if x0 == usize::MAX {
        return None;
    }
    let (bw, bh) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
    let scale = 20.0 / bw.max(bh);
    let (sw, sh) = (((bw * scale).round() as usize).max(1), ((bh * scale).round() as usize).max(1));
    // Area-average the box into sw x sh pixels.
    let mut small = vec![0.0f32; sw * sh];
    for (sy, row) in small.chunks_mut(sw).enumerate() {
        for (sx, v) in row.iter_mut().enumerate() {
            let (fx0, fx1) = (x0 as f32 + sx as f32 / scale, x0 as f32 + (sx + 1) as f32 / scale);
            let (fy0, fy1) = (y0 as f32 + sy as f32 / scale, y0 as f32 + (sy + 1) as f32 / scale);
            let (mut sum, mut n) = (0.0, 0.0);
            for y in fy0.floor() as usize..(fy1.ceil() as usize).min(h) {
                for x in fx0.floor() as usize..(fx1.ceil() as usize).min(w) {
                    sum += ink(x, y);
                    n += 1.0;
                }
            }
            *v = if n > 0.0 { (sum / n).min(1.0) } else { 0.0 };
        }
    }
    // Centre of mass of the small image, placed at (14, 14).
    let mass: f32 = small.iter().sum::<f32>().max(1e-6);
    let cx = small.iter().enumerate().map(|(i, v)| (i % sw) as f32 * v).sum::<f32>() / mass;
    let cy = small.iter().enumerate().map(|(i, v)| (i / sw) as f32 * v).sum::<f32>() / mass;
    let (ox, oy) = ((14.0 - cx - 0.5).round() as isize, (14.0 - cy - 0.5).round() as isize);
    let mut out = vec![0.0f32; 28 * 28];
    for (i, v) in small.iter().enumerate() {
        let (x, y) = ((i % sw) as isize + ox, (i / sw) as isize + oy);
        if (0..28).contains(&x) && (0..28).contains(&y) {
            out[y as usize * 28 + x as usize] = *v;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_stroke_is_scaled_to_20_pixels_and_centred_by_mass() {
        // A vertical bar drawn in the top-left corner of a 100x100 canvas.
        let (w, h) = (100, 100);
        let mut raster = vec![0.0f32; w * h];
        for y in 5..45 {
            for x in 10..18 {
                raster[y * w + x] = 1.0;
            }
        }
        let img = center_like_mnist(&raster, w, h).unwrap();
        let rows: Vec<usize> = (0..28).filter(|y| (0..28).any(|x| img[y * 28 + x] > 0.5)).collect();
        let cols: Vec<usize> = (0..28).filter(|x| (0..28).any(|y| img[y * 28 + x] > 0.5)).collect();
        assert_eq!(rows.len(), 20, "the taller side becomes 20 pixels: {rows:?}");
        assert_eq!(cols.len(), 4, "aspect kept (8/40 of 20): {cols:?}");
        let mass: f32 = img.iter().sum();
        let cx = img.iter().enumerate().map(|(i, v)| (i % 28) as f32 * v).sum::<f32>() / mass;
        let cy = img.iter().enumerate().map(|(i, v)| (i / 28) as f32 * v).sum::<f32>() / mass;
        assert!((cx - 13.5).abs() <= 1.0 && (cy - 13.5).abs() <= 1.0, "centre of mass ({cx}, {cy})");
        assert_eq!(center_like_mnist(&vec![0.0; w * h], w, h), None);
    }

    #[test]
    fn bundled_sets_have_their_documented_sizes_and_class_counts() {
        let m = mnist().unwrap();
        assert_eq!((m.train.len(), m.test.len(), m.train.h, m.train.w), (20_000, 2_000, 28, 28));
        let zeros = m.test.labels.iter().filter(|&&l| l == 0).count();
        assert_eq!(zeros, 175);
        assert!(m.train.pixels.iter().all(|v| (0.0..=1.0).contains(v)));
        let f = fashion().unwrap();
        assert_eq!((f.train.len(), f.test.len()), (10_000, 2_000));
        assert_eq!(f.train.class_names[9], "Ankle boot");
        let d = digits8x8(1).unwrap();
        assert_eq!(d.train.len() + d.test.len(), 1797);
        assert_eq!((d.train.h, d.train.class_names.len()), (8, 10));
    }

    #[test]
    fn a_folder_of_images_loads_and_lists_unreadable_files() {
        let dir = std::env::temp_dir().join(format!("tenlab-folder-{}", std::process::id()));
        for (class, shade) in [("dark", 20u8), ("light", 230u8)] {
            std::fs::create_dir_all(dir.join(class)).unwrap();
            for i in 0..3 {
                let img = image::GrayImage::from_pixel(10, 12, image::Luma([shade]));
                img.save(dir.join(class).join(format!("{i}.png"))).unwrap();
            }
        }
        std::fs::write(dir.join("light").join("broken.png"), b"not a png").unwrap();
        let (set, skipped) = folder(&dir, false, 28).unwrap();
        assert_eq!(set.len(), 6);
        assert_eq!(set.class_names, ["dark", "light"]);
        assert_eq!((set.h, set.w, set.channels), (28, 28, 1));
        assert!(set.image(0).iter().all(|&v| v < 0.1) && set.image(5).iter().all(|&v| v > 0.9));
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].ends_with("broken.png"));
        let (rgb, _) = folder(&dir, true, 8).unwrap();
        assert_eq!(rgb.image_len(), 3 * 8 * 8);

        let empty = dir.join("dark");
        assert!(matches!(
            folder(&empty, false, 28),
            Err(LabError::Folder(FolderProblem::TooFewClasses { found: 0 }))
        ));
        assert!(matches!(
            folder(&dir.join("missing"), false, 28),
            Err(LabError::Folder(FolderProblem::Io(_)))
        ));
    }
}
