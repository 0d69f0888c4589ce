"""The DSP built from a compiled SOUND: tracks of unit generators, buses, sends, and where a
parameter address or a note lands."""
from __future__ import annotations

from functools import partial

import numpy as np

from . import kernels
from .effects import Delay, Drive, Gain, Pan, Reverb
from .envelopes import ADSR
from .filters import SVF, Biquad, Formant
from ..graph import resolve
from .oscillators import Dust, Noise, Saw, Sine, Square, Triangle, Wavetable
from .plan import Plan
from .polyphony import Chain, Voices
from .samples import Granular, Sampler
from .smooth import Param
from .ugen import Context, Ugen

BUILDERS = {
    "sine": Sine, "saw": Saw, "square": Square, "triangle": Triangle, "wavetable": Wavetable,
    "noise": Noise, "dust": Dust, "sampler": Sampler, "granular": Granular,
    "gain": Gain, "pan": Pan, "adsr": ADSR, "svf": SVF, "formant": Formant, "drive": Drive,
    "delay": Delay, "reverb": Reverb,
    "lowpass": partial(Biquad, kind="lowpass"), "highpass": partial(Biquad, kind="highpass"),
    "bandpass": partial(Biquad, kind="bandpass"),
}


class Bus(Ugen):
    """The source of a bus track: whatever was sent to it in this block (stereo)."""

    def __init__(self, ctx, inputs: dict, name: str):
        super().__init__(ctx, {}, {})
        self.inputs, self.name = inputs, name

    def channels(self, inp):
        return 2

    def process(self, x, t, n):
        return self.inputs[self.name]

    def steady(self, t, n, x):
        return [], self.inputs[self.name]


class Send(Ugen):
    def __init__(self, ctx, params, options, inputs: dict):
        super().__init__(ctx, params, options)
        self.inputs, self.to = inputs, options["to"]

    def process(self, x, t, n):
        kernels.send(np.ascontiguousarray(x).reshape(1, -1, n), self.samples("amount", t, n), self.inputs[self.to])
        return x

    def steady(self, t, n, x):
        amount = self.params["amount"].steady(t)
        if amount is None:
            return None
        return [(kernels.send, [x, amount, self.inputs[self.to]], -1)], x


class Track:
    def __init__(self, name: str, chain: Chain):
        self.name, self.chain = name, chain
        self.level, self.pan = Param(1.0), Param(0.0)      # the track's fader
        self.faults = 0
        self.plan: Plan | None = None
        self.settles = 0             # no parameter moves from this sample on (as far as sets say)
        units = [u for chain in _chains(self.chain) for u in chain.units]
        self.plannable = all(type(u).steady is not Ugen.steady for u in units)
        for p in [self.level, self.pan, *(p for u in units for p in u.params.values())]:
            p.owner = self

    def moved(self, settles: int) -> None:
        """A parameter was set, to arrive at sample `settles`: the plan no longer holds."""
        self.plan = None
        self.settles = max(self.settles, settles)

    def render(self, t: int, n: int, out: np.ndarray, usual: bool) -> None:
        """Adds the track's block into out (2, n): as planned while the plan holds, planned anew in
        a block of the usual size (Graph.render) when it does not, else unit by unit. A piece of a
        block leaves the plan as it is: its units move on as the plan would have moved them."""
        plan = self.plan
        if plan is None or not plan.holds(t, n, out):
            plan = None
            if usual and self.plannable and t >= self.settles:
                plan = self.plan = self._plan(t, n, out)
        if plan is not None:
            if plan.run(t):
                return
        else:
            y = self.chain.process(t, n, 1)
            if kernels.fader(np.ascontiguousarray(y).reshape(1, -1, n), self.level.samples(t, n),
                             self.pan.samples(t, n), out):
                return
        # A unit blew up (feedback past 1, a wild parameter): start it over rather than leave its
        # state poisoned; the master bus never sees the non-finite samples.
        self.faults += 1
        self.plan = None
        self.chain.clear(0, self.faults)

    def _plan(self, t: int, n: int, out: np.ndarray) -> Plan | None:
        level, pan = self.level.steady(t), self.pan.steady(t)
        made = self.chain.steady(t, n, 1) if level is not None and pan is not None else None
        if made is None:
            return None
        steps, y = made
        voices = self.chain.units[0] if isinstance(self.chain.units[0], Voices) else None
        return Plan([*steps, (kernels.fader, [y, level, pan, out], -1)], n, out, voices)


class Graph:
    def __init__(self, spec: dict, ctx: Context):
        self.spec = spec
        self.inputs: dict[str, np.ndarray] = {}
        self.tracks = [Track(name, self._chain(name, spec["tracks"][name], ctx.derive(name)))
                       for name in spec["order"]]
        self.by_name = {t.name: t for t in self.tracks}
        self.buses = [name for name, steps in spec["tracks"].items() if steps[0]["unit"] == "bus"]
        self.out = np.zeros((2, 0))   # the mix and the buses at the usual block size: what plans write into
        self.mixes: dict[str, np.ndarray] = {}
        self.last_n = 0

    def _chain(self, track: str, steps: list, ctx: Context) -> Chain:
        units = []
        for i, s in enumerate(steps):
            uctx = ctx.derive(i, s["label"])
            kind = s["unit"]
            if kind == "voices":
                def make(rows, voice=s["options"]["voice"], vctx=uctx):
                    return self._chain(track, voice, vctx.with_rows(rows))
                unit = Voices(uctx, make, s["options"]["count"])
            elif kind == "bus":
                unit = Bus(uctx, self.inputs, track)
            elif kind == "send":
                unit = Send(uctx, s["params"], s["options"], self.inputs)
            else:
                unit = BUILDERS[kind](uctx, s["params"], s["options"])
            units.append(unit)
        return Chain(units, [s["label"] for s in steps])

    def render(self, t: int, n: int) -> np.ndarray:
        """The mix of [t, t + n), (2, n), good until the next block. Blocks of the usual size (two
        in a row make a size usual) mix into the graph's own buffers, the ones plans write into;
        the pieces a message cuts a block into, into their own."""
        usual = n == self.out.shape[1]
        if not usual and n == self.last_n:
            self.out, usual = np.zeros((2, n)), True
            self.mixes = {name: np.zeros((1, 2, n)) for name in self.buses}
        self.last_n = n
        if usual:
            out = self.out
            out.fill(0.0)
            for name, mix in self.mixes.items():
                mix.fill(0.0)
                self.inputs[name] = mix
        else:
            out = np.zeros((2, n))
            for name in self.buses:
                self.inputs[name] = np.zeros((1, 2, n))
        for track in self.tracks:
            track.render(t, n, out, usual)
        return out

    # what messages reach --------------------------------------------------------------------
    def params(self, path: str) -> list[Param]:
        """The Param an address names; none if it names nothing here (a message meant for the
        graph this one replaced)."""
        try:
            track, label, name = resolve(path, self.spec["tracks"])
        except (KeyError, ValueError, StopIteration):
            return []
        tr = self.by_name[track]
        if label is None:
            return [tr.level if name == "level" else tr.pan]
        return [u.params[name] for chain in _chains(tr.chain)
                for u, lab in zip(chain.units, chain.labels) if lab == label]

    def note(self, track: str, t: int, pitch: float, velocity: float, dur: int | None) -> None:
        if track in self.by_name:
            chain = self.by_name[track].chain
            if isinstance(chain.units[0], Voices):
                chain.units[0].note(t, pitch, dur, velocity)
            else:
                chain.note(0, t, pitch, dur)

    def ahead(self, track: str, kind: str, at: int, t: int) -> bool:
        """Whether a note or release due at sample `at` can be applied at t < at (Synth._ahead)."""
        if track not in self.by_name:
            return True          # meant for a track this graph has not: nothing to place
        voices = self.by_name[track].chain.units[0]
        return isinstance(voices, Voices) and voices.ahead(kind, at, t)

    def release(self, track: str, t: int, pitch: float | None) -> None:
        if track in self.by_name:
            chain = self.by_name[track].chain
            if isinstance(chain.units[0], Voices):
                chain.units[0].release(t, pitch)
            else:
                chain.release(0, t)

    def polyphonic(self) -> list[Voices]:
        return [t.chain.units[0] for t in self.tracks if isinstance(t.chain.units[0], Voices)]

    def clear(self) -> None:
        for t in self.tracks:
            t.plan = None
            for chain in _chains(t.chain):
                for row in range(chain.units[0].rows):
                    chain.clear(row, 0)

    def faults(self) -> int:
        return sum(t.faults for t in self.tracks)


def _chains(chain: Chain):
    yield chain
    if isinstance(chain.units[0], Voices):
        yield chain.units[0].chain

