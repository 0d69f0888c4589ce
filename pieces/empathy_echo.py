"""Empathy Echo

Ivy Zheng's live stream, the Empathy Echo Platform. A wall of hundreds of small smiles, like a
stream's chat; a bias filter blurs the ones the market would price highest. Every message from
the audience appears and ripples outward; the smiles the ripple reaches smile back, in unison,
and the blur lifts from them. Words the room repeats make larger ripples; a touch on the wall
(/audience/touch x y, from the bottom left) sends a small wordless ripple from that spot.
Every message is a pitched ping that echoes on in a feedback-delay network.
"""
import re
import zlib
from collections import Counter

import numpy as np

from stagecraft import Float, cue, pad, text
from stagecraft import smile as sm
from stagecraft.sound import patches

SHADER = "empathy_echo.frag"
SHADERS = ["smile.frag"]

GESTURES = [text("echo", "Echo to the stream"), pad("touch", "Touch the wall")]

PARAMS = {
    "bias": Float(1.0, 0.0, 1.0, smooth=2.0, doc="how strongly the bias filter blurs"),
    "ripple_speed": Float(0.35, 0.05, 1.5, doc="canvas heights per second"),
}

SOUND = patches.pings()
PENTATONIC = (0, 2, 4, 7, 9)
COLS, ROWS = 24, 14
WALL = 0.74                     # the wall's right edge; the chat is to the right
CHAT_LINES = 11
ECHO_GAP_S, WAITING = 0.25, 24  # four messages a second at most; a minute's worth never piles up
RIPPLE_GAP_S = 0.5
WORD = re.compile(r"[a-z']{3,}")


def setup(stage):
    rng = stage.rng
    n = COLS * ROWS
    smiles = [sm.random(rng) for _ in range(n)]
    stage.texture("wall", sm.pack(smiles))
    prices = np.array([sm.price(s) for s in smiles])
    i = np.arange(n)
    pos = np.stack([(i % COLS + 0.5) / COLS * (WALL - 0.02) + 0.01, 0.06 + (i // COLS + 0.5) / ROWS * 0.84], axis=1)
    return {"pos": pos, "phase": rng.uniform(0, 6.28, n),
            "biased": prices > np.percentile(prices, 55),   # the filter blurs the "expensive" ones
            "cleared": np.zeros(n, bool), "joy": np.zeros(n), "ripples": [], "words": Counter(),
            "chat": [], "messages": 0, "waiting": [], "echoed_at": -1.0,
            "rippled_at": -1.0}


def echo(stage, state, text: str, sender: str):
    """A message arrives: it ripples out from its sender's seat; repeated words ripple wider."""
    words = WORD.findall(text.lower())
    repeats = sum(state["words"][w] > 0 for w in words)
    state["words"].update(words)
    seat = zlib.crc32(sender.encode()) % len(state["pos"])   # the same seat for the same sender
    strength = 1.0 + min(repeats, 4) * 0.5
    ripple(stage, state, *state["pos"][seat], strength, text)
    state["chat"] = (state["chat"] + [(f"@{stage.audience.name_of(sender)}", text, strength)])[-CHAT_LINES:]
    state["messages"] += 1
    degree = zlib.crc32(text.encode()) % 15                     # the same words, the same note
    pitch = 72 + 12 * (degree // 5) + PENTATONIC[degree % 5] - 12
    stage.note("ping", pitch, velocity=min(1.0, 0.5 + 0.2 * strength))


def touch(stage, state, x: float, y: float):
    """A wordless ripple from a touch, quieter than a message; its pitch follows the height."""
    if ripple(stage, state, x * WALL, y, 0.5, ""):
        stage.note("ping", 60 + PENTATONIC[min(int(y * 5), 4)] + 12 * (x > 0.5), velocity=0.35)


def ripple(stage, state, x: float, y: float, strength: float, text: str) -> bool:
    """A ring of light crossing the wall is a flash where it passes: no more than two a second
    however many speak (the stream still shows every one it takes)."""
    if stage.time - state["rippled_at"] < RIPPLE_GAP_S:
        return False
    state["rippled_at"] = stage.time
    state["ripples"] = (state["ripples"] + [[x, y, 0.0, strength, text]])[-12:]
    return True


def _reach(strength):
    """How far a ripple travels before it is spent, in canvas heights."""
    return 0.25 + 0.2 * strength


def update(stage, state, dt):
    # the stream reads at a speaking pace: a house's echoes wait their turn (the newest, if too many)
    state["waiting"] = (state["waiting"] + [(a.text, a.sender) for a in stage.audience.new("echo")])[-WAITING:]
    if state["waiting"] and stage.time - state["echoed_at"] >= ECHO_GAP_S:
        state["echoed_at"] = stage.time
        echo(stage, state, *state["waiting"].pop(0))
    touches = stage.audience.new("touch")
    if touches:
        touch(stage, state, *touches[-1].point)
    aspect = stage.aspect
    joy = state["joy"] * np.exp(-dt * 1.5)
    for r in state["ripples"]:
        r[2] += stage.p.ripple_speed * dt
        d = np.hypot((state["pos"][:, 0] - r[0]) * aspect, state["pos"][:, 1] - r[1])
        front = np.abs(d - r[2]) < 0.03 + 0.01 * r[3]
        joy = np.where(front, 1.0, joy)
        state["cleared"] |= front & (r[2] < _reach(r[3]))
    state["joy"] = joy
    state["ripples"] = [r for r in state["ripples"] if r[2] < _reach(r[3]) + 0.6]


def draw(stage, state):
    rip = [(x, y, rad, s) for x, y, rad, s, _ in state["ripples"]]
    stage.shade(SHADER, ripples=rip + [(0, 0, 0, 0)] * (12 - len(rip)), wallRight=WALL)
    pos, joy = state["pos"], state["joy"]
    blur = np.where(state["biased"] & ~state["cleared"], stage.p.bias, 0.0)
    size = np.full(len(pos), 0.052)
    mouths = 0.3 + 0.15 * np.sin(stage.time * 0.8 + state["phase"]) + 0.6 * joy
    zero = np.zeros(len(pos))
    data = np.stack([pos[:, 0], pos[:, 1], size * 2 * (1 + 0.25 * joy), size * (1 + 0.25 * joy),
                     np.arange(len(pos)), mouths, blur * 0.6, joy * 0.35, blur, zero, zero,
                     1.0 - 0.35 * blur], axis=1)
    stage.instances("smile.frag", data.astype("f4"), channels=["wall"])
    stage.text("\u25cf LIVE", 0.025, 0.955, size=0.03, color=(1.0, 0.25, 0.35, 1.0), align="left")
    stage.text("Ivy Zheng  \u00b7  EMPATHY ECHO", 0.1, 0.955, size=0.03, color=(0.9, 0.9, 0.95, 0.9), align="left")
    stage.text(f"{state['messages']} echoes", WALL - 0.01, 0.955, size=0.026,
               color=(0.7, 0.9, 1.0, 0.8), align="right")
    for x, y, rad, strength, said in state["ripples"]:          # each message where it began
        fade = max(0.0, 1.0 - rad / (stage.p.ripple_speed * 2.5))
        if fade > 0 and said:
            stage.text(said, min(max(x, 0.16), WALL - 0.16), y + 0.04, size=0.03 + 0.006 * strength,
                       font="sign", color=(1.0, 0.97, 0.9, fade), width=0.3, lines=1)
    column = 1.0 - WALL - 0.03
    for k, (who, said, strength) in enumerate(reversed(state["chat"])):
        y = 0.9 - k * 0.075
        stage.text(who, WALL + 0.015, y + 0.02, size=0.022, color=(0.24, 0.96, 1.0, 0.9), align="left",
                   width=column, lines=1)
        stage.text(said, WALL + 0.015, y - 0.012, size=0.024 + 0.004 * (strength - 1), font="sign",
                   color=(1.0, 0.95, 0.9, 1.0 - k * 0.07), align="left", width=column, lines=1)


@cue("stream", note="the stream goes live: the wall, the bias filter on")
def stream(stage, state):
    stage.set("bias", 1.0)


@cue("first echo", note="a scripted first message, to show the room what a message does")
def first_echo(stage, state):
    echo(stage, state, "we see you", "ivy")


@cue("lift", note="the filter lifts for everyone")
def lift(stage, state):
    stage.glide("bias", 0.0, seconds=5.0, curve="ease")
