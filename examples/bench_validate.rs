//! Native timing of the validate path, piece by piece (a probe; `npm run bench` is the benchmark).
#![allow(clippy::unwrap_used)] // a probe, not library code
use std::hint::black_box;

fn time(name: &str, f: impl Fn() -> usize) {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let n = 100_000;
        let t0 = std::time::Instant::now();
        let mut total = 0;
        for _ in 0..n {
            total += f();
        }
        black_box(total);
        best = best.min(t0.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    println!("{name:<24} {best:.3} us/call");
}

fn main() {
    let text = r#"{"reference_id":"INV-2024-000123","payer_name":"Tan Ah Kow","payer_email":"ahkow.tan@example.com","description":"Renewal of licence ABC-123 for 2024","amount_in_cents":12550,"due_date":"31-DEC-2024","return_url":"https://agency.gov.sg/payments/return","metadata":{"branch_code":"B01","case_id":"C-99812"}}"#;
    let j = paysg::json::Json::parse(text).unwrap();
    let v = paysg::validate::validate_create_payment(&j).unwrap();
    time("parse", || {
        match paysg::json::Json::parse(black_box(text)) {
            Ok(paysg::json::Json::Obj(e)) => e.len(),
            _ => 0,
        }
    });
    time("validate", || {
        paysg::validate::validate_create_payment(black_box(&j))
            .map(|v| v.amount_in_cents as usize)
            .unwrap_or(0)
    });
    time("to_json", || black_box(&v).to_json().len());
    time("text_api", || {
        paysg::text_api::validate_create_payment(black_box(text)).len()
    });
    time("loop 1000 adds", || {
        (0..1000usize).fold(0, |a, b| black_box(a + b))
    });
}
