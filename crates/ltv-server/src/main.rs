//! `ltv-server`: reads its configuration, sets up logging, binds, serves until SIGTERM
//! or Ctrl-C, then lets in-flight requests finish.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use ltv_server::{router, serve, AppState, BodyLimits, Limits, ServeOptions};
use tracing_subscriber::filter::LevelFilter;

/// The ltv engine as an HTTP service: LTV, unit economics, segments, forecasts, plans.
#[derive(Debug, Parser)]
#[command(
    name = "ltv-server",
    version,
    about,
    after_help = "Example:\n  ltv-server --addr 127.0.0.1:8080\n  curl -s localhost:8080/v1/calc/subscription -H 'content-type: application/json' \\\n      -d '{\"arpu\": \"10000\", \"churn\": \"0.05\", \"margin\": \"0.7\"}'"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "LTV_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest request body accepted, in MiB (1 to 65536).
    #[arg(long, env = "LTV_MAX_BODY_MB", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..=65536))]
    max_body_mb: u32,
    /// Longest a request may take, in seconds, body upload included (>= 1).
    #[arg(long, env = "LTV_REQUEST_TIMEOUT_S", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout_s: u64,
    /// Longest a client may take to send a request's headers, and longest an idle
    /// keep-alive connection stays open, in seconds (>= 1).
    #[arg(long, env = "LTV_HEADER_TIMEOUT_S", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_s: u64,
    /// Connections open at once; one more is answered 503 and closed. Default: 512, or
    /// fewer when the open-files limit (`ulimit -n`) is lower.
    #[arg(long, env = "LTV_MAX_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: Option<u32>,
    /// Request bodies held in memory at once, all requests together, in MiB (at least
    /// --max-body-mb); a body that does not fit is answered 503 at once.
    #[arg(long, env = "LTV_MAX_INFLIGHT_BODY_MB", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
    max_inflight_body_mb: u32,
    /// Heavy jobs (CSV analyses, forecasts) running at once; beyond it, 503. Default: one per core.
    #[arg(long, env = "LTV_HEAVY_JOBS", value_parser = clap::value_parser!(u32).range(1..=1024))]
    heavy_jobs: Option<u32>,
    /// Log level: error, warn, info, debug, trace or off.
    #[arg(long, env = "LTV_LOG_LEVEL", default_value = "info")]
    log_level: LevelFilter,
    /// Print the OpenAPI document (JSON) to stdout and exit.
    #[arg(long)]
    print_openapi: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_openapi {
        println!(
            "{}",
            ltv_server::openapi_json(&ltv_server::openapi::openapi())
        );
        return ExitCode::SUCCESS;
    }
    tracing_subscriber::fmt()
        .with_max_level(args.log_level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let mut limits = Limits {
        max_body_bytes: usize::try_from(args.max_body_mb)? * 1024 * 1024,
        request_timeout: Duration::from_secs(args.request_timeout_s),
        ..Limits::default()
    };
    if let Some(jobs) = args.heavy_jobs {
        limits.heavy_jobs = usize::try_from(jobs)?;
    }
    let body_limits = BodyLimits {
        in_flight_bytes: usize::try_from(args.max_inflight_body_mb)? * 1024 * 1024,
        ..BodyLimits::default()
    };
    let mut serve_options = ServeOptions {
        header_timeout: Duration::from_secs(args.header_timeout_s),
        ..ServeOptions::default()
    };
    if let Some(n) = args.max_connections {
        serve_options.max_connections = usize::try_from(n)?;
    }
    let state = AppState::with_body_limits(limits, body_limits);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        tracing::info!(
            addr = %listener.local_addr()?,
            max_body_bytes = limits.max_body_bytes,
            request_timeout_s = args.request_timeout_s,
            heavy_jobs = limits.heavy_jobs,
            header_timeout_s = args.header_timeout_s,
            max_connections = serve_options.max_connections,
            max_inflight_body_bytes = state.body_limits().in_flight_bytes,
            "ltv-server listening"
        );
        serve(listener, router(state), serve_options, shutdown_signal())
            .await
            .context("serving")?;
        tracing::info!("ltv-server stopped");
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM; `axum::serve` then stops accepting and waits for
/// in-flight requests.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::warn!("cannot listen for SIGTERM: {err}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C: finishing in-flight requests"),
        () = terminate => tracing::info!("SIGTERM: finishing in-flight requests"),
    }
}
