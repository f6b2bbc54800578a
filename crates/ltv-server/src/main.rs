//! `ltv-server`: reads its configuration, sets up logging, binds, serves until SIGTERM
//! or Ctrl-C, then lets in-flight requests finish.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand};
use ltv_server::{router, serve, AppState, AuthOptions, BodyLimits, Limits, ServeOptions};
use ltv_store::{Role, Store, StoreOptions};
use tracing_subscriber::filter::LevelFilter;

/// The ltv engine as an HTTP service: LTV, unit economics, segments, forecasts, plans.
#[derive(Debug, Parser)]
#[command(
    name = "ltv-server",
    version,
    about,
    after_help = "Example:\n  ltv-server --addr 127.0.0.1:8080\n  curl -s localhost:8080/v1/calc/subscription -H 'content-type: application/json' \\\n      -d '{\"arpu\": \"10000\", \"churn\": \"0.05\", \"margin\": \"0.7\"}'\n\nThe team backlog (API and web board at /backlog):\n  ltv-server token create --db sqlite://team.db --name aiko --role editor\n  ltv-server --db sqlite://team.db --require-auth"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The backlog database (`sqlite://FILE` or `postgres://USER@HOST/DB`): serves the
    /// backlog API and the web board at /backlog; migrated to this version's schema at
    /// start.
    #[arg(long, env = "LTV_DATABASE_URL", global = true, value_name = "URL")]
    db: Option<String>,
    /// Every endpoint needs a token (`Authorization: Bearer TOKEN`), analyses included;
    /// open are only /healthz, /openapi.json and the board's page. Needs --db.
    #[arg(long, env = "LTV_REQUIRE_AUTH")]
    require_auth: bool,
    /// Failed authentications a client address may make per minute; more are answered
    /// 429 until the minute is over (1 to 10000).
    #[arg(long, env = "LTV_AUTH_FAILURES_PER_MINUTE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    auth_failures_per_minute: u32,
    /// Connections to the backlog database (1 to 1000).
    #[arg(long, env = "LTV_DB_CONNECTIONS", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    db_connections: u32,
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

/// Subcommands: token administration.
#[derive(Debug, Subcommand)]
enum Command {
    /// Create, list and revoke the API tokens of the backlog (in the --db database).
    #[command(subcommand)]
    Token(TokenCommand),
}

/// `ltv-server token …`.
#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token and print it once (only its SHA-256 is stored).
    #[command(
        after_help = "Example:\n  ltv-server token create --db sqlite://team.db --name \"aiko (marketing)\" --role editor"
    )]
    Create {
        /// Whose token it is: the audit log names it for every change made with it.
        #[arg(long)]
        name: String,
        /// viewer (reads), editor (also adds, rates, moves, snapshots) or admin (also
        /// deletes and manages tokens).
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["viewer", "editor", "admin"]))]
        role: String,
        /// Who creates it, for the audit log; default $USER.
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// List the tokens: name, role, created, revoked.
    List,
    /// Revoke the active token named NAME: it authenticates no more.
    Revoke {
        /// The token's name.
        name: String,
        /// Who revokes it, for the audit log; default $USER.
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Token(command)) = &args.command {
        return match tokens(args.db.as_deref(), command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::from(2)
            }
        };
    }
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
    if args.require_auth && args.db.is_none() {
        return Err(anyhow!(
            "--require-auth needs --db URL: the tokens live in the backlog database"
        ));
    }
    let mut state = AppState::with_body_limits(limits, body_limits).with_auth(AuthOptions {
        require_auth: args.require_auth,
        max_failures: args.auth_failures_per_minute,
        failure_window: Duration::from_secs(60),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        if let Some(url) = &args.db {
            let store = open_store(url, args.db_connections).await?;
            tracing::info!(
                db = store.shown_url(),
                require_auth = args.require_auth,
                "serving the backlog at /v1/backlog and /backlog"
            );
            if !args.require_auth {
                tracing::warn!(
                    "reads of the backlog are open to whoever reaches this address; changes need a token (--require-auth closes reads too)"
                );
            }
            state = state.with_store(store);
        }
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

/// Migrates the database to this version's schema (as `ltv backlog init`: applies what
/// is missing, refuses a newer schema), then opens a pool of `connections`.
async fn open_store(url: &str, connections: u32) -> Result<Store> {
    let (store, migrated) = Store::init(url, "ltv-server")
        .await
        .with_context(|| format!("opening the backlog database {}", ltv_store::redact(url)))?;
    if migrated.from != migrated.to {
        tracing::info!(
            db = store.shown_url(),
            from = migrated.from,
            to = migrated.to,
            "migrated the backlog schema"
        );
    }
    store.close().await;
    Store::open_with(
        url,
        StoreOptions {
            max_connections: connections,
            connect_timeout: Duration::from_secs(10),
        },
    )
    .await
    .with_context(|| format!("opening the backlog database {}", ltv_store::redact(url)))
}

/// `--as`, else `$USER`.
fn actor(given: Option<&str>) -> Result<String> {
    given
        .map(str::to_owned)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| anyhow!("no name for the audit log: pass --as NAME (or set USER)"))
}

/// `ltv-server token create|list|revoke`.
fn tokens(db: Option<&str>, command: &TokenCommand) -> Result<()> {
    let url = db.ok_or_else(|| {
        anyhow!("token commands need the backlog database: --db URL (or LTV_DATABASE_URL)")
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = open_store(url, 1).await?;
        let result = token_command(&store, command).await;
        store.close().await;
        result
    })
}

async fn token_command(store: &Store, command: &TokenCommand) -> Result<()> {
    match command {
        TokenCommand::Create {
            name,
            role,
            actor: who,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e| anyhow!("invalid value for --role: {e}"))?;
            let who = actor(who.as_deref())?;
            let issued = store.create_token(name, role, &who).await?;
            eprintln!(
                "created token \"{}\" ({}) in {}; it is shown this once, keep it safe:",
                issued.token.name,
                issued.token.role,
                store.shown_url()
            );
            println!("{}", issued.secret);
        }
        TokenCommand::List => {
            let all = store.tokens().await?;
            if all.is_empty() {
                println!("no tokens (create one with `ltv-server token create`)");
            }
            for t in all {
                let state = match (&t.revoked_at, &t.revoked_by) {
                    (Some(at), by) => format!(
                        "revoked {} by {}",
                        at.format("%Y-%m-%d %H:%M UTC"),
                        by.as_deref().unwrap_or("?")
                    ),
                    (None, _) => "active".to_owned(),
                };
                println!(
                    "{}\t{}\tcreated {} by {}\t{}",
                    t.name,
                    t.role,
                    t.created_at.format("%Y-%m-%d %H:%M UTC"),
                    t.created_by,
                    state
                );
            }
        }
        TokenCommand::Revoke { name, actor: who } => {
            let who = actor(who.as_deref())?;
            let t = store.revoke_token(name, &who).await?;
            println!("revoked token \"{}\" ({})", t.name, t.role);
        }
    }
    Ok(())
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
