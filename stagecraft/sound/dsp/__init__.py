"""The sound's DSP, run in the sound process and offline: the synth (events on the exact sample,
graph changes), its tracks and polyphony, the unit generators (oscillators, envelopes, filters,
effects, samples), per-sample smoothing, the master safety bus, and the compiled kernels."""
