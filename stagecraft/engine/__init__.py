"""The engine: the frame loop (`loop`), its clock with an injectable time source (`clock`), and
frame statistics for `--stats` (`stats`)."""
