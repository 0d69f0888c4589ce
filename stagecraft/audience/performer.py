"""The performer's sensors, as the control port last heard them: what `stage.performer` reads."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Performer:
    voice: float = 0.0                      # the microphone's level, 0..1
    hand: tuple[float, float] = (0.5, 0.5)  # the tracked hand, x and y in 0..1 from the bottom-left
