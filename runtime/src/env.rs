//! Client settings from environment variables ([`ClientBuilder::from_env`]).

use crate::{Api, ClientBuilder, Error, Region};

impl<C: Api> ClientBuilder<C> {
    /// Starts building a client from the environment:
    ///
    /// | variable | |
    /// |---|---|
    /// | `TIM_SDKAPPID` | the application id (required) |
    /// | `TIM_ADMIN` | the App admin identifier the client calls as (required) |
    /// | `TIM_SECRET_KEY` | the application's secret key (required) |
    /// | `TIM_REGION` | the region, as [`Region`]'s `FromStr` reads it (`china`, `singapore`, `silicon-valley`, a host...); default `china` |
    /// | `TIM_BASE_URL` | a custom base URL instead of the region's hosts (e.g. a proxy); optional |
    ///
    /// An empty variable counts as unset. The returned builder takes any other setting as usual
    /// (`.timeout(..)`, `.retry_policy(..)`, ...) before [`ClientBuilder::build`]. A missing or invalid
    /// variable is an [`Error::Build`] that names it; the secret key's value is never shown.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), tim_rest_runtime::Error> {
    /// // TIM_SDKAPPID=1400000000 TIM_ADMIN=administrator TIM_SECRET_KEY=... TIM_REGION=singapore
    /// let client: tim_rest_runtime::Client = tim_rest_runtime::ClientBuilder::from_env()?.build()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// [`ClientBuilder::from_env`] over any source of variables (for tests).
    fn from_lookup(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Self, Error> {
        let text = |name: &str| -> Result<Option<String>, Error> {
            match var(name) {
                None => Ok(None),
                Some(v) if v.is_empty() => Ok(None),
                Some(v) => v.into_string().map(Some).map_err(|_| Error::Build(format!("environment variable {name} is not valid UTF-8"))),
            }
        };
        let required = |name: &str| -> Result<String, Error> {
            text(name)?.ok_or_else(|| Error::Build(format!("environment variable {name} is not set")))
        };
        let sdkappid = required("TIM_SDKAPPID")?;
        let sdkappid = sdkappid
            .trim()
            .parse::<u64>()
            .map_err(|_| Error::Build(format!("environment variable TIM_SDKAPPID is not an application id (a number): `{sdkappid}`")))?;
        let mut builder = Self::new(sdkappid, required("TIM_ADMIN")?).secret_key(required("TIM_SECRET_KEY")?);
        if let Some(region) = text("TIM_REGION")? {
            let region = region.parse::<Region>().map_err(|e| Error::Build(format!("environment variable TIM_REGION: {e}")))?;
            builder = builder.region(region);
        }
        if let Some(url) = text("TIM_BASE_URL")? {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
    use crate::usersig::{SecretKey, verify};
    use crate::{Client, ClientBuilder, Error};
    use std::collections::HashMap;
    use std::ffi::OsString;
    use std::time::Duration;

    const KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    /// Builds without any HTTP stack: these tests never send.
    struct Unused;
    impl Transport for Unused {
        fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(std::future::ready(Err(TransportError::Invalid("not for sending".into()))))
        }
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::ready(()))
        }
    }

    fn lookup(vars: &[(&str, &str)]) -> Result<ClientBuilder, Error> {
        let map: HashMap<String, OsString> = vars.iter().map(|(k, v)| ((*k).to_owned(), OsString::from(v))).collect();
        ClientBuilder::from_lookup(|name| map.get(name).cloned())
    }

    fn client(vars: &[(&str, &str)]) -> Client {
        lookup(vars).expect("builder").transport(Unused).build().expect("client")
    }

    fn complete() -> Vec<(&'static str, &'static str)> {
        vec![("TIM_SDKAPPID", "1400000000"), ("TIM_ADMIN", "administrator"), ("TIM_SECRET_KEY", KEY)]
    }

    #[test]
    fn the_variables_fill_the_builder_and_the_region_defaults_to_china() {
        let c = client(&complete());
        assert_eq!((c.sdkappid(), c.identifier()), (1400000000, "administrator"));
        // Signed with the key from the environment.
        let sig = c.user_sig("bob", Duration::from_secs(60)).expect("a secret key, not a fixed UserSig");
        assert!(verify(&SecretKey::new(KEY), 1400000000, "bob", sig.expose(), 1).is_ok());
        assert!(format!("{c:?}").contains("https://console.tim.qq.com"), "{c:?}");

        let mut vars = complete();
        vars.push(("TIM_REGION", "Silicon_Valley"));
        assert!(format!("{:?}", client(&vars)).contains("https://adminapiusa.im.qcloud.com"));
        vars.push(("TIM_BASE_URL", "https://proxy.example:8443/"));
        let shown = format!("{:?}", client(&vars));
        assert!(shown.contains("[\"https://proxy.example:8443\"]"), "{shown}");
        // An empty optional variable is unset.
        let mut vars = complete();
        vars.push(("TIM_REGION", ""));
        assert!(format!("{:?}", client(&vars)).contains("https://console.tim.qq.com"));
    }

    #[test]
    fn a_missing_or_invalid_variable_is_named_and_the_key_is_never_shown() {
        let mut failures = Vec::new();
        for name in ["TIM_SDKAPPID", "TIM_ADMIN", "TIM_SECRET_KEY"] {
            for value in [None, Some("")] {
                let mut vars: Vec<_> = complete().into_iter().filter(|(k, _)| *k != name).collect();
                if let Some(v) = value {
                    vars.push((name, v));
                }
                let err = lookup(&vars).expect_err("missing").to_string();
                assert!(err.contains(name) && err.contains("is not set"), "{err}");
                failures.push(err);
            }
        }
        let mut vars = complete();
        vars.retain(|(k, _)| *k != "TIM_SDKAPPID");
        vars.push(("TIM_SDKAPPID", "14000x"));
        let err = lookup(&vars).expect_err("not a number").to_string();
        assert!(err.contains("TIM_SDKAPPID") && err.contains("14000x"), "{err}");
        failures.push(err);
        let mut vars = complete();
        vars.push(("TIM_REGION", "mars"));
        let err = lookup(&vars).expect_err("no such region").to_string();
        assert!(err.contains("TIM_REGION") && err.contains("mars") && err.contains("singapore"), "{err}");
        failures.push(err);
        let mut vars = complete();
        vars.push(("TIM_BASE_URL", "ftp://proxy.example"));
        let err = lookup(&vars).expect("builder").transport(Unused).build().expect_err("not https").to_string();
        assert!(err.contains("ftp://proxy.example"), "{err}");
        failures.push(err);
        for err in &failures {
            assert!(!err.contains(KEY), "the key leaked: {err}");
        }
        let shown = format!("{:?} {:?}", lookup(&complete()).expect("builder"), client(&complete()));
        assert!(!shown.contains(KEY), "{shown}");
    }

    #[cfg(unix)]
    #[test]
    fn a_variable_that_is_not_utf8_is_named() {
        use std::os::unix::ffi::OsStringExt;
        let map: HashMap<&str, OsString> = [
            ("TIM_SDKAPPID", OsString::from("1400000000")),
            ("TIM_ADMIN", OsString::from_vec(vec![0x61, 0xff])),
            ("TIM_SECRET_KEY", OsString::from(KEY)),
        ]
        .into_iter()
        .collect();
        let err = ClientBuilder::<Client>::from_lookup(|n| map.get(n).cloned()).expect_err("not UTF-8").to_string();
        assert!(err.contains("TIM_ADMIN") && err.contains("UTF-8"), "{err}");
    }
}
