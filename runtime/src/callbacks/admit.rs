//! Admitting a request: the checks of the [module docs](super), in their order, before the handler
//! sees anything, then the event's decoding.

use super::config::Auth;
use super::{CallbackQuery, Callbacks, EventSet, Incoming, Rejection, sign};
use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Compares two byte strings in constant time (for equal lengths).
fn same(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// The body's `CallbackCommand`, read without decoding the rest: `None` when the body is not a JSON
/// object (it is then handed on as undecodable), `Some(None)` when the object has none.
fn body_command(body: &[u8]) -> Option<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Only {
        #[serde(rename = "CallbackCommand", default)]
        command: Option<serde_json::Value>,
    }
    // Only an object: serde would also read a one-item array into the struct.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let only = serde_json::from_slice::<Only>(body).ok()?;
    Some(match only.command {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    })
}

impl<E: EventSet> Callbacks<E> {
    /// Checks the query in the documented order: application, signature, freshness.
    pub fn verify(&self, query: &CallbackQuery) -> Result<(), Rejection> {
        if query.sdk_appid != self.sdkappid {
            return Err(Rejection::WrongApp { got: query.sdk_appid });
        }
        let token = match &self.auth {
            Auth::Missing => return Err(Rejection::NotConfigured),
            Auth::Unsigned => return Ok(()),
            Auth::Token(t) => t,
        };
        let (Some(given), Some(time)) = (&query.sign, query.request_time) else { return Err(Rejection::Unsigned) };
        if !same(sign(token, time).as_bytes(), given.to_ascii_lowercase().as_bytes()) {
            return Err(Rejection::BadSignature);
        }
        let now = (self.clock)();
        if now.abs_diff(time) > self.window.as_secs() {
            return Err(Rejection::Stale { request_time: time, now });
        }
        Ok(())
    }

    /// Parses and verifies a query string, before the body is read.
    pub fn check_query(&self, query: &str) -> Result<CallbackQuery, Rejection> {
        let q = CallbackQuery::parse(query)?;
        self.verify(&q)?;
        Ok(q)
    }

    /// The checks on the body of a verified request: its size, its `CallbackCommand`, and the replay
    /// guard.
    async fn admit(&self, query: &CallbackQuery, body: &[u8]) -> Result<(), Rejection> {
        if body.len() > self.max_body {
            return Err(Rejection::TooLarge { limit: self.max_body });
        }
        if let Some(in_body) = body_command(body)
            && in_body.as_deref() != Some(query.command.as_str())
        {
            return Err(Rejection::CommandMismatch { query: query.command.clone(), body: in_body });
        }
        if let (Some(guard), Some(time), Auth::Token(_)) = (&self.replay, query.request_time, &self.auth) {
            let digest = Sha256::digest(body);
            let mut key = format!("{}:{time}:{}:", self.sdkappid, query.command);
            for b in digest {
                key.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
                key.push(char::from(b"0123456789abcdef"[usize::from(b & 0x0f)]));
            }
            match guard.first_seen(&key, self.window.saturating_mul(2)).await {
                Ok(true) => {}
                Ok(false) => return Err(Rejection::Replayed),
                Err(e) => return Err(Rejection::GuardUnavailable(e.0)),
            }
        }
        Ok(())
    }

    /// Parses and verifies the query, checks the body, then decodes it. A catalogued event whose body
    /// does not decode comes back as `E::undecodable(..)`, an unknown command as `E::unknown(..)`.
    pub async fn receive(&self, query: &str, body: &[u8]) -> Result<Incoming<E>, Rejection> {
        let query = self.check_query(query)?;
        self.receive_checked(query, body).await
    }

    /// [`Callbacks::receive`] for a query already verified with [`Callbacks::check_query`].
    pub async fn receive_checked(&self, query: CallbackQuery, body: &[u8]) -> Result<Incoming<E>, Rejection> {
        self.admit(&query, body).await?;
        let command = query.command.clone();
        let (event, corrections, undecodable) = match E::decode(&command, body) {
            Some(Ok((event, corrections))) => {
                crate::drift::report(&command, &corrections);
                (event, corrections, false)
            }
            Some(Err(e)) => {
                tracing::warn!(target: "tim_rest::callbacks", command = %command, error = %e, "callback body does not decode");
                (E::undecodable(command, Bytes::copy_from_slice(body), e.to_string()), Vec::new(), true)
            }
            None => (E::unknown(command, serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)), Vec::new(), false),
        };
        Ok(Incoming { query, event, corrections, body: Bytes::copy_from_slice(body), undecodable })
    }
}

#[cfg(test)]
mod tests {
    use crate::callbacks::testing::{GOOD, TestEvent, callbacks, signed};
    use crate::callbacks::{CallbackQuery, Callbacks, OptPlatform, Rejection};
    use std::time::Duration;

    #[test]
    fn queries_parse_and_checks_run_in_order() {
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, GOOD)).expect("parses");
        assert_eq!((q.sdk_appid, q.command.as_str(), q.opt_platform.clone()), (1400000000, "Test.Ping", Some(OptPlatform::Ios)));
        assert_eq!(q.client_ip.as_deref(), Some("1.2.3.4"));
        let c = callbacks();
        assert_eq!(c.verify(&q), Ok(()));
        // The app id is checked first: a wrong app with a wrong signature is a wrong app.
        let q = CallbackQuery::parse(&signed("Test.Ping", 1, "bad")).expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::WrongApp { got: 1 }));
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, &GOOD.to_uppercase())).expect("parses");
        assert_eq!(c.verify(&q), Ok(()), "hex case does not matter");
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, &GOOD.replace('7', "8"))).expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::BadSignature));
        let q = CallbackQuery::parse("SdkAppid=1400000000&CallbackCommand=Test.Ping").expect("parses");
        assert_eq!(c.verify(&q), Err(Rejection::Unsigned));
        assert_eq!(Callbacks::<TestEvent>::new(1400000000).verify(&q), Err(Rejection::NotConfigured), "no token: fails closed");
        assert_eq!(
            Callbacks::<TestEvent>::new(1400000000).token("").verify(&q),
            Err(Rejection::NotConfigured),
            "an empty token verifies nothing"
        );
        assert_eq!(Callbacks::<TestEvent>::new(1400000000).unsigned().verify(&q), Ok(()), "unsigned by explicit choice");
        // Freshness comes after the signature: a correct signature of an old time is stale.
        let late = callbacks().clock(|| 1669872112 + 61);
        let q = CallbackQuery::parse(&signed("Test.Ping", 1400000000, GOOD)).expect("parses");
        assert_eq!(late.verify(&q), Err(Rejection::Stale { request_time: 1669872112, now: 1669872173 }));
        assert_eq!(late.window(Duration::from_secs(120)).verify(&q), Ok(()));
        assert!(matches!(CallbackQuery::parse("CallbackCommand=X"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=1"), Err(Rejection::BadQuery(_))));
        assert!(matches!(CallbackQuery::parse("SdkAppid=x&CallbackCommand=X"), Err(Rejection::BadQuery(_))));
        for dup in [
            "SdkAppid=1&SdkAppid=1&CallbackCommand=X",
            "SdkAppid=1&CallbackCommand=X&CallbackCommand=Y",
            "SdkAppid=1&CallbackCommand=X&Sign=a&Sign=b",
            "SdkAppid=1&CallbackCommand=X&RequestTime=1&RequestTime=2",
        ] {
            let r = CallbackQuery::parse(dup).expect_err("duplicate");
            assert_eq!(r.status(), 400, "{dup}: {r}");
        }
    }
}
