//! Finding a command or a callback by name: the wire names (`openim/sendmsg`), the Rust names
//! (`openim/send_msg`), or a command alone when it is unique (`sendmsg`); an unknown name fails with
//! the closest names.

use crate::Failure;
use tim_rest::callbacks::CallbackInfo;
use tim_rest::registry::CommandInfo;

/// The closest of `candidates` to `input` (at most 3, best first), by Jaro-Winkler similarity.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> =
        candidates.into_iter().map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c)).filter(|(s, _)| *s > 0.7).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, c) in scored {
        if !out.contains(&c) {
            out.push(c);
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

fn suggest(what: &str, input: &str, close: &[&str], all_hint: &str) -> Failure {
    if close.is_empty() {
        Failure::input(format!("unknown {what} `{input}` ({all_hint})"))
    } else {
        Failure::input(format!("unknown {what} `{input}`; the closest: {} ({all_hint})", close.join(", ")))
    }
}

/// Finds a catalogued command.
pub fn command(input: &str) -> Result<&'static CommandInfo, Failure> {
    let all = || tim_rest::registry::commands();
    let found = match input.split_once('/') {
        Some((svc, cmd)) => all()
            .find(|c| c.service == svc && c.command == cmd)
            .or_else(|| all().find(|c| (c.service == svc || c.module == svc) && (c.command == cmd || c.function == cmd))),
        None => {
            let matches: Vec<&'static CommandInfo> = all().filter(|c| c.command == input || c.function == input).collect();
            match matches.as_slice() {
                [one] => Some(*one),
                [] => None,
                many => {
                    let paths: Vec<&str> = many.iter().map(|c| c.path).collect();
                    return Err(Failure::input(format!("`{input}` is a command of several services: {}", paths.join(", "))));
                }
            }
        }
    };
    if let Some(c) = found {
        return Ok(c);
    }
    let names: Vec<&'static str> = all().map(|c| c.path).collect();
    // Rust spellings too, so that `openim/sendmessage` finds `openim/sendmsg` through `send_msg`.
    let rust: Vec<(String, &'static str)> = all().map(|c| (format!("{}/{}", c.module, c.function), c.path)).collect();
    let mut close = closest(input, names.iter().copied());
    for r in closest(input, rust.iter().map(|(r, _)| r.as_str())) {
        if let Some((_, wire)) = rust.iter().find(|(n, _)| n == r)
            && !close.contains(wire)
        {
            close.push(wire);
        }
    }
    close.truncate(3);
    Err(suggest("command", input, &close, "`tim spec list` lists them"))
}

/// Finds a catalogued callback command (`C2C.CallbackBeforeSendMsg`; case does not matter).
pub fn callback(input: &str) -> Result<&'static CallbackInfo, Failure> {
    if let Some(c) = tim_rest::callbacks::registry().find(|c| c.command == input || c.command.eq_ignore_ascii_case(input)) {
        return Ok(c);
    }
    let close = closest(input, tim_rest::callbacks::registry().map(|c| c.command));
    Err(suggest("callback command", input, &close, "`tim callbacks list` lists them"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_rust_and_bare_names_find_the_command() {
        assert_eq!(command("openim/sendmsg").map(|c| c.path).ok(), Some("openim/sendmsg"));
        assert_eq!(command("openim/send_msg").map(|c| c.path).ok(), Some("openim/sendmsg"));
        assert_eq!(command("batchsendmsg").map(|c| c.path).ok(), Some("openim/batchsendmsg"));
        let e = command("openim/sendmgs").err().map(|f| f.message).unwrap_or_default();
        assert!(e.contains("closest: openim/sendmsg"), "{e}");
        let e = callback("C2C.CallbackBeforeSendMgs").err().map(|f| f.message).unwrap_or_default();
        assert!(e.contains("C2C.CallbackBeforeSendMsg"), "{e}");
    }
}
