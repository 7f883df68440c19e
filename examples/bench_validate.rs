//! Native timing of the validate path, piece by piece (a probe; `npm run bench` is the benchmark).
#![allow(clippy::unwrap_used)] // a probe, not library code
use std::hint::black_box;

fn time(name: &str, mut f: impl FnMut() -> usize) {
    // PROBE=<name> runs only that one, 1,000,000 times: for `perf stat -e instructions:u`.
    if let Ok(only) = std::env::var("PROBE") {
        if only == name {
            let mut total = 0;
            for _ in 0..1_000_000 {
                total += f();
            }
            black_box(total);
        }
        return;
    }
    let mut best = f64::MAX;
    for _ in 0..5 {
        let n = 200_000;
        let t0 = std::time::Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += f();
        }
        black_box(total);
        best = best.min(t0.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    println!("{name:<24} {best:.0} ns/call");
}

fn main() {
    let text = r#"{"reference_id":"INV-2024-000123","payer_name":"Tan Ah Kow","payer_email":"ahkow.tan@example.com","description":"Renewal of licence ABC-123 for 2024","amount_in_cents":12550,"due_date":"31-DEC-2024","return_url":"https://agency.gov.sg/payments/return","metadata":{"branch_code":"B01","case_id":"C-99812"}}"#;
    let j = paysg::json::Json::parse(text).unwrap();
    time("parse", || {
        match paysg::json::Json::parse(black_box(text)) {
            Ok(paysg::json::Json::Obj(e)) => e.len(),
            _ => 0,
        }
    });
    time("validate (JSON view)", || {
        paysg::validate::validate_create_payment(black_box(&j))
            .map(|v| v.amount("amount_in_cents").unwrap_or(0) as usize)
            .unwrap_or(0)
    });
    let strs = [
        "INV-2024-000123",
        "Tan Ah Kow",
        "ahkow.tan@example.com",
        "Renewal of licence ABC-123 for 2024",
        "31-DEC-2024",
        "https://agency.gov.sg/payments/return",
    ];
    let input: paysg::fast::encode::PlainInput = {
        let mut i = paysg::fast::encode::PlainInput::default();
        for (name, s) in [
            "reference_id",
            "payer_name",
            "payer_email",
            "description",
            "due_date",
            "return_url",
        ]
        .into_iter()
        .zip(strs)
        {
            i.strings[paysg::validate::fields::field_index(name).unwrap()] = Some(s.to_owned());
        }
        i.amount = Some(12550.0);
        i.metadata = Some(vec![
            ("branch_code".into(), "B01".into()),
            ("case_id".into(), "C-99812".into()),
        ]);
        i
    };
    let encoded = paysg::fast::encode::encode(&input, false);
    let (mut header, mut buf, len) = (encoded.header, encoded.bytes, encoded.len);
    let mut h = header.clone();
    assert_eq!(
        paysg::fast::validate(&mut h, &mut buf, len, 12550.0) & paysg::fast::INVALID,
        0
    );
    time("fast::validate", || {
        // A valid input leaves the header as it is.
        paysg::fast::validate(black_box(&mut header), black_box(&mut buf), len, 12550.0) as usize
    });
    time("is_email", || {
        paysg::validate::is_email(black_box(strs[2])) as usize
    });
    time("check_url", || {
        paysg::validate::check_url(black_box(strs[5]), &["https"]).is_ok() as usize
    });
    time("parse_due_date", || {
        paysg::dates::parse_due_date(black_box(strs[4])).is_ok() as usize
    });
}
