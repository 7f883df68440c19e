//! `confirm_return`: the payment the payer came back for, when it is the order's. The core reads
//! the return URL and the expectation and checks the service
//! ([`paysg::client::returns::start`]), then whether PaySG's payment is the expected one
//! ([`paysg::client::returns::check_payment`]); this only reads the payment in between.

use crate::client::PaySg;
use crate::config::CallOptions;
use paysg::client::returns::{self, Stop};
use paysg::client::ClientError;
use paysg::json::Json;
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
        ReturnError::Client(e)
    }
}

impl From<returns::Refusal> for ReturnError {
    fn from(r: returns::Refusal) -> Self {
        ReturnError::Refused {
            code: r.code,
            message: r.message,
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
        let service = match (&opts.payment_service_id, &self.options.payment_service_id) {
            (Some(s), _) => Some(s.clone()),
            (None, Scalar::Str(s)) => Some(s.clone()),
            (None, _) => None,
        };
        let expected = expected_text(expected);
        let (id, url_service) = match returns::start(return_url, &expected, service.as_deref()) {
            Ok(started) => started,
            Err(Stop::Invalid(errors)) => return Err(ClientError::Validation { errors }.into()),
            Err(Stop::Refused(r)) => return Err(r.into()),
        };
        let opts = CallOptions {
            payment_service_id: Some(url_service),
            ..opts
        };
        let payment = self.get_payment(&id, opts).await?;
        let text = serde_json::to_string(&payment).unwrap_or_default();
        let fields = Json::parse(&text).unwrap_or(Json::Null);
        let exp = returns::read_expected(&expected)
            .map_err(|errors| ClientError::Validation { errors })?;
        returns::check_payment(&exp, &fields)?;
        Ok(payment)
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
