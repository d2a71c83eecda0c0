//! Sends one text message from the App admin to a user, and prints the reply.
//!
//! ```sh
//! TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore \
//!     cargo run -p tim-rest-tests --example send_message -- bob "hello from Rust"
//! ```
//!
//! `TIM_REGION` is the region the app was created in (`china`, `singapore`, `seoul`, `tokyo`,
//! `frankfurt`, `mumbai`, `silicon-valley` or `jakarta`; default `china`). `TIM_BASE_URL` (optional)
//! replaces the region's hosts, e.g. with a proxy.

use std::process::ExitCode;

use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{ClientBuilder, Error};

async fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(to), Some(text)) = (args.next(), args.next()) else {
        return Err("usage: send_message <to-user-id> <text>".into());
    };
    // A missing or invalid variable is an error that names it (never showing the key).
    let client =
        ClientBuilder::from_env().and_then(ClientBuilder::build).map_err(|e| format!("{e} (see the top of examples/send_message.rs)"))?;

    let request = SendMsgRequest::new(to, vec![MsgElement::Text(TextElem::new(text))]);
    match client.openim().send_msg(&request).await {
        Ok(sent) => {
            println!("sent at {} (MsgKey {:?})", sent.msg_time, sent.msg_key);
            Ok(())
        }
        // The service answered with an error code: print what it means and whether a retry could help.
        Err(Error::Service(e)) => Err(format!("{e}")),
        Err(e) if e.not_applied() => Err(format!("not sent: {e}")),
        Err(e) => Err(format!("failed; the message may or may not have been sent: {e}")),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
