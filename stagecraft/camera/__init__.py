"""A camera (or any video) looking at the room: a capture thread reading a camera, a file or a
stream, the newest frame uploaded once a frame as a texture a piece reads (`stage.camera`), and
how much the picture moves and how much of it someone fills."""
