//! `tenlab`: with no command, the window; `tenlab list` and `tenlab train` run headless.

use clap::Parser;
use tenlab_app::cli::{Cli, run};

// glibc's allocator hands every block above 128 KB back to the system when it is freed, so a
// training step that allocates its activations anew takes a page fault on every page of them
// (a tenth of the Transformer's step); mimalloc keeps freed memory for the next step.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
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
