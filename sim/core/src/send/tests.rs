use super::*;
use crate::ids::Seeded;
use paysg::webhook::{verify, Reason};

const NOW: i64 = 1_700_000_000_000;
const SECRET: &str = "whsec_send_test_0123";

fn argv(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn args(extra: &[&str]) -> Args {
    let mut a = argv(&["--to", "https://example.gov.sg/hook", "--secret", SECRET]);
    a.extend(argv(extra));
    match parse(&a) {
        Ok(Parsed::Run(args)) => args,
        other => panic!("not parsed: {other:?}"),
    }
}

fn header(r: &Request) -> &str {
    &r.headers
        .iter()
        .find(|(n, _)| n == "paysg-signature")
        .unwrap()
        .1
}

#[test]
fn the_made_up_event_verifies_with_the_sdk_and_has_the_sims_shapes() {
    let a = args(&[]);
    let r = request(&a, None, NOW, &mut Seeded(7)).unwrap();
    assert_eq!(
        verify(r.body.as_bytes(), header(&r), SECRET, 300.0, NOW as f64),
        Ok(None)
    );
    let ev: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(ev["type"], "payment.succeeded");
    assert!(ev["id"].as_str().unwrap().starts_with("evt_"));
    assert!(ev["payment_service_id"]
        .as_str()
        .unwrap()
        .starts_with("payment_service_"));
    assert_eq!(ev["data"]["object"]["payment_status"], "paid");
    assert_eq!(ev["data"]["object"]["id"].as_str().unwrap().len(), 21);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert!(!r.intro.contains(SECRET) && !format!("{a:?}").contains(SECRET));
    // Another secret does not verify.
    let other = verify(
        r.body.as_bytes(),
        header(&r),
        "whsec_other",
        300.0,
        NOW as f64,
    );
    assert_eq!(other.unwrap_err().reason, Reason::NoMatchingSignature);
}

#[test]
fn stale_is_just_past_the_default_tolerance() {
    let r = request(&args(&["--stale"]), None, NOW, &mut Seeded(1)).unwrap();
    let tol = f64::from(DEFAULT_TOLERANCE_S);
    let refused = verify(r.body.as_bytes(), header(&r), SECRET, tol, NOW as f64);
    assert_eq!(refused.unwrap_err().reason, Reason::TimestampTooOld);
    // Within a tolerance STALE_MARGIN_S longer it verifies: it is stale only by the margin.
    let margin = tol + STALE_MARGIN_S as f64;
    assert_eq!(
        verify(r.body.as_bytes(), header(&r), SECRET, margin, NOW as f64),
        Ok(None)
    );
    let t: i64 = header(&r)[2..].split(',').next().unwrap().parse().unwrap();
    assert_eq!(
        t,
        NOW - (i64::from(DEFAULT_TOLERANCE_S) + STALE_MARGIN_S) * 1000
    );
}

#[test]
fn an_event_file_is_sent_byte_for_byte_and_event_signing_uses_its_created_at() {
    let body = "{\n  \"id\": \"evt_1\", \"type\": \"payment.succeeded\", \"object\": \"event\",\n  \"created_at\": \"2023-11-15T06:13:20.000+08:00\", \"data\": { \"object\": { \"id\": \"p1\" } }\n}";
    let r = request(
        &args(&["--event", "e.json"]),
        Some(Ok(body.as_bytes())),
        NOW,
        &mut Seeded(1),
    )
    .unwrap();
    assert_eq!(r.body, body);
    assert!(header(&r).starts_with(&format!("t={NOW},")));
    let r = request(
        &args(&["--event", "e.json", "--signing", "event"]),
        Some(Ok(body.as_bytes())),
        NOW,
        &mut Seeded(1),
    )
    .unwrap();
    // 2023-11-15T06:13:20+08:00 is 1,700,000,000 s after the epoch.
    assert!(header(&r).starts_with("t=1700000000000,"), "{}", header(&r));
    let r = request(
        &args(&[
            "--event",
            "e.json",
            "--signing",
            "event",
            "--signature-time-unit",
            "s",
        ]),
        Some(Ok(body.as_bytes())),
        NOW + 5000,
        &mut Seeded(1),
    )
    .unwrap();
    assert!(header(&r).starts_with("t=1700000000,"));
    // A body the SDK refuses is sent anyway, with a note saying so.
    let r = request(
        &args(&["--event", "e.json"]),
        Some(Ok(b"{\"id\":1}")),
        NOW,
        &mut Seeded(1),
    )
    .unwrap();
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("verifyWebhook would refuse")),
        "{:?}",
        r.notes
    );
}

#[test]
fn event_file_problems_are_argument_errors_naming_the_flag() {
    let a = args(&["--event", "e.json"]);
    for (file, says) in [
        (Err("No such file"), "cannot read it (No such file)"),
        (Ok(&b"not json"[..]), "is not JSON"),
        (Ok(&b"[1]"[..]), "not an object"),
        (Ok(&b"\xff"[..]), "not UTF-8"),
    ] {
        let e = request(&a, Some(file), NOW, &mut Seeded(1)).unwrap_err();
        assert!(e.contains("--event e.json") && e.contains(says), "{e}");
    }
    // A path (or an error) holding the secret is shown masked.
    let odd = args(&["--event", SECRET]);
    let e = request(&odd, Some(Err(SECRET)), NOW, &mut Seeded(1)).unwrap_err();
    assert!(
        !e.contains(SECRET) && e.contains("--event [secret]: cannot read it ([secret])"),
        "{e}"
    );
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    assert!(request(&a, Some(Ok(&big)), NOW, &mut Seeded(1))
        .unwrap_err()
        .contains("bytes"));
    let no_time = request(
        &args(&["--event", "e.json", "--signing", "event"]),
        Some(Ok(b"{}")),
        NOW,
        &mut Seeded(1),
    );
    assert!(no_time.unwrap_err().contains("no created_at"));
}

#[test]
fn argument_errors_name_the_flag_and_never_the_secret() {
    let err = |a: &[&str]| parse(&argv(a)).unwrap_err();
    assert!(err(&["--secret", SECRET]).contains("--to <URL> is required"));
    assert!(err(&["--to", "http://h/"]).contains("--secret <SECRET> is required"));
    assert!(err(&["--to", "http://h/", "--secret", ""]).contains("--secret is empty"));
    let e = err(&[
        "--to",
        "http://h/",
        "--secret",
        SECRET,
        "--signing",
        "later",
    ]);
    assert!(
        e.contains("--signing must be attempt or event; got 'later'"),
        "{e}"
    );
    let e = err(&["--to", SECRET, "--secret", SECRET, SECRET]);
    assert!(
        !e.contains(SECRET)
            && e.contains("--to must be")
            && e.contains("unexpected argument '[secret]'"),
        "{e}"
    );
    assert!(err(&["--to", "--secret", SECRET]).contains("--to needs a value <URL>"));
    assert!(err(&["--to", "ftp://h/", "--secret", "s"]).contains("http:// or https://"));
    assert!(err(&["--to=http://h/", "--to=http://i/", "--secret=s"]).contains("more than once"));
    assert!(
        err(&["--to=http://h/", "--secret=s", "--stale=yes"]).contains("--stale takes no value")
    );
    assert!(err(&[]).contains("--to") && err(&[]).contains("--secret"));
    assert_eq!(parse(&argv(&["--to", "x", "--help"])), Ok(Parsed::Help));
    for f in SEND_FLAGS {
        assert!(help().contains(&format!("--{}", f.name)));
    }
    // Both forms, and a secret with spaces kept as given (as verifyWebhook takes it).
    let a = args(&["--signing=event", "--stale"]);
    assert_eq!((a.signing, a.stale), (WebhookSigning::PerEvent, true));
    let r = request(&args(&[]), None, NOW, &mut Seeded(1)).unwrap();
    let spaced = match parse(&argv(&["--to", "http://h/", "--secret", " s "])) {
        Ok(Parsed::Run(a)) => a,
        other => panic!("{other:?}"),
    };
    assert_eq!(spaced.secret(), " s ");
    let n = request(&spaced, None, NOW, &mut Seeded(1)).unwrap().notes;
    assert!(n[0].contains("whitespace"));
    assert!(r.notes.is_empty());
}

#[test]
fn the_report_judges_the_answer() {
    let plain = args(&[]);
    let stale = args(&["--stale"]);
    let answer = |status, body| EndpointResponse {
        status,
        body,
        elapsed_ms: 12.4,
        error: None,
    };
    let ok = report(&plain, &answer(Some(204), ""));
    assert_eq!(
        (ok.exit, ok.text.as_str()),
        (
            0,
            "status: 204\ntime: 12 ms\nbody: (empty)\nverdict: accepted (204)"
        )
    );
    assert_eq!(report(&plain, &answer(Some(300), "")).exit, 1);
    assert_eq!(report(&plain, &answer(Some(199), "")).exit, 1);
    assert_eq!(report(&plain, &answer(Some(299), "")).exit, 0);
    let refused = report(&stale, &answer(Some(400), "stale"));
    assert_eq!(refused.exit, 0);
    assert!(refused.text.contains("refused with 400, as expected"));
    let wrong = report(&stale, &answer(Some(200), ""));
    assert_eq!(wrong.exit, 1);
    assert!(wrong.text.contains("WRONG"));
    // The first 500 characters, the secret masked.
    let long = format!("{SECRET}{}", "é".repeat(600));
    let r = report(&plain, &answer(Some(500), &long));
    let body = r.text.lines().find(|l| l.starts_with("body: ")).unwrap();
    assert!(!r.text.contains(SECRET) && body.contains("[secret]"));
    assert!(body.ends_with(&format!("… ({} more characters)", 8 + 600 - SHOWN_CHARS)));
    let none = report(
        &stale,
        &EndpointResponse {
            status: None,
            body: "",
            elapsed_ms: 10_000.0,
            error: Some("timeout"),
        },
    );
    assert_eq!(none.exit, 1);
    assert!(none.text.contains("no answer within 10 s"));
}

#[test]
fn iso_times_read_as_paysg_writes_them() {
    for ms in [0, 1_696_234_628_210, NOW, NOW + 7] {
        assert_eq!(iso_ms(&iso_sgt(ms)), Some(ms));
    }
    assert_eq!(iso_ms("2023-11-14T22:13:20Z"), Some(NOW));
    assert_eq!(iso_ms("2023-11-14T17:13:20.5-05:00"), Some(NOW + 500));
    for bad in [
        "",
        "2023-11-14",
        "2023-13-14T22:13:20Z",
        "2023-11-14T22:13:20",
        "2023-11-14T22:13:20.Z",
    ] {
        assert_eq!(iso_ms(bad), None, "{bad}");
    }
}
