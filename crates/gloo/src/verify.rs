//! `verify_credentials` and `verify_credentials_for`: the checks of
//! [`paysg::client::verify`] (key prefix against environment, whitespace, the options), then one
//! `GET …/payments?limit=1` run through the client's call loop, and the report of what that
//! means, as `paysg.verifyCredentials` and `client.verifyCredentials` give it in JS.

use crate::client::PaySg;
use crate::config::{CallOptions, Config};
use crate::fetch::{now, random_bytes};
use paysg::client::decode::Success;
use paysg::client::verify::{self, Check, Outcome, Report};
use paysg::client::{self, ClientError, Options};
use paysg::scalar::Scalar;

/// What the client says it runs in (`x-paysg-client`), as [`PaySg`]'s calls say it.
const RUNTIME: &str = "rust";

impl PaySg {
    /// Checks the credentials and options of `config` without a client: what is wrong with
    /// them (whitespace in the key, a key of the other environment, an option the client would
    /// refuse) and, when sending is worth it, whether PaySG accepts them (one list call).
    /// Never an error: every problem is in the [`Report`] (`ok` only with none).
    pub async fn verify_credentials(config: Config) -> Report {
        let check = verify::check(
            config.options,
            Options::default(),
            Scalar::Str(RUNTIME.to_owned()),
        );
        run(check, config.headers).await
    }

    /// [`PaySg::verify_credentials`] with this client's options, `opts` overriding them
    /// (`timeout_ms`, `max_retries`, `payment_service_id`, …).
    pub async fn verify_credentials_for(&self, opts: CallOptions) -> Report {
        let check = verify::check(
            self.options.clone(),
            opts.options(),
            Scalar::Str(RUNTIME.to_owned()),
        );
        run(check, self.headers.clone()).await
    }
}

/// Sends the check's call when it allows one, and reports.
async fn run(mut check: Check, headers: Vec<(String, String)>) -> Report {
    let Some(plan) = verify::plan(&mut check, random_bytes(), now()) else {
        return verify::report(&check, &Outcome::NotSent);
    };
    // The plan was made, so the options (and the key) passed the client's checks.
    let Ok((key, _)) = client::check_client(&check.call.client) else {
        return verify::report(&check, &Outcome::NotSent);
    };
    let runner = PaySg {
        options: check.call.client.clone(),
        key,
        headers,
    };
    let outcome = match runner.run(plan, |s| Success::page(s).map(|_| ())).await {
        Ok(()) => Outcome::Listed,
        Err(e) => outcome_of(e, &runner),
    };
    verify::report(&check, &outcome)
}

/// What a failed call means for the check (the key removed from any message).
fn outcome_of(e: ClientError, runner: &PaySg) -> Outcome {
    match e {
        ClientError::Api(api) => Outcome::Status(api.status),
        ClientError::Connection { message, .. } => Outcome::Unreachable(runner.key.scrub(&message)),
        ClientError::Timeout { timeout_ms, .. } => Outcome::TimedOut(timeout_ms),
        ClientError::InvalidResponse { status, .. } => Outcome::NotAList(status),
        other => Outcome::Failed(runner.key.scrub(&crate::describe(&other))),
    }
}
