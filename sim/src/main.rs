//! The `paysg-sim` command: see `docs/paysg-sim.md`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use paysg_sim::core::faults::FaultPlan;
use paysg_sim::{serve, App, Config};
use tokio::net::TcpListener;

/// A local PaySG: the REST API, payment pages, idempotency, signed webhooks and faults on demand.
#[derive(Debug, Parser)]
#[command(name = "paysg-sim", version, about, long_about = None)]
struct Args {
    /// Port to listen on; 0 picks a free one (the real one is printed).
    #[arg(long, default_value_t = 8790)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Base of payment_url and payment_qr_code_url [default: http://<host>:<port>].
    #[arg(long)]
    public_url: Option<String>,
    /// Accept only this API key (repeatable) [default: any key starting paysg_stag_].
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// POST payment.succeeded events to this URL (repeatable).
    #[arg(long = "webhook-url", value_name = "URL")]
    webhook_urls: Vec<String>,
    /// HMAC-SHA256 key of the PaySG-Signature header (required with --webhook-url).
    #[arg(long, value_name = "SECRET")]
    webhook_secret: Option<String>,
    /// Delivery attempts per event and endpoint (1 = no retry).
    #[arg(long, default_value_t = 6, value_name = "N")]
    webhook_max_attempts: u32,
    /// First webhook retry delay in ms; doubles each attempt (plus up to 10 % jitter).
    #[arg(long, default_value_t = 500, value_name = "MS")]
    webhook_backoff_ms: u64,
    /// Unit of t in PaySG-Signature: s or ms.
    #[arg(long, default_value = "ms", value_parser = ["s", "ms"])]
    signature_time_unit: String,
    /// Inject faults into API requests: comma-separated 500, 503, 429, stall, drop.
    #[arg(long, value_name = "KINDS")]
    fault: Option<String>,
    /// Fraction (0 to 1) of API requests that get a fault [default: 1 with --fault].
    #[arg(long, value_name = "F")]
    fault_rate: Option<f64>,
    /// Retry-After seconds sent with injected 429 and 503.
    #[arg(long, default_value_t = 1, value_name = "S")]
    retry_after: u64,
    /// How long a stall fault holds the response, in ms.
    #[arg(long, default_value_t = 30_000, value_name = "MS")]
    stall_ms: u64,
    /// Keep state in this file (SQLite): every change is on disk before it is answered. An older
    /// paysg-sim's JSON state file is migrated (kept beside as FILE.v1.json).
    #[arg(long, value_name = "FILE")]
    data: Option<PathBuf>,
    /// Cap the data file at this many bytes: past it, changes fail with 503 as on a full disk
    /// (to test how a client handles that).
    #[arg(long, value_name = "BYTES", requires = "data")]
    data_max_bytes: Option<u64>,
    /// Send payers whose return_url starts with FROM to TO instead (repeatable), e.g.
    /// https://eservice.example=http://127.0.0.1:8787 for local development without TLS.
    #[arg(long = "return-url-map", value_name = "FROM=TO")]
    return_url_map: Vec<String>,
    /// No request log on stderr.
    #[arg(long)]
    quiet: bool,
}

fn config(args: &Args, port: u16) -> Result<Config, String> {
    if !args.webhook_urls.is_empty() && args.webhook_secret.is_none() {
        return Err("--webhook-url needs --webhook-secret".to_owned());
    }
    let faults = match (&args.fault, args.fault_rate) {
        (Some(kinds), rate) => FaultPlan::new(kinds, rate.unwrap_or(1.0))?,
        (None, Some(_)) => return Err("--fault-rate needs --fault".to_owned()),
        (None, None) => FaultPlan::none(),
    };
    let host = match args.host {
        IpAddr::V6(h) => format!("[{h}]"),
        IpAddr::V4(h) => h.to_string(),
    };
    let return_url_map = args
        .return_url_map
        .iter()
        .map(|m| match m.split_once('=') {
            Some((from, to)) if !from.is_empty() && !to.is_empty() => {
                Ok((from.to_owned(), to.to_owned()))
            }
            _ => Err(format!("--return-url-map expects FROM=TO, got {m:?}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Config {
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{host}:{port}"))
            .trim_end_matches('/')
            .to_owned(),
        api_keys: args.api_keys.clone(),
        webhook_urls: args.webhook_urls.clone(),
        webhook_secret: args.webhook_secret.clone(),
        webhook_max_attempts: args.webhook_max_attempts.max(1),
        webhook_backoff: Duration::from_millis(args.webhook_backoff_ms),
        signature_in_seconds: args.signature_time_unit == "s",
        faults,
        retry_after_secs: args.retry_after,
        stall: Duration::from_millis(args.stall_ms),
        data: args.data.clone(),
        data_max_bytes: args.data_max_bytes,
        return_url_map,
        log: !args.quiet,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(SocketAddr::new(args.host, args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "paysg-sim: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    let app = match config(&args, port).and_then(App::new) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("paysg-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shown = match args.host {
        IpAddr::V6(h) => format!("[{h}]"),
        IpAddr::V4(h) => h.to_string(),
    };
    println!("listening on http://{shown}:{port}");
    serve(app, listener, shutdown_signal()).await;
    eprintln!("paysg-sim: stopped");
    ExitCode::SUCCESS
}
