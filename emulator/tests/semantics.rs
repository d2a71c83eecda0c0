//! The list of emulated commands is true: every listed command is catalogued and answered from the
//! state (called with its official example request), and the README's table lists exactly these.

use tim_emulator::{COMMANDS, Emulator};
use tim_rest::Api;

#[tokio::test]
async fn every_listed_command_is_catalogued_and_answered_from_the_state() {
    let emu = Emulator::start(1400000000, "administrator", "test-key").await.expect("bind");
    // Official examples may carry keys that newer pages renamed (legacy aliases): accept them.
    emu.allow_unknown_fields(true);
    let client = emu.client_builder().build().expect("client");
    for path in COMMANDS {
        let (service, command) = path.split_once('/').expect("servicename/command");
        let info = tim_rest::Client::find(service, command).unwrap_or_else(|| panic!("{path} is not catalogued"));
        let example =
            info.examples.iter().filter(|e| !e.legacy).find_map(|e| e.request).unwrap_or_else(|| panic!("{path} has no example request"));
        let body: serde_json::Value = serde_json::from_str(example).expect("example JSON");
        // Success or a documented error: either way the emulator, not the example reply, answered.
        let _ = client.call_json(service, command, &body).await;
    }
    let answered = emu.commands_answered();
    let missing: Vec<&&str> = COMMANDS.iter().filter(|c| !answered.contains(**c)).collect();
    assert!(missing.is_empty(), "listed but not answered from the state: {missing:?}");
}

#[test]
fn the_readme_table_lists_exactly_the_emulated_commands() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README");
    let start = readme.find("<!-- emulated-commands:start -->").expect("start marker");
    let end = readme.find("<!-- emulated-commands:end -->").expect("end marker");
    let table = &readme[start..end];
    let mut listed: Vec<&str> = table.split('`').skip(1).step_by(2).filter(|s| s.contains('/')).collect();
    listed.sort_unstable();
    let mut want: Vec<&str> = COMMANDS.to_vec();
    want.sort_unstable();
    assert_eq!(listed, want, "update the README table of emulated commands");
}
