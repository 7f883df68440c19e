//! `paysg-sim send-webhook` on the native binary: the core ([`crate::core::send`]) reads the
//! flags, builds and signs the event and writes the report, as for `npx paysg-sim
//! send-webhook`; this file reads the event file, POSTs with reqwest and prints.
//!
//! This build's reqwest has no TLS: an `https://` endpoint is refused (exit status 2) with a
//! pointer to `npx paysg-sim send-webhook`, which speaks both.

use std::time::{Duration, Instant};

use crate::core::send::{self, EndpointResponse, Parsed};
use crate::os::{now_ms, OsEntropy};

/// Why a POST got no answer, in a few words (the core masks the secret in it).
fn why(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "could not connect".to_owned()
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        text
    }
}

/// Runs `send-webhook` with the arguments after its name; returns the exit status.
pub async fn run(argv: &[String]) -> u8 {
    let args = match send::parse(argv) {
        Ok(Parsed::Help) => {
            println!("{}", send::help());
            return 0;
        }
        Ok(Parsed::Run(a)) => a,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    if args.to.starts_with("https://") {
        eprintln!(
            "{}",
            send::usage_error("--to is an https:// URL, and this native build of paysg-sim speaks plain http only: use `npx paysg-sim send-webhook` (the same flags) for an https endpoint")
        );
        return 2;
    }
    let read = args.event.as_ref().map(|path| {
        std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            _ => e.to_string(),
        })
    });
    let file = match &read {
        None => None,
        Some(Ok(bytes)) => Some(Ok(bytes.as_slice())),
        Some(Err(why)) => Some(Err(why.as_str())),
    };
    let req = match send::request(&args, file, now_ms(), &mut OsEntropy) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    for note in &req.notes {
        eprintln!("paysg-sim send-webhook: note: {note}");
    }
    println!("{}", req.intro);
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_millis(send::TIMEOUT_MS))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("paysg-sim send-webhook: cannot build an HTTP client: {e}");
            return 1;
        }
    };
    let mut post = client.post(&req.url).body(req.body.clone());
    for (name, value) in &req.headers {
        post = post.header(name, value);
    }
    let started = Instant::now();
    let (status, body, error) = match post.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            (Some(status), res.text().await.unwrap_or_default(), None)
        }
        Err(e) if e.is_timeout() => (None, String::new(), Some("timeout".to_owned())),
        Err(e) => (None, String::new(), Some(why(&e))),
    };
    let report = send::report(
        &args,
        &EndpointResponse {
            status,
            body: &body,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            error: error.as_deref(),
        },
    );
    println!("{}", report.text);
    report.exit
}
