//! CartPole-v1 against gymnasium: the trajectories in `data/cartpole_gymnasium.json` (recorded
//! from gymnasium 1.4.0, MIT, by `reference/cartpole_record.py`: three full 500-step episodes,
//! one that steps on after the pole fell, and the four of `data/cartpole_reference.json`)
//! replayed from their initial states must give gymnasium's states to the bit, and its rewards
//! and flags; `tenlab cartpole` prints the same steps.

use clap::Parser;
use serde_json::Value;
use tenlab_app::cli::{Cli, run};
use tenlab_models::data::cartpole::CartPole;

fn reference() -> Value {
    serde_json::from_str(include_str!("data/cartpole_reference.json")).unwrap()
}

fn state(v: &Value) -> [f64; 4] {
    let s: Vec<f64> = v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    s.try_into().unwrap()
}

/// An f64 from the 16 hex digits of its bits, as the recording writes it.
fn from_bits(v: &Value) -> f64 {
    f64::from_bits(u64::from_str_radix(v.as_str().unwrap(), 16).unwrap())
}

fn bit_state(v: &Value) -> [f64; 4] {
    let s: Vec<f64> = v.as_array().unwrap().iter().map(from_bits).collect();
    s.try_into().unwrap()
}

fn golden() -> Value {
    serde_json::from_str(include_str!("data/cartpole_gymnasium.json")).unwrap()
}

#[test]
fn the_environment_replays_gymnasiums_trajectories_to_the_bit() {
    let r = golden();
    let trajectories = r["trajectories"].as_array().unwrap();
    assert_eq!(trajectories.len(), 8);
    let mut full = 0;
    for tr in trajectories {
        let name = tr["name"].as_str().unwrap();
        let mut env = CartPole::from_state(bit_state(&tr["initial_state"]));
        let mut total = 0.0;
        let steps = tr["steps"].as_array().unwrap();
        for (t, step) in steps.iter().enumerate() {
            let s = env.step(step["action"].as_u64().unwrap() as usize);
            let want = bit_state(&step["state"]);
            assert_eq!(
                s.state.map(f64::to_bits),
                want.map(f64::to_bits),
                "{name} t={t}: {:?} vs {want:?}",
                s.state
            );
            assert_eq!(s.reward, step["reward"].as_f64().unwrap(), "{name} t={t}");
            assert_eq!(s.terminated, step["terminated"].as_bool().unwrap(), "{name} t={t}");
            assert_eq!(s.truncated, step["truncated"].as_bool().unwrap(), "{name} t={t}");
            total += s.reward;
        }
        full += usize::from(steps.len() == 500 && steps[499]["truncated"] == true);
        assert_eq!(total, tr["total_reward"].as_f64().unwrap(), "{name}");
    }
    assert_eq!(full, 3, "three episodes run to the time limit");
    // The first reference (decimal states, 200 steps at most) agrees with the recording.
    let first = reference();
    for (old, new) in first["trajectories"].as_array().unwrap().iter().zip(trajectories) {
        assert_eq!(old["name"], new["name"]);
        let last = old["steps"].as_array().unwrap().last().unwrap();
        let (a, b) =
            (state(&last["state"]), bit_state(&new["steps"].as_array().unwrap().last().unwrap()["state"]));
        assert!((0..4).all(|k| (a[k] - b[k]).abs() < 1e-12), "{}", old["name"]);
    }
}

fn tenlab(args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("tenlab").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    run(cli.command.expect("a command")).map_err(|e| format!("{e:#}"))
}

/// The `state` array of one printed line, parsed from its text by Rust's own (exact) parser.
fn printed_state(line: &str) -> [f64; 4] {
    let from = line.find("\"state\":[").expect("a state") + 9;
    let to = from + line[from..].find(']').unwrap();
    let s: Vec<f64> = line[from..to].split(',').map(|v| v.parse().unwrap()).collect();
    s.try_into().unwrap()
}

#[test]
fn the_cartpole_command_prints_gymnasiums_steps() {
    let r = golden();
    let tr = &r["trajectories"][4];
    let steps = tr["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 500);
    // Rust's `{:?}` writes the shortest decimal that reads back as the same f64.
    let start: Vec<String> = bit_state(&tr["initial_state"]).iter().map(|v| format!("{v:?}")).collect();
    let actions: Vec<String> = steps.iter().map(|s| s["action"].to_string()).collect();
    let out = tenlab(&["cartpole", "--state", &start.join(","), "--actions", &actions.join(",")]).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), steps.len());
    for (t, (line, want)) in lines.iter().zip(steps).enumerate() {
        let got = printed_state(line).map(f64::to_bits);
        assert_eq!(got, bit_state(&want["state"]).map(f64::to_bits), "t={t}");
        let line: Value = serde_json::from_str(line).unwrap();
        assert_eq!(line["terminated"], want["terminated"]);
        assert_eq!(line["truncated"], want["truncated"]);
        assert_eq!(line["reward"].as_f64(), want["reward"].as_f64());
    }
    // Bad input gets a message.
    let e = tenlab(&["cartpole", "--state", "0,0,0", "--actions", "0"]).unwrap_err();
    assert!(e.contains("four numbers"), "{e}");
    let e = tenlab(&["cartpole", "--state", "0,0,0,0", "--actions", "0,2"]).unwrap_err();
    assert!(e.contains("'2'"), "{e}");
}
