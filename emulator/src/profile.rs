//! Profiles (profile/portrait_set, portrait_get).

use crate::{Inner, fail, ok};
use tim_rest::error_codes::PROFILE_ACCOUNT_NOT_FOUND;
use tim_rest::mock::Reply;
use tim_rest::profile::{
    PortraitGetRequest, PortraitGetResponse, PortraitSetRequest, PortraitSetResponse, ProfileItem, ProfileValue, UserProfileItem,
};

/// portrait_set (269/1640): stores each tag's value on an imported account (40003 otherwise).
pub(crate) fn set(inner: &Inner, r: &PortraitSetRequest) -> Reply {
    let mut w = inner.world();
    let Some(a) = w.accounts.get_mut(&r.from_account) else {
        return fail(PROFILE_ACCOUNT_NOT_FOUND, "From_Account is not an imported account");
    };
    for item in &r.profile_item {
        let v = serde_json::to_value(&item.value).unwrap_or(serde_json::Value::Null);
        a.profile.insert(item.tag.clone(), v);
    }
    ok(&PortraitSetResponse::new())
}

/// portrait_get (269/1639): the requested tags that have a value, per account; an account that does
/// not exist gets ResultCode 40003 and is listed in Fail_Account.
pub(crate) fn get(inner: &Inner, r: &PortraitGetRequest) -> Reply {
    let w = inner.world();
    let mut resp = PortraitGetResponse::new();
    for id in &r.to_account {
        match w.accounts.get(id) {
            Some(a) => {
                let mut u = UserProfileItem::new(id, 0, "");
                for tag in &r.tag_list {
                    if let Some(v) = a.profile.get(tag)
                        && let Ok(value) = serde_json::from_value::<ProfileValue>(v.clone())
                    {
                        u.profile_item.push(ProfileItem::new(tag, value));
                    }
                }
                resp.user_profile_item.push(u);
            }
            None => {
                resp.user_profile_item.push(UserProfileItem::new(id, PROFILE_ACCOUNT_NOT_FOUND, "account not found"));
                resp.fail_account.push(id.clone());
            }
        }
    }
    ok(&resp)
}
