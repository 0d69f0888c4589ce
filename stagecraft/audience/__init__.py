"""The people around the stage: the audience's shared, persisted state (`state`), the performer's
sensors (`performer`), and the smile genome every piece draws from (`smile`)."""
