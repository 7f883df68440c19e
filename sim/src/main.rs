//! The `paysg-sim` command: see `docs/paysg-sim.md`. Its flags are the core's
//! ([`paysg_sim::core::options::FLAGS`]), checked by the core's rules, as `npx paysg-sim`'s are;
//! `paysg-sim send-webhook …` is [`paysg_sim::send`].

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use paysg_sim::core::options::{self, Given, Kind, Style, FLAGS};
use paysg_sim::{serve, App};
use tokio::net::TcpListener;

/// The command line, from the core's flags table.
fn command() -> Command {
    let mut cmd = Command::new("paysg-sim")
        .version(env!("CARGO_PKG_VERSION"))
        .about("A local PaySG: the REST API, payment pages, idempotency, signed webhooks and faults on demand.")
        .after_help(paysg_sim::core::send::commands_help());
    for f in FLAGS {
        let mut arg = Arg::new(f.name).long(f.name).help(f.help);
        arg = match f.kind {
            Kind::Switch => arg.action(ArgAction::SetTrue),
            Kind::Value => arg.value_name(f.value).action(ArgAction::Set),
            Kind::Repeat => arg.value_name(f.value).action(ArgAction::Append),
        };
        if let (Some(d), Kind::Value) = (f.default, f.kind) {
            arg = arg.default_value(d);
        }
        cmd = cmd.arg(arg);
    }
    cmd
}

/// What was given on the command line (defaults left out: the core applies them).
fn given(m: &clap::ArgMatches) -> Given {
    let mut given = Vec::new();
    for f in FLAGS {
        let explicit = m.value_source(f.name) == Some(clap::parser::ValueSource::CommandLine);
        match f.kind {
            Kind::Switch if m.get_flag(f.name) => given.push((f.name.to_owned(), String::new())),
            Kind::Value | Kind::Repeat if explicit => {
                for v in m.get_many::<String>(f.name).into_iter().flatten() {
                    given.push((f.name.to_owned(), v.clone()));
                }
            }
            _ => {}
        }
    }
    Given(given)
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
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if argv.first().map(String::as_str) == Some(paysg_sim::core::send::NAME) {
        return ExitCode::from(paysg_sim::send::run(&argv[1..]).await);
    }
    let m = command().get_matches();
    let value = |name: &str| m.get_one::<String>(name).cloned().unwrap_or_default();
    let (Ok(port), Ok(host)) = (
        value("port").parse::<u16>(),
        value("host").parse::<IpAddr>(),
    ) else {
        eprintln!("paysg-sim: --port must be 0 to 65535 and --host an IP address");
        return ExitCode::FAILURE;
    };
    let listener = match TcpListener::bind(SocketAddr::new(host, port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("paysg-sim: cannot listen on {host}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    let shown = match host {
        IpAddr::V6(h) => format!("[{h}]"),
        IpAddr::V4(h) => h.to_string(),
    };
    let bound = format!("http://{shown}:{port}");
    let app = match options::config(&given(&m), &bound, Style::Cli).and_then(App::new) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("paysg-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {bound}");
    serve(app, listener, shutdown_signal()).await;
    eprintln!("paysg-sim: stopped");
    ExitCode::SUCCESS
}
