"""The frame loop's side of MIDI: once a frame, before the OSC hub, each control's moves become
the operator's messages to the addresses they are bound to, queued in the OSC inbox so they meet
the same coercion, clamping, double-GO guard, counting and `--record-osc` as OSC (recorded as the
addresses they became, from `midi:<device>`). MIDI Show Control becomes the same addresses, and
MIDI timecode passing a cue's `timecode` fires it."""
from __future__ import annotations

import time

import mido

from ..crossings import MidiInbox
from ..osc.receive import CONTROL, Delivery, Sender
from ..osc.wire import Message
from . import msc
from .control import NEAR, Control
from .mapping import Bind, Mapping, save
from .ports import Ports
from .timecode import Timecode, seconds

BUDGET = 4096
MAX_MESSAGE = 4096      # bytes: MSC stops at 128, a controller's SysEx at a few hundred
JUMP_S = 1.0            # timecode moving further than this in a frame has relocated, not run
LEARN_MESSAGES = 3      # a control's first few messages tell a fader from an encoder
FEEDBACK_HZ = 30        # a motor fader or an LED ring needs no more, and a slow USB device no more either


class Midi:
    def __init__(self, engine, mappings: list[Mapping], api: str | None = None, ports=None):
        """`ports`: where the messages come from (rtmidi's, unless a test hands bytes in itself)."""
        self.engine = engine
        self.inbox = MidiInbox()
        self.mappings = {(m.device, m.instance): m for m in mappings}
        self.controls = {key: [Control(b) for b in m.binds] for key, m in self.mappings.items()}
        self.learning: str | None = None        # an address waiting for the next control moved
        self._heard: list = []
        self.timecode = Timecode()
        self._followed: float | None = None     # the timecode when cues were last checked
        self.ports = ports or Ports(list(self.controls), api, self.inbox, engine.operator.tell,
                                    {(m.device, m.instance): m.init for m in mappings})
        self.received = 0
        self.fed_back = 0
        self._echoes: list[tuple] = []          # (device, command) this frame's MSC in asked for: not sent back
        self.ports.scan(time.perf_counter())

    def drain(self, osc_inbox) -> None:
        self.ports.scan(time.perf_counter())
        for port, arrived, data in self.inbox.take(BUDGET):
            self.feed(self.ports.device_of(port), data, arrived, osc_inbox)
        self.follow_timecode(time.perf_counter(), osc_inbox)

    def follow_timecode(self, now: float, osc_inbox) -> None:
        """Fire each cue whose timecode was passed since the last frame, running forward; a
        relocation (a jump back, or forward by more than JUMP_S) fires nothing it skipped."""
        tc, last = self.timecode.now(now), self._followed
        self._followed = tc
        if tc is None or last is None or not 0 < tc - last <= JUMP_S:
            return
        for c in self.engine.program.cues:
            if c.timecode is not None and last < seconds(c.timecode, self.timecode.rate) <= tc:
                self._send("timecode", f"/cue/{c.number}/start", (), now, osc_inbox)

    def feed(self, device: tuple[str, int] | None, data: bytes, arrived: float, osc_inbox) -> None:
        """One message from a device's port, through mido's parser, to its bindings."""
        if len(data) > MAX_MESSAGE:
            return          # a dump nothing here reads: not parsed on the frame loop (1 MB took a second)
        try:
            message = mido.Message.from_bytes(list(data))
        except (ValueError, IndexError):
            return          # a stray byte or an unfinished message: nothing a binding reads
        if message.type == "quarter_frame":
            self.timecode.quarter(message.frame_type << 4 | message.frame_value, arrived)
            return
        if message.type == "sysex" and self.timecode.full(message.data, arrived):
            return
        if message.type == "sysex" and device in self.mappings:
            self._show_control(device, message.data, arrived, osc_inbox)
            return
        if self.learning and device in self.mappings and message.type in ("control_change", "note_on"):
            self._learn(device, message)
            return
        for control in self.controls.get(device, ()):
            self._move(control, message, device[0], arrived, osc_inbox)

    def _move(self, control: Control, m, device: str, arrived: float, osc_inbox) -> None:
        b = control.bind
        if not hasattr(m, "channel") or (b.channel is not None and m.channel + 1 != b.channel):
            return
        low_half = b.kind == "cc" and b.mode == "14bit" and m.type == "control_change" and m.control == b.number + 32
        cc = b.kind == "cc" and m.type == "control_change" and (m.control == b.number or low_half)
        note = b.kind == "note" and m.type in ("note_on", "note_off") and m.note == b.number
        if not (cc or note):
            return
        entry, current, lo, hi = self._target(b)
        if entry is None:
            return
        position = control.cc(m.value, current, low_half) if cc else control.note(m.type == "note_on" and m.velocity > 0)
        self.received += 1
        if position is None:
            return
        value = lo + position * (hi - lo)
        args = {"f": (float(value),), "i": (int(round(value)),), "T|F|i": (int(position >= 0.5),)}.get(entry.types)
        if args is None:        # a command or an event: fires as the control passes half way
            if not control.rising(position):
                return
            args = ()
        self._send(device, b.to, args, arrived, osc_inbox)

    def _target(self, b):
        """The address's entry, and for a piece's parameter where it is as a fraction of the range
        (the binding's own range first): (entry, position or None, low, high); entry None if the
        address is not there now."""
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
        if hi == lo:
            return entries[0], None, lo, hi
        value = float(player.params.target(name))       # where it is going: a fader sets targets
        return entries[0], min(max((value - lo) / (hi - lo), 0.0), 1.0), lo, hi

    def _show_control(self, device, data, arrived: float, osc_inbox) -> None:
        """MIDI Show Control from a device whose mapping takes it, for its device id or all-call."""
        ours = self.mappings[device].msc
        command = msc.decode(bytes(data)) if ours is not None else None
        if command is None or not msc.for_us(command, ours):
            return
        self.received += 1
        self._echoes.append((device, "GO" if command.command in ("TIMED_GO", "FIRE") else command.command))
        for address, args in msc.messages(command):
            self._send(device[0], address, args, arrived, osc_inbox)

    def _send(self, device: str, address: str, args: tuple, arrived: float, osc_inbox) -> None:
        tags = "".join("i" if isinstance(a, int) else "f" for a in args)
        sender = Sender(f"midi:{device}", ("midi", device), None)
        osc_inbox.put(Delivery(CONTROL, sender, arrived, ((None, Message(address, tags, args)),)), 1)

    def learn(self, address: str) -> None:
        self.learning, self._heard = address, []
        self.engine.operator.tell(f"MIDI learn: move a control for {address}")

    def _learn(self, device, m) -> None:
        """The first control moved: a note at once; a control change once its first messages say
        whether it is a fader, an encoder (which convention) or a 14-bit pair."""
        if m.type == "note_on":
            self._bind(device, Bind("note", m.note, m.channel + 1, self.learning))
            return
        self._heard.append((m.control, m.channel, m.value))
        if len(self._heard) < LEARN_MESSAGES:
            return
        numbers = {n for n, _, _ in self._heard}
        first, channel = self._heard[0][0], self._heard[0][1]
        values = [v for n, _, v in self._heard if n == first]
        pair = min(numbers) < 32 and min(numbers) + 32 in numbers
        repeats = any(a == b for a, b in zip(values, values[1:]))    # a fader sends only changes
        mode = "14bit" if pair else "abs"
        if not pair and repeats:
            if all(abs(v - 64) <= 15 for v in values):
                mode = "rel_offset"
            elif all(v <= 15 or v >= 113 for v in values):
                mode = "rel_twos"
            elif all(v <= 15 or 65 <= v <= 79 for v in values):
                mode = "rel_sign"
        self._bind(device, Bind("cc", min(numbers) if pair else first, channel + 1, self.learning, mode=mode))

    def _bind(self, device, bind: Bind) -> None:
        mapping = self.mappings[device]
        same = lambda b: (b.kind, b.number, b.channel) == (bind.kind, bind.number, bind.channel)   # noqa: E731
        mapping.binds = [b for b in mapping.binds if not same(b)] + [bind]
        self.controls[device] = [c for c in self.controls[device] if not same(c.bind)] + [Control(bind)]
        self.learning = None
        save(mapping)
        self.engine.operator.tell(f"MIDI learn: {bind.label} ({bind.mode}) -> {bind.to}, saved in {mapping.path}")

    def feedback(self, now: float) -> None:
        """After the frame's messages: each control with feedback shows where its parameter is,
        whoever moved it; never what the control itself just sent (no echo), at most FEEDBACK_HZ."""
        self._show_out()
        for key, controls in self.controls.items():
            for c in controls:
                if not c.bind.feedback or now - c.told_at < 1.0 / FEEDBACK_HZ:
                    continue
                _, position, _, _ = self._target(c.bind)
                if position is None:
                    continue
                value = round(position * 127)
                if value == c.told:
                    continue
                if c.hw is not None and round(c.hw * 127) == value:
                    c.told = value      # the hardware is there already (it moved it): no echo
                    continue
                channel = (c.bind.channel or 1) - 1
                message = [0xB0 | channel, c.bind.number, value] if c.bind.kind == "cc" else \
                    [0x90 | channel, c.bind.number, 127 if value >= 64 else 0]
                if self.ports.send(key, message):
                    c.told, c.told_at = value, now
                    self.fed_back += 1

    def _show_out(self) -> None:
        """What the show did this frame, as MSC to each desk that follows it (`msc_out`); a command
        that came from a desk's own MSC is not sent back to it."""
        echoes, self._echoes = self._echoes, []
        for command, cue in self.engine.show.told:
            for key, m in self.mappings.items():
                if m.msc_out is None:
                    continue
                if (key, command) in echoes:
                    echoes.remove((key, command))
                    continue
                message = msc.encode(m.msc_out, m.msc_format, command, cue)
                if message is None:
                    self.engine.operator.tell(f"MSC out: cue {cue!r} is not a number MSC can send (digits and dots)")
                elif self.ports.send(key, message):
                    self.fed_back += 1

    def waiting(self) -> list[str]:
        """For the operator's overlay: each control taking over a parameter it does not hold yet,
        where the hardware is and where to bring it."""
        out = []
        for controls in self.controls.values():
            for c in controls:
                if c.hw is None or c.bind.mode not in ("abs", "14bit") or c.bind.takeover == "jump":
                    continue
                _, current, _, _ = self._target(c.bind)
                if current is not None and not c.owns(current) and abs(c.hw - current) > NEAR:
                    out.append(f"MIDI {c.bind.label} -> {c.bind.to}: hardware at {c.hw:.2f}, the parameter at "
                               f"{current:.2f} ({c.bind.takeover})")
        return out

    def counters(self) -> dict:
        return {"midi_received": self.received, "midi_devices": sorted(self.ports.seen)}

    def close(self) -> None:
        self.ports.close()
