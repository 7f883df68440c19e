//! Faults on demand: which API requests get a 500, 503, 429, a stall or a dropped connection.

use super::ids::Entropy;

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500, before executing.
    Internal,
    /// 503 with `Retry-After`, before executing.
    Unavailable,
    /// 429 with `Retry-After`, before executing.
    RateLimited,
    /// Execute, then hold the response for `--stall-ms`.
    Stall,
    /// Execute, then close the connection without a response.
    Drop,
    /// Execute (and store), then answer 500: PaySG stores that answer under the request's
    /// `Idempotency-Key` and replays it.
    FailAfter,
}

impl Fault {
    /// The name used in flags, headers and `/sim/state`.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Internal => "500",
            Fault::Unavailable => "503",
            Fault::RateLimited => "429",
            Fault::Stall => "stall",
            Fault::Drop => "drop",
            Fault::FailAfter => "500-after",
        }
    }

    fn parse(s: &str) -> Option<Fault> {
        Some(match s.trim() {
            "500" => Fault::Internal,
            "503" => Fault::Unavailable,
            "429" => Fault::RateLimited,
            "stall" => Fault::Stall,
            "drop" => Fault::Drop,
            "500-after" => Fault::FailAfter,
            _ => return None,
        })
    }
}

/// Which faults to inject and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultPlan {
    kinds: Vec<Fault>,
    rate: f64,
    /// With the header's `;first=<n>`: only the first `n` requests of one operation (one
    /// `Idempotency-Key`, or one method and path) get a fault, every one of them.
    pub first: Option<u32>,
}

impl FaultPlan {
    /// No faults.
    pub fn none() -> Self {
        FaultPlan {
            kinds: Vec::new(),
            rate: 0.0,
            first: None,
        }
    }

    /// From `--fault <kinds>` and `--fault-rate <f>`.
    ///
    /// # Errors
    ///
    /// A message naming the bad kind or rate.
    pub fn new(kinds: &str, rate: f64) -> Result<Self, String> {
        if !(0.0..=1.0).contains(&rate) {
            return Err(format!("--fault-rate must be from 0 to 1, got {rate}"));
        }
        let kinds = kinds
            .split(',')
            .map(|k| {
                Fault::parse(k).ok_or_else(|| {
                    format!(
                        "unknown fault {:?}; use 500, 503, 429, stall, drop or 500-after",
                        k.trim()
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FaultPlan {
            kinds,
            rate,
            first: None,
        })
    }

    /// From the `x-paysg-sim-fault` header: `<kinds>[;rate=<f>][;first=<n>]` or `none`.
    ///
    /// # Errors
    ///
    /// A message for a malformed header.
    pub fn from_header(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("none") {
            return Ok(FaultPlan::none());
        }
        let mut parts = value.split(';');
        let kinds = parts.next().unwrap_or("");
        let (mut rate, mut first) = (1.0, None);
        for param in parts {
            let param = param.trim();
            if let Some(r) = param
                .strip_prefix("rate=")
                .and_then(|r| r.trim().parse::<f64>().ok())
            {
                rate = r;
            } else if let Some(n) = param
                .strip_prefix("first=")
                .and_then(|n| n.trim().parse::<u32>().ok())
            {
                first = Some(n);
            } else {
                return Err(format!(
                    "x-paysg-sim-fault: expected ;rate=<0..1> or ;first=<n>, got {param:?}"
                ));
            }
        }
        let mut plan =
            FaultPlan::new(kinds, rate).map_err(|e| format!("x-paysg-sim-fault: {e}"))?;
        plan.first = first;
        Ok(plan)
    }

    /// Draws the fault for one request, if any, with `entropy`'s numbers.
    pub fn draw(&self, entropy: &mut dyn Entropy) -> Option<Fault> {
        if self.kinds.is_empty() || self.rate <= 0.0 {
            return None;
        }
        if self.rate < 1.0 && entropy.unit() >= self.rate {
            return None;
        }
        self.kinds.get(entropy.below(self.kinds.len())).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_parse_and_draw() {
        let mut e = crate::ids::Seeded(7);
        assert_eq!(FaultPlan::none().draw(&mut e), None);
        assert_eq!(
            FaultPlan::new("503", 1.0).unwrap().draw(&mut e),
            Some(Fault::Unavailable)
        );
        assert_eq!(FaultPlan::new("drop", 0.0).unwrap().draw(&mut e), None);
        assert!(FaultPlan::new("404", 1.0)
            .unwrap_err()
            .contains("unknown fault"));
        assert!(FaultPlan::new("500", 1.5).is_err());
        assert_eq!(FaultPlan::from_header("none").unwrap(), FaultPlan::none());
        let p = FaultPlan::from_header("500, stall;rate=0.5").unwrap();
        let n = (0..4000).filter(|_| p.draw(&mut e).is_some()).count();
        assert!((1700..2300).contains(&n), "{n}");
        assert!(FaultPlan::from_header("500;r=1").is_err());
        assert_eq!(
            FaultPlan::from_header("503;first=1").unwrap().first,
            Some(1)
        );
    }
}
