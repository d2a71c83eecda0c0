//! A stateful local emulator of the Tencent Cloud IM REST service, for end-to-end tests of IM back ends.
//!
//! The protocol layer is the runtime's local test server (`tim_rest::mock::MockServer`): URL, query,
//! UserSig, envelope, error codes, limits, rates, faults, TLS and the request log. The emulator plugs
//! into it as its handler (`tim_rest::mock::Handler`) and keeps state: accounts, one-to-one messages,
//! groups and members, group messages, profiles, friends and blocklists, recent contacts. It answers
//! those commands as the documented service does (each rule names its page), calls the app's callback
//! URL like the IM server (signed, "before" callbacks decide, "after" callbacks report), and falls back
//! to the official example reply for the commands it does not emulate ([`COMMANDS`] lists the emulated
//! ones). Scripted replies and faults still come first.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use tim_emulator::Emulator;
//! use tim_rest::im_open_login_svc::AccountImportRequest;
//! let emu = Emulator::start(1400000000, "administrator", "test-key").await?;
//! let client = emu.client_builder().build()?;
//! client.im_open_login_svc().account_import(&AccountImportRequest::new("alice")).await?;
//! assert!(emu.world().has_account("alice"));
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accounts;
mod c2c;
pub mod callbacks;
pub mod clock;
mod groups;
mod profile;
mod recent;
mod sns;
pub mod world;

pub use callbacks::{CallbackConfig, SentCallback};
pub use clock::Clock;
pub use world::World;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tim_rest::mock::{Call, Handler, MockServer, Reply};
use tim_rest::transport::BoxFuture;

/// The `servicename/command` paths the emulator answers from its state. Every other catalogued command
/// answers with its official example reply (or a scripted one).
pub const COMMANDS: &[&str] = &[
    "im_open_login_svc/account_import",
    "im_open_login_svc/multiaccount_import",
    "im_open_login_svc/account_delete",
    "im_open_login_svc/account_check",
    "im_open_login_svc/kick",
    "openim/query_online_status",
    "openim/sendmsg",
    "openim/batchsendmsg",
    "openim/importmsg",
    "openim/admin_getroammsg",
    "openim/admin_msgwithdraw",
    "openim/admin_set_msg_read",
    "openim/get_c2c_unread_msg_num",
    "group_open_http_svc/create_group",
    "group_open_http_svc/import_group",
    "group_open_http_svc/get_group_info",
    "group_open_http_svc/modify_group_base_info",
    "group_open_http_svc/destroy_group",
    "group_open_http_svc/add_group_member",
    "group_open_http_svc/delete_group_member",
    "group_open_http_svc/get_group_member_info",
    "group_open_http_svc/modify_group_member_info",
    "group_open_http_svc/forbid_send_msg",
    "group_open_http_svc/get_joined_group_list",
    "group_open_http_svc/get_appid_group_list",
    "group_open_http_svc/change_group_owner",
    "group_open_http_svc/send_group_msg",
    "group_open_http_svc/send_group_system_notification",
    "group_open_http_svc/group_msg_get_simple",
    "group_open_http_svc/group_msg_recall",
    "profile/portrait_set",
    "profile/portrait_get",
    "sns/friend_add",
    "sns/friend_delete",
    "sns/friend_get",
    "sns/friend_check",
    "sns/group_add",
    "sns/group_delete",
    "sns/black_list_add",
    "sns/black_list_delete",
    "sns/black_list_get",
    "sns/black_list_check",
    "recentcontact/get_list",
    "recentcontact/delete",
];

/// A seed or snapshot file that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The file could not be read.
    #[error("cannot read the seed file: {0}")]
    Io(#[from] std::io::Error),
    /// The JSON does not match the state format.
    #[error("the seed is not valid JSON state: {0}")]
    Json(String),
    /// The YAML does not match the state format.
    #[error("the seed is not valid YAML state: {0}")]
    Yaml(String),
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not hide the state from others.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The shared state behind the handler.
pub(crate) struct Inner {
    pub(crate) admin: String,
    pub(crate) sdkappid: u64,
    pub(crate) world: Mutex<World>,
    pub(crate) clock: Clock,
    pub(crate) callbacks: Mutex<Option<Arc<CallbackConfig>>>,
    pub(crate) sent: Mutex<Vec<SentCallback>>,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) settled: tokio::sync::Notify,
    pub(crate) answered: Mutex<std::collections::BTreeSet<&'static str>>,
}

impl Inner {
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub(crate) fn now(&self) -> u64 {
        self.clock.now()
    }

    /// A fresh state: the App admin is an account from the start (it is created with the app).
    fn empty_world(&self) -> World {
        let mut w = World::default();
        w.accounts.insert(self.admin.clone(), world::Account { created: self.now(), ..Default::default() });
        w
    }
}

struct Dispatcher(Arc<Inner>);

impl Handler for Dispatcher {
    fn handle(&self, call: Call) -> BoxFuture<'static, Option<Reply>> {
        let inner = self.0.clone();
        Box::pin(async move {
            let reply = dispatch(&inner, &call).await;
            if reply.is_some() {
                lock(&inner.answered).insert(call.path());
            }
            reply
        })
    }
}

/// A typed request of the call, or `None` (the server's default answer) when it is not `T`.
macro_rules! req {
    ($call:expr, $t:ty) => {
        $call.request::<$t>()?
    };
}

async fn dispatch(inner: &Arc<Inner>, call: &Call) -> Option<Reply> {
    use tim_rest::{group_open_http_svc as g, im_open_login_svc as a, openim as o, profile as p, recentcontact as r, sns as s};
    Some(match call.path() {
        "im_open_login_svc/account_import" => accounts::import(inner, req!(call, a::AccountImportRequest)),
        "im_open_login_svc/multiaccount_import" => accounts::multi_import(inner, req!(call, a::MultiAccountImportRequest)),
        "im_open_login_svc/account_delete" => accounts::delete(inner, req!(call, a::AccountDeleteRequest)),
        "im_open_login_svc/account_check" => accounts::check(inner, req!(call, a::AccountCheckRequest)),
        "im_open_login_svc/kick" => accounts::kick(inner, req!(call, a::KickRequest)),
        "openim/query_online_status" => accounts::query_state(inner, req!(call, o::QueryOnlineStatusRequest)),
        "openim/sendmsg" => c2c::send(inner, req!(call, o::SendMsgRequest)).await,
        "openim/batchsendmsg" => c2c::batch_send(inner, req!(call, o::BatchSendMsgRequest)).await,
        "openim/importmsg" => c2c::import(inner, req!(call, o::ImportMsgRequest)),
        "openim/admin_getroammsg" => c2c::roam(inner, req!(call, o::AdminGetRoamMsgRequest)),
        "openim/admin_msgwithdraw" => c2c::withdraw(inner, req!(call, o::AdminMsgWithdrawRequest)),
        "openim/admin_set_msg_read" => c2c::set_read(inner, req!(call, o::AdminSetMsgReadRequest)),
        "openim/get_c2c_unread_msg_num" => c2c::unread(inner, req!(call, o::GetC2cUnreadMsgNumRequest)),
        "group_open_http_svc/create_group" => groups::create(inner, req!(call, g::CreateGroupRequest)),
        "group_open_http_svc/import_group" => groups::import(inner, req!(call, g::ImportGroupRequest)),
        "group_open_http_svc/get_group_info" => groups::info(inner, req!(call, g::GetGroupInfoRequest)),
        "group_open_http_svc/modify_group_base_info" => groups::modify(inner, req!(call, g::ModifyGroupBaseInfoRequest)),
        "group_open_http_svc/destroy_group" => groups::destroy(inner, req!(call, g::DestroyGroupRequest)),
        "group_open_http_svc/add_group_member" => groups::add_members(inner, req!(call, g::AddGroupMemberRequest)),
        "group_open_http_svc/delete_group_member" => groups::delete_members(inner, req!(call, g::DeleteGroupMemberRequest)),
        "group_open_http_svc/get_group_member_info" => groups::member_info(inner, req!(call, g::GetGroupMemberInfoRequest)),
        "group_open_http_svc/modify_group_member_info" => groups::modify_member(inner, req!(call, g::ModifyGroupMemberInfoRequest)),
        "group_open_http_svc/forbid_send_msg" => groups::forbid(inner, req!(call, g::ForbidSendMsgRequest)),
        "group_open_http_svc/get_joined_group_list" => groups::joined(inner, req!(call, g::GetJoinedGroupListRequest)),
        "group_open_http_svc/get_appid_group_list" => groups::app_groups(inner, req!(call, g::GetAppidGroupListRequest)),
        "group_open_http_svc/change_group_owner" => groups::change_owner(inner, req!(call, g::ChangeGroupOwnerRequest)),
        "group_open_http_svc/send_group_msg" => groups::send_msg(inner, req!(call, g::SendGroupMsgRequest)).await,
        "group_open_http_svc/send_group_system_notification" => {
            groups::system_notification(inner, req!(call, g::SendGroupSystemNotificationRequest))
        }
        "group_open_http_svc/group_msg_get_simple" => groups::history(inner, req!(call, g::GroupMsgGetSimpleRequest)),
        "group_open_http_svc/group_msg_recall" => groups::recall(inner, req!(call, g::GroupMsgRecallRequest)),
        "profile/portrait_set" => profile::set(inner, req!(call, p::PortraitSetRequest)),
        "profile/portrait_get" => profile::get(inner, req!(call, p::PortraitGetRequest)),
        "sns/friend_add" => sns::friend_add(inner, req!(call, s::FriendAddRequest)),
        "sns/friend_delete" => sns::friend_delete(inner, req!(call, s::FriendDeleteRequest)),
        "sns/friend_get" => sns::friend_get(inner, req!(call, s::FriendGetRequest)),
        "sns/friend_check" => sns::friend_check(inner, req!(call, s::FriendCheckRequest)),
        "sns/group_add" => sns::group_add(inner, req!(call, s::GroupAddRequest)),
        "sns/group_delete" => sns::group_delete(inner, req!(call, s::GroupDeleteRequest)),
        "sns/black_list_add" => sns::black_add(inner, req!(call, s::BlackListAddRequest)),
        "sns/black_list_delete" => sns::black_delete(inner, req!(call, s::BlackListDeleteRequest)),
        "sns/black_list_get" => sns::black_get(inner, req!(call, s::BlackListGetRequest)),
        "sns/black_list_check" => sns::black_check(inner, req!(call, s::BlackListCheckRequest)),
        "recentcontact/get_list" => recent::get_list(inner, req!(call, r::GetListRequest)),
        "recentcontact/delete" => recent::delete(inner, req!(call, r::DeleteRequest)),
        _ => return None,
    })
}

/// A success reply with this typed payload.
pub(crate) fn ok<T: serde::Serialize>(payload: &T) -> Reply {
    Reply::ok(payload)
}

/// A `FAIL` reply.
pub(crate) fn fail(code: i64, info: impl Into<String>) -> Reply {
    Reply::fail(code, info)
}

/// A running emulator; it stops when dropped. It dereferences to its [`MockServer`], so scripting
/// (`on::<T>()`), faults, the request log, rates and TLS work as on the plain server.
pub struct Emulator {
    server: MockServer,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator").field("server", &self.server).finish_non_exhaustive()
    }
}

impl std::ops::Deref for Emulator {
    type Target = MockServer;
    fn deref(&self) -> &MockServer {
        &self.server
    }
}

impl Emulator {
    /// Starts an emulator on 127.0.0.1 (a free port, plain HTTP) for application `sdkappid`, admin
    /// `admin` and secret key `secret_key`, with an empty state (only the admin account). Must be called
    /// inside a Tokio runtime.
    pub async fn start(sdkappid: u64, admin: impl Into<String>, secret_key: impl Into<String>) -> std::io::Result<Emulator> {
        let admin = admin.into();
        let server = MockServer::start(sdkappid, admin.clone(), secret_key).await?;
        Ok(Self::around(server, sdkappid, admin))
    }

    /// [`Emulator::start`] over HTTPS, with a certificate signed by a CA made at start-up
    /// (`ca_pem()`); `client_builder()` trusts it.
    pub async fn start_tls(sdkappid: u64, admin: impl Into<String>, secret_key: impl Into<String>) -> std::io::Result<Emulator> {
        let admin = admin.into();
        let server = MockServer::start_tls(sdkappid, admin.clone(), secret_key).await?;
        Ok(Self::around(server, sdkappid, admin))
    }

    /// [`Emulator::start`] on a given address (plain HTTP, or HTTPS with `tls`), for a process serving
    /// on a known port.
    pub async fn start_on(
        addr: std::net::SocketAddr,
        sdkappid: u64,
        admin: impl Into<String>,
        secret_key: impl Into<String>,
        tls: bool,
    ) -> std::io::Result<Emulator> {
        let admin = admin.into();
        let server = MockServer::start_on(addr, sdkappid, admin.clone(), secret_key, tls).await?;
        Ok(Self::around(server, sdkappid, admin))
    }

    /// Makes a running [`MockServer`] stateful.
    pub fn around(server: MockServer, sdkappid: u64, admin: impl Into<String>) -> Emulator {
        let inner = Arc::new(Inner {
            admin: admin.into(),
            sdkappid,
            world: Mutex::new(World::default()),
            clock: Clock::default(),
            callbacks: Mutex::new(None),
            sent: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            settled: tokio::sync::Notify::new(),
            answered: Mutex::new(std::collections::BTreeSet::new()),
        });
        *inner.world() = inner.empty_world();
        server.set_handler(Arc::new(Dispatcher(inner.clone())));
        Emulator { server, inner }
    }

    /// The protocol server (also reachable through `Deref`).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The clock every time of the state comes from (the system clock until set).
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// A copy of the whole state (the seed format: `World::to_json`, `World::to_yaml`).
    pub fn world(&self) -> World {
        self.inner.world().clone()
    }

    /// Runs `f` on the state under its lock (to inspect without copying, or to change it in a test).
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut w = self.inner.world();
        let r = f(&mut w);
        w.reindex();
        r
    }

    /// Replaces the whole state (a seed or a snapshot). The admin account is added if missing.
    pub fn restore(&self, mut world: World) {
        world
            .accounts
            .entry(self.inner.admin.clone())
            .or_insert_with(|| world::Account { created: self.inner.now(), ..Default::default() });
        *self.inner.world() = world;
    }

    /// Reads a seed or snapshot file (JSON or YAML) and replaces the state with it.
    pub fn load_seed(&self, path: impl AsRef<std::path::Path>) -> Result<(), SeedError> {
        let text = std::fs::read_to_string(path)?;
        self.restore(World::from_text(&text)?);
        Ok(())
    }

    /// Writes the whole state to `path`, as YAML when the name ends in `.yaml`/`.yml`, JSON otherwise.
    pub fn save_snapshot(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let path = path.as_ref();
        let w = self.world();
        let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
        std::fs::write(path, if yaml { w.to_yaml() } else { w.to_json() })
    }

    /// Forgets the state (back to the admin account alone), the callbacks sent, scripted replies and
    /// the request log.
    pub fn reset(&self) {
        *self.inner.world() = self.inner.empty_world();
        lock(&self.inner.sent).clear();
        self.server.clear();
        self.server.clear_requests();
    }

    /// Calls the app's callback URL for the enabled callbacks (`None`: no callbacks, the default).
    pub fn set_callbacks(&self, config: Option<CallbackConfig>) {
        *lock(&self.inner.callbacks) = config.map(Arc::new);
    }

    /// The commands the emulator answered from its state so far (the others answered examples or
    /// scripted replies).
    pub fn commands_answered(&self) -> std::collections::BTreeSet<&'static str> {
        lock(&self.inner.answered).clone()
    }

    /// Every callback sent so far, with the app's answer, in the order they were sent.
    pub fn callbacks_sent(&self) -> Vec<SentCallback> {
        lock(&self.inner.sent).clone()
    }

    /// Waits until every "after" callback in flight has been answered (or given up on). After-callbacks
    /// are sent without holding the REST reply back, as the IM server does.
    pub async fn settle(&self) {
        loop {
            let notified = self.inner.settled.notified();
            if self.inner.in_flight.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Sets a user's online state (the emulator has no client connections) and sends
    /// `State.StateChange` (Login/Register or Logout/Unregister) when it is enabled.
    pub fn set_online(&self, user: &str, online: bool) {
        let changed = match self.inner.world().accounts.get_mut(user) {
            Some(a) if a.online != online => {
                a.online = online;
                true
            }
            _ => false,
        };
        if changed {
            callbacks::state_change(&self.inner, user, online);
        }
    }
}
