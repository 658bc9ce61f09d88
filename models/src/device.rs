//! Where a lab trains, chosen at run time: the GPU through wgpu when an adapter initialises,
//! otherwise (or when asked) the CPU through Burn's `flex` backend.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use burn::cubecl::config::cache::CacheConfig;
use burn::cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};
use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

use crate::labs::Suits;

/// Whether `device` is the CPU (Burn's `flex` backend, with autodiff or without).
pub fn is_cpu(device: &Device) -> bool {
    device.clone().inner() == Device::flex()
}

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// The faster device for the lab on this machine, as `tenlab bench` measured it on both
    /// (see [`Speeds`]); before it has, the CPU for small models and for big ones a hardware
    /// GPU if there is one. A software rasteriser never counts as a GPU here.
    #[default]
    Auto,
    Cpu,
    /// The GPU through wgpu, software adapters included; falls back to the CPU on failure.
    Gpu,
}

impl DeviceChoice {
    pub const ALL: [DeviceChoice; 3] = [Self::Auto, Self::Cpu, Self::Gpu];
    pub fn key(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
        }
    }
}

impl std::str::FromStr for DeviceChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "cpu" => Ok(Self::Cpu),
            "gpu" => Ok(Self::Gpu),
            _ => Err(format!("unknown device '{s}' (use auto, cpu or gpu)")),
        }
    }
}

/// What is actually running.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub gpu: bool,
    /// "CPU (flex)" or the adapter's name.
    pub name: String,
}

struct Gpu {
    device: Device,
    name: String,
    software: bool,
}

/// tenlab's folder in the user's cache folder (`~/.cache/tenlab` on Linux,
/// `~/Library/Caches/tenlab` on macOS, `%LOCALAPPDATA%\tenlab` on Windows), or
/// `TENLAB_CACHE_DIR` if set. Everything in it can be deleted: it is measured or compiled again.
pub fn cache_folder() -> Option<PathBuf> {
    match std::env::var_os("TENLAB_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::cache_dir().map(|d| d.join("tenlab")),
    }
}

/// The folder the GPU keeps autotune's choices in between runs: `gpu` in [`cache_folder`].
pub fn gpu_cache_folder() -> Option<PathBuf> {
    cache_folder().map(|d| d.join("gpu"))
}

/// The CPU's name in [`DeviceInfo`] and in [`Speeds`].
pub const CPU_NAME: &str = "CPU (flex)";

/// Training steps per second that `tenlab bench` measured on this machine, by lab and device
/// name (the CPU's, or a GPU's adapter): what [`DeviceChoice::Auto`] chooses by, so that a lab
/// goes to the GPU only where it trained faster there. Kept as `speeds.json` in
/// [`cache_folder`]; a missing or unreadable file is no figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Speeds {
    pub labs: BTreeMap<String, BTreeMap<String, f64>>,
}

impl Speeds {
    pub fn file() -> Option<PathBuf> {
        cache_folder().map(|d| d.join("speeds.json"))
    }

    /// The figures kept in `file` (none if it is missing or broken).
    pub fn read(file: &Path) -> Self {
        std::fs::read(file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Adds (or replaces) one figure in `file`, keeping the others.
    pub fn record(file: &Path, lab: &str, device: &str, steps_per_sec: f64) -> Result<(), String> {
        if !steps_per_sec.is_finite() || steps_per_sec <= 0.0 {
            return Err(format!("not a speed: {steps_per_sec}"));
        }
        let mut speeds = Self::read(file);
        speeds.labs.entry(lab.to_string()).or_default().insert(device.to_string(), steps_per_sec);
        let fail = |e: std::io::Error| format!("{}: {e}", file.display());
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let text = serde_json::to_vec_pretty(&speeds).map_err(|e| e.to_string())?;
        // Written beside and renamed, so that a reader never sees half a file.
        let part = file.with_extension("json.part");
        std::fs::write(&part, text).map_err(fail)?;
        std::fs::rename(&part, file).map_err(fail)
    }

    /// Whether `lab` trained faster on the GPU called `gpu` than on the CPU; `None` until both
    /// were measured.
    pub fn gpu_is_faster(&self, lab: &str, gpu: &str) -> Option<bool> {
        let figures = self.labs.get(lab)?;
        Some(figures.get(gpu)? > figures.get(CPU_NAME)?)
    }

    /// Whether any GPU was measured for `lab`.
    fn any_gpu(&self, lab: &str) -> bool {
        self.labs.get(lab).is_some_and(|f| f.keys().any(|k| k != CPU_NAME))
    }
}

/// Whether `dir` can hold the cache: made if missing, and a file written into it.
fn writable(dir: &Path) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".tenlab-write-test");
    std::fs::write(&probe, b"tenlab").map_err(fail)?;
    // Best effort: a probe left behind costs nothing.
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Sets up the GPU's cache, once, before the GPU runtime starts: CubeCL (Burn's GPU compiler)
/// keeps autotune's measurements in [`gpu_cache_folder`] (and compiled kernels, for the
/// compilers that can keep them), so that a second run does not compile and time every
/// candidate kernel again. `Err` says why nothing is kept (no cache folder, or one that cannot
/// be written): the GPU then works as before, tuning anew each run.
pub fn gpu_cache() -> &'static Result<PathBuf, String> {
    static CACHE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    CACHE.get_or_init(|| {
        let folder = gpu_cache_folder()
            .ok_or_else(|| "this system names no cache folder for the user".to_string())
            .and_then(|dir| writable(&dir).map(|()| dir));
        let mut config = CubeClRuntimeConfig::default();
        match &folder {
            Ok(dir) => {
                config.environment.path = CacheConfig::Directory(dir.clone());
                config.compilation.cache = true;
            }
            Err(_) => config.autotune.disable_cache = true,
        }
        // `false` when the configuration was already read (a `cubecl.toml` found first, or a
        // runtime started elsewhere): that one stays.
        CubeClRuntimeConfig::try_set(config);
        folder
    })
}

/// The wgpu runtime can be initialised once per process; keep the outcome.
fn gpu() -> &'static Result<Gpu, String> {
    static GPU: OnceLock<Result<Gpu, String>> = OnceLock::new();
    GPU.get_or_init(|| {
        let _ = gpu_cache();
        // On Linux only Vulkan: wgpu's OpenGL path probes for a Wayland display too, and
        // computes poorly anyway.
        let api = if cfg!(target_os = "linux") {
            burn::tensor::wgpu::WgpuBackend::Vulkan
        } else {
            burn::tensor::wgpu::WgpuBackend::Auto
        };
        // Without a desktop session (no XDG_RUNTIME_DIR), Mesa's Vulkan device-select layer
        // asks libwayland for a display, which prints "error: XDG_RUNTIME_DIR is invalid or
        // not set" although nothing is wrong: hush stderr while the adapter is looked for
        // (what goes wrong is returned, and said, below).
        let _hush = std::env::var_os("XDG_RUNTIME_DIR").is_none().then(gag::Gag::stderr).and_then(Result::ok);
        let attempt = std::panic::catch_unwind(|| {
            Device::wgpu_options().device_kind(DeviceKind::DefaultDevice).graphics_api(api).init_with_setup()
        });
        match attempt {
            Ok(Ok((device, setup))) => {
                let info = setup.adapter.get_info();
                let software = info.device_type == burn::tensor::wgpu::wgpu::DeviceType::Cpu;
                Ok(Gpu { device, name: format!("{} ({:?})", info.name, info.backend), software })
            }
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the wgpu runtime panicked while starting".into()),
        }
    })
}

fn cpu() -> (Device, DeviceInfo) {
    (Device::flex(), DeviceInfo { gpu: false, name: CPU_NAME.into() })
}

/// Whether `Auto` puts `lab` on the hardware GPU called `gpu`: by the speeds measured on this
/// machine where both devices were, else by what the lab suits.
fn auto_takes_gpu(speeds: &Speeds, lab: &str, suits: Suits, gpu: &str) -> bool {
    speeds.gpu_is_faster(lab, gpu).unwrap_or(suits == Suits::Gpu)
}

/// Resolves a choice to a device for the lab `lab`, which suits `suits`. The message, if any,
/// says why the CPU was used instead of a GPU the user asked for.
pub fn resolve(choice: DeviceChoice, lab: &str, suits: Suits) -> (Device, DeviceInfo, Option<String>) {
    match choice {
        DeviceChoice::Auto => {
            let speeds = Speeds::file().map(|f| Speeds::read(&f)).unwrap_or_default();
            // A small lab never measured on a GPU does not even start one.
            if suits == Suits::Gpu || speeds.any_gpu(lab) {
                match gpu() {
                    Ok(g) if !g.software && auto_takes_gpu(&speeds, lab, suits, &g.name) => {
                        return (g.device.clone(), DeviceInfo { gpu: true, name: g.name.clone() }, None);
                    }
                    _ => {}
                }
            }
            let (d, i) = cpu();
            (d, i, None)
        }
        DeviceChoice::Cpu => {
            let (d, i) = cpu();
            (d, i, None)
        }
        DeviceChoice::Gpu => match gpu() {
            Ok(g) => (g.device.clone(), DeviceInfo { gpu: true, name: g.name.clone() }, None),
            Err(e) => {
                let (d, i) = cpu();
                (d, i, Some(e.clone()))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_folder_is_made_if_missing_and_refused_if_it_cannot_be_written() {
        let root = std::env::temp_dir().join(format!("tenlab-cache-test-{}", std::process::id()));
        let nested = root.join("a").join("gpu");
        assert_eq!(writable(&nested), Ok(()));
        assert!(nested.is_dir());
        assert_eq!(std::fs::read_dir(&nested).map(|d| d.count()).ok(), Some(0), "the probe is removed");
        // A folder below a file cannot be made (whoever runs this, root included).
        let file = root.join("file");
        std::fs::write(&file, b"x").expect("a file in the temporary folder");
        let refused = writable(&file.join("gpu")).expect_err("no folder below a file");
        assert!(refused.contains("file"), "the message names the folder: {refused}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn auto_goes_where_the_lab_was_measured_faster_and_by_its_kind_before() {
        let root = std::env::temp_dir().join(format!("tenlab-speeds-test-{}", std::process::id()));
        let file = root.join("speeds.json");
        let gpu = "Big GPU (Vulkan)";
        // Nothing measured yet: by what the lab suits.
        let none = Speeds::read(&file);
        assert_eq!(none, Speeds::default());
        assert!(auto_takes_gpu(&none, "cnn", Suits::Gpu, gpu));
        assert!(!auto_takes_gpu(&none, "mlp", Suits::Cpu, gpu));
        // Measured on both: the faster one, whatever the lab suits.
        Speeds::record(&file, "cnn", CPU_NAME, 80.0).unwrap();
        Speeds::record(&file, "mlp", CPU_NAME, 9000.0).unwrap();
        Speeds::record(&file, "mlp", gpu, 300.0).unwrap();
        Speeds::record(&file, "gcn", gpu, 20_000.0).unwrap();
        Speeds::record(&file, "gcn", CPU_NAME, 7000.0).unwrap();
        let speeds = Speeds::read(&file);
        assert!(auto_takes_gpu(&speeds, "cnn", Suits::Gpu, gpu), "only the CPU measured: as before");
        assert!(!auto_takes_gpu(&speeds, "mlp", Suits::Cpu, gpu));
        assert!(auto_takes_gpu(&speeds, "gcn", Suits::Cpu, gpu));
        assert!(speeds.any_gpu("gcn") && !speeds.any_gpu("cnn"));
        // Another GPU's figure says nothing about this one.
        assert_eq!(speeds.gpu_is_faster("gcn", "Small GPU (Vulkan)"), None);
        // A newer figure replaces the old; the GPU now loses.
        Speeds::record(&file, "cnn", gpu, 40.0).unwrap();
        assert!(!auto_takes_gpu(&Speeds::read(&file), "cnn", Suits::Gpu, gpu));
        assert!(Speeds::record(&file, "cnn", gpu, f64::NAN).is_err());
        // A broken file is no figures, and the next record starts it afresh.
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(Speeds::read(&file), Speeds::default());
        Speeds::record(&file, "cnn", CPU_NAME, 80.0).unwrap();
        assert_eq!(Speeds::read(&file).labs.len(), 1);
        let _ = std::fs::remove_dir_all(&root);
    }
}
