//! The reply envelope: `ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId` and `ErrorDisplay`.
//!
//! The envelope is decoded once, on its own, before the payload: a `FAIL` reply becomes
//! [`Error::Service`] without the payload type having to fit it. Every envelope key is optional,
//! because the service omits some of them on some endpoints (no `ActionStatus` on the global mute
//! APIs, no `ErrorInfo` on some group queries), and `ActionStatus` is an open string (`batchsendmsg`
//! answers `"SomeError"` with code 0 when only some recipients failed; that is a success whose payload
//! lists the failures).

use crate::error::{Error, ServiceError};
use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// The envelope keys of a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Envelope {
    /// `ActionStatus`: `OK`, `FAIL`, or another status such as `SomeError`.
    #[serde(rename = "ActionStatus", default, skip_serializing_if = "Option::is_none")]
    pub action_status: Option<String>,
    /// `ErrorCode`: 0 on success.
    #[serde(rename = "ErrorCode", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// `ErrorInfo`: a message; on success empty, `OK`, `ok`, `succeed` or `0` depending on the endpoint.
    #[serde(rename = "ErrorInfo", default, skip_serializing_if = "Option::is_none")]
    pub error_info: Option<String>,
    /// `RequestId`, on newer endpoints.
    #[serde(rename = "RequestId", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// `ErrorDisplay`, on relationship, profile and recent-contact endpoints.
    #[serde(rename = "ErrorDisplay", default, skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
}

impl Envelope {
    /// Decodes the envelope keys of a reply body, ignoring every other key.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// Whether the reply reports a failure of the whole call: `ActionStatus` `FAIL` or a non-zero
    /// `ErrorCode`.
    pub fn is_failure(&self) -> bool {
        self.error_code.unwrap_or(0) != 0 || self.action_status.as_deref() == Some("FAIL")
    }
}

/// Checks a reply the way the client does before decoding the payload: the envelope first (a failure
/// becomes [`Error::Service`]), then the HTTP status. Returns the body of a successful reply.
pub fn check_reply(endpoint: &'static str, status: u16, body: Bytes) -> Result<Bytes, Error> {
    let envelope = match Envelope::from_slice(&body) {
        Ok(e) => e,
        Err(source) if (200..300).contains(&status) => return Err(Error::Decode { endpoint, source, body }),
        Err(_) => return Err(Error::Http { endpoint, status, body }),
    };
    if envelope.is_failure() {
        return Err(Error::Service(Box::new(ServiceError::new(endpoint, envelope, body))));
    }
    if !(200..300).contains(&status) {
        return Err(Error::Http { endpoint, status, body });
    }
    Ok(body)
}

/// Decodes a whole reply the way the client does: HTTP status, then the envelope (a failure becomes
/// [`Error::Service`]), then the payload. Useful for replies obtained some other way (a recorded
/// exchange, another HTTP stack). Never panics, whatever `body` holds.
///
/// ```
/// use tim_rest::envelope::decode_reply;
/// use tim_rest::im_open_login_svc::KickResponse;
/// let ok = decode_reply::<KickResponse>("im_open_login_svc/kick", 200, r#"{"ActionStatus":"OK","ErrorCode":0}"#.into());
/// assert!(ok.is_ok());
/// let fail = decode_reply::<KickResponse>("im_open_login_svc/kick", 200, r#"{"ActionStatus":"FAIL","ErrorCode":70107}"#.into());
/// assert_eq!(fail.unwrap_err().code(), Some(70107));
/// ```
pub fn decode_reply<T: serde::de::DeserializeOwned>(endpoint: &'static str, status: u16, body: Bytes) -> Result<T, Error> {
    // One pass over the body on the common path; the envelope-only pass runs only when the payload does
    // not decode (a failure reply usually lacks the payload's required fields).
    match crate::codec::decode_with_envelope::<T>(&body) {
        Ok((envelope, payload)) => {
            if envelope.is_failure() {
                return Err(Error::Service(Box::new(ServiceError::new(endpoint, envelope, body))));
            }
            if !(200..300).contains(&status) {
                return Err(Error::Http { endpoint, status, body });
            }
            Ok(payload)
        }
        Err(source) => {
            let body = check_reply(endpoint, status, body)?;
            Err(Error::Decode { endpoint, source, body })
        }
    }
}
