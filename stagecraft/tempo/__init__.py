"""The beat: one timeline of beats for pieces, cues and the sound, from an Ableton Link session
(`--link`, the `link` extra) or an internal tempo the operator sets or taps. The engine samples it
once a frame at the frame's presentation time, so every piece, cue and note in a frame reads the
same beat; a piece never knows which of the two runs."""
