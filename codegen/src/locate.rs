//! Finds the line of a mapping key in a YAML file, so that errors found after loading (a dangling
//! type, a bad name, an example that does not fit) can still name the file and line.
//!
//! `serde_yaml` reports positions only for errors it raises itself, so this module indexes the block
//! mappings of the source text: every `key:` at the start of a line (optionally after `- `) gets a
//! dotted path, e.g. `commands.sendmsg.request.MsgBody`. Flow mappings (`{ a: b }`) are not entered;
//! a path inside one resolves to the line of its nearest indexed ancestor. The index never fails: at
//! worst it answers line 1.

use std::collections::HashMap;

/// Dotted key path -> 1-based line number.
#[derive(Debug, Default, Clone)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

impl LineIndex {
    /// Indexes `source`.
    pub fn new(source: &str) -> Self {
        let mut lines = HashMap::new();
        // (indent of the key, path up to and including that key)
        let mut stack: Vec<(usize, String)> = Vec::new();
        // Sequence item counters per parent path.
        let mut seq_counters: HashMap<String, usize> = HashMap::new();
        // While inside a block scalar, lines indented deeper than this are text.
        let mut block_indent: Option<usize> = None;

        for (n, raw) in source.lines().enumerate() {
            let line_no = n + 1;
            let trimmed = raw.trim_start_matches(' ');
            let mut indent = raw.len() - trimmed.len();
            if trimmed.is_empty() {
                continue;
            }
            if let Some(b) = block_indent {
                if indent > b {
                    continue;
                }
                block_indent = None;
            }
            if trimmed.starts_with('#') {
                continue;
            }
            let mut content = trimmed;
            while let Some(stack_top) = stack.last() {
                if stack_top.0 >= indent {
                    stack.pop();
                } else {
                    break;
                }
            }
            if let Some(rest) = content.strip_prefix("- ").or_else(|| (content == "-").then_some("")) {
                let parent = stack.last().map(|(_, p)| p.clone()).unwrap_or_default();
                let counter = seq_counters.entry(format!("{parent}@{indent}")).or_insert(0);
                let item = format!("{}[{}]", parent, *counter);
                *counter += 1;
                lines.entry(item.clone()).or_insert(line_no);
                stack.push((indent, item));
                indent += 2;
                content = rest.trim_start_matches(' ');
                if content.is_empty() {
                    continue;
                }
            }
            if let Some((key, value)) = split_key(content) {
                let parent = stack.last().map(|(_, p)| p.clone()).unwrap_or_default();
                let path = if parent.is_empty() { key } else { format!("{parent}.{key}") };
                lines.entry(path.clone()).or_insert(line_no);
                stack.push((indent, path));
                let v = value.trim();
                if v.starts_with('|') || v.starts_with('>') {
                    block_indent = Some(indent);
                }
            }
        }
        LineIndex { lines }
    }

    /// The line of `path`, or of its nearest indexed ancestor, or 1.
    pub fn line(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                return *l;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return 1,
            }
        }
    }
}

/// Splits `key: value` (or `key:` at end of line); handles quoted keys.
fn split_key(content: &str) -> Option<(String, &str)> {
    let bytes = content.as_bytes();
    let first = *bytes.first()?;
    if first == b'"' || first == b'\'' {
        let close = content[1..].find(first as char)? + 1;
        let key = content[1..close].to_owned();
        let rest = &content[close + 1..];
        let rest = rest.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        return Some((key, rest));
    }
    if matches!(first, b'{' | b'[' | b'&' | b'*' | b'!' | b'|' | b'>') {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some((content[..i].trim_end().to_owned(), &content[i + 1..]));
        }
        if bytes[i] == b' ' && bytes.get(i + 1) == Some(&b'#') {
            return None;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_sequences_and_skips_block_scalars() {
        let src = "service: openim\ncommands:\n  sendmsg:\n    request:\n      To_Account: string\n    examples:\n      - title: a\n        request: |\n          {\"To_Account\": 1,\n           \"x: y\": 2}\n      - response: |\n          {}\n    \"quoted\": 1\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line("service"), 1);
        assert_eq!(idx.line("commands.sendmsg.request.To_Account"), 5);
        assert_eq!(idx.line("commands.sendmsg.examples[0].request"), 8);
        assert_eq!(idx.line("commands.sendmsg.examples[1]"), 11);
        assert_eq!(idx.line("commands.sendmsg.examples[1].response"), 11);
        assert_eq!(idx.line("commands.sendmsg.quoted"), 13);
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(idx.line("commands.sendmsg.request.Nope.Deeper"), 4);
        assert_eq!(idx.line("nothing.here"), 1);
    }
}
