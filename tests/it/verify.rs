//! `verifyCredentials`' decisions (src/client/verify.rs): the checks before sending, the call,
//! and what each outcome means. Expectations come from the constants and the agreed codes.

use paysg::client::verify::{
    self, Check, Environment, Outcome, VERIFY_MAX_RETRIES, VERIFY_TIMEOUT_MS,
};
use paysg::client::Options;
use paysg::request::{LIVE_BASE_URL, LIVE_KEY_PREFIX, STAGING_BASE_URL, STAGING_KEY_PREFIX};
use paysg::scalar::Scalar;

const SERVICE: &str = "payment_service_abc";
const SECRET: &str = "s3cr3tK3yMaterial";

fn key(prefix: &str) -> String {
    format!("{prefix}{SECRET}")
}

fn options(api_key: &str, base_url: Option<&str>) -> Options {
    Options {
        api_key: Scalar::Str(api_key.to_owned()),
        payment_service_id: Scalar::Str(SERVICE.to_owned()),
        base_url: base_url.map_or(Scalar::Absent, |b| Scalar::Str(b.to_owned())),
        ..Options::default()
    }
}

fn check(o: &Options) -> Check {
    verify::check(
        o.clone(),
        Options::default(),
        Scalar::Str("node v22".to_owned()),
    )
}

fn codes(c: &Check) -> Vec<&str> {
    c.problems.iter().map(|p| p.code.as_str()).collect()
}

/// Every problem of a check, planned, and its report for `outcome`.
fn report(o: &Options, outcome: &Outcome) -> verify::Report {
    let mut c = check(o);
    let planned = verify::plan(&mut c, [7; 16], 1_000.0);
    let outcome = if planned.is_some() {
        outcome.clone()
    } else {
        Outcome::NotSent
    };
    verify::report(&c, &outcome)
}

fn assert_no_key(r: &verify::Report) {
    for p in &r.problems {
        assert!(
            !p.message.contains(SECRET),
            "{} shows the key: {}",
            p.code,
            p.message
        );
    }
}

#[test]
fn environment_is_the_hosts() {
    assert_eq!(Environment::of(STAGING_BASE_URL), Environment::Staging);
    assert_eq!(Environment::of(LIVE_BASE_URL), Environment::Live);
    assert_eq!(
        Environment::of(&format!("{LIVE_BASE_URL}/")),
        Environment::Live
    );
    assert_eq!(
        Environment::of("https://API.PAY.GOV.SG:443"),
        Environment::Live
    );
    for other in [
        "http://127.0.0.1:8790",
        "https://proxy.example.gov.sg",
        "https://api.pay.gov.sg.example.com",
        "https://xapi.pay.gov.sg",
        "",
    ] {
        assert_eq!(Environment::of(other), Environment::Other, "{other}");
    }
}

#[test]
fn the_call_is_one_list_of_one_with_a_short_deadline() {
    let mut c = check(&options(&key(STAGING_KEY_PREFIX), None));
    assert!(c.send && c.problems.is_empty());
    let plan = verify::plan(&mut c, [0; 16], 1_000.0).expect("planned");
    assert_eq!(plan.request.method, "GET");
    assert_eq!(
        plan.request.url,
        format!("{STAGING_BASE_URL}/v1/payment-services/{SERVICE}/payments?limit=1")
    );
    assert_eq!(
        plan.request.header("x-api-key"),
        Some(key(STAGING_KEY_PREFIX).as_str())
    );
    assert_eq!(plan.context.timeout_ms, VERIFY_TIMEOUT_MS);
    assert_eq!(plan.context.max_retries, VERIFY_MAX_RETRIES);
    assert_eq!(plan.context.idempotency_key, None);
}

#[test]
fn timeout_and_retries_follow_the_options_when_given() {
    let mut o = options(&key(STAGING_KEY_PREFIX), None);
    o.timeout_ms = Scalar::Num(2_500.0);
    o.max_retries = Scalar::Num(0.0);
    let mut c = check(&o);
    let plan = verify::plan(&mut c, [0; 16], 0.0).unwrap();
    assert_eq!(
        (plan.context.timeout_ms, plan.context.max_retries),
        (2_500, 0)
    );
    // A call's own options override the client's.
    let call = Options {
        timeout_ms: Scalar::Num(700.0),
        ..Options::default()
    };
    let mut c = verify::check(o, call, Scalar::Absent);
    assert_eq!(
        verify::plan(&mut c, [0; 16], 0.0)
            .unwrap()
            .context
            .timeout_ms,
        700
    );
}

#[test]
fn each_status_has_its_problem() {
    let o = options(&key(STAGING_KEY_PREFIX), Some("http://127.0.0.1:8790"));
    let expect = [
        (401, "api_key_not_recognised", "127.0.0.1:8790"),
        (403, "permission_missing", "Billing collaborator"),
        (404, "payment_service_not_found", SERVICE),
        (400, "unexpected_response", "400"),
        (405, "unexpected_response", "405"),
        (429, "unexpected_response", "try again later"),
        (500, "unexpected_response", "try again later"),
        (503, "unexpected_response", "503"),
    ];
    for (status, code, says) in expect {
        let r = report(&o, &Outcome::Status(status));
        assert!(!r.ok, "{status}");
        assert_eq!(r.problems.len(), 1, "{status}");
        assert_eq!(r.problems[0].code, code, "{status}");
        assert!(
            r.problems[0].message.contains(says),
            "{status}: {}",
            r.problems[0].message
        );
        assert_no_key(&r);
    }
    let r = report(&o, &Outcome::Listed);
    assert!(r.ok && r.problems.is_empty());
    assert_eq!(
        (r.environment, r.base_url.as_str()),
        (Environment::Other, "http://127.0.0.1:8790")
    );
}

#[test]
fn failures_to_connect_name_the_host_and_the_allow_list() {
    let o = options(&key(LIVE_KEY_PREFIX), None);
    for outcome in [
        Outcome::Unreachable("fetch failed: ECONNREFUSED".to_owned()),
        Outcome::Unreachable(String::new()),
        Outcome::TimedOut(10_000),
    ] {
        let r = report(&o, &outcome);
        assert_eq!(r.environment, Environment::Live);
        assert_eq!(r.problems.len(), 1);
        let p = &r.problems[0];
        assert_eq!(p.code, "connection_failed");
        assert!(p.message.contains("api.pay.gov.sg"), "{}", p.message);
        assert!(p.message.contains("allow-lists"), "{}", p.message);
    }
    let r = report(&o, &Outcome::NotAList(200));
    assert_eq!(r.problems[0].code, "unexpected_response");
    let r = report(&o, &Outcome::Failed("TypeError".to_owned()));
    assert_eq!(r.problems[0].code, "unexpected_response");
}

#[test]
fn a_key_aimed_at_the_other_environment_is_not_sent() {
    for (prefix, base, says) in [
        (LIVE_KEY_PREFIX, STAGING_BASE_URL, Environment::Staging),
        (STAGING_KEY_PREFIX, LIVE_BASE_URL, Environment::Live),
    ] {
        let o = options(&key(prefix), Some(base));
        let mut c = check(&o);
        assert_eq!(codes(&c), ["api_key_environment_mismatch"]);
        assert!(!c.send);
        assert!(c.problems[0]
            .message
            .contains(&format!("a {prefix} key is aimed at {base}")));
        assert!(verify::plan(&mut c, [0; 16], 0.0).is_none());
        let r = report(&o, &Outcome::Listed);
        assert_eq!(r.environment, says);
        assert_eq!(r.problems.len(), 1);
        assert_no_key(&r);
    }
    // The other side: each key on its own host, or on a host that is neither.
    for (prefix, base) in [
        (LIVE_KEY_PREFIX, LIVE_BASE_URL),
        (STAGING_KEY_PREFIX, STAGING_BASE_URL),
        (LIVE_KEY_PREFIX, "https://egress.example.gov.sg"),
        (STAGING_KEY_PREFIX, "http://127.0.0.1:8790"),
    ] {
        let c = check(&options(&key(prefix), Some(base)));
        assert!(c.send && c.problems.is_empty(), "{prefix} {base}");
    }
}

#[test]
fn whitespace_says_where_and_never_shows_the_key() {
    let k = key(STAGING_KEY_PREFIX);
    let cases = [
        (format!(" {k}"), "at its start", true),
        (format!("{k}\n"), "at its end", true),
        (format!("\t{k} "), "at its start and at its end", true),
        (
            format!("{STAGING_KEY_PREFIX}s3cr3t K3yMaterial"),
            "inside it",
            false,
        ),
    ];
    for (given, place, sent) in cases {
        let o = options(&given, None);
        let mut c = check(&o);
        assert_eq!(codes(&c), ["api_key_whitespace"], "{place}");
        assert!(
            c.problems[0].message.contains(place),
            "{}",
            c.problems[0].message
        );
        assert_eq!(c.send, sent, "{place}");
        let plan = verify::plan(&mut c, [0; 16], 0.0);
        assert_eq!(plan.is_some(), sent, "{place}");
        if let Some(plan) = plan {
            assert_eq!(
                plan.request.header("x-api-key"),
                Some(k.as_str()),
                "sent trimmed"
            );
        }
        // Even a report of success keeps the problem: ok only without problems.
        let r = report(&o, &Outcome::Listed);
        assert!(!r.ok);
        assert_eq!(r.base_url, STAGING_BASE_URL);
        assert_no_key(&r);
    }
    // The other side: no whitespace, no problem.
    assert!(verify::whitespace(&k).is_none());
    assert!(verify::whitespace("").is_none());
}

#[test]
fn options_the_constructor_refuses_are_problems() {
    // An empty key, a blank one, no key, no service, a bad base URL, a bad timeout.
    let empty = report(&options("", None), &Outcome::Listed);
    assert_eq!(
        empty
            .problems
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["empty"]
    );
    assert!(!empty.ok);
    assert_eq!(
        (empty.environment, empty.base_url.as_str()),
        (Environment::Other, "")
    );
    let blank = report(&options("  ", None), &Outcome::Listed);
    assert_eq!(
        blank
            .problems
            .iter()
            .map(|p| p.code.as_str())
            .collect::<Vec<_>>(),
        ["api_key_whitespace", "empty"]
    );
    let none = report(&Options::default(), &Outcome::Listed);
    let fields: Vec<&str> = none.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(fields, ["required", "required"], "{none:?}");
    let mut o = options(&key(STAGING_KEY_PREFIX), Some("ftp://x"));
    o.timeout_ms = Scalar::Num(-1.0);
    let r = report(&o, &Outcome::Listed);
    let fields: Vec<&str> = r.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(
        fields.contains(&"invalid_url") && fields.contains(&"out_of_range"),
        "{r:?}"
    );
    assert_no_key(&r);
    let unprefixed = report(&options("abc123abc123", None), &Outcome::Listed);
    assert_eq!(unprefixed.problems[0].code, "invalid_format");
    let not_object = Options {
        given_as: Scalar::Str("number".to_owned()),
        ..Options::default()
    };
    let r = report(&not_object, &Outcome::Listed);
    assert_eq!(r.problems[0].code, "invalid_type");
}

#[test]
fn every_code_is_listed_and_in_the_readme() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let listed: Vec<&str> = verify::CODES.iter().map(|(c, _)| *c).collect();
    for (code, _) in verify::CODES {
        assert!(
            readme.contains(&format!("| `{code}` |")),
            "README's Checking credentials table lacks {code}"
        );
    }
    let o = options(&key(STAGING_KEY_PREFIX), None);
    let mut seen = Vec::new();
    for outcome in [
        Outcome::Status(401),
        Outcome::Status(403),
        Outcome::Status(404),
        Outcome::Status(500),
        Outcome::NotAList(200),
        Outcome::Unreachable(String::new()),
        Outcome::TimedOut(1),
        Outcome::Failed(String::new()),
        Outcome::NotSent,
    ] {
        seen.extend(verify::problem(&outcome, STAGING_BASE_URL, SERVICE).map(|p| p.code));
    }
    seen.extend(
        check(&options(" x", None))
            .problems
            .into_iter()
            .map(|p| p.code),
    );
    seen.extend(
        check(&options(&key(LIVE_KEY_PREFIX), Some(STAGING_BASE_URL)))
            .problems
            .into_iter()
            .map(|p| p.code),
    );
    for code in &seen {
        assert!(
            listed.contains(&code.as_str()),
            "{code} is not in verify::CODES"
        );
    }
    assert_eq!(report(&o, &Outcome::Listed).problems, []);
}
