//! The regional REST API hosts. An application lives in one region (chosen when it was created); a call
//! to another region's host fails with error 70016 or 70020, not with a network error.

/// A data-center region of Tencent Cloud IM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Chinese mainland: `console.tim.qq.com`.
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Tokyo: `adminapijpn.im.qcloud.com`.
    Tokyo,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai: `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley: `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 8] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Tokyo,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
    ];

    /// The region's name as [`FromStr`](std::str::FromStr) reads it: `china`, `singapore`, `seoul`,
    /// `tokyo`, `frankfurt`, `mumbai`, `silicon-valley` or `jakarta`.
    pub fn name(self) -> &'static str {
        match self {
            Region::China => "china",
            Region::Singapore => "singapore",
            Region::Seoul => "seoul",
            Region::Tokyo => "tokyo",
            Region::Frankfurt => "frankfurt",
            Region::Mumbai => "mumbai",
            Region::SiliconValley => "silicon-valley",
            Region::Jakarta => "jakarta",
        }
    }

    /// The primary host.
    pub fn host(self) -> &'static str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
        }
    }

    /// The backup host, used when the primary cannot be reached.
    pub fn backup_host(self) -> &'static str {
        match self {
            Region::China => "adminapi.my-imcloud.com",
            Region::Singapore => "adminapisgp.my-imcloud.com",
            Region::Seoul => "adminapikr.my-imcloud.com",
            Region::Tokyo => "adminapijpn.my-imcloud.com",
            Region::Frankfurt => "adminapiger.my-imcloud.com",
            Region::Mumbai => "adminapiind.my-imcloud.com",
            Region::SiliconValley => "adminapiusa.my-imcloud.com",
            Region::Jakarta => "adminapiidn.my-imcloud.com",
        }
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A region name that [`Region::from_str`](std::str::FromStr::from_str) does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region {0:?}; expected one of {names}, or a region's host", names = Region::ALL.map(Region::name).join(", "))]
pub struct ParseRegionError(pub String);

impl std::str::FromStr for Region {
    type Err = ParseRegionError;

    /// Reads a region from configuration: its [`name`](Region::name) in any case (`_` or a space may
    /// stand for `-`), or its primary or backup host.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Region::ALL
            .into_iter()
            .find(|r| {
                r.name() == wanted
                    || r.host() == wanted
                    || r.backup_host() == wanted
                    || (wanted == "siliconvalley" && *r == Region::SiliconValley)
            })
            .ok_or_else(|| ParseRegionError(s.to_owned()))
    }
}
