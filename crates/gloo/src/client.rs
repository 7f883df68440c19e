//! The client: one method per operation, each a few lines over one private call loop that
//! plans with the core, sends with [`crate::fetch`], and asks the core what each answer means.

use crate::config::{CallOptions, Config};
use crate::fetch::{attempt, now, random_bytes, sleep};
use paysg::client::decode::{self, Success};
use paysg::client::plan::{Body, Plan, Query};
use paysg::client::{self, ClientError, Op, Options, Step};
use paysg::json::Json;
use paysg::model::{Payment, PaymentList};
use paysg::request::ApiKey;
use paysg::scalar::Scalar;
use serde::Serialize;

/// The PaySG client.
#[derive(Debug, Clone)]
pub struct PaySg {
    pub(crate) options: Options,
    pub(crate) key: ApiKey,
    pub(crate) headers: Vec<(String, String)>,
}

impl PaySg {
    /// A client, its options checked as `new PaySG(options)` checks them.
    ///
    /// # Errors
    ///
    /// [`ClientError::Validation`] with every problem (the key is never shown).
    pub fn new(config: Config) -> Result<Self, ClientError> {
        let (key, _) = client::check_client(&config.options)
            .map_err(|errors| ClientError::Validation { errors })?;
        Ok(PaySg {
            options: config.options,
            key,
            headers: config.headers,
        })
    }

    /// `POST …/payments`: creates a payment from any body that serialises to PaySG's fields
    /// (`serde_json::json!({ … })` or a struct of your own); checked first, as
    /// `validateCreatePayment` checks it.
    ///
    /// # Errors
    ///
    /// A [`ClientError`]: validation (nothing sent), PaySG's answer, no connection, a timeout.
    pub async fn create_payment(
        &self,
        params: &impl Serialize,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let text = serde_json::to_string(params).unwrap_or_default();
        self.call(
            Op::Create,
            Scalar::Absent,
            Query::default(),
            Some(&text),
            &opts,
            Success::payment,
        )
        .await
    }

    /// `GET …/payments/{id}`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn get_payment(&self, id: &str, opts: CallOptions) -> Result<Payment, ClientError> {
        let id = Scalar::Str(id.to_owned());
        self.call(Op::Get, id, Query::default(), None, &opts, Success::payment)
            .await
    }

    /// `GET …/payments`: one page, newest first (`limit`, and an `after` cursor).
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn list_payments(
        &self,
        limit: Option<u32>,
        after: Option<&str>,
        opts: CallOptions,
    ) -> Result<PaymentList, ClientError> {
        let query = Query {
            limit: limit.map_or(Scalar::Absent, |l| Scalar::Num(f64::from(l))),
            after: after.map_or(Scalar::Absent, |a| Scalar::Str(a.to_owned())),
            ..Query::default()
        };
        self.call(Op::List, Scalar::Absent, query, None, &opts, Success::page)
            .await
    }

    /// `POST …/payments/{id}/cancel`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn cancel_payment(
        &self,
        id: &str,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let id = Scalar::Str(id.to_owned());
        self.call(
            Op::Cancel,
            id,
            Query::default(),
            None,
            &opts,
            Success::payment,
        )
        .await
    }

    /// `POST …/payments/{id}/refund` of `refund_amount_in_cents`.
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn refund_payment(
        &self,
        id: &str,
        refund_amount_in_cents: u32,
        opts: CallOptions,
    ) -> Result<Payment, ClientError> {
        let body = format!(r#"{{"refund_amount_in_cents":{refund_amount_in_cents}}}"#);
        let id = Scalar::Str(id.to_owned());
        self.call(
            Op::Refund,
            id,
            Query::default(),
            Some(&body),
            &opts,
            Success::payment,
        )
        .await
    }

    /// `POST …/payments/{id}/send-email`: emails the payment link to the payer's
    /// `payer_email`. Never resent after an ambiguous failure (PaySG gives it no idempotency key).
    ///
    /// # Errors
    ///
    /// As [`PaySg::create_payment`].
    pub async fn send_payment_email(&self, id: &str, opts: CallOptions) -> Result<(), ClientError> {
        let id = Scalar::Str(id.to_owned());
        self.call(Op::SendEmail, id, Query::default(), None, &opts, |_| {
            Some(())
        })
        .await
    }

    /// The one call loop: the core plans the request, this sends it, the core says what the
    /// answer means ([`client::answer`]) and decodes the body that ends the call
    /// ([`decode::decoded`], before `answer`); `pick` takes the operation's result out of it.
    pub(crate) async fn call<T>(
        &self,
        op: Op,
        payment_id: Scalar,
        query: Query,
        body: Option<&str>,
        opts: &CallOptions,
        pick: fn(Success) -> Option<T>,
    ) -> Result<T, ClientError> {
        let call = client::Call {
            op,
            client: self.options.clone(),
            options: opts.options(),
            payment_id,
            query,
            runtime: Scalar::Str("rust".to_owned()),
        };
        let parsed = body.map(Json::parse);
        let body = match &parsed {
            None => Body::None,
            Some(Ok(j)) => Body::Json(j),
            Some(Err(_)) => Body::Unreadable("the body is not JSON"),
        };
        let plan = client::plan(&call, body, random_bytes(), now())
            .map_err(|errors| ClientError::Validation { errors })?;
        self.run(plan, pick).await
    }

    /// Runs a planned call to its end: sends, asks the core what each answer means, and picks
    /// the result out of the body that ends it.
    pub(crate) async fn run<T>(
        &self,
        plan: Plan,
        pick: fn(Success) -> Option<T>,
    ) -> Result<T, ClientError> {
        let (mut request, mut context) = (plan.request, plan.context);
        loop {
            let (mut got, text) = attempt(&request, &self.headers, &context).await;
            let status = got.status.unwrap_or(0);
            // A 2xx body is decoded once: `answer` reads the value's shape, `Done` returns it.
            let decoded = if decode::is_success(status) {
                Some(
                    decode::decoded(&context, &mut got, &text)
                        .map_err(|e| *e)?
                        .value,
                )
            } else {
                None
            };
            match client::answer(&context, &got, &self.key, now(), js_sys::Math::random()) {
                Step::Done { .. } => {
                    return decoded
                        .and_then(pick)
                        .ok_or_else(|| not_its_result(&context, status));
                }
                Step::Fail { error } => return Err(error),
                Step::Send {
                    after_ms,
                    request: next,
                    context: ctx,
                } => {
                    sleep(after_ms as f64).await;
                    if let Some(next) = next {
                        request = next;
                    }
                    context = ctx;
                }
            }
        }
    }
}

/// The core decoded a result of another kind than the method returns (never, while each method
/// names its own operation).
fn not_its_result(ctx: &client::Context, status: u16) -> ClientError {
    ClientError::InvalidResponse {
        message: format!(
            "PaySG answered {status} with a result {} does not return",
            ctx.op.public_name()
        ),
        status,
        attempts: ctx.attempts,
        idempotency_key: ctx.idempotency_key.clone(),
    }
}
