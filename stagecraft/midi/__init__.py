"""MIDI in: controllers bound to the engine's addresses. A mapping file (`mapping`) names a device
and binds its controls; each binding's state (`control`: what the hardware said, takeover) turns a
control's move into a value; `ports` keeps long-lived rtmidi clients whose callbacks only queue;
`hub` drains them once a frame into the OSC inbox as the operator's messages, so MIDI meets the
same coercion, clamping, double-GO guard, counting and recording as OSC."""
