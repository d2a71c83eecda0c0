//! `tim call <service>/<command> [JSON | @file | -]`: the request checked against the catalogue, sent
//! through the SDK's client (signing, envelope, errors, retries, pacing), the reply printed.

use crate::config::Config;
use crate::{Failure, Outcome, names};
use bytes::Bytes;
use clap::Args;
use serde_json::Value;
use std::fmt::Write as _;
use std::io::Read as _;
use std::sync::{Arc, Mutex};
use tim_rest::registry::{CommandInfo, CursorHow, EndInfo, PagingInfo};
use tim_rest::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

/// Arguments of `tim call`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
tim call openim/sendmsg --example > req.json      # start from the doc's first request example\n  \
tim call openim/sendmsg @req.json\n  \
tim call im_open_login_svc/account_check '{\"CheckItem\":[{\"UserID\":\"bob\"}]}'\n  \
echo '{\"Limit\":100}' | tim call group_open_http_svc/get_appid_group_list - --all\n\n\
The request is checked like the typed SDK and the local server check it (unknown keys, wrong types, missing \
required fields, documented limits), each problem with its JSON path; nothing is sent when it fails. Fields the \
SDK fills in (MsgRandom) are filled when absent. Exit codes: 0 OK, 1 error reply or failed call, 2 bad input.")]
pub struct CallArgs {
    /// `servicename/command` (wire names, e.g. `openim/sendmsg`; the Rust names `openim/send_msg` work too).
    #[arg(index = 1)]
    pub command: String,
    /// The request: JSON text, `@file`, or `-` for standard input (default `{}`).
    #[arg(index = 2)]
    pub body: Option<String>,
    /// Print the doc's request example N (default 1) instead of calling.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub example: Option<usize>,
    /// Print the reply body exactly as received (envelope included), not the decoded reply.
    #[arg(long)]
    pub raw: bool,
    /// For a command that pages through a list: follow the cursor to the last page and print every item.
    #[arg(long)]
    pub all: bool,
    /// Send the request without checking it against the catalogue (for a catalogue behind the server).
    #[arg(long)]
    pub no_check: bool,
    #[command(flatten)]
    pub config: Config,
}

/// Keeps the last reply body the client received, so that `--raw` can print it as received and the
/// drift corrections can be computed from it.
struct Recording<T> {
    inner: T,
    last: Arc<Mutex<Option<Bytes>>>,
}

impl<T: Transport> Transport for Recording<T> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let r = self.inner.send(request).await;
            if let Ok(resp) = &r {
                *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(resp.body.clone());
            }
            r
        })
    }
    fn sleep(&self, delay: std::time::Duration) -> BoxFuture<'static, ()> {
        self.inner.sleep(delay)
    }
}

/// Reads the body argument.
fn read_body(arg: Option<&str>) -> Result<String, Failure> {
    match arg {
        None => Ok("{}".to_owned()),
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Failure::input(format!("cannot read the request from standard input: {e}")))?;
            Ok(s)
        }
        Some(a) => match a.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|e| Failure::input(format!("cannot read the request file {path}: {e}"))),
            None => Ok(a.to_owned()),
        },
    }
}

/// The doc's request example `n` (1-based).
pub fn example(info: &CommandInfo, n: usize) -> Result<&'static str, Failure> {
    let requests: Vec<&'static str> = info.examples.iter().filter_map(|e| e.request).collect();
    match n.checked_sub(1).and_then(|i| requests.get(i)) {
        Some(t) => Ok(t),
        None if requests.is_empty() => Err(Failure::input(format!("{} has no request example in its documentation", info.path))),
        None => Err(Failure::input(format!("{} has {} request example(s); pick one of 1..={}", info.path, requests.len(), requests.len()))),
    }
}

/// Fills the top-level fields the SDK fills in (`auto: random` in the catalogue, e.g. `MsgRandom`) when
/// the request leaves them out, the way the typed request's `new(..)` does. The catalogue has such
/// fields only at the top level of requests (a test checks it).
fn fill_auto(info: &CommandInfo, body: &mut Value) -> Vec<String> {
    let mut filled = Vec::new();
    let (Some(t), Value::Object(m)) = (crate::catalogue::table(), body) else { return filled };
    let Some(row) = t.commands.get(info.path) else { return filled };
    for f in t.fields(row.request) {
        if f.auto.as_deref() == Some("random") && !m.contains_key(&f.key) {
            let v: Value = match &f.ty {
                crate::catalogue::Ty::Scalar(s) if s == "u64" => fastrand::u64(..).into(),
                crate::catalogue::Ty::Scalar(s) if s == "i64" => fastrand::i64(0..).into(),
                crate::catalogue::Ty::Scalar(s) if s == "i32" => fastrand::i32(0..).into(),
                _ => fastrand::u32(..).into(),
            };
            m.insert(f.key.clone(), v);
            filled.push(f.key.clone());
        }
    }
    filled
}

/// JSON written one key or item per line, with the JSON path of each line, so that a decoding error's
/// line number names the place in the request.
struct Located {
    text: String,
    paths: Vec<String>,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

fn locate(v: &Value) -> Located {
    fn value(out: &mut Located, v: &Value, path: &str) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                out.text.push('{');
                let n = m.len();
                for (i, (k, item)) in m.iter().enumerate() {
                    out.text.push('\n');
                    out.paths.push(join(path, k));
                    // Writing into a String cannot fail; the key is escaped by serde_json.
                    let _ = write!(out.text, "{}:", Value::String(k.clone()));
                    value(out, item, &join(path, k));
                    if i + 1 < n {
                        out.text.push(',');
                    }
                }
                out.text.push('\n');
                out.paths.push(path.to_owned());
                out.text.push('}');
            }
            Value::Array(a) if !a.is_empty() => {
                out.text.push('[');
                let n = a.len();
                for (i, item) in a.iter().enumerate() {
                    out.text.push('\n');
                    let p = format!("{path}[{i}]");
                    out.paths.push(p.clone());
                    value(out, item, &p);
                    if i + 1 < n {
                        out.text.push(',');
                    }
                }
                out.text.push('\n');
                out.paths.push(path.to_owned());
                out.text.push(']');
            }
            other => out.text.push_str(&other.to_string()),
        }
    }
    // Line 1 is the opening of the root.
    let mut out = Located { text: String::new(), paths: vec![String::new()] };
    value(&mut out, v, "");
    out
}

/// The message of a serde_json error without its ` at line L column C` suffix.
fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Checks a request the way the typed call and the local server do: the command's request type
/// decodes it strictly (unknown keys, wrong types and missing required fields are errors), then its
/// documented limits are checked. The error names the JSON path.
pub fn check(info: &CommandInfo, body: &Value) -> Result<(), String> {
    let located = locate(body);
    match info.codec.decode_request(located.text.as_bytes()) {
        Err(e) => {
            let mut path = e.line().checked_sub(1).and_then(|l| located.paths.get(l)).map_or("", String::as_str);
            let text = message(&e);
            // Inside a tagged union (a message element) serde reports the element; name the key itself.
            if let Some(key) = text.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
                let inside = |p: &&String| p.starts_with(path) && (p.ends_with(&format!(".{key}")) || p.as_str() == key);
                if let Some(p) = located.paths.iter().find(inside) {
                    path = p;
                }
            }
            let at = if path.is_empty() { "the request body".to_owned() } else { format!("`{path}`") };
            Err(format!("{}: {at}: {text}", info.path))
        }
        Ok(decoded) => info.codec.check_limits(&*decoded).map_err(|v| v.to_string()),
    }
}

/// The pages of a paged command, read as JSON.
struct Pager<'a> {
    paging: &'a PagingInfo,
}

fn number_or_string(v: &Value, string: bool) -> Value {
    match (v, string) {
        (Value::String(s), false) => s.parse::<i64>().map(Value::from).or_else(|_| s.parse::<u64>().map(Value::from)).unwrap_or(v.clone()),
        (Value::Number(n), true) => Value::String(n.to_string()),
        _ => v.clone(),
    }
}

fn same_int(v: Option<&Value>, want: i64) -> bool {
    match v {
        Some(Value::Number(n)) => n.as_i64() == Some(want),
        Some(Value::String(s)) => s.parse::<i64>().ok() == Some(want),
        _ => false,
    }
}

impl Pager<'_> {
    fn items<'v>(&self, reply: &'v Value) -> &'v [Value] {
        self.paging.items.and_then(|k| reply.get(k)).and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The next request after `reply`, or `None` when `reply` is the last page (the catalogue's
    /// `paging:` rule: how each cursor moves, and when the list ends).
    fn next(&self, request: &Value, reply: &Value) -> Option<Value> {
        let items = self.items(reply);
        let mut next = request.clone();
        let Value::Object(m) = &mut next else { return None };
        for c in self.paging.next {
            match c.how {
                CursorHow::AddItems { unless } => {
                    if unless.is_some_and(|u| reply.get(u).is_some_and(|v| !v.is_null())) {
                        continue;
                    }
                    let now = m.get(c.field).and_then(Value::as_u64).unwrap_or(0);
                    m.insert(c.field.to_owned(), Value::from(now.saturating_add(items.len() as u64)));
                }
                CursorHow::From(field) => {
                    if let Some(v) = reply.get(field).filter(|v| !v.is_null()) {
                        m.insert(c.field.to_owned(), number_or_string(v, c.string));
                    }
                }
                CursorHow::MinOf { field, minus } => {
                    let min = items.iter().filter_map(|it| number_or_string(it.get(field).unwrap_or(&Value::Null), false).as_u64()).min();
                    if let Some(min) = min {
                        m.insert(c.field.to_owned(), Value::from(min.saturating_sub(minus)));
                    }
                }
                _ => {}
            }
        }
        let ended = self.paging.end.iter().any(|e| match *e {
            EndInfo::NoItems => items.is_empty(),
            EndInfo::Str { field, value, negated } => match reply.get(field) {
                Some(v) => {
                    let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    (text == value) != negated
                }
                None => false,
            },
            EndInfo::Int { field, value, negated } => reply.get(field).is_some_and(|_| same_int(reply.get(field), value) != negated),
            EndInfo::NextStr { field, value } => m.get(field).and_then(Value::as_str) == Some(value),
            EndInfo::NextInt { field, value } => same_int(m.get(field), value),
            EndInfo::Reached { total, by } => {
                let total = reply.get(total).map(|v| number_or_string(v, false)).and_then(|v| v.as_u64());
                let by = m.get(by).and_then(Value::as_u64);
                matches!((total, by), (Some(t), Some(b)) if b >= t)
            }
            _ => false,
        });
        (!ended).then_some(next)
    }
}

/// What one call gave: the payload decoded through the catalogue, and the raw body.
struct Reply {
    printed: Value,
    body: Bytes,
}

async fn call_once(client: &tim_rest::Client, info: &CommandInfo, last: &Mutex<Option<Bytes>>, body: &Value) -> Result<Reply, Failure> {
    let result = client.call_json(info.service, info.command, body).await;
    let raw = last.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_default();
    match result {
        Ok(payload) => {
            // The same decoding as the typed call, for the corrections it makes.
            match info.codec.decode_reply(raw.clone(), false) {
                Ok(d) => {
                    for c in &d.corrections {
                        eprintln!("tim: drift: {}: {c}", info.path);
                    }
                    let printed = d.value.to_json().unwrap_or(payload);
                    Ok(Reply { printed, body: raw })
                }
                Err(_) => Ok(Reply { printed: payload, body: raw }),
            }
        }
        Err(tim_rest::Error::Service(se)) => {
            let mut msg =
                format!("{} answered error {}: {}", se.endpoint, se.code, if se.info.is_empty() { "(no ErrorInfo)" } else { &se.info });
            if let Some(m) = se.meaning() {
                let _ = write!(msg, "\n  documented meaning: {} ({})", m.en, m.zh);
            }
            if let Some(id) = &se.request_id {
                let _ = write!(msg, "\n  RequestId: {id}");
            }
            Err(Failure { message: msg, code: 1 })
        }
        Err(e) => Err(Failure::failed(e.to_string())),
    }
}

fn print_json(v: &Value) -> Outcome {
    match serde_json::to_string_pretty(v) {
        Ok(s) => outln!("{s}"),
        Err(_) => outln!("{v}"),
    }
}

/// Runs `tim call`.
pub async fn run(args: CallArgs) -> Outcome {
    let info = names::command(&args.command)?;
    if args.command != info.path {
        eprintln!("tim: {} is {}", args.command, info.path);
    }
    if let Some(n) = args.example {
        let text = example(info, n)?;
        return outln!("{}", text.trim_end());
    }
    if args.all && info.paging.is_none() {
        return Err(Failure::input(format!("{} does not page through a list: --all does not apply", info.path)));
    }
    let text = read_body(args.body.as_deref())?;
    let mut body: Value = serde_json::from_str(&text).map_err(|e| Failure::input(format!("the request is not JSON: {e}")))?;
    if !body.is_object() {
        return Err(Failure::input("the request must be a JSON object"));
    }
    fill_auto(info, &mut body);
    if !args.no_check {
        check(info, &body).map_err(|e| Failure::input(format!("request check failed, nothing sent: {e}")))?;
    }
    let last = Arc::new(Mutex::new(None));
    let client = build_client(&args.config, last.clone())?;
    // When the body went through --raw, a failure reply is printed as received too.
    let raw_failure = |f: Failure| {
        if args.raw
            && let Some(b) = last.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            // The failure is what is reported; a closed pipe changes nothing.
            let _ = outln!("{}", String::from_utf8_lossy(&b));
        }
        f
    };
    let Some(paging) = info.paging.filter(|_| args.all) else {
        let reply = call_once(&client, info, &last, &body).await.map_err(raw_failure)?;
        return if args.raw { outln!("{}", String::from_utf8_lossy(&reply.body)) } else { print_json(&reply.printed) };
    };
    let pager = Pager { paging };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut request = body;
    let mut all_items: Vec<Value> = Vec::new();
    let mut pages = 0usize;
    let outcome = loop {
        let reply = match call_once(&client, info, &last, &request).await {
            Ok(r) => r,
            Err(f) => break Err(f),
        };
        pages += 1;
        let parsed: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        all_items.extend(pager.items(&reply.printed).iter().cloned());
        bar.set_message(format!("{}: page {pages}, {} items", info.path, all_items.len()));
        if args.raw
            && let Err(f) = bar.suspend(|| outln!("{}", String::from_utf8_lossy(&reply.body)))
        {
            break Err(f);
        }
        match pager.next(&request, &parsed) {
            None => break Ok(reply.printed),
            Some(next) if next == request => {
                break Err(Failure::failed(format!("paging through {} stopped: the next request would repeat the last one", info.path)));
            }
            Some(next) => request = next,
        }
    };
    bar.finish_and_clear();
    let mut last_page = outcome?;
    if !args.raw {
        if let (Some(key), Value::Object(m)) = (paging.items, &mut last_page) {
            m.insert(key.to_owned(), Value::Array(all_items));
        }
        print_json(&last_page)?;
    }
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("tim: {}: {pages} page(s)", info.path);
    }
    Ok(())
}

fn build_client(config: &Config, last: Arc<Mutex<Option<Bytes>>>) -> Result<tim_rest::Client, Failure> {
    tim_rest::transport::reqwest::install_crypto_provider();
    let mut http = reqwest::Client::builder()
        .user_agent(concat!("tim-cli/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(tim_rest::DEFAULT_CONNECT_TIMEOUT)
        .tcp_nodelay(true);
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path).map_err(|e| Failure::input(format!("cannot read the CA file {}: {e}", path.display())))?;
        let cert =
            reqwest::Certificate::from_pem(&pem).map_err(|e| Failure::input(format!("{}: not a PEM certificate: {e}", path.display())))?;
        http = http.add_root_certificate(cert);
    }
    let http = http.build().map_err(|e| Failure::failed(format!("cannot build the HTTP client: {e}")))?;
    let transport = Recording { inner: tim_rest::transport::reqwest::ReqwestTransport::new(http), last };
    config.client_builder()?.transport(transport).build().map_err(|e| Failure::input(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn send_msg() -> &'static CommandInfo {
        names::command("openim/sendmsg").expect("catalogued")
    }

    #[test]
    fn request_problems_name_the_json_path() {
        let good = json!({"To_Account": "bob", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]});
        assert_eq!(check(send_msg(), &good), Ok(()));
        let mut unknown = good.clone();
        unknown["MsgBody"][0]["MsgContent"]["Txet"] = json!("x");
        let e = check(send_msg(), &unknown).expect_err("unknown key");
        assert!(e.contains("MsgBody[0]"), "{e}");
        let mut top = good.clone();
        top["Bogus"] = json!(1);
        let e = check(send_msg(), &top).expect_err("unknown key");
        assert!(e.contains("`Bogus`") && e.contains("unknown field"), "{e}");
        let mut wrong = good.clone();
        wrong["MsgLifeTime"] = json!("soon");
        let e = check(send_msg(), &wrong).expect_err("wrong type");
        assert!(e.contains("`MsgLifeTime`") && e.contains("invalid type"), "{e}");
        let e = check(send_msg(), &json!({"MsgRandom": 1, "MsgBody": []})).expect_err("missing");
        assert!(e.contains("To_Account"), "{e}");
    }

    #[test]
    fn auto_fields_are_filled_when_absent() {
        let mut body = json!({"To_Account": "bob"});
        assert_eq!(fill_auto(send_msg(), &mut body), vec!["MsgRandom".to_owned()]);
        assert!(body["MsgRandom"].is_u64());
        let mut given = json!({"MsgRandom": 7});
        assert!(fill_auto(send_msg(), &mut given).is_empty());
        assert_eq!(given["MsgRandom"], 7);
    }

    #[test]
    fn sdk_filled_fields_are_only_at_request_roots() {
        // `fill_auto` looks at the top level only; the catalogue must keep it that way.
        let t = crate::catalogue::table().expect("table");
        let roots: Vec<usize> = t.commands.values().map(|c| c.request).collect();
        for (id, ty) in t.types.iter().enumerate() {
            if let crate::catalogue::TypeRow::Object { fields, .. } = ty {
                for f in fields.iter().filter(|f| f.auto.is_some()) {
                    assert!(roots.contains(&id), "{} of type #{id} is filled by the SDK but is not in a request root", f.key);
                }
            }
        }
    }

    #[test]
    fn every_request_example_passes_the_check() {
        for c in tim_rest::registry::commands() {
            for e in c.examples.iter().filter(|e| !e.legacy) {
                if let Some(t) = e.request {
                    let mut v: Value = serde_json::from_str(t).expect("example JSON");
                    fill_auto(c, &mut v);
                    assert_eq!(check(c, &v), Ok(()), "{}", c.path);
                }
            }
        }
    }
}
