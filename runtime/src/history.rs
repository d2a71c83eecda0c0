//! Reading downloaded message-history files.
//!
//! `open_msg_svc/get_history` answers with links to hourly files of messages; each is GZip-compressed
//! JSON whose shape the catalogue describes as
//! [`HistoryFileContent`](../tim_rest/open_msg_svc/struct.HistoryFileContent.html). Download a file with any HTTP
//! client, then read it here: GZip is detected by its magic bytes, the inflated size is capped (a file
//! is never inflated past `max_bytes`), and the JSON is decoded with the same drift correction as a
//! reply ([`crate::drift`]).
//!
//! With `tim-rest`'s type for the file (its integration tests read the page's own file examples):
//!
//! ```ignore
//! use tim_rest::open_msg_svc::HistoryFileContent;
//! let file = br#"{"SdkAppId":1104620500,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[
//! {"From_Account":"a","To_Account":"b","MsgTimestamp":1448974806,"MsgSeq":3452069198,"MsgRandom":45838,"MsgBody":[]}
//! ]}"#;
//! let read = tim_rest::history::read_file::<HistoryFileContent>(file, tim_rest::DEFAULT_MAX_REPLY_BYTES).expect("a history file");
//! assert_eq!(read.value.msg_list[0].msg_seq, 3452069198);
//! ```

use crate::drift::{Correction, Schema};
use crate::error::Error;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use std::io::Read;

/// What [`read_file`] names in its errors.
const WHAT: &str = "open_msg_svc/get_history file";

/// A decoded history file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HistoryFile<T> {
    /// The content.
    pub value: T,
    /// What the decoder corrected because the file drifted from the catalogue (also reported to
    /// `tracing`, target `tim_rest::drift`).
    pub corrections: Vec<Correction>,
}

/// Reads a downloaded history file, GZip-compressed (as downloaded) or already inflated. `max_bytes`
/// caps the inflated size ([`Error::ReplyTooLarge`] beyond it); JSON that is not an object is
/// [`Error::Decode`] with the inflated bytes kept.
pub fn read_file<T: DeserializeOwned + Schema>(data: &[u8], max_bytes: usize) -> Result<HistoryFile<T>, Error> {
    let json: Bytes = if data.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
        flate2::read::MultiGzDecoder::new(data).take(limit).read_to_end(&mut out).map_err(|e| Error::Decode {
            endpoint: WHAT,
            source: serde::de::Error::custom(format_args!("the file is not valid GZip: {e}")),
            body: Bytes::copy_from_slice(data),
        })?;
        if out.len() > max_bytes {
            return Err(Error::ReplyTooLarge { endpoint: WHAT, limit: max_bytes });
        }
        out.into()
    } else {
        if data.len() > max_bytes {
            return Err(Error::ReplyTooLarge { endpoint: WHAT, limit: max_bytes });
        }
        Bytes::copy_from_slice(data)
    };
    match crate::drift::decode_document::<T>(&json, false) {
        Ok((value, corrections)) => {
            crate::drift::report(WHAT, &corrections);
            Ok(HistoryFile { value, corrections })
        }
        Err(source) => Err(Error::Decode { endpoint: WHAT, source, body: json }),
    }
}
