"""The piece API: loading a piece module (`module`, or an ISF generator made one: `isf`), running
it guarded (`player`), the `stage` handle it is given, its typed parameters (`params`) with their
`curves`, and its `cues`. What a piece imports from `stagecraft` comes from here."""
