"""The picture: a window or an offscreen surface, the GL programs (Shadertoy-style; reloaded on
save), named targets and the one quad path that draws everything, text as textures, and the
operator's overlay. Shader files written for other tools are read here as written: ISF (`isf`)
and Shadertoy (`shadertoy`), each made a graph of passes (`passes`) with the images beside them
(`images`); the sound's analysis and the keyboard are textures every shader may read (`senses`,
on the `units` named for them). Knows nothing of pieces, shows or sound."""
