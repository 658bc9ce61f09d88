//! CartPole-v1 against gymnasium: the trajectories in `data/cartpole_reference.json` (recorded
//! from gymnasium 1.4.0, MIT) replayed from their initial states, through the environment and
//! through `tenlab cartpole`: states within 1e-6, rewards and flags exact.

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

#[test]
fn the_environment_replays_gymnasiums_trajectories() {
    let r = reference();
    let trajectories = r["trajectories"].as_array().unwrap();
    assert_eq!(trajectories.len(), 4);
    for tr in trajectories {
        let name = tr["name"].as_str().unwrap();
        let mut env = CartPole::from_state(state(&tr["initial_state"]));
        let mut total = 0.0;
        for step in tr["steps"].as_array().unwrap() {
            let s = env.step(step["action"].as_u64().unwrap() as usize);
            let want = state(&step["state"]);
            for k in 0..4 {
                assert!(
                    (s.state[k] - want[k]).abs() < 1e-6,
                    "{name} t={}: {:?} vs {want:?}",
                    step["t"],
                    s.state
                );
            }
            assert_eq!(s.reward, step["reward"].as_f64().unwrap(), "{name} t={}", step["t"]);
            assert_eq!(s.terminated, step["terminated"].as_bool().unwrap(), "{name} t={}", step["t"]);
            assert_eq!(s.truncated, step["truncated"].as_bool().unwrap(), "{name} t={}", step["t"]);
            total += s.reward;
        }
        assert_eq!(total, tr["total_reward"].as_f64().unwrap(), "{name}");
    }
}

fn tenlab(args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("tenlab").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    run(cli.command.expect("a command")).map_err(|e| format!("{e:#}"))
}

#[test]
fn the_cartpole_command_prints_gymnasiums_steps() {
    let r = reference();
    let tr = &r["trajectories"][1];
    let start: Vec<String> = tr["initial_state"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
    let actions: Vec<String> = tr["actions"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
    let out = tenlab(&["cartpole", "--state", &start.join(","), "--actions", &actions.join(",")]).unwrap();
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let steps = tr["steps"].as_array().unwrap();
    assert_eq!(lines.len(), steps.len());
    for (line, want) in lines.iter().zip(steps) {
        let (got, want_state) = (state(&line["state"]), state(&want["state"]));
        assert!((0..4).all(|k| (got[k] - want_state[k]).abs() < 1e-6), "t={}", want["t"]);
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
