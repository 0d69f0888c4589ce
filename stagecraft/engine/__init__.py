"""The engine: the frame loop (`loop`) and its parts (`pieces` coming on and off, the operator's
`commands`, `status`, the `room`'s caption and QR code, the show output's effects: `output_fx`),
its clock with an injectable time source (`clock`), and frame statistics for `--stats` (`stats`)."""
