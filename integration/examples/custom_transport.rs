//! Bring your own HTTP client: a [`Transport`] over hyper's pooled client (`hyper-util`), used by a
//! `tim_rest::Client` against the local test server.
//!
//! ```sh
//! cargo run -p tim-rest-tests --example custom_transport
//! ```
//!
//! A transport sends one `POST` with a JSON body and reads the whole reply, within the request's
//! timeout and up to its size ceiling, and says *where* a failure happened (not connected, timed out,
//! no complete reply, too large): that decides retries. It also provides the timer the retry backoff
//! sleeps on, so the client core needs no async runtime of its own. For HTTPS, give the hyper client a
//! TLS connector (e.g. `hyper-rustls`); here the local server speaks plain HTTP.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;
use tim_rest::im_open_login_svc::KickRequest;
use tim_rest::mock::MockServer;
use tim_rest::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

/// Sends with hyper-util's legacy pooled client.
struct HyperTransport {
    http: HyperClient<HttpConnector, Full<Bytes>>,
}

impl Transport for HyperTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let req = hyper::Request::post(request.url.as_str())
                .header(hyper::header::CONTENT_TYPE, "application/json")
                .body(Full::new(request.body))
                .map_err(|e| TransportError::Invalid(Box::new(e)))?;
            let exchange = async {
                let resp = self.http.request(req).await.map_err(|e| {
                    if e.is_connect() { TransportError::Connect(Box::new(e)) } else { TransportError::NoResponse(Box::new(e)) }
                })?;
                let status = resp.status().as_u16();
                // Stop reading at the ceiling instead of buffering a runaway body.
                let body = Limited::new(resp.into_body(), request.max_response_bytes).collect().await.map_err(|e| {
                    if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                        TransportError::TooLarge
                    } else {
                        TransportError::NoResponse(e)
                    }
                })?;
                Ok(HttpResponse::new(status, body.to_bytes()))
            };
            tokio::time::timeout(request.timeout, exchange).await.unwrap_or(Err(TransportError::Timeout))
        })
    }

    fn sleep(&self, delay: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(delay))
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start(1400000000, "administrator", "example-key").await?;
    let transport = HyperTransport { http: HyperClient::builder(TokioExecutor::new()).build_http() };
    // The mock's builder is already pointed at the server, with its key; swap the transport in.
    let client = server.client_builder().transport(transport).build()?;
    client.im_open_login_svc().kick(&KickRequest::new("bob")).await?;
    let call = &server.requests()[0];
    println!("sent {} through hyper; the server answered {:?}", call.path, call.answered_code);
    Ok(())
}
