//! Delivery of `payment.succeeded` events: the shell of the core's webhook schedule
//! ([`crate::core::drive::Outbox`], which decides every attempt, its signature, its timeout and
//! what its result means). Here: one task keeps the schedule's timer and sends each attempt it
//! gives over HTTP, reports the result, and stores the attempt the core made of it. Each
//! delivery was stored with its event (the core's outbox), so a restart resumes every pending
//! one where its schedule left off ([`resume`]).

use std::time::Duration;

use crate::core::drive::{Send, Sent};
use crate::os::{self, OsEntropy};
use crate::{blocking, Shared};

/// Resumes every delivery the store holds as pending (at start), as the core schedules them.
pub fn resume(app: &Shared) {
    let pending = match app.read(|s| s.pending_deliveries()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("paysg-sim: cannot read the pending webhook deliveries, none resumed: {e}");
            return;
        }
    };
    let lines = app
        .volatile()
        .outbox
        .resume(&app.config, pending, os::now_ms(), &mut OsEntropy);
    for line in lines {
        app.log(|| line);
    }
    app.wake.notify_one();
}

/// Sends each attempt when the schedule says, until the process ends (spawned by
/// [`crate::serve`]). Woken early when deliveries are scheduled or an attempt is stored.
pub async fn run(app: Shared) {
    loop {
        let (sends, wait) = {
            let mut v = app.volatile();
            let clock = os::now_ms();
            let now = v.now(clock);
            let mut sends = Vec::new();
            while let Some(s) = v.outbox.poll(&app.config, clock, now) {
                sends.push(s);
            }
            (sends, v.outbox.wait(clock))
        };
        for s in sends {
            tokio::spawn(send(app.clone(), s));
        }
        match wait {
            Some(ms) => {
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(ms)) => {}
                    () = app.wake.notified() => {}
                }
            }
            None => app.wake.notified().await,
        }
    }
}

/// One attempt: POSTs it, tells the schedule how it went, stores the attempt, then lets the
/// schedule go on.
async fn send(app: Shared, s: Send) {
    let mut request = app
        .http
        .post(&s.url)
        .timeout(Duration::from_millis(s.timeout_ms))
        .body(s.body);
    for (name, value) in &s.headers {
        request = request.header(name, value);
    }
    let result = match request.send().await {
        Ok(res) => Sent::Status(res.status().as_u16()),
        Err(e) if e.is_timeout() => Sent::TimedOut,
        Err(_) => Sent::Unreachable,
    };
    let done = {
        let mut v = app.volatile();
        let clock = os::now_ms();
        let now = v.now(clock);
        v.outbox
            .sent(&app.config, s.id, &result, clock, now, &mut OsEntropy)
    };
    if let Some((change, line)) = done {
        app.log(|| line);
        blocking(&app, move |app| app.commit_quietly(&change)).await;
    }
    app.volatile().outbox.stored(s.id);
    app.wake.notify_one();
}
