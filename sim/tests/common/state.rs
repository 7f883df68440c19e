//! Reading the simulator's own JSON (`/sim/state`, `/sim/webhooks.json`) and its timestamps.

use serde_json::Value;

/// The payment count of `/sim/state`.
pub fn payment_count(state: &Value) -> usize {
    let n = state["payments"]
        .as_u64()
        .or_else(|| state["payment_count"].as_u64())
        .unwrap_or_else(|| panic!("no payment count in /sim/state: {state}"));
    usize::try_from(n).unwrap()
}

/// The number of faults injected, from `/sim/state`.
pub fn fault_count(state: &Value) -> usize {
    let faults = &state["faults"];
    let n = faults.as_u64().unwrap_or_else(|| {
        faults
            .as_object()
            .unwrap_or_else(|| panic!("no fault count in /sim/state: {state}"))
            .values()
            .filter_map(Value::as_u64)
            .sum()
    });
    usize::try_from(n).unwrap()
}

/// The HTTP statuses (`None`: no answer) of the attempts to `url` listed by
/// `/sim/webhooks.json`, in order.
pub fn attempt_statuses(log: &Value, url: &str) -> Vec<Option<u64>> {
    log["attempts"]
        .as_array()
        .unwrap_or_else(|| panic!("/sim/webhooks.json has no attempts list: {log}"))
        .iter()
        .filter(|a| a["url"] == url)
        .map(|a| {
            assert!(
                a["event_id"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("evt_")),
                "an attempt without its event id: {a}"
            );
            a["status"].as_u64()
        })
        .collect()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

/// Reads `2023-08-03T17:36:52.634+08:00` as milliseconds since the Unix epoch.
pub fn iso_to_ms(s: &str) -> i64 {
    let num = |range: std::ops::Range<usize>| -> i64 { s[range].parse().unwrap() };
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let local = days * 86_400_000
        + num(11..13) * 3_600_000
        + num(14..16) * 60_000
        + num(17..19) * 1000
        + num(20..23);
    local - 8 * 3_600_000
}
