"""Several machines, one show: a director runs it and publishes, over NATS, each frame's inputs
(its clock and beat, what the sound heard, the operator's keys, the OSC it applied); actors render
the same frames from that stream with their own outputs (`frames` the record, `director`, `actor`).
Lockstep rests on the engine's determinism: the same inputs give the same picture, frame by frame."""
