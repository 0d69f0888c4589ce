"""Named instruments for the repertoire's sounds (ART_DIRECTION.md), for pieces to pick from:

    from stagecraft.sound import patches
    SOUND = {**patches.coins(), **patches.drone()}

Each returns tracks to merge into SOUND; its docstring says how to play it. Those that send to
"room" bring the room with them (the same room each time, so merging is harmless).
"""
from __future__ import annotations

from .graph import bus, dust, granular, sampler, saw, sine, square, triangle, voices, wavetable


def room(decay: float = 2.5) -> dict:
    """A shared reverb bus; tracks reach it with .send("room", amount)."""
    return {"room": bus().reverb(decay=decay, mix=1.0, damp=6000)}


def coins() -> dict:
    """Coin blips. stage.note("coin", 72 + step, sync=60 / bpm) lands each on the market's pulse;
    a "pulse" track ticks the beat itself: stage.note("pulse", 60, sync=60 / bpm)."""
    return {"coin": voices(sampler("coin"), count=6).gain(0.4).send("room", 0.15),
            "pulse": voices(sampler("click"), count=2).highpass(2000).gain(0.3),
            **room()}


def drone(root: float = 110.0) -> dict:
    """A held drone. Sterile when pure: sound_set("drone.cutoff", 300) and ("drone.detune", 0);
    human when not: cutoff up to 3000, detune up to 25 cents."""
    return {"drone": saw(root, amp=0.25, detune=8, unison=3).lowpass(900, 0.8).gain(0.4)}


def warm_chords() -> dict:
    """Detuned, warm, slow chords: stage.note("chords", p, dur=2) for each p of a chord."""
    pad = saw(amp=0.2, detune=14, unison=3).lowpass(1400, 0.8).adsr(0.4, 0.8, 0.7, 1.6)
    return {"chords": voices(pad, count=10).send("room", 0.4), **room()}


def market_percussion() -> dict:
    """Knock, shaker and clave for polyrhythms: notes on "knock", "shaker", "clave" with sync."""
    clave = square(amp=0.3).adsr(0.001, 0.05, 0.0, 0.02).bandpass(2500, 3)
    return {"knock": voices(sampler("knock"), count=6).gain(0.6),
            "shaker": voices(sampler("shaker"), count=6).highpass(3000).gain(0.4).pan(0.3),
            "clave": voices(clave, count=4).pan(-0.3).send("room", 0.2),
            **room()}


def sung() -> dict:
    """Formant voices, for call and response: set "sung.vowel" (0 a .. 4 u), then a note; a
    barter is stage.note("sung", 67, dur=0.4) answered by stage.note("sung", 62, dur=0.6, at=0.5)."""
    voice = saw(vib_rate=5.5, vib_depth=25).formant(0.0, voice="alto").adsr(0.06, 0.2, 0.8, 0.35)
    return {"sung": voices(voice, count=6).gain(0.8).send("room", 0.3), **room()}


def harmonic_fields() -> dict:
    """Two fields of held tones: notes on "field_a" and "field_b"; dissonance grows with
    sound_set("field_b.detune", cents) (0 to 60)."""
    tone = sine(amp=0.15, unison=2).adsr(1.5, 1.0, 0.8, 3.0)
    return {"field_a": voices(tone, count=8).pan(-0.4).send("room", 0.3),
            "field_b": voices(triangle(amp=0.15, unison=2).adsr(1.5, 1.0, 0.8, 3.0), count=8).pan(0.4)
            .send("room", 0.3),
            **room(4.0)}


def grains(sample: str = "voice") -> dict:
    """A voice, granulated: move "grains.position", "grains.density", "grains.pitch"."""
    return {"grains": granular(sample, density=30, grain=0.09, spread=0.3, jitter=0.5, amp=0.7).send("room", 0.3),
            **room()}


def tearing() -> dict:
    """Foil tearing: stage.note("tear", 60 +- a few) per gesture; "crackle.density" (0 to 400)
    and "crackle.amount" (the drive) for the glitch the audience's echoes add."""
    return {"tear": voices(sampler("tear"), count=4).drive(0.6).gain(0.6),
            "crackle": dust(0.0, 0.6).bandpass(3500, 1.5).drive(0.7)}


def pings() -> dict:
    """A pitched ping per message, echoing in a long feedback-delay network:
    stage.note("ping", pitch) (a pentatonic choice stays consonant)."""
    ping = sine(amp=0.3).adsr(0.001, 0.25, 0.0, 0.15)
    return {"ping": voices(ping, count=12).send("echo", 0.8),
            "echo": bus().reverb(decay=6.0, mix=1.0, size=1.5, damp=9000)}


def resolution() -> dict:
    """The final chord, which resolves: hold its notes with dur=None and let go with stage.release."""
    organ = wavetable("organ", amp=0.15).adsr(2.0, 1.0, 0.9, 4.0)
    return {"chord": voices(organ, count=12).send("room", 0.5), **room(5.0)}


ALL = {f.__name__: f for f in (coins, drone, warm_chords, market_percussion, sung, harmonic_fields, grains,
                               tearing, pings, resolution)}
