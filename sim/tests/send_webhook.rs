//! `paysg-sim send-webhook` on the native binary: the event it posts verifies with the SDK's
//! `verify` and an independent HMAC, `--stale` is just past the SDK's default tolerance, the
//! report and exit status follow the receiver's answer, and argument errors exit 2 naming the
//! flag, never showing the secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

#[allow(dead_code)] // shared with tests/behaviour, which uses all of it
mod common;

use common::{parse_signature_header, signature, Receiver, BIN};
use paysg::webhook::{verify, Reason, DEFAULT_TOLERANCE_S};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

const SECRET: &str = "whsec_native_send_7f2a";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `paysg-sim send-webhook <args>` off the runtime's threads (the receiver runs on them).
async fn send(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(BIN)
            .arg("send-webhook")
            .args(&args)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    })
    .await
    .unwrap()
}

fn line<'a>(out: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    out.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("no {name} line in {out:?}"))
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_a_signed_payment_succeeded_and_reports_the_answer() {
    let receiver = Receiver::start(&[200, 400]).await;
    let ok = send(&["--to", &receiver.url, "--secret", SECRET]).await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert_eq!(line(&ok.stdout, "status"), "200");
    assert_eq!(line(&ok.stdout, "verdict"), "accepted (200)");
    assert!(line(&ok.stdout, "time").ends_with(" ms"));
    let hit = &receiver.hits()[0];
    let header = hit.header("paysg-signature");
    assert_eq!(hit.header("content-type"), "application/json");
    let (t, v1) = parse_signature_header(header);
    assert_eq!(v1, signature(SECRET, &t, &hit.body));
    assert_eq!(verify(&hit.body, header, SECRET, 300.0, now_ms()), Ok(None));
    let event = hit.json();
    assert_eq!(event["type"], "payment.succeeded");
    assert_eq!(event["data"]["object"]["payment_status"], "paid");
    assert!(!ok.stdout.contains(SECRET) && !ok.stderr.contains(SECRET));
    // The next answer is 400: refused, exit 1.
    let refused = send(&["--to", &receiver.url, "--secret", SECRET]).await;
    assert_eq!(refused.code, 1);
    assert!(line(&refused.stdout, "verdict").starts_with("refused with 400"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_is_past_the_default_tolerance_and_its_refusal_is_the_expected_outcome() {
    let receiver = Receiver::start(&[401, 200]).await;
    let refused = send(&["--to", &receiver.url, "--secret", SECRET, "--stale"]).await;
    assert_eq!(refused.code, 0, "{}{}", refused.stdout, refused.stderr);
    assert!(line(&refused.stdout, "verdict").contains("as expected"));
    let hit = &receiver.hits()[0];
    let header = hit.header("paysg-signature");
    let tolerance = f64::from(DEFAULT_TOLERANCE_S);
    let failure = verify(&hit.body, header, SECRET, tolerance, now_ms()).unwrap_err();
    assert_eq!(failure.reason, Reason::TimestampTooOld);
    assert_eq!(
        verify(&hit.body, header, SECRET, tolerance + 120.0, now_ms()),
        Ok(None)
    );
    let accepted = send(&["--to", &receiver.url, "--secret", SECRET, "--stale"]).await;
    assert_eq!(accepted.code, 1);
    assert!(line(&accepted.stdout, "verdict").contains("WRONG"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn argument_errors_exit_2_naming_the_flag() {
    for (args, says) in [
        (vec!["--secret", SECRET], "--to <URL> is required"),
        (
            vec!["--to", "http://127.0.0.1:9/"],
            "--secret <SECRET> is required",
        ),
        (
            vec![
                "--to",
                "http://127.0.0.1:9/",
                "--secret",
                SECRET,
                "--signing",
                "no",
            ],
            "--signing must be attempt or event",
        ),
        (
            vec![
                "--to",
                "http://h/",
                "--secret",
                SECRET,
                "--event",
                "/nonexistent.json",
            ],
            "--event /nonexistent.json: cannot read it (no such file)",
        ),
        (
            vec!["--to", "https://h/", "--secret", SECRET],
            "npx paysg-sim send-webhook",
        ),
    ] {
        let r = send(&args).await;
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains(SECRET));
        assert_eq!(r.stdout, "");
    }
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8(help.stdout)
        .unwrap()
        .contains("\n  send-webhook  "));
}
