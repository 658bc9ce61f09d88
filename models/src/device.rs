//! Where a lab trains, chosen at run time: the GPU through wgpu when an adapter initialises,
//! otherwise (or when asked) the CPU through Burn's `flex` backend.

use std::sync::OnceLock;

use burn::tensor::{Device, DeviceKind};
use serde::{Deserialize, Serialize};

use crate::labs::Suits;

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// The device that suits the lab: the CPU for small models; for big ones a hardware GPU
    /// if there is one, else the CPU (a software rasteriser counts as none).
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

/// The wgpu runtime can be initialised once per process; keep the outcome.
fn gpu() -> &'static Result<Gpu, String> {
    static GPU: OnceLock<Result<Gpu, String>> = OnceLock::new();
    GPU.get_or_init(|| {
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
    (Device::flex(), DeviceInfo { gpu: false, name: "CPU (flex)".into() })
}

/// Resolves a choice to a device for a lab that suits `suits`. The message, if any, says why
/// the CPU was used instead of a GPU the user asked for.
pub fn resolve(choice: DeviceChoice, suits: Suits) -> (Device, DeviceInfo, Option<String>) {
    match choice {
        // A small lab never even asks for a GPU.
        DeviceChoice::Auto if suits == Suits::Cpu => {
            let (d, i) = cpu();
            (d, i, None)
        }
        DeviceChoice::Cpu => {
            let (d, i) = cpu();
            (d, i, None)
        }
        DeviceChoice::Auto => match gpu() {
            Ok(g) if !g.software => (g.device.clone(), DeviceInfo { gpu: true, name: g.name.clone() }, None),
            _ => {
                let (d, i) = cpu();
                (d, i, None)
            }
        },
        DeviceChoice::Gpu => match gpu() {
            Ok(g) => (g.device.clone(), DeviceInfo { gpu: true, name: g.name.clone() }, None),
            Err(e) => {
                let (d, i) = cpu();
                (d, i, Some(e.clone()))
            }
        },
    }
}
