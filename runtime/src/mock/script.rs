//! Scripted replies: per-command queues addressed by the request type or by a wire name checked against
//! the catalogue, so a script cannot silently miss its command; and the bookkeeping that tells a test
//! which scripted replies were never used.

use super::Reply;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

/// One queued reply and how many more calls it answers.
#[derive(Debug, Clone)]
struct Queued {
    reply: Reply,
    left: usize,
}

/// The replies scripted for one `servicename/command`.
#[derive(Debug, Default)]
struct CommandScript {
    /// Answered first, in order; an entry leaves the queue when its calls are used up.
    queue: VecDeque<Queued>,
    /// Answers every call once the queue is empty, and how many it answered.
    always: Option<(Reply, usize)>,
    /// Whether the command is outside the catalogue (served for untyped calls).
    uncatalogued: bool,
}

/// Every scripted reply of a server.
#[derive(Debug, Default)]
pub(super) struct Scripts {
    /// Answers the next calls to any command, before per-command scripts.
    any: VecDeque<Reply>,
    per: HashMap<String, CommandScript>,
}

impl Scripts {
    /// The scripted reply for the next call to `path`, if any (and marks it used).
    pub(super) fn next(&mut self, path: &str) -> Option<Reply> {
        if let Some(r) = self.any.pop_front() {
            return Some(r);
        }
        let s = self.per.get_mut(path)?;
        if let Some(front) = s.queue.front_mut() {
            let reply = front.reply.clone();
            front.left = front.left.saturating_sub(1);
            if front.left == 0 {
                s.queue.pop_front();
            }
            return Some(reply);
        }
        let (reply, hits) = s.always.as_mut()?;
        *hits += 1;
        Some(reply.clone())
    }

    /// Whether `path` was scripted as a command outside the catalogue.
    pub(super) fn is_uncatalogued(&self, path: &str) -> bool {
        self.per.get(path).is_some_and(|s| s.uncatalogued)
    }

    pub(super) fn push_any(&mut self, reply: Reply) {
        self.any.push_back(reply);
    }

    fn entry(&mut self, path: &str, uncatalogued: bool) -> &mut CommandScript {
        let s = self.per.entry(path.to_owned()).or_default();
        s.uncatalogued |= uncatalogued;
        s
    }

    pub(super) fn push(&mut self, path: &str, uncatalogued: bool, reply: Reply, times: usize) {
        if times > 0 {
            self.entry(path, uncatalogued).queue.push_back(Queued { reply, left: times });
        }
    }

    pub(super) fn always(&mut self, path: &str, uncatalogued: bool, reply: Reply) {
        self.entry(path, uncatalogued).always = Some((reply, 0));
    }

    pub(super) fn clear(&mut self) {
        self.any.clear();
        self.per.clear();
    }

    pub(super) fn unused(&self) -> Vec<Unused> {
        let mut out: Vec<Unused> = self.any.iter().map(|r| Unused { command: None, reply: r.clone(), calls_left: Some(1) }).collect();
        let mut paths: Vec<&String> = self.per.keys().collect();
        paths.sort();
        for p in paths {
            let s = &self.per[p];
            out.extend(s.queue.iter().map(|q| Unused { command: Some(p.clone()), reply: q.reply.clone(), calls_left: Some(q.left) }));
            if let Some((r, 0)) = &s.always {
                out.push(Unused { command: Some(p.clone()), reply: r.clone(), calls_left: None });
            }
        }
        out
    }
}

/// A scripted reply that no call has used yet ([`super::MockServer::unused`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Unused {
    /// `servicename/command`, or `None` for a reply to the next call to any command
    /// ([`super::MockServer::push_fault`]).
    pub command: Option<String>,
    /// The reply.
    pub reply: Reply,
    /// How many calls it still had to answer; `None` for an `always` reply that answered none.
    pub calls_left: Option<usize>,
}

impl fmt::Display for Unused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = self.command.as_deref().unwrap_or("the next call to any command");
        match self.calls_left {
            Some(n) => write!(f, "{target}: {} ({n} call(s) left)", self.reply.summary()),
            None => write!(f, "{target}: {} (always, never used)", self.reply.summary()),
        }
    }
}

/// A wire name that is not in the catalogue, with the closest catalogued names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownCommand {
    /// `servicename/command` as given.
    pub path: String,
    /// The closest catalogued `servicename/command` paths, closest first.
    pub closest: Vec<String>,
}

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a catalogued command (or its service's feature is off)", self.path)?;
        if !self.closest.is_empty() {
            write!(f, "; closest: {}", self.closest.join(", "))?;
        }
        write!(f, "; for a command outside the catalogue use `on_uncatalogued`")
    }
}

impl std::error::Error for UnknownCommand {}

/// The closest catalogued paths to `service/command`: by edit distance of the whole path, or of the
/// command alone (the same command under another service is distance 0).
pub(super) fn closest(paths: impl Iterator<Item = &'static str>, service: &str, command: &str) -> Vec<String> {
    let path = format!("{service}/{command}");
    let mut scored: Vec<(usize, &'static str)> = paths
        .map(|p| {
            let cmd = p.split_once('/').map_or(p, |(_, c)| c);
            (strsim::levenshtein(&path, p).min(strsim::levenshtein(command, cmd)), p)
        })
        .collect();
    scored.sort();
    let cut = command.len().max(3) / 2 + 2;
    scored.into_iter().filter(|(d, _)| *d <= cut).take(3).map(|(_, p)| p.to_owned()).collect()
}

/// Scripts the replies of one command: made by [`super::MockServer::on`] (typed, `E` is the request
/// type), [`super::MockServer::on_command`] (wire names checked against the catalogue) or
/// [`super::MockServer::on_uncatalogued`]. Replies are used in the order they are queued; an
/// [`Script::always`] reply answers every call after the queue is used up. Scripted replies come before
/// the emulator's handler and the example reply.
pub struct Script<E = ()> {
    pub(super) scripts: Arc<Mutex<Scripts>>,
    pub(super) path: String,
    pub(super) uncatalogued: bool,
    pub(super) kind: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Script<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script").field("command", &self.path).finish_non_exhaustive()
    }
}

impl<E> Script<E> {
    /// The next call gets `reply` (queued after earlier ones).
    pub fn reply(self, reply: Reply) -> Self {
        self.times(1, reply)
    }

    /// The next `n` calls get `reply`.
    pub fn times(self, n: usize, reply: Reply) -> Self {
        super::lock(&self.scripts).push(&self.path, self.uncatalogued, reply, n);
        self
    }

    /// The next call gets a `FAIL` envelope with `code` and `info`.
    pub fn fail(self, code: i64, info: impl Into<String>) -> Self {
        self.reply(Reply::fail(code, info))
    }

    /// Every call gets `reply` once the queue is used up (replaces an earlier `always`).
    pub fn always(self, reply: Reply) -> Self {
        super::lock(&self.scripts).always(&self.path, self.uncatalogued, reply);
        self
    }

    /// The next call gets this JSON payload, with the success envelope added.
    pub fn ok_json(self, payload: serde_json::Value) -> Self {
        self.reply(Reply::ok(&payload))
    }

    /// `servicename/command`.
    pub fn command(&self) -> &str {
        &self.path
    }
}

impl<E: crate::Endpoint> Script<E>
where
    E::Response: serde::Serialize,
{
    /// The next call gets this typed payload, with the success envelope added.
    pub fn ok(self, payload: &E::Response) -> Self {
        self.reply(Reply::ok(payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_replies_are_used_in_order_then_the_always_reply() {
        let mut s = Scripts::default();
        s.push("a/b", false, Reply::fail(1, "x"), 2);
        s.always("a/b", false, Reply::fail(2, "y"));
        let code = |r: Option<Reply>| match r {
            Some(Reply::Fail { code, .. }) => code,
            _ => -1,
        };
        assert_eq!(code(s.next("a/b")), 1);
        assert_eq!(s.unused().len(), 2, "one call left on the queue, and the always reply");
        assert_eq!(code(s.next("a/b")), 1);
        assert_eq!(code(s.next("a/b")), 2);
        assert_eq!(code(s.next("a/b")), 2);
        assert!(s.unused().is_empty());
        assert!(s.next("a/c").is_none());
    }

    #[test]
    fn the_closest_names_include_the_same_command_under_another_service() {
        let paths = ["openim/sendmsg", "openim/batchsendmsg", "group_open_http_svc/create_group", "sns/friend_add"];
        let c = closest(paths.into_iter(), "openim", "create_group");
        assert_eq!(c.first().map(String::as_str), Some("group_open_http_svc/create_group"));
        let c = closest(paths.into_iter(), "openim", "sendmgs");
        assert_eq!(c.first().map(String::as_str), Some("openim/sendmsg"));
    }
}
