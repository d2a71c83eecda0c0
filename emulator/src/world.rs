//! The emulator's state: everything a test can seed, snapshot and inspect. One serde format serves
//! seed files (JSON or YAML) and snapshots; message bodies and enums are the generated types, so they
//! read and write like the wire.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tim_rest::types::{AppDefinedDataItem, ApplyJoinOption, GroupMemberRole, GroupType, MsgElement, MsgFlag};

/// The whole state of one emulated application.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct World {
    /// Imported accounts by UserID.
    pub accounts: BTreeMap<String, Account>,
    /// One-to-one messages, in the order they were stored.
    pub c2c: Vec<C2cMessage>,
    /// When each user last read each one-to-one conversation: reader -> peer -> Unix seconds.
    pub c2c_read: BTreeMap<String, BTreeMap<String, u64>>,
    /// Groups by GroupId.
    pub groups: BTreeMap<String, Group>,
    /// Friend lists: owner -> friend -> entry.
    pub friends: BTreeMap<String, BTreeMap<String, Friend>>,
    /// Friend groups (lists) of each user, in creation order.
    pub friend_groups: BTreeMap<String, Vec<String>>,
    /// Blocklists: owner -> blocked user -> when (Unix seconds).
    pub blacklist: BTreeMap<String, BTreeMap<String, u64>>,
    /// Conversations each user deleted from the recent-contact list: user -> conversation key -> when.
    pub deleted_contacts: BTreeMap<String, BTreeMap<String, u64>>,
    /// The next one-to-one message sequence number.
    pub next_c2c_seq: u64,
    /// The number of the next group ID the server makes (`@TGS#` IDs).
    pub next_group_number: u64,
    /// Positions in `c2c` by MsgRandom, for sendmsg's de-duplication (rebuilt from `c2c`; not saved).
    #[serde(skip)]
    pub(crate) c2c_by_random: std::collections::HashMap<u32, Vec<usize>>,
}

/// One imported account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Account {
    /// When it was imported (Unix seconds).
    pub created: u64,
    /// Whether the user is online (set by tests; the emulator has no client connections).
    pub online: bool,
    /// Profile fields by tag (`Tag_Profile_IM_Nick`, ...), as their JSON values.
    pub profile: BTreeMap<String, serde_json::Value>,
}

/// One stored one-to-one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct C2cMessage {
    /// Sender.
    pub from: String,
    /// Recipient.
    pub to: String,
    /// `MsgSeq`.
    pub seq: u64,
    /// `MsgRandom`.
    pub random: u32,
    /// `MsgTime` (Unix seconds).
    pub time: u64,
    /// `MsgKey`.
    pub key: String,
    /// The stored body (after a "before" callback's replacement).
    pub body: Vec<MsgElement>,
    /// `CloudCustomData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_custom_data: Option<String>,
    /// Recalled (admin_msgwithdraw).
    #[serde(default)]
    pub recalled: bool,
    /// Imported with importmsg rather than sent.
    #[serde(default)]
    pub imported: bool,
}

/// One group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Group {
    /// `Type`.
    #[serde(rename = "type")]
    pub group_type: GroupType,
    /// `Name`.
    pub name: String,
    /// `Introduction`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// `Notification`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<String>,
    /// `FaceUrl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_url: Option<String>,
    /// `Owner_Account` (none for a group created without an owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `CreateTime`.
    #[serde(default)]
    pub created: u64,
    /// `MaxMemberNum` (0: the type's default).
    #[serde(default)]
    pub max_members: u32,
    /// `ApplyJoinOption`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_join_option: Option<ApplyJoinOption>,
    /// `MuteAllMember` on.
    #[serde(default)]
    pub mute_all: bool,
    /// `AppDefinedData`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_defined_data: Vec<AppDefinedDataItem>,
    /// Members in join order.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Messages in sequence order.
    #[serde(default)]
    pub messages: Vec<GroupMessage>,
    /// System notifications sent to the group (not part of its message history).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<GroupNotification>,
    /// `InfoSeq`: bumped by every change of the group's profile.
    #[serde(default)]
    pub info_seq: u64,
    /// `LastInfoTime`.
    #[serde(default)]
    pub last_info_time: u64,
}

/// One group member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Member {
    /// `Member_Account`.
    pub account: String,
    /// `Role`.
    pub role: GroupMemberRole,
    /// `JoinTime`.
    #[serde(default)]
    pub join_time: u64,
    /// `MuteUntil` (0: not muted).
    #[serde(default)]
    pub mute_until: u64,
    /// `NameCard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_card: Option<String>,
    /// `MsgFlag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_flag: Option<MsgFlag>,
    /// `LastSendMsgTime`.
    #[serde(default)]
    pub last_send_msg_time: u64,
    /// `AppMemberDefinedData`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub app_member_defined_data: Vec<AppDefinedDataItem>,
}

/// One stored group message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupMessage {
    /// `MsgSeq` (from 1, per group).
    pub seq: u64,
    /// Sender (empty for a system notification).
    pub from: String,
    /// `Random`.
    pub random: u32,
    /// `MsgTimeStamp`.
    pub time: u64,
    /// The stored body (after a "before" callback's replacement).
    pub body: Vec<MsgElement>,
    /// `CloudCustomData`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_custom_data: Option<String>,
    /// Recalled (group_msg_recall).
    #[serde(default)]
    pub recalled: bool,
}

/// One group system notification (send_group_system_notification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GroupNotification {
    /// The members it was sent to (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// `Content`.
    pub content: String,
    /// When it was sent.
    pub time: u64,
}

/// One friend-list entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Friend {
    /// `Tag_SNS_IM_Remark`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// `Tag_SNS_IM_Group`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// `Tag_SNS_IM_AddSource`.
    pub add_source: String,
    /// `Tag_SNS_IM_AddWording`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_wording: Option<String>,
    /// `Tag_SNS_IM_AddTime`.
    pub add_time: u64,
}

impl World {
    /// Reads a seed or snapshot: JSON when the text starts with `{`, YAML otherwise.
    pub fn from_text(text: &str) -> Result<World, crate::SeedError> {
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| crate::SeedError::Json(e.to_string()))
        } else {
            serde_yaml::from_str(text).map_err(|e| crate::SeedError::Yaml(e.to_string()))
        }
    }

    /// The state as pretty JSON (the seed format).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The state as YAML (the seed format).
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).unwrap_or_default()
    }

    /// Rebuilds the indexes that are not saved (after a seed or snapshot was read).
    pub(crate) fn reindex(&mut self) {
        self.c2c_by_random.clear();
        for (i, m) in self.c2c.iter().enumerate() {
            self.c2c_by_random.entry(m.random).or_default().push(i);
        }
    }

    /// Stores a one-to-one message.
    pub(crate) fn push_c2c(&mut self, m: C2cMessage) {
        self.c2c_by_random.entry(m.random).or_default().push(self.c2c.len());
        self.c2c.push(m);
    }

    /// Whether `user` is an imported account.
    pub fn has_account(&self, user: &str) -> bool {
        self.accounts.contains_key(user)
    }
}

impl Group {
    /// The member `account`, if it is one.
    pub fn member(&self, account: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.account == account)
    }

    /// The member `account`, mutable.
    pub fn member_mut(&mut self, account: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.account == account)
    }

    /// The sequence number the next message gets.
    pub fn next_msg_seq(&self) -> u64 {
        self.messages.last().map_or(1, |m| m.seq + 1)
    }

    /// The largest member count: `MaxMemberNum` when the group was given one; otherwise unlimited (the
    /// edition-dependent defaults of the console are not emulated).
    pub fn capacity(&self) -> u32 {
        if self.max_members > 0 { self.max_members } else { u32::MAX }
    }
}

impl Member {
    /// A member with `role`, joined at `now`.
    pub fn new(account: impl Into<String>, role: GroupMemberRole, now: u64) -> Member {
        Member {
            account: account.into(),
            role,
            join_time: now,
            mute_until: 0,
            name_card: None,
            msg_flag: None,
            last_send_msg_time: 0,
            app_member_defined_data: Vec::new(),
        }
    }
}
