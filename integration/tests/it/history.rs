//! Downloaded message-history files (`open_msg_svc/get_history`), read with the type the catalogue
//! gives them, from the official page's own file examples.

use std::io::Write;
use tim_rest::Error;
use tim_rest::history::read_file;
use tim_rest::open_msg_svc::{HistoryChatType, HistoryFileContent};
use tim_rest::types::MsgElement;

/// The two file examples of the page's 消息记录文件格式 section (intlcloud-documents
/// 下载最近消息记录_intl_zh.md, 2023-03-10), verbatim without their `//` label lines.
const C2C_FILE: &str = r#"{"SdkAppId":1104620500,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[
{"From_Account":"peakerdong","To_Account":"qiyueliuhuo2018","MsgTimestamp":1448974806,"MsgSeq":3452069198,"MsgRandom":45838,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"四等分"}}]},
{"From_Account":"group_root","To_Account":"group_test4","MsgTimestamp":1448974808,"MsgSeq":462709847,"MsgRandom":19196437,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi, beauty"}}]}
]}"#;
const GROUP_FILE: &str = r#"{"SdkAppId":1104620500,"ChatType":"Group","MsgTime":"2015120121","MsgList":[
{"From_Account":"Test_1","GroupId":"@TGS#1FDFVPAE2","MsgTimestamp":1448975384,"MsgSeq":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Private activate"}}]},
{"From_Account":"Test_1","GroupId":"@TGS#1FDFVPAE2","MsgTimestamp":1448975384,"MsgSeq":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Private activate"}}]}
]}"#;

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).expect("gzip");
    e.finish().expect("gzip")
}

#[test]
fn the_official_file_examples_read_gzipped_and_plain() {
    for data in [gzip(C2C_FILE), C2C_FILE.as_bytes().to_vec()] {
        let file = read_file::<HistoryFileContent>(&data, 1 << 20).expect("the page's example");
        assert!(file.corrections.is_empty(), "{:?}", file.corrections);
        let c = file.value;
        assert_eq!((c.sdk_app_id, &c.chat_type, c.msg_time.as_str()), (1104620500, &HistoryChatType::C2c, "2015120121"));
        assert_eq!(c.msg_list.len(), 2);
        assert_eq!(c.msg_list[0].msg_seq, 3_452_069_198, "wider than i32");
        assert_eq!(c.msg_list[0].to_account.as_deref(), Some("qiyueliuhuo2018"));
        assert!(matches!(&c.msg_list[0].msg_body[0], MsgElement::Text(t) if t.text == "四等分"));
    }
    let group = read_file::<HistoryFileContent>(&gzip(GROUP_FILE), 1 << 20).expect("group file").value;
    assert_eq!(group.chat_type, HistoryChatType::Group);
    assert_eq!(group.msg_list[1].group_id.as_deref(), Some("@TGS#1FDFVPAE2"));
    assert_eq!(group.msg_list[1].msg_random, None);
}

#[test]
fn a_drifted_file_is_corrected_and_a_bad_one_is_an_error() {
    let drifted = C2C_FILE.replace("\"MsgSeq\":3452069198", "\"MsgSeq\":\"3452069198\"");
    let file = read_file::<HistoryFileContent>(&gzip(&drifted), 1 << 20).expect("corrected");
    assert_eq!(file.value.msg_list[0].msg_seq, 3_452_069_198);
    assert_eq!(file.corrections.iter().map(ToString::to_string).collect::<Vec<_>>(), ["MsgList[0].MsgSeq: string read as integer"]);

    assert!(matches!(read_file::<HistoryFileContent>(b"[1,2]", 1 << 20), Err(Error::Decode { .. })));
    assert!(matches!(read_file::<HistoryFileContent>(&[0x1f, 0x8b, 0, 1, 2], 1 << 20), Err(Error::Decode { .. })));
}

#[test]
fn inflating_stops_at_the_ceiling() {
    // 8 MiB of padding compresses to a few KB: a small download that inflates far.
    let bomb = gzip(&format!("{{\"Pad\":\"{}\"}}", "x".repeat(8 << 20)));
    assert!(bomb.len() < 64 * 1024);
    let err = read_file::<HistoryFileContent>(&bomb, 1 << 20).expect_err("too large");
    assert!(matches!(err, Error::ReplyTooLarge { limit: 1_048_576, .. }), "{err:?}");
    assert!(matches!(read_file::<HistoryFileContent>(C2C_FILE.as_bytes(), 100), Err(Error::ReplyTooLarge { .. })));
}
