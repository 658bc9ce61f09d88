//! `tenlab`: with no command, the window; `tenlab list` and `tenlab train` run headless.

use clap::Parser;
use tenlab_app::cli::{Cli, run};

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
