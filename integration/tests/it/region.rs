//! Regions read from configuration.

use tim_rest::Region;
use tim_rest::region::ParseRegionError;

#[test]
fn every_region_reads_back_from_its_name_and_its_hosts() {
    for region in Region::ALL {
        assert_eq!(region.name().parse::<Region>(), Ok(region));
        assert_eq!(region.to_string().parse::<Region>(), Ok(region));
        assert_eq!(region.host().parse::<Region>(), Ok(region));
        assert_eq!(region.backup_host().parse::<Region>(), Ok(region));
    }
}

#[test]
fn names_are_distinct() {
    let mut names: Vec<&str> = Region::ALL.iter().map(|r| r.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Region::ALL.len());
}

#[test]
fn configuration_spellings_are_accepted() {
    assert_eq!(" Singapore ".parse::<Region>(), Ok(Region::Singapore));
    assert_eq!("SILICON_VALLEY".parse::<Region>(), Ok(Region::SiliconValley));
    assert_eq!("Silicon Valley".parse::<Region>(), Ok(Region::SiliconValley));
    assert_eq!("siliconvalley".parse::<Region>(), Ok(Region::SiliconValley));
}

#[test]
fn an_unknown_region_is_an_error_that_names_it_and_the_choices() {
    let err = "mars".parse::<Region>().unwrap_err();
    assert_eq!(err, ParseRegionError("mars".into()));
    let msg = err.to_string();
    assert!(msg.contains("\"mars\""), "{msg}");
    for region in Region::ALL {
        assert!(msg.contains(region.name()), "{msg} lacks {}", region.name());
    }
}
