//! `tenlab`: with no command, the window; `tenlab list` and `tenlab train` run headless.

use clap::Parser;
use tenlab_app::cli::{Cli, run};

// glibc's allocator hands every block above 128 KB back to the system when it is freed, so a
// training step that allocates its activations anew takes a page fault on every page of them
// (a tenth of the Transformer's step); mimalloc keeps freed memory for the next step.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc hands memory that stayed free for a second back to the system, and with
/// transparent huge pages the next step faults it in again 2 MiB at a time, zeroed by the
/// kernel (7–10% of the U-Net's and the Transformer's step). Ten seconds keep a training run's
/// memory while it trains and still return it after a run. `MIMALLOC_PURGE_DELAY` in the
/// environment still decides where it is set.
#[allow(unsafe_code)]
fn keep_freed_memory_for_a_while() {
    // `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3); the Rust bindings do
    // not name it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a plain integer option (in milliseconds); mimalloc reads options on each
    // purge, and setting one is allowed at any time.
    unsafe {
        libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 10_000);
    }
}

fn main() -> std::process::ExitCode {
    keep_freed_memory_for_a_while();
    let cli = Cli::parse();
    let result = match cli.command {
        None => tenlab_app::run_gui(),
        Some(command) => run(command).map(|out| print!("{out}")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}
