"""Ableton Link through LinkPython-extern: a synchronous session state we capture once a frame,
which suits a frame loop better than aalink's asyncio (the engine has no event loop to give it).
Link's own threads find peers and keep the shared timeline; nothing of ours runs on them."""
from __future__ import annotations

from .beat import QUANTUM, Beat, Tempo, clamp


class LinkError(Exception):
    """Link cannot start here (the extra is not installed)."""


class Link(Tempo):
    def __init__(self, bpm: float):
        """Join (or start) the session on the local network. A session already playing keeps its
        tempo: Link adopts it, and `bpm` is only where a session of one starts."""
        try:
            import link
        except ImportError:
            raise LinkError("--link needs the link extra: pip install 'stagecraft[link]' "
                            "(LinkPython-extern)") from None
        super().__init__(bpm)
        self._link = link.Link(self.tempo)
        self._link.enabled = True
        self.at = 0              # what the last sample was for, in Link's microseconds

    def sample(self, now: float, lead: float, period: float) -> Beat:
        """The session at `lead` seconds from now, on Link's clock (the host's monotonic one)."""
        state = self._link.captureAppSessionState()
        at = self.at = self._link.clock().micros() + round(lead * 1e6)
        self.tempo = state.tempo()
        peers = self._link.numPeers()
        self.most_peers = max(self.most_peers, peers)
        return Beat(state.beatAtTime(at, QUANTUM), self.tempo, period * self.tempo / 60.0, peers)

    def set_tempo(self, bpm: float, now: float) -> None:
        """The whole session's tempo: every peer follows."""
        state = self._link.captureAppSessionState()
        state.setTempo(clamp(bpm), self._link.clock().micros())
        self._link.commitAppSessionState(state)

    def close(self) -> None:
        self._link.enabled = False
