//! Rust names from wire names (heck), with keywords escaped.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and edition-2024 `gen`).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
    "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Type names that generated code must not define: they would hide names it uses.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Debug",
    "Self",
    "Client",
    "Error",
    "Endpoint",
    "Unknown",
    "Value",
    "BTreeMap",
    "Serialize",
    "Deserialize",
    "Deserializer",
    "Serializer",
    "Into",
    "From",
];

/// Whether `s` is a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// snake_case via heck.
pub fn snake(s: &str) -> String {
    s.to_snake_case()
}

/// PascalCase via heck.
pub fn pascal(s: &str) -> String {
    s.to_upper_camel_case()
}

/// `^[a-z][a-z0-9_]*$`
pub fn is_snake_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_lowercase()) && c.all(|x| x.is_ascii_lowercase() || x.is_ascii_digit() || x == '_')
}

/// `^[A-Z][A-Za-z0-9]*$`
pub fn is_pascal_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_uppercase()) && c.all(|x| x.is_ascii_alphanumeric())
}

/// Rewrites plural acronyms so heck keeps them whole: `RawURLs` -> `RawUrls` (snake: `raw_urls`, not
/// `raw_ur_ls`), `GroupIDs` -> `GroupIds`.
fn fold_plural_acronyms(wire: &str) -> String {
    let chars: Vec<char> = wire.chars().collect();
    let mut out = String::with_capacity(wire.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_uppercase() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_uppercase() {
                i += 1;
            }
            let run = &chars[start..i];
            let plural = run.len() >= 2 && chars.get(i) == Some(&'s') && chars.get(i + 1).is_none_or(|c| !c.is_ascii_lowercase());
            if plural {
                out.push(run[0]);
                out.extend(run[1..].iter().map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(run.iter());
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The Rust field name of a wire key: snake case, keywords as raw identifiers (`r#type`), and the
/// four keywords that cannot be raw (`self`, `Self`, `super`, `crate`) with a trailing underscore.
pub fn field_ident(wire: &str) -> String {
    let s = snake(&fold_plural_acronyms(wire));
    if matches!(s.as_str(), "self" | "super" | "crate") {
        format!("{s}_")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_to_rust() {
        assert_eq!(field_ident("From_Account"), "from_account");
        assert_eq!(field_ident("MsgBody"), "msg_body");
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("Tag_Profile_IM_Nick"), "tag_profile_im_nick");
        assert_eq!(field_ident("IPList"), "ip_list");
        assert_eq!(field_ident("RawURLs"), "raw_urls");
        assert_eq!(field_ident("PreSigURLs"), "pre_sig_urls");
        assert_eq!(field_ident("GroupIDs"), "group_ids");
        assert_eq!(field_ident("URL"), "url");
        assert_eq!(field_ident("SDKAppID"), "sdk_app_id");
        assert_eq!(pascal("send_msg"), "SendMsg");
        assert_eq!(snake("ConfigSvc"), "config_svc");
        assert_eq!(pascal("AcceptAndNotify"), "AcceptAndNotify");
        assert_eq!(pascal("Add_Type_Single"), "AddTypeSingle");
        assert!(is_pascal_ident("MsgElement"));
        assert!(!is_pascal_ident("msgElement"));
        assert!(!is_pascal_ident("Msg_Element"));
        assert!(is_snake_ident("send_msg2"));
        assert!(!is_snake_ident("2send"));
    }
}
