"""The frame loop's side of MIDI: once a frame, before the OSC hub, each control's moves become
the operator's messages to the addresses they are bound to, queued in the OSC inbox so they meet
the same coercion, clamping, double-GO guard, counting and `--record-osc` as OSC (recorded as the
addresses they became, from `midi:<device>`)."""
from __future__ import annotations

import time

import mido

from ..crossings import MidiInbox
from ..osc.receive import CONTROL, Delivery, Sender
from ..osc.wire import Message
from .control import Control
from .mapping import Mapping
from .ports import Ports

BUDGET = 4096


class Midi:
    def __init__(self, engine, mappings: list[Mapping], api: str | None = None, ports=None):
        """`ports`: where the messages come from (rtmidi's, unless a test hands bytes in itself)."""
        self.engine = engine
        self.inbox = MidiInbox()
        self.controls = {(m.device, m.instance): [Control(b) for b in m.binds] for m in mappings}
        self.ports = ports or Ports(list(self.controls), api, self.inbox, engine.operator.tell)
        self.received = 0
        self.ports.scan(time.perf_counter())

    def drain(self, osc_inbox) -> None:
        self.ports.scan(time.perf_counter())
        for port, arrived, data in self.inbox.take(BUDGET):
            self.feed(self.ports.device_of(port), data, arrived, osc_inbox)

    def feed(self, device: tuple[str, int] | None, data: bytes, arrived: float, osc_inbox) -> None:
        """One message from a device's port, through mido's parser, to its bindings."""
        try:
            message = mido.Message.from_bytes(list(data))
        except (ValueError, IndexError):
            return          # a stray byte or an unfinished message: nothing a binding reads
        for control in self.controls.get(device, ()):
            self._move(control, message, device[0], arrived, osc_inbox)

    def _move(self, control: Control, m, device: str, arrived: float, osc_inbox) -> None:
        b = control.bind
        if not hasattr(m, "channel") or (b.channel is not None and m.channel + 1 != b.channel):
            return
        entry, param, lo, hi = self._target(b)
        if entry is None:
            return
        current = None if param is None else min(max((param - lo) / (hi - lo), 0.0), 1.0) if hi != lo else 0.0
        if b.kind == "cc" and m.type == "control_change":
            low_half = b.mode == "14bit" and m.control == b.number + 32
            if m.control != b.number and not low_half:
                return
            position = control.cc(m.value, current, low_half)
        elif b.kind == "note" and m.type in ("note_on", "note_off") and m.note == b.number:
            position = control.note(m.type == "note_on" and m.velocity > 0)
        else:
            return
        self.received += 1
        if position is None:
            return
        value = lo + position * (hi - lo)
        args = {"f": (float(value),), "i": (int(round(value)),), "T|F|i": (int(position >= 0.5),)}.get(entry.types)
        if args is None:        # a command or an event: fires as the control passes half way
            if not control.rising(position):
                return
            args = ()
        tags = "".join("i" if isinstance(a, int) else "f" for a in args)
        sender = Sender(f"midi:{device}", ("midi", device), None)
        osc_inbox.put(Delivery(CONTROL, sender, arrived, ((None, Message(b.to, tags, args)),)), 1)

    def _target(self, b):
        """The address's entry, and for a piece's parameter its value and range (the binding's own
        range first): (entry, value or None, low, high); entry None if the address is not there now."""
        entries = self.engine.osc.space().resolve(b.to)
        if not entries:
            return None, None, 0.0, 1.0
        player = self.engine.player
        name = b.to.split("/", 2)[2] if b.to.startswith(("/current/", f"/{player.name}/")) else None
        spec = player.params.spec.get(name) if name else None
        if spec is None or spec.kind not in ("float", "int", "bool"):
            lo, hi = b.range or (0.0, 1.0)
            return entries[0], None, lo, hi
        lo, hi = b.range or ((0.0, 1.0) if spec.kind == "bool" else (spec.min, spec.max))
        return entries[0], float(player.params.target(name)), lo, hi     # where it is going: a fader sets targets

    def counters(self) -> dict:
        return {"midi_received": self.received, "midi_devices": sorted(self.ports.seen)}

    def close(self) -> None:
        self.ports.close()
