//! Any bytes as a reply body: the envelope, every command's response and request decoders, the
//! drift-correcting path (tolerant and strict) and the client's whole reply path must return a value
//! or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tim_rest::envelope::decode_reply;

fuzz_target!(|data: &[u8]| {
    let body = bytes::Bytes::copy_from_slice(data);
    let _ = tim_rest::Envelope::from_slice(data);
    let _ = decode_reply::<tim_rest::openim::SendMsgResponse>("openim/sendmsg", 200, body.clone());
    let _ = decode_reply::<tim_rest::openim::AdminGetRoamMsgResponse>("openim/admin_getroammsg", 200, body.clone());
    let _ = decode_reply::<tim_rest::group_open_http_svc::GetGroupMemberInfoResponse>("g", 502, body.clone());
    for info in tim_rest::registry::commands() {
        if let Ok(m) = info.codec.decode_response(data) {
            let _ = m.to_json();
        }
        if let Ok(m) = info.codec.decode_request(data) {
            let _ = m.to_json();
        }
        // The correcting path: whatever JSON object arrives decodes; its output must encode.
        if let Ok(d) = info.codec.decode_reply(body.clone(), false) {
            let _ = d.value.to_json();
        }
        let _ = info.codec.decode_reply(body.clone(), true);
    }
});
