//! Sends one text message from the App admin to a user, and prints the reply.
//!
//! ```sh
//! TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore \
//!     cargo run -p tim-rest-tests --example send_message -- bob "hello from Rust"
//! ```
//!
//! `TIM_REGION` is the region the app was created in (`china`, `singapore`, `seoul`, `tokyo`,
//! `frankfurt`, `mumbai`, `silicon-valley` or `jakarta`; default `china`).

use std::process::ExitCode;

use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Client, Error, Region};

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see the top of examples/send_message.rs)"))
}

async fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(to), Some(text)) = (args.next(), args.next()) else {
        return Err("usage: send_message <to-user-id> <text>".into());
    };
    let sdkappid: u64 = env("TIM_SDKAPPID")?.parse().map_err(|e| format!("TIM_SDKAPPID: {e}"))?;
    let region: Region = std::env::var("TIM_REGION").unwrap_or_else(|_| "china".into()).parse().map_err(|e| format!("TIM_REGION: {e}"))?;
    let client = Client::builder(sdkappid, env("TIM_ADMIN")?)
        .secret_key(env("TIM_SECRET_KEY")?)
        .region(region)
        .build()
        .map_err(|e| e.to_string())?;

    let request = SendMsgRequest::new(to, vec![MsgElement::Text(TextElem::new(text))]);
    match client.openim().send_msg(&request).await {
        Ok(sent) => {
            println!("sent at {} (MsgKey {:?})", sent.msg_time, sent.msg_key);
            Ok(())
        }
        // The service answered with an error code: print what it means and whether a retry could help.
        Err(Error::Service(e)) => Err(format!("{e}")),
        Err(e) => Err(format!("not sent: {e}")),
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
