#!/usr/bin/env python3
"""Records CartPole-v1 trajectories from gymnasium for tenlab's golden test.

    pip install gymnasium numpy
    python tests/reference/cartpole_record.py > tests/data/cartpole_gymnasium.json

Each trajectory starts from a state gymnasium's own `reset(seed=...)` drew (or, for the four
short ones of the first reference, the state that reference started from), applies a fixed
policy through `gym.make("CartPole-v1")` and writes, per step, the action, the f64 state
after it (`env.unwrapped.state`) as the 16 hex digits of its bits, so the test can ask for
equality to the bit, and the reward, terminated and truncated flags.
"""

import json
import struct
import sys

import gymnasium as gym
import numpy as np


def bits(v):
    return struct.pack(">d", float(v)).hex()


def pd(gain_x, gain_v, gain_t, gain_w):
    def policy(s, _t, _rng):
        x, v, t, w = s
        return int(gain_x * x + gain_v * v + gain_t * t + gain_w * w > 0)

    return policy


def noisy(policy, p):
    def act(s, t, rng):
        a = policy(s, t, rng)
        return 1 - a if rng.random() < p else a

    return act


def record(name, policy, seed=None, initial=None, actions=None, extra=0):
    env = gym.make("CartPole-v1")
    _, _ = env.reset(seed=seed if seed is not None else 0)
    if initial is not None:
        env.unwrapped.state = np.array(initial, dtype=np.float64)
    start = [float(v) for v in env.unwrapped.state]
    rng = np.random.default_rng(seed if seed is not None else 0)
    steps, total, ended_at = [], 0.0, None
    t = 0
    while True:
        s = env.unwrapped.state
        a = actions[t] if actions is not None else policy(s, t, rng)
        _, reward, terminated, truncated, _ = env.step(a)
        total += float(reward)
        steps.append(
            {
                "action": int(a),
                "state": [bits(v) for v in env.unwrapped.state],
                "reward": float(reward),
                "terminated": bool(terminated),
                "truncated": bool(truncated),
            }
        )
        t += 1
        if actions is not None and t == len(actions):
            break
        if actions is None and (terminated or truncated):
            if ended_at is None:
                ended_at = t
            if t >= ended_at + extra or truncated:
                break
    return {
        "name": name,
        "initial_state": [bits(v) for v in start],
        "steps": steps,
        "total_reward": total,
    }


def main():
    import gymnasium, warnings

    warnings.simplefilter("ignore")
    old = json.load(open("tests/data/cartpole_reference.json"))
    out = []
    for tr in old["trajectories"]:
        out.append(record(tr["name"], None, initial=tr["initial_state"], actions=tr["actions"]))
    balanced = pd(0.05, 0.2, 5.0, 1.0)
    out.append(record("pd_seed1_500", balanced, seed=1))
    out.append(record("pd_seed2_500", pd(0.1, 0.3, 6.0, 0.8), seed=2))
    out.append(record("pd_noisy_seed3_500", noisy(balanced, 0.15), seed=3))
    out.append(record("pd_falls_then_three_more_seed4", pd(-0.3, -0.6, 2.0, 0.3), seed=4, extra=3))
    for tr in out:
        print(tr["name"], len(tr["steps"]), tr["total_reward"], file=sys.stderr)
    json.dump(
        {
            "description": "CartPole-v1 trajectories recorded from gymnasium by "
            "tests/reference/cartpole_record.py. `state` is env.unwrapped.state after the step, "
            "each f64 as the 16 hex digits of its IEEE-754 bits (big-endian).",
            "generator": {
                "gymnasium": gymnasium.__version__,
                "numpy": np.__version__,
                "python": sys.version.split()[0],
            },
            "trajectories": out,
        },
        sys.stdout,
        indent=None,
        separators=(",", ":"),
    )


main()
