//! Section 1, command line and process: flags, host and port, the log, signals, `--data`, refusals at start-up.

use crate::common::*;
use paysg_sim::core::options::{Kind, FLAGS};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The flags a text names: every `--name` token (`--help` and `--version` aside).
fn flags_in(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2 && w.as_bytes()[2].is_ascii_lowercase())
        .filter(|w| !["--help", "--version"].contains(w))
        .map(str::to_owned)
        .collect()
}

/// What `<shell> <args>` printed on stdout, asserting success.
fn stdout_of(args: &[&str]) -> String {
    let out = Shell::under_test()
        .command()
        .args(args)
        .output()
        .expect("run paysg-sim");
    assert!(out.status.success(), "{args:?} exited with {}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The rows of the flags table of docs/paysg-sim.md: `(first cell, default cell)`.
fn docs_flag_rows() -> Vec<(String, String)> {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/paysg-sim.md"))
            .unwrap();
    docs.lines()
        .skip_while(|l| !l.starts_with("## Flags"))
        .take_while(|l| !l.starts_with("## What"))
        .filter(|l| l.starts_with("| `--"))
        .map(|l| {
            // Cells split on `|`, not on the escaped `\\|` inside one.
            let cells: Vec<String> = l
                .replace("\\|", "\u{1}")
                .split('|')
                .map(|c| c.trim().replace('\u{1}', "|"))
                .collect();
            (cells[1].clone(), cells[2].clone())
        })
        .collect()
}

#[test]
fn help_and_the_docs_name_the_flags_of_the_core_table() {
    if skip_unless_any(
        SERVERS,
        "--help is the CLI's; the in-process simulator takes options, not a command line",
    ) {
        return;
    }
    let help = stdout_of(&["--help"]);
    // The flags --help lists, each at the start of its entry.
    let listed = flags_in(
        &help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--").map(|f| format!("--{f}")))
            .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let rows = docs_flag_rows();
    let table: String = rows.iter().map(|(flag, _)| flag.as_str()).collect();
    let core: std::collections::BTreeSet<String> =
        FLAGS.iter().map(|f| format!("--{}", f.name)).collect();
    assert!(listed.len() >= 17, "{listed:?}");
    assert_eq!(listed, core, "--help and the core's flags table");
    assert_eq!(
        flags_in(&table),
        core,
        "the flags table of docs/paysg-sim.md and the core's"
    );
    for f in FLAGS {
        let (cell, default) = rows
            .iter()
            .find(|(cell, _)| flags_in(cell).contains(&format!("--{}", f.name)))
            .unwrap();
        assert_eq!(
            cell.contains("(repeatable)"),
            f.kind == Kind::Repeat,
            "docs: --{} is (repeatable) exactly when the core's table says so",
            f.name
        );
        if let Some(d) = f.default {
            assert!(
                default.starts_with(&format!("`{d}`")),
                "docs: --{}'s default is `{d}` in the core's table, {default:?} in the docs",
                f.name
            );
            if f.kind == Kind::Value {
                assert!(
                    help.contains(&format!("[default: {d}]")),
                    "--help does not show --{}'s default {d}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn version_is_the_crates() {
    if skip_unless_any(
        SERVERS,
        "--version is the CLI's; the in-process simulator takes options, not a command line",
    ) {
        return;
    }
    let version = stdout_of(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("paysg-sim {}", env!("CARGO_PKG_VERSION")),
        "--version"
    );
}

#[tokio::test]
async fn port_zero_picks_a_port_and_binds_only_loopback() {
    if skip_unless_any(
        SERVERS,
        "binding a port is a server's; the in-process simulator opens none (its adapter binds)",
    ) {
        return;
    }
    let sim = Sim::start(&[]);
    assert_eq!(sim.host, "127.0.0.1", "the default host");
    assert_ne!(sim.port, 0, "the printed port must be the real one");
    sim.api().list("").await.expect(200);
    // Bound to 127.0.0.1, not to every address: another loopback address is refused.
    let other = std::net::SocketAddr::from(([127, 0, 0, 2], sim.port));
    assert!(
        std::net::TcpStream::connect_timeout(&other, Duration::from_secs(1)).is_err(),
        "127.0.0.2:{} accepted a connection: the simulator is not bound to 127.0.0.1 only",
        sim.port
    );
    // Two simulators on port 0 get different ports.
    let second = Sim::start(&[]);
    assert_ne!(sim.port, second.port);
}

#[tokio::test]
async fn host_and_public_url_flags() {
    let sim = Sim::start(&["--host", "127.0.0.2"]);
    assert_eq!(sim.host, "127.0.0.2");
    let payment = sim.api().create_ok(&minimal("host", 100)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        payment["payment_url"],
        json!(format!("http://127.0.0.2:{}/payments/{id}", sim.port)),
        "payment_url defaults to http://<host>:<port>"
    );

    let sim = Sim::start(&["--public-url", "https://pay.sim.example"]);
    let payment = sim.api().create_ok(&minimal("public", 100)).await;
    let id = payment["id"].as_str().unwrap();
    assert_eq!(
        payment["payment_url"],
        json!(format!("https://pay.sim.example/payments/{id}"))
    );
    assert_eq!(
        payment["payment_qr_code_url"],
        json!(format!(
            "https://pay.sim.example/v1/public/payments/{id}-qr.png"
        ))
    );
}

#[tokio::test]
async fn requests_are_logged_on_stderr_unless_quiet() {
    let loud = Sim::start_logging(&[]);
    let quiet = Sim::start(&[]);
    for sim in [&loud, &quiet] {
        sim.api().create_ok(&minimal("logged", 100)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        loud.stderr().contains("/v1/payment-services/"),
        "no request log on stderr without --quiet:\n{}",
        loud.stderr()
    );
    assert!(
        !quiet.stderr().contains("/v1/payment-services/"),
        "--quiet still logs requests:\n{}",
        quiet.stderr()
    );
}

#[tokio::test]
async fn sigterm_and_sigint_stop_it_cleanly() {
    if skip_unless_any(
        SERVERS,
        "signals and the exit status are a server process's; the in-process simulator has none",
    ) {
        return;
    }
    for signal in ["TERM", "INT"] {
        let mut sim = Sim::start(&[]);
        sim.api().create_ok(&minimal("before-stop", 100)).await;
        let started = Instant::now();
        let status = sim.signal(signal, Duration::from_secs(5));
        assert!(
            status.success(),
            "SIG{signal} must stop it with success, got {status}\nstderr:\n{}",
            sim.stderr()
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // It no longer answers.
        let gone = try_send(client().get(format!("{}/sim/state", sim.url))).await;
        assert!(gone.is_err(), "still answering after SIG{signal}");
    }
}

#[tokio::test]
async fn data_file_keeps_state_across_a_restart() {
    let path = scratch_file("restart");
    let data = path.to_str().unwrap();

    let mut sim = Sim::start(&["--data", data]);
    let api = sim.api();
    let kept = api.create_ok(&minimal("kept-1", 1000)).await;
    let paid = api.create_ok(&minimal("kept-2", 2000)).await;
    let paid_id = paid["id"].as_str().unwrap().to_owned();
    api.pay_ok(&paid_id).await;
    api.refund(&paid_id, 500).await.expect(200);
    // Each change is in the file before it is answered: SQLite for the native binary, a journal
    // of JSON lines for `npx paysg-sim` (the shells' own formats; neither reads the other's).
    let on_disk = std::fs::read(&path).expect("the data file exists after a change");
    match Shell::under_test() {
        Shell::Native => assert!(
            on_disk.starts_with(b"SQLite format 3\0"),
            "the data file is SQLite"
        ),
        Shell::Npm | Shell::InProcess => assert!(
            on_disk.starts_with(b"{") && on_disk.ends_with(b"\n"),
            "the data file is a journal of JSON lines"
        ),
    }
    let wal = std::fs::read(format!("{data}-wal")).unwrap_or_default();
    let id = kept["id"].as_str().unwrap().as_bytes();
    assert!(
        [&on_disk, &wal]
            .iter()
            .any(|f| f.windows(id.len()).any(|w| w == id)),
        "the data file lacks the new payment"
    );
    let before: Vec<Value> = vec![
        api.get_ok(kept["id"].as_str().unwrap()).await,
        api.get_ok(&paid_id).await,
    ];
    let status = sim.signal("TERM", Duration::from_secs(5));
    assert!(status.success(), "SIGTERM exit status {status}");
    drop(sim);

    let sim = Sim::start(&["--data", data]);
    let api = sim.api();
    for old in &before {
        let now = api.get_ok(old["id"].as_str().unwrap()).await;
        // The links follow the new port; everything else is as it was.
        let strip = |p: &Value| {
            let mut p = p.clone();
            let map = p.as_object_mut().unwrap();
            map.remove("payment_url");
            map.remove("payment_qr_code_url");
            p
        };
        assert_eq!(
            strip(&now),
            strip(old),
            "a payment changed across the restart"
        );
    }
    assert_eq!(api.all_ids().await.len(), 2);
    drop(sim);
    for f in [
        data.to_owned(),
        format!("{data}-wal"),
        format!("{data}-shm"),
        format!("{data}.lock"), // npx paysg-sim's lock
    ] {
        let _ = std::fs::remove_file(f);
    }
}

#[tokio::test]
async fn malformed_data_file_refuses_to_start_and_is_left_alone() {
    let path = scratch_file("malformed");
    let garbage = "{ \"payments\": [ this is not JSON";
    std::fs::write(&path, garbage).unwrap();
    match Sim::launch(&["--data", path.to_str().unwrap()]) {
        Launch::Running(_) => panic!("started with a malformed data file"),
        Launch::Exited { status, stderr, .. } => {
            assert!(!status.success(), "exit status {status} must be non-zero");
            assert!(!stderr.trim().is_empty(), "no explanation on stderr");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        garbage,
        "the malformed data file was changed"
    );
    let _ = std::fs::remove_file(&path);
}

#[tokio::test]
async fn webhook_url_without_a_secret_refuses_to_start() {
    match Sim::launch(&["--webhook-url", "http://127.0.0.1:9/hooks"]) {
        Launch::Running(_) => panic!("started with --webhook-url but no --webhook-secret"),
        Launch::Exited { status, .. } => assert!(!status.success()),
    }
}
