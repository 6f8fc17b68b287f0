//! `rapport-relay`: runs the relay until Ctrl-C or SIGTERM.
//!
//! ```text
//! rapport-relay [--listen 127.0.0.1:8080] [--data-dir ./relay-data]
//!               [--static-dir dist] [--max-frame-bytes 33554432]
//!               [--open-team-creation | --create-secret-file FILE | ...]
//!               [limits...] [--verbose]
//! ```
//!
//! Every flag, its default, and what a device is told when a limit refuses
//! it: `docs/relay.md` and `--help`.
//!
//! Logs go to stderr. They name teams, devices, seqs, cursors and sizes,
//! never chunk bytes, tokens or the creation secret (the relay cannot
//! decrypt chunks anyway).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use rapport_relay::{Config, TeamCreation};

const USAGE: &str = "usage: rapport-relay [OPTIONS]

  --listen ADDR          where to listen (default 127.0.0.1:8080)
  --data-dir DIR         where the SQLite database lives (default ./relay-data)
  --static-dir DIR       also serve the built app from DIR (e.g. dist)
  --max-frame-bytes N    largest frame a device may send (default 32MiB)
  --verbose              also log every upload (team, device, seq, cursor, size)

Team creation (default: no new teams):
  --no-new-teams                 create no teams; serve the ones held (default)
  --open-team-creation           anybody may create a team (development,
                                 private networks)
  --create-secret SECRET         CreateTeam only on /sync?create=SECRET
  --create-secret-file FILE      the same, the secret read from FILE (trimmed);
                                 preferred: a flag shows in the process list

Connections (refusals: TooLarge, TimedOut, TooManyConnections):
  --before-hello-bytes N         bytes a connection may send before Hello (default 4KiB)
  --hello-timeout T              time to Hello from connecting (default 10s)
  --ping-interval T              how often the relay pings (default 30s)
  --idle-timeout T               close after nothing heard for T (default 90s)
  --header-read-timeout T        time for an HTTP request's headers (default 10s)
  --max-connections N            open connections in all (default 1000)
  --max-connections-per-address N  from one IP address (default 50; 0 behind
                                 a reverse proxy, where every client has its address)

Per team, and the disk (refusals: QuotaExceeded, RateLimited, RelayFull):
  --team-max-bytes N             sealed bytes a team may store (default 1GiB)
  --team-max-devices N           devices a team may have (default 100)
  --team-chunks-per-minute N     uploads per minute per team (default 3000)
  --min-free-bytes N             refuse uploads below N free on the data
                                 directory's filesystem (default 256MiB)
  --snapshot-retention T         keep what a snapshot covers for T (default 7d;
                                 0 prunes at once)

T is a number with a unit: 500ms, 10s, 5m, 12h, 7d (no unit: seconds).
N is a number of bytes or items, sizes optionally with KiB, MiB or GiB;
0 turns a count or size limit off.";

struct Args {
    listen: SocketAddr,
    config: Config,
    verbose: bool,
}

/// A hand parser: a list of flags does not need an argument-parsing
/// dependency.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut config = Config::new("./relay-data");
    let mut verbose = false;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--verbose" => {
                verbose = true;
                continue;
            }
            "--open-team-creation" => {
                config.team_creation = TeamCreation::Open;
                continue;
            }
            "--no-new-teams" => {
                config.team_creation = TeamCreation::Closed;
                continue;
            }
            _ => {}
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let limits = &mut config.connections;
        let quotas = &mut config.quotas;
        match flag.as_str() {
            "--listen" => {
                listen = value
                    .parse()
                    .map_err(|_| format!("--listen {value}: not an address like 127.0.0.1:8080"))?;
            }
            "--data-dir" => config.data_dir = PathBuf::from(value),
            "--static-dir" => config.static_dir = Some(PathBuf::from(value)),
            "--max-frame-bytes" => config.max_frame_bytes = count(&flag, &value)?,
            "--create-secret" => config.team_creation = secret(&flag, value)?,
            "--create-secret-file" => {
                let text = std::fs::read_to_string(&value)
                    .map_err(|error| format!("{flag} {value}: could not read it: {error}"))?;
                config.team_creation = secret(&flag, text)?;
            }
            "--before-hello-bytes" => limits.before_hello_bytes = count(&flag, &value)?,
            "--hello-timeout" => limits.hello_timeout = duration(&flag, &value)?,
            "--ping-interval" => limits.ping_interval = duration(&flag, &value)?,
            "--idle-timeout" => limits.idle_timeout = duration(&flag, &value)?,
            "--header-read-timeout" => limits.header_read_timeout = duration(&flag, &value)?,
            "--max-connections" => limits.max_total = count(&flag, &value)?,
            "--max-connections-per-address" => limits.max_per_address = count(&flag, &value)?,
            "--team-max-bytes" => quotas.team_bytes = count(&flag, &value)?,
            "--team-max-devices" => quotas.team_devices = count(&flag, &value)?,
            "--team-chunks-per-minute" => quotas.team_chunks_per_minute = count(&flag, &value)?,
            "--min-free-bytes" => quotas.min_free_bytes = count(&flag, &value)?,
            "--snapshot-retention" => config.snapshot_retention = duration(&flag, &value)?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let limits = &config.connections;
    for (name, time) in [
        ("--hello-timeout", limits.hello_timeout),
        ("--ping-interval", limits.ping_interval),
        ("--header-read-timeout", limits.header_read_timeout),
    ] {
        if time.is_zero() {
            return Err(format!("{name} must be more than 0"));
        }
    }
    if limits.idle_timeout <= limits.ping_interval {
        return Err(format!(
            "--idle-timeout ({:?}) must be longer than --ping-interval ({:?}), or every \
             connection is closed before it can answer a ping",
            limits.idle_timeout, limits.ping_interval
        ));
    }
    Ok(Args {
        listen,
        config,
        verbose,
    })
}

fn secret(flag: &str, text: String) -> Result<TeamCreation, String> {
    let secret = text.trim().to_owned();
    if secret.len() < 16 {
        return Err(format!(
            "{flag}: the secret must be at least 16 characters (it guards who may store \
             data on this relay); for example the output of `openssl rand -hex 16`"
        ));
    }
    Ok(TeamCreation::Secret(secret))
}

/// `4096`, `4KiB`, `32MiB`, `1GiB`.
fn count<N: TryFrom<u64>>(flag: &str, value: &str) -> Result<N, String> {
    let (digits, unit) = split_unit(value);
    let scale: u64 = match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        _ => {
            return Err(format!(
                "{flag} {value}: not a number (like 4096, 4KiB or 1GiB)"
            ));
        }
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .and_then(|n| N::try_from(n).ok())
        .ok_or_else(|| format!("{flag} {value}: not a number (like 4096, 4KiB or 1GiB)"))
}

/// `500ms`, `10s`, `5m`, `12h`, `7d`; no unit means seconds.
fn duration(flag: &str, value: &str) -> Result<Duration, String> {
    let (digits, unit) = split_unit(value);
    let problem = || format!("{flag} {value}: not a time (like 500ms, 10s, 5m, 12h or 7d)");
    let number: u64 = digits.parse().map_err(|_| problem())?;
    let millis: u64 = match unit {
        "ms" => 1,
        "" | "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(problem()),
    };
    number
        .checked_mul(millis)
        .map(Duration::from_millis)
        .ok_or_else(problem)
}

fn split_unit(value: &str) -> (&str, &str) {
    let at = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    value.split_at(at)
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
