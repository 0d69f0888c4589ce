"""Sound: a piece declares it with these sources and their effects (see graph.py), and plays it
with the stage's verbs; the DSP runs in its own process (client.py, process.py) or, for renders,
in this one (offline.py).

    from stagecraft.sound import saw, sine, voices
    SOUND = {"drone": saw(55).lowpass(600).gain(0.2), "ping": voices(sine().adsr(0.01, 0.3, 0, 0.2))}
"""
from .graph import bus, dust, granular, noise, sampler, saw, sine, square, triangle, voices, wavetable

__all__ = ["bus", "dust", "granular", "noise", "sampler", "saw", "sine", "square", "triangle", "voices",
           "wavetable"]
