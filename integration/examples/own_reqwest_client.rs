//! Sends one text message with the application's own `reqwest::Client` (its proxies, its TLS
//! settings), and prints the reply.
//!
//! ```sh
//! TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore \
//!     cargo run -p tim-rest-tests --example own_reqwest_client -- bob "hello"
//! ```

use tim_rest::openim::SendMsgRequest;
use tim_rest::types::{MsgElement, TextElem};
use tim_rest::{Client, Region};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(to), Some(text)) = (args.next(), args.next()) else {
        return Err("usage: own_reqwest_client <to-user-id> <text>".into());
    };
    // The application's client, configured as it needs; the SDK's timeout, reply ceiling and retries
    // still apply per call. (reqwest is built here without a bundled TLS crypto provider: install ring
    // first, unless your reqwest features bring one.)
    tim_rest::transport::reqwest::install_crypto_provider();
    let http = reqwest::Client::builder().user_agent("my-app/1.0").pool_max_idle_per_host(8).build()?;
    let region: Region = std::env::var("TIM_REGION").unwrap_or_else(|_| "china".into()).parse()?;
    let client = Client::builder(std::env::var("TIM_SDKAPPID")?.parse()?, std::env::var("TIM_ADMIN")?)
        .secret_key(std::env::var("TIM_SECRET_KEY")?)
        .region(region)
        .reqwest_client(http)
        .build()?;
    let reply = client.openim().send_msg(&SendMsgRequest::new(to, vec![MsgElement::Text(TextElem::new(text))])).await?;
    println!("sent at {} as {:?}", reply.msg_time, reply.msg_key);
    Ok(())
}
