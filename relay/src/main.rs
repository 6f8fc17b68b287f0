//! `rapport-relay`: runs the relay until Ctrl-C or SIGTERM.
//!
//! ```text
//! rapport-relay [--listen 127.0.0.1:8080] [--data-dir ./relay-data]
//!               [--static-dir dist] [--max-frame-bytes 33554432] [--verbose]
//! ```
//!
//! Logs go to stderr. They name teams, devices, seqs, cursors and sizes,
//! never chunk bytes or tokens (the relay cannot decrypt chunks anyway).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use rapport_relay::Config;

const USAGE: &str = "usage: rapport-relay [--listen ADDR] [--data-dir DIR] [--static-dir DIR] \
                     [--max-frame-bytes N] [--verbose]

  --listen ADDR          where to listen (default 127.0.0.1:8080)
  --data-dir DIR         where the SQLite database lives (default ./relay-data)
  --static-dir DIR       also serve the built app from DIR (e.g. dist)
  --max-frame-bytes N    largest frame a device may send (default 33554432)
  --verbose              also log every upload (team, device, seq, cursor, size)";

struct Args {
    listen: SocketAddr,
    config: Config,
    verbose: bool,
}

/// A hand parser: four flags do not need an argument-parsing dependency.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut config = Config::new("./relay-data");
    let mut verbose = false;
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        if flag == "--verbose" {
            verbose = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => {
                listen = value
                    .parse()
                    .map_err(|_| format!("--listen {value}: not an address like 127.0.0.1:8080"))?;
            }
            "--data-dir" => config.data_dir = PathBuf::from(value),
            "--static-dir" => config.static_dir = Some(PathBuf::from(value)),
            "--max-frame-bytes" => {
                config.max_frame_bytes = value
                    .parse()
                    .map_err(|_| format!("--max-frame-bytes {value}: not a number of bytes"))?;
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(Args {
        listen,
        config,
        verbose,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("rapport-relay: {problem}");
            }
            eprintln!("{USAGE}");
            return if problem.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let level = if args.verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_max_level(level)
        .init();

    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "rapport-relay: could not listen on {}: {error}",
                args.listen
            );
            return ExitCode::FAILURE;
        }
    };
    match rapport_relay::serve(listener, args.config, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rapport-relay: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM, the signal service managers send.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, wait on SIGTERM alone.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
