"""The picture: a window or an offscreen surface, the GL programs (Shadertoy-style, and ISF files
read as written: `isf`; reloaded on save), named targets and the one quad path that draws
everything, text as textures, and the operator's overlay. Knows nothing of pieces, shows or sound."""
