"""Part of the engine (stagecraft.engine.loop): its pieces. Bringing one on, at once or beside the
one leaving for a transition; retiring one; running a cue's actions on its piece; switching to
another piece; and picking up an artist's saved edits (shaders recompile, the module re-imports,
a broken save leaves the last good version running)."""
from __future__ import annotations

import hashlib
import traceback
from pathlib import Path

from ..audience.state import AudienceView
from ..installation import heap
from ..piece.module import PieceError, PieceModule, load, resolve
from ..piece.player import PieceFault, Player
from ..show.control import Show
from ..show.program import Program, ShowCue, Transition
from ..show.transition import Crossing, shader_path

STANDBY = "standby"         # what plays in place of a piece that cannot start
SOUND_CUT_S = 0.05          # a cut between pieces still fades their sound, so nothing clicks


class Pieces:
    """Mixed into Engine: its pieces, on the engine's own fields (player, crossing, program, show)."""

    def _player(self, module: PieceModule) -> Player:
        """A piece, started; the standby piece in its place if it cannot start (told to the operator)."""
        self.surface.make_current()
        player = Player(module, self.gfx, self.canvas_size, seed=self.seed, strict=self.strict,
                        operator=self.operator, audience=AudienceView(self.audience), layer=next(self._layers))
        if player.start() or module.name == STANDBY:
            return player
        player.release()
        self.operator.tell(f"{module.name} could not start (above); the standby piece plays in its place "
                           f"until the next cue", error=True)
        return self._player(piece_module(STANDBY))

    def _enter(self, index: int, way: Transition) -> None:
        """A piece comes on: at once for a cut (or the first piece), else beside the one leaving."""
        entering = self._player(self.program.pieces[index].module)
        program = self.gfx.shaders.program(shader_path(way), {}) if shader_path(way) and way.seconds else None
        if self.crossing is not None:
            self._retire(self.crossing.leaving, SOUND_CUT_S)
            self.crossing = None
        if self.player is None or program is None:
            if self.player is not None:
                self._retire(self.player, SOUND_CUT_S)
            entering.sound.fade(0.0, 0.0)
            entering.sound.fade(1.0, SOUND_CUT_S)
        else:
            entering.sound.fade(0.0, 0.0)
            entering.sound.fade(1.0, way.seconds)
            self.player.sound.fade(0.0, way.seconds)
            self.crossing = Crossing(way, self.player, entering, self.clock.time, program)
        self.player = entering
        heap.settle()
        self._mtime = _mtime(entering.piece.path)
        self.entered.append(entering.name)
        self.room.show_qr(self.clock.time)
        if self.phones:
            self.phones.show_piece(entering.name, entering.piece.title, entering.piece.gestures)

    def _retire(self, player: Player, fade_s: float) -> None:
        player.sound.fade(0.0, fade_s)
        self._to_sound += player.sound.take()
        player.release()
        heap.trim()

    def _run_cue(self, cue: ShowCue) -> None:
        """A cue's actions, on the piece it belongs to (brought on with a cut if it is not playing)."""
        if self.player.piece is not self.program.pieces[cue.piece].module:
            self._enter(cue.piece, Transition())
        for a in cue.actions:
            try:
                self._act(a)
            except (KeyError, ValueError, OSError) as exc:
                if self.strict:
                    raise PieceFault(f"cue {cue.label}: {a.kind} {a.target}: {exc}") from exc
                self.operator.tell(f"cue {cue.label}: {a.kind} {a.target!r} failed ({exc})", error=True)

    def _act(self, a) -> None:
        stage = self.player.stage
        if a.kind == "cue":
            c = self.player.cue(a.target)
            if c is None:
                raise KeyError(f"{self.player.name} has no cue {a.target!r}")
            self.player.fire(c)
        elif a.kind == "glide" and a.beats is not None:
            stage.glide(a.target, a.value, curve=a.curve, beats=a.beats)
        elif a.kind == "glide":
            stage.glide(a.target, a.value, a.seconds, a.curve)
        elif a.kind == "set":
            stage.set(a.target, a.value)
        elif a.kind == "sound":
            stage.note(a.target, 60 if a.value is None else a.value)
        elif a.kind == "send":
            self.osc.send_out(a.to, a.target, a.value)

    # commands (keys, the console and OSC) ---------------------------------------------------
    def load(self, piece) -> bool:
        """Switch to a piece: its place in the program if it has one, else a program of its own.
        A bad one leaves the current one playing."""
        try:
            module = piece_module(piece)
        except PieceError as exc:
            if self.strict:
                raise
            self.operator.tell(str(exc), error=True)
            return False
        index = next((i for i, p in enumerate(self.program.pieces) if p.module.name == module.name), None)
        if index is None:
            self.program = Program.single(module)
            self.show = Show(self.program, self._enter, self._run_cue, loop=self.show.loop)
            index = 0
        self.show.start(self.program.entry(index))
        return True

    def reload_changed(self) -> list[tuple[str, str, bool]]:
        """Pick up saved edits: shaders recompile, the piece module re-imports; bad ones are told
        to the operator and the last good version keeps running. What was tried, for a cluster's
        machines to compare: (file, a digest of what it read, whether it took)."""
        tried = []
        for path, error in self.gfx.shaders.reload_changed():
            key = f"shader:{path}"
            self.operator.clear(key)
            if error:
                self.operator.tell(error.splitlines()[0] + "; still running the last good version",
                                   key=key, detail=error, error=True)
            else:
                self.operator.tell(f"reloaded {path.name}")
            tried.append((path.name, _digest(self.gfx.shaders.files(path) or {path}), error is None))
        path = self.player.piece.path
        mtime = _mtime(path)
        if mtime != self._mtime:
            self._mtime = mtime
            try:
                module = load(path)
            except PieceError as exc:
                self.operator.tell(f"{exc}; still running the last good version", error=True,
                                   detail=_cause(exc))
                return tried + [(path.name, _digest({path}), False)]
            tried.append((path.name, _digest({path}), self.player.reload(module)))
        return tried


def piece_module(piece) -> PieceModule:
    return piece if isinstance(piece, PieceModule) else load(resolve(str(piece)))


def _digest(files: set[Path]) -> str:
    h = hashlib.sha1()
    for f in sorted(files):
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"\0missing")
    return h.hexdigest()[:12]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__
    return "".join(traceback.format_exception(cause)) if cause else ""
