//! `confirm_return`: the payment the payer came back for, when it is the order's. One planned
//! call, as in the npm package: the core reads the return URL and the expectation, checks the
//! service and plans the `GET` of the payment ([`paysg::client::returns::plan`]); its answer is
//! the call's result only when it is the expected payment ([`paysg::client::answer`]).

use crate::client::PaySg;
use crate::config::CallOptions;
use paysg::client::decode::Success;
use paysg::client::plan::Query;
use paysg::client::{self, returns, ClientError, Op};
use paysg::model::Payment;
use paysg::scalar::Scalar;

/// What the e-service stored with the order, to compare the returned payment with: at least
/// one of the two.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The payment's id (`payment.id`).
    pub payment_id: Option<String>,
    /// The order's `reference_id`.
    pub reference_id: Option<String>,
}

/// Why `confirm_return` confirms nothing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReturnError {
    /// The arguments (every problem), PaySG's answer, the connection or a timeout.
    Client(ClientError),
    /// The payment is another service's (`payment_service_mismatch`), not the expected one
    /// (`payment_mismatch`) or was fully refunded (`payment_refunded`).
    Refused {
        /// The npm package's `PaySGError` code.
        code: &'static str,
        /// Why, naming the payment.
        message: String,
    },
}

impl From<ClientError> for ReturnError {
    fn from(e: ClientError) -> Self {
        let code = e.kind();
        match e {
            ClientError::PaymentServiceMismatch { message }
            | ClientError::PaymentMismatch { message }
            | ClientError::PaymentRefunded { message } => ReturnError::Refused { code, message },
            other => ReturnError::Client(other),
        }
    }
}

impl PaySg {
    /// `confirmReturn`: reads `paysg_payment_id` and `paysg_payment_service_id` from the URL the
    /// payer came back on (as `URLSearchParams` does), refuses another service's, reads the
    /// payment from PaySG (the redirect proves nothing) and returns it only when it is
    /// `expected` and was not fully refunded. An unpaid payment is returned: check its
    /// `payment_status`.
    ///
    /// # Errors
    ///
    /// [`ReturnError::Client`] (a validation error naming each problem of the URL and
    /// `expected`, or the read's error), or [`ReturnError::Refused`].
    pub async fn confirm_return(
        &self,
        return_url: &str,
        expected: &Expected,
        opts: CallOptions,
    ) -> Result<Payment, ReturnError> {
        let call = client::Call {
            op: Op::Get,
            client: self.options.clone(),
            options: opts.options(),
            payment_id: Scalar::Absent,
            query: Query::default(),
            runtime: Scalar::Str("rust".to_owned()),
        };
        let plan = returns::plan(
            &call,
            Some(return_url),
            &expected_text(expected),
            crate::fetch::random_bytes(),
            crate::fetch::now(),
        )
        .map_err(|e| ReturnError::from(*e))?;
        Ok(self.run(plan, Success::payment).await?)
    }
}

/// `expected` as the JS layer hands it to the core: its own fields, as JSON text.
fn expected_text(e: &Expected) -> String {
    let mut o = serde_json::Map::new();
    if let Some(p) = &e.payment_id {
        o.insert("paymentId".into(), p.clone().into());
    }
    if let Some(r) = &e.reference_id {
        o.insert("referenceId".into(), r.clone().into());
    }
    serde_json::Value::Object(o).to_string()
}
