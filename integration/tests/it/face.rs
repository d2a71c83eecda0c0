//! The generated API's signatures as a user writes them: string and list parameters, required lists in
//! `new(..)`, documented 0/1 flags as `bool`, the crate-root paths and the client's delegating methods.

use serde_json::json;
use tim_rest::im_open_login_svc::{AccountCheckItem, AccountCheckRequest, MultiAccountImportRequest};
use tim_rest::openim::{BatchSendMsgRequest, QueryOnlineStatusRequest, SendMsgRequest};
use tim_rest::recentcontact::GetListResponse;
use tim_rest::types::{MsgElement, TextElem};

fn hello() -> Vec<MsgElement> {
    vec![MsgElement::Text(TextElem::new("hello"))]
}

#[test]
fn list_parameters_take_arrays_vecs_and_iterators_of_str_or_string() {
    let from_array = BatchSendMsgRequest::new(["bob", "carol"], hello());
    let from_vec_of_str = BatchSendMsgRequest::new(vec!["bob", "carol"], hello());
    let owned: Vec<String> = vec!["bob".to_owned(), "carol".to_owned()];
    let from_vec_of_string = BatchSendMsgRequest::new(owned.clone(), hello());
    let from_iter = BatchSendMsgRequest::new(owned.iter().map(String::as_str), hello());
    assert_eq!(from_array.to_account, owned);
    for other in [&from_vec_of_str, &from_vec_of_string, &from_iter] {
        assert_eq!(other.to_account, from_array.to_account);
    }
    let body = serde_json::to_value(&from_array).unwrap();
    assert_eq!(body["To_Account"], json!(["bob", "carol"]));

    // Setters of optional lists too.
    let import = MultiAccountImportRequest::new().accounts(["a1", "a2"]);
    assert_eq!(serde_json::to_value(&import).unwrap(), json!({ "Accounts": ["a1", "a2"] }));
}

#[test]
fn string_parameters_take_str_and_string() {
    let a = SendMsgRequest::new("bob", hello());
    let b = SendMsgRequest::new(String::from("bob"), hello()).msg_random(a.msg_random);
    assert_eq!(a.to_account, b.to_account);
}

#[test]
fn required_lists_are_parameters_of_new() {
    let check = AccountCheckRequest::new(vec![AccountCheckItem::new("bob"), AccountCheckItem::new("carol")]);
    assert_eq!(serde_json::to_value(&check).unwrap(), json!({ "CheckItem": [{ "UserID": "bob" }, { "UserID": "carol" }] }));
    let query = QueryOnlineStatusRequest::new(["bob"]);
    assert_eq!(serde_json::to_value(&query).unwrap(), json!({ "To_Account": ["bob"] }));
}

#[test]
fn a_flag_is_a_bool_sent_as_0_or_1() {
    let on = QueryOnlineStatusRequest::new(["bob"]).is_need_detail(true);
    assert_eq!(on.is_need_detail, Some(true));
    assert_eq!(serde_json::to_value(&on).unwrap(), json!({ "To_Account": ["bob"], "IsNeedDetail": 1 }));
    let off = QueryOnlineStatusRequest::new(["bob"]).is_need_detail(false);
    assert_eq!(serde_json::to_value(&off).unwrap(), json!({ "To_Account": ["bob"], "IsNeedDetail": 0 }));
    let unset = QueryOnlineStatusRequest::new(["bob"]);
    assert_eq!(serde_json::to_value(&unset).unwrap(), json!({ "To_Account": ["bob"] }));
}

#[test]
fn a_flag_reads_from_0_and_1_only() {
    // A request flag (both serde directions with the `codec` feature, as the local server uses them):
    // the documented integers; `true`/`false` or strings are not what the page describes.
    for (wire, value) in [(json!(1), true), (json!(0), false)] {
        let r: QueryOnlineStatusRequest = serde_json::from_value(json!({ "To_Account": ["bob"], "IsNeedDetail": wire })).unwrap();
        assert_eq!(r.is_need_detail, Some(value), "{wire}");
    }
    for wire in [json!(true), json!("1")] {
        let r = serde_json::from_value::<QueryOnlineStatusRequest>(json!({ "To_Account": ["bob"], "IsNeedDetail": wire }));
        assert!(r.is_err(), "{wire} accepted");
    }
    let r: QueryOnlineStatusRequest = serde_json::from_value(json!({ "To_Account": ["bob"], "IsNeedDetail": null })).unwrap();
    assert_eq!(r.is_need_detail, None);
}

fn get_list_reply(top_flags: [serde_json::Value; 2], drift: bool) -> bytes::Bytes {
    // `TimeStamp` as a string is drift: the strict pass fails and the tolerant pass reads the reply.
    let ts = if drift { json!("1631012800") } else { json!(1631012800) };
    json!({
        "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
        "SessionItem": [
            { "Type": 1, "To_Account": "id2", "MsgTime": 1630997627, "TopFlag": top_flags[0] },
            { "Type": 1, "To_Account": "id4", "MsgTime": 1630997630, "TopFlag": top_flags[1] }
        ],
        "CompleteFlag": 1, "TimeStamp": ts, "StartIndex": 0, "TopTimeStamp": 1631012800, "TopStartIndex": 0
    })
    .to_string()
    .into()
}

#[test]
fn a_reply_flag_decodes_from_0_1_strictly_and_booleans_as_reported_drift() {
    const EP: &str = "recentcontact/get_list";
    let flags = |d: &tim_rest::Decoded<GetListResponse>| d.value.session_item.iter().map(|s| s.top_flag).collect::<Vec<bool>>();

    let clean = tim_rest::envelope::decode::<GetListResponse>(EP, 200, get_list_reply([json!(1), json!(0)], false), true).unwrap();
    assert_eq!(flags(&clean), [true, false]);
    assert!(clean.corrections.is_empty(), "0/1 is the documented form: {:?}", clean.corrections);

    // After drift elsewhere in the reply, 0/1 need no correction; true/false are read as drift.
    let drifted = tim_rest::envelope::decode::<GetListResponse>(EP, 200, get_list_reply([json!(1), json!(0)], true), false).unwrap();
    assert_eq!(flags(&drifted), [true, false]);
    assert!(!drifted.corrections.is_empty(), "the drifted TimeStamp takes the tolerant pass");
    assert!(!drifted.corrections.iter().any(|c| c.to_string().contains("TopFlag")), "{:?}", drifted.corrections);
    let as_bools =
        tim_rest::envelope::decode::<GetListResponse>(EP, 200, get_list_reply([json!(true), json!(false)], true), false).unwrap();
    assert_eq!(flags(&as_bools), [true, false]);
    assert!(as_bools.corrections.iter().any(|c| c.path == "SessionItem[0].TopFlag"), "{:?}", as_bools.corrections);
    let strict_bools = tim_rest::envelope::decode::<GetListResponse>(EP, 200, get_list_reply([json!(true), json!(false)], false), true);
    assert!(matches!(strict_bools, Err(tim_rest::Error::Decode { .. })), "strict decoding accepted booleans");
}

#[test]
fn the_client_builds_from_the_environment_and_delegates_to_the_runtime_client() {
    // Only `Client::builder` here: `from_env` reads the process environment, which tests share.
    let client = tim_rest::Client::builder(1400000000, "administrator")
        .secret_key("5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e")
        .build()
        .unwrap();
    assert_eq!(client.sdkappid(), 1400000000);
    assert_eq!(client.identifier(), "administrator");
    let core: &tim_rest_runtime::Client = client.runtime();
    assert_eq!(core.sdkappid(), 1400000000);
    let as_ref: &tim_rest_runtime::Client = client.as_ref();
    assert_eq!(as_ref.identifier(), "administrator");
    assert!(client.user_sig("bob", std::time::Duration::from_secs(60)).is_ok());
    let prepared = client.prepare(&QueryOnlineStatusRequest::new(["bob"])).unwrap();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&prepared.body).unwrap(), json!({ "To_Account": ["bob"] }));
}
