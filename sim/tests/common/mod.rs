//! Helpers for the black-box tests: a simulator process per test (the native binary,
//! `npx paysg-sim`, or the in-process simulator behind an HTTP adapter, as `PAYSG_SIM_SHELL`
//! says), a small PaySG client, a webhook receiver, the
//! `PaySG-Signature` recipe, and assertions on PaySG's shapes.

mod client;
mod data;
mod page;
mod shapes;
mod state;
mod webhooks;

#[allow(unused_imports)] // each test binary uses its own part of them
pub use {client::*, data::*, page::*, shapes::*, state::*, webhooks::*};

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The simulator binary built by Cargo for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_paysg-sim");
/// The npm package's command line as built (`bin.paysg-sim` of sim/pkg/package.json).
pub const NPM_CLI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg/dist/cli.mjs");
/// The HTTP adapter in front of the npm package's in-process simulator (tests/common/inprocess.mjs).
pub const INPROCESS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/inprocess.mjs");
/// A staging key, accepted by default.
pub const KEY: &str = "paysg_stag_integration_tests";
/// A payment service id with PaySG's prefix.
pub const SERVICE: &str = "payment_service_fe5b1b0b-065a-43b8-939d-03ab2b67ede9";
/// The line prefix the simulator prints on stdout once it accepts connections.
const LISTENING: &str = "listening on http://";

// ---------------------------------------------------------------------------------------------
// The shell under test
// ---------------------------------------------------------------------------------------------

/// A server that runs the simulator's core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// The `paysg-sim` binary (axum, SQLite for `--data`).
    Native,
    /// `npx paysg-sim`: the npm package's CLI in Node (node:http, a journal for `--data`).
    Npm,
    /// The npm package's in-process simulator (`createSimulator` without `port`: its `fetch`
    /// answers without a socket), behind a small HTTP adapter (tests/common/inprocess.mjs) that
    /// takes the CLI's flags. The adapter is Node's HTTP server, so what only a server shell
    /// does (framing, time-outs, connection limits, exit codes) is not the simulator's here.
    InProcess,
}

impl Shell {
    /// The shell `PAYSG_SIM_SHELL` names (`native`, the default, `npm` or `inprocess`).
    pub fn under_test() -> Shell {
        match std::env::var("PAYSG_SIM_SHELL").as_deref() {
            Err(_) | Ok("" | "native") => Shell::Native,
            Ok("npm") => Shell::Npm,
            Ok("inprocess") => Shell::InProcess,
            Ok(other) => {
                panic!("PAYSG_SIM_SHELL must be native, npm or inprocess, got {other:?}")
            }
        }
    }

    /// The command that starts this shell's server (flags to be added).
    pub fn command(self) -> Command {
        match self {
            Shell::Native => Command::new(BIN),
            Shell::Npm | Shell::InProcess => {
                assert!(
                    std::path::Path::new(NPM_CLI).exists(),
                    "{NPM_CLI} is missing: run `node scripts/build.mjs` first"
                );
                let mut cmd = Command::new("node");
                cmd.arg(if self == Shell::Npm {
                    NPM_CLI
                } else {
                    INPROCESS
                });
                cmd
            }
        }
    }
}

/// Whether the shell under test is not `only`, which alone can run the calling case: the caller
/// returns early (the case passes, and a line on stderr says it was skipped and `why`).
pub fn skip_unless(only: Shell, why: &str) -> bool {
    skip_unless_any(&[only], why)
}

/// Whether the shell under test is none of `shells`, which alone can run the calling case (as
/// [`skip_unless`]): e.g. `&[Shell::Native, Shell::Npm]` for what only a server shell does.
pub fn skip_unless_any(shells: &[Shell], why: &str) -> bool {
    let shell = Shell::under_test();
    if shells.contains(&shell) {
        return false;
    }
    eprintln!("skipped on the {shell:?} shell: {why}");
    true
}

/// The server shells: what only a server does (framing, time-outs, connection limits, process
/// exit) is theirs; the in-process simulator has no server of its own.
pub const SERVERS: &[Shell] = &[Shell::Native, Shell::Npm];

// ---------------------------------------------------------------------------------------------
// The simulator process
// ---------------------------------------------------------------------------------------------

/// A running simulator, killed when dropped.
pub struct Sim {
    child: Child,
    /// `http://<host>:<port>` as printed on the `listening on` line.
    pub url: String,
    /// The host part of the `listening on` line.
    pub host: String,
    /// The port it listens on.
    pub port: u16,
    stderr: Arc<Mutex<String>>,
}

/// What became of a launch: a running simulator, or a process that exited before listening.
pub enum Launch {
    /// It printed the `listening on` line.
    Running(Sim),
    /// It exited first.
    Exited {
        /// Its exit status.
        status: ExitStatus,
        /// Everything it wrote to stdout.
        stdout: String,
        /// Everything it wrote to stderr.
        stderr: String,
    },
}

impl Sim {
    /// Starts `paysg-sim --port 0 --quiet <args>` and waits for its `listening on` line.
    pub fn start(args: &[&str]) -> Sim {
        match Sim::launch(args) {
            Launch::Running(sim) => sim,
            Launch::Exited {
                status,
                stdout,
                stderr,
            } => panic!(
                "paysg-sim {args:?} exited before listening ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
            ),
        }
    }

    /// Starts `paysg-sim --port 0 <args>` without `--quiet`, and waits for its `listening on` line.
    pub fn start_logging(args: &[&str]) -> Sim {
        match Sim::launch_with(args, false) {
            Launch::Running(sim) => sim,
            Launch::Exited { status, stderr, .. } => {
                panic!("paysg-sim {args:?} exited before listening ({status})\n{stderr}")
            }
        }
    }

    /// Starts `paysg-sim --port 0 --quiet <args>` and reports whether it came up.
    pub fn launch(args: &[&str]) -> Launch {
        Sim::launch_with(args, true)
    }

    /// Starts `<shell> --port 0 --quiet <args>`, whichever shell `PAYSG_SIM_SHELL` names.
    pub fn start_on(shell: Shell, args: &[&str]) -> Sim {
        match Sim::launch_on(shell, args, true) {
            Launch::Running(sim) => sim,
            Launch::Exited { status, stderr, .. } => {
                panic!("{shell:?} paysg-sim {args:?} exited before listening ({status})\n{stderr}")
            }
        }
    }

    fn launch_with(args: &[&str], quiet: bool) -> Launch {
        Sim::launch_on(Shell::under_test(), args, quiet)
    }

    fn launch_on(shell: Shell, args: &[&str], quiet: bool) -> Launch {
        let mut child = shell
            .command()
            .args(["--port", "0"])
            .args(quiet.then_some("--quiet"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn paysg-sim");
        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().expect("stderr piped");
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        // Stdout is read on a thread for the whole life of the process, so that the simulator
        // never writes into a closed pipe.
        let (tx, rx) = mpsc::channel::<String>();
        let pipe = child.stdout.take().expect("stdout piped");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut stdout = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    stdout.push_str(&line);
                    stdout.push('\n');
                    if let Some(rest) = line.trim().strip_prefix(LISTENING) {
                        let (host, port) = rest.rsplit_once(':').expect("host:port");
                        let port = port.trim_end_matches('/').parse().expect("a port number");
                        return Launch::Running(Sim {
                            child,
                            url: format!("http://{host}:{port}"),
                            host: host.to_owned(),
                            port,
                            stderr,
                        });
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = wait_timeout(&mut child, Duration::from_secs(10))
                        .expect("paysg-sim closed stdout but did not exit");
                    // Give the stderr thread a moment to drain the pipe.
                    std::thread::sleep(Duration::from_millis(50));
                    let stderr = stderr.lock().unwrap().clone();
                    return Launch::Exited {
                        status,
                        stdout,
                        stderr,
                    };
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "paysg-sim {args:?} printed no `{LISTENING}…` line within 20 s\nstdout:\n{stdout}\nstderr:\n{}",
                        stderr.lock().unwrap()
                    );
                }
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends a signal (`TERM`, `INT`) with `kill` and waits up to `within` for the exit status.
    pub fn signal(&mut self, signal: &str, within: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} failed");
        wait_timeout(&mut self.child, within).unwrap_or_else(|| {
            panic!(
                "paysg-sim did not exit within {within:?} of SIG{signal}\nstderr:\n{}",
                self.stderr()
            )
        })
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Waits for a child to exit, up to `within`.
pub fn wait_timeout(child: &mut Child, within: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A path for a data file in Cargo's scratch directory for integration tests, removed if present.
pub fn scratch_file(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("paysg-sim-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}
