"""Texture units: which one each of the engine's own textures holds for the whole run."""

# the engine's own textures keep their units for the whole run: above iChannel0..3 and a pass's
# named images, below moderngl's scratch unit (the last)
MAX_IMAGES = 12     # a pass's own samplers take the units below these
AUDIO_UNIT = 12     # iAudio: Shadertoy's 512x2 spectrum and waveform
WAVE_UNIT = 13      # ISF's audio image: the waveform, 512x1
FFT_UNIT = 14       # ISF's audioFFT image: the spectrum, 512x1
KEYBOARD_UNIT = 15  # Shadertoy's keyboard: 256x3, held / pressed this frame / toggled
