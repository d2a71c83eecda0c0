//! What the test modules share: the app of the local server and its secret key.

use tim_rest::mock::MockServer;

/// The SDKAppID every local server and client of these tests uses.
pub const APPID: u64 = 1400000000;

/// The secret key of that app (a test value, not a real key).
pub const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

/// The console token that signs callback requests in the callback tests.
pub const TOKEN: &str = "console-token";

/// A local server for [`APPID`] with the admin `administrator`, on 127.0.0.1.
pub async fn server() -> MockServer {
    MockServer::start(APPID, "administrator", KEY).await.expect("bind 127.0.0.1")
}
