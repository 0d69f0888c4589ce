"""Controllers' ports, through python-rtmidi (JACK, ALSA, CoreMIDI, WinMM: one object, another API).

Each bound device gets one long-lived input whose callback only queues (crossings.MidiInbox), and
an output to its LEDs, rings and motor faders where it has one (its init SysEx goes there on
connect). Two more long-lived clients list the ports now and then: a device unplugged goes, and
is opened again when it returns. (mido.get_input_names() makes a new client per call; polled under JACK it let
1 of 20 messages through; a long-lived client's listing lets all through: FIELD_NOTES.)
"""
from __future__ import annotations

import time

from ..crossings import MidiInbox

SCAN_S = 1.0
RETRY_S = 30.0      # no MIDI system yet: ask again this seldom (each failed try prints ALSA's complaint)
APIS = {"jack": "API_UNIX_JACK", "alsa": "API_LINUX_ALSA"}


class Ports:
    def __init__(self, devices: list[tuple[str, int]], api: str | None, inbox: MidiInbox, tell, init=None):
        import rtmidi
        self._rtmidi = rtmidi
        self.api = getattr(rtmidi, APIS[api]) if api else rtmidi.API_UNSPECIFIED
        self.devices, self.inbox, self.tell = devices, inbox, tell
        self.init = init or {}                           # (device, instance) -> SysEx to send on connect
        self.scanner = self.out_scanner = None           # made when the MIDI system answers
        self.open: dict[tuple[str, int], tuple] = {}     # (device, instance) -> (MidiIn, port name)
        self.outs: dict[tuple[str, int], object] = {}    # (device, instance) -> MidiOut, where it has one
        self.seen: set[str] = set()                      # every port name bound, for --stats
        self._scan_at = 0.0

    def scan(self, now: float) -> None:
        """Open bound devices that have appeared, let go of those that went."""
        if now < self._scan_at:
            return
        self._scan_at = now + SCAN_S
        if self.scanner is None:
            try:
                self.scanner = self._rtmidi.MidiIn(self.api, name="stagecraft ports")
                self.out_scanner = self._rtmidi.MidiOut(self.api, name="stagecraft outputs")
            except self._rtmidi.SystemError as exc:   # no JACK server, no ALSA: the show goes on
                self.tell(f"MIDI: no MIDI system answers ({exc}); controllers are read once one does",
                          key="midi:none", error=True)
                self._scan_at = now + RETRY_S
                return
        names = self.scanner.get_ports()
        for key, (midi, name) in list(self.open.items()):
            if name not in names:
                midi.close_port()
                del self.open[key]
                out = self.outs.pop(key, None)
                if out is not None:
                    out.close_port()
                self.tell(f"MIDI: {name} is gone; it is bound again when it returns", key=f"midi:gone:{name}")
        for device, instance in self.devices:
            matches = [n for n in names if device.lower() in n.lower()]
            if (device, instance) in self.open or len(matches) <= instance:
                continue
            name = matches[instance]
            midi = self._opened(self._rtmidi.MidiIn(self.api, name=f"stagecraft {device}"), name, "in")
            if midi is None:
                continue
            midi.ignore_types(sysex=False, timing=True, active_sense=True)
            midi.set_callback(self._queue(name))
            self.open[(device, instance)] = (midi, name)
            self.seen.add(name)
            self._open_out(device, instance)
            self.tell(f"MIDI: {device} is {name}")

    def _opened(self, client, name: str, direction: str):
        """The client opened on the port of that name, found in its own listing (ports come and go
        between two clients' listings); None, the client closed, when it is not there (yet)."""
        try:
            names = client.get_ports()
            if name in names:
                client.open_port(names.index(name), direction)
                return client
        except self._rtmidi.RtMidiError:
            pass
        client.delete()
        return None

    def _open_out(self, device: str, instance: int) -> None:
        matches = [n for n in self.out_scanner.get_ports() if device.lower() in n.lower()]
        if len(matches) <= instance:
            return          # a controller with no way back: no feedback, nothing to tell
        out = self._opened(self._rtmidi.MidiOut(self.api, name=f"stagecraft {device} out"), matches[instance], "out")
        if out is None:
            return
        self.outs[(device, instance)] = out
        for message in self.init.get((device, instance), ()):
            out.send_message(list(message))

    def send(self, key: tuple[str, int], message: list[int]) -> bool:
        out = self.outs.get(key)
        if out is None:
            return False
        try:
            out.send_message(message)
        except self._rtmidi.RtMidiError:    # gone between two scans: the next scan lets it go
            return False
        return True

    def device_of(self, port: str) -> tuple[str, int] | None:
        return next((key for key, (_, name) in self.open.items() if name == port), None)

    def _queue(self, name: str):
        def put(event, _data=None):         # rtmidi's thread: queue and return, nothing else
            self.inbox.put((name, time.perf_counter(), bytes(event[0])), 1)
        return put

    def close(self) -> None:
        for midi in [m for m, _ in self.open.values()] + list(self.outs.values()):
            midi.close_port()
        self.open.clear()
        self.outs.clear()
        for scanner in (self.scanner, self.out_scanner):
            if scanner is not None:
                scanner.close_port()
