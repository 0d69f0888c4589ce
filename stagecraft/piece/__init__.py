"""The piece API: loading a piece module (`module`, or a shader file made one: `imported`),
running it guarded (`player`), its effect chain (`effects`), the `stage` handle it is given, its
typed parameters (`params`) with their `curves`, and its `cues`. What a piece imports from
`stagecraft` comes from here."""
