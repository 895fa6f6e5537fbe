//! The `saleslog` binary: everything is in the library; see `cli::run`.

fn main() -> std::process::ExitCode {
    saleslog::cli::run()
}
