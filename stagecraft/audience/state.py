"""The audience's shared state: what the house gave the show, kept for the whole evening.

One model that every piece reads (through `stage.audience`) and the show accumulates: excitement
(it decays), polarity (each voter's latest vote, averaged), the echoed messages, the smiles the
audience made and bartered (contributions) and the credits ledger. It changes only on the frame
loop, from OSC. Every collection is bounded. Senders are known by a salted hash of their address,
never the address itself.

It is saved as JSON, atomically, every few seconds and at exit, and restored at start, so a crash
loses seconds of it at most. A write that fails is told to the operator once; the show goes on.
Saving runs on the frame loop, so it is kept cheap: a contribution never changes, and is encoded
once, when it is made.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import secrets
import time
import unicodedata
from collections import OrderedDict, deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

KINDS = ("cheer", "vote", "echo", "buy", "refuse", "barter", "join", "touch")
CONTRIBUTES = ("join", "buy", "refuse", "barter")  # the acts that make or change a smile
MAX_ECHOES = 200
MAX_CONTRIBUTIONS = 5000
MAX_PER_SENDER = 64        # one phone cannot push everyone else's smiles out of the finale
MAX_MEMBERS = 4096
ECHO_CHARS = 140
NAME_CHARS = 32
EXCITEMENT_HALF_LIFE_S = 6.0
CHEER_STEP = 0.08          # one full cheer from one phone
SAVE_EVERY_S = 3.0
SAVE_PROBLEM = "audience:save"
FORMAT = 1


@dataclass(frozen=True)
class Act:
    """One thing one member of the audience did, in the frame it arrived."""
    kind: str
    sender: str
    time: float
    amount: float = 0.0          # cheer 0..1, vote -1 (bazaar) .. +1 (elite), buy: credits
    text: str = ""               # echo: the message; join: the name
    point: tuple = ()            # touch: (x, y) in 0..1
    smiles: tuple = ()           # barter: the two smiles


@dataclass(frozen=True)
class Contribution:
    """A smile the audience made or changed, kept so a later piece can derive the smile itself:
    `seed` is a pure function of the fields and the contribution's place in the evening."""
    kind: str
    sender: str
    name: str
    ints: tuple
    time: float
    seed: int


@dataclass(frozen=True)
class Credits:
    spent: int = 0
    purchases: int = 0
    refusals: int = 0
    barters: int = 0


@dataclass
class _Member:
    name: str = ""
    vote: float | None = None
    spent: int = 0
    made: int = 0


@dataclass
class Audience:
    salt: str = field(default_factory=lambda: secrets.token_hex(8))
    excitement: float = 0.0
    credits: Credits = field(default_factory=Credits)
    echoes: deque = field(default_factory=lambda: deque(maxlen=MAX_ECHOES))
    contributions: deque = field(default_factory=lambda: deque(maxlen=MAX_CONTRIBUTIONS))
    _encoded: deque = field(default_factory=lambda: deque(maxlen=MAX_CONTRIBUTIONS))  # each one's JSON
    made: int = 0                # contributions ever, including any the bound let go
    members: OrderedDict = field(default_factory=OrderedDict)
    dirty: bool = False
    _vote_sum: float = 0.0
    _vote_squares: float = 0.0
    _voters: int = 0
    _frame: dict = field(default_factory=lambda: {k: [] for k in KINDS})

    def sender_id(self, host: str) -> str:
        """A stable pseudonym for an address, the same all evening (the salt is saved)."""
        return hashlib.blake2b(host.encode(), digest_size=5, key=self.salt.encode()).hexdigest()

    @property
    def polarity(self) -> float:
        return self._vote_sum / self._voters if self._voters else 0.0

    @property
    def spread(self) -> float:
        """How divided the room is: the votes' standard deviation, 0 unanimous .. 1 split in two."""
        if not self._voters:
            return 0.0
        return math.sqrt(max(self._vote_squares / self._voters - self.polarity ** 2, 0.0))

    @property
    def voters(self) -> int:
        return self._voters

    # the frame loop ---------------------------------------------------------------------------
    def begin_frame(self, dt: float) -> None:
        self.excitement *= 0.5 ** (dt / EXCITEMENT_HALF_LIFE_S)
        for acts in self._frame.values():
            acts.clear()

    def take(self, act: Act) -> None:
        member = self._member(act.sender)
        kind = act.kind
        if kind == "cheer":
            self.excitement = min(1.0, self.excitement + CHEER_STEP * act.amount)
        elif kind == "vote":
            self._vote(member, act.amount)
        elif kind == "echo":
            self.echoes.append(act)
        elif kind == "join":
            member.name = act.text
        elif kind == "buy":
            member.spent += int(act.amount)
            self.credits = replace(self.credits, spent=self.credits.spent + int(act.amount),
                                   purchases=self.credits.purchases + 1)
        elif kind == "refuse":
            self.credits = replace(self.credits, refusals=self.credits.refusals + 1)
        elif kind == "barter":
            self.credits = replace(self.credits, barters=self.credits.barters + 1)
        if kind in CONTRIBUTES and member.made < MAX_PER_SENDER:
            member.made += 1
            ints = act.smiles or ((int(act.amount),) if kind == "buy" else ())
            self._contribute(Contribution(kind, act.sender, member.name, ints, round(act.time, 3),
                                          _seed(self.made, kind, act.sender, member.name, ints)))
            self.made += 1
        self._frame[kind].append(act)
        self.dirty = self.dirty or kind != "touch"

    def _contribute(self, c: Contribution) -> None:
        self.contributions.append(c)
        self._encoded.append(json.dumps((c.kind, c.sender, c.name, c.ints, c.time, c.seed), separators=(",", ":")))

    def new(self, kind: str) -> tuple[Act, ...]:
        if kind not in self._frame:
            raise ValueError(f"no audience act {kind!r}; the acts are {', '.join(KINDS)}")
        return tuple(self._frame[kind])

    def name(self, sender: str, name: str) -> None:
        """A sender's name for the stage (a phone's, chosen or given), as a join would set it."""
        member = self._member(sender)
        if member.name != name:
            member.name = clean_text(name, NAME_CHARS)
            self.dirty = True

    def name_of(self, sender: str) -> str:
        """What the stage calls a sender: its name if it has one, else a few letters of its pseudonym."""
        member = self.members.get(sender)
        return member.name if member and member.name else sender.rsplit(":", 1)[-1][:6] or "guest"

    def _member(self, sender: str) -> _Member:
        member = self.members.get(sender)
        if member is None:
            member = self.members[sender] = _Member()
            if len(self.members) > MAX_MEMBERS:
                _, gone = self.members.popitem(last=False)
                self._vote(gone, None)
        else:
            self.members.move_to_end(sender)
        return member

    def _vote(self, member: _Member, vote: float | None) -> None:
        if member.vote is not None:
            self._vote_sum -= member.vote
            self._vote_squares -= member.vote ** 2
            self._voters -= 1
        member.vote = vote
        if vote is not None:
            self._vote_sum += vote
            self._vote_squares += vote ** 2
            self._voters += 1

    # on disk ----------------------------------------------------------------------------------
    def dump(self) -> str:
        """The whole audience as JSON. Records are arrays in their fields' order: an echo is
        [sender, time, text], a contribution [kind, sender, name, ints, time, seed], a member
        [name, vote, spent, made]."""
        head = json.dumps({"format": FORMAT, "salt": self.salt, "excitement": self.excitement,
                           "credits": asdict(self.credits), "made": self.made,
                           "echoes": [(e.sender, e.time, e.text) for e in self.echoes],
                           "members": {k: (m.name, m.vote, m.spent, m.made) for k, m in self.members.items()}},
                          separators=(",", ":"))
        return f'{head[:-1]},"contributions":[{",".join(self._encoded)}]}}'

    @classmethod
    def load(cls, text: str) -> "Audience":
        d = json.loads(text)
        if d.get("format") != FORMAT:
            raise ValueError(f"format {d.get('format')!r}, expected {FORMAT}")
        a = cls(salt=str(d["salt"]), excitement=_unit(d["excitement"]), credits=Credits(**d["credits"]),
                made=int(d["made"]))
        a.echoes.extend(Act("echo", str(s), float(t), text=str(text)) for s, t, text in d["echoes"])
        for kind, sender, name, ints, t, seed in d["contributions"]:
            a._contribute(Contribution(kind, sender, name, tuple(ints), t, seed))
        for sender, (name, vote, spent, made) in list(d["members"].items())[-MAX_MEMBERS:]:
            a._vote(a.members.setdefault(str(sender), _Member(str(name), None, int(spent), int(made))), vote)
        return a


def _unit(x) -> float:
    x = float(x)
    return min(max(x, 0.0), 1.0) if math.isfinite(x) else 0.0


def _seed(index: int, kind: str, sender: str, name: str, ints: tuple) -> int:
    text = f"{index}|{kind}|{sender}|{name}|{','.join(map(str, ints))}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


class AudienceView:
    """`stage.audience`: what a piece may read. Nothing here changes the audience."""
    __slots__ = ("_a",)

    def __init__(self, audience: Audience):
        self._a = audience

    excitement = property(lambda self: self._a.excitement, doc="0..1; cheers raise it, it decays")
    polarity = property(lambda self: self._a.polarity, doc="-1 bazaar .. +1 elite: the voters' mean")
    spread = property(lambda self: self._a.spread, doc="0 unanimous .. 1 split in two: how divided")
    voters = property(lambda self: self._a.voters)
    credits = property(lambda self: self._a.credits, doc="the ledger: spent, purchases, refusals, barters")
    made = property(lambda self: self._a.made, doc="smiles made or changed all evening")
    echoes = property(lambda self: tuple(self._a.echoes), doc="the latest echoed messages, oldest first")
    contributions = property(lambda self: tuple(self._a.contributions))

    def name_of(self, sender: str) -> str:
        """What the stage calls a sender: the name it joined with (or chose on its phone), else a
        few letters of its pseudonym."""
        return self._a.name_of(sender)

    def new(self, kind: str) -> tuple[Act, ...]:
        """This frame's acts of one kind, in the order they arrived."""
        return self._a.new(kind)


def clean_text(text: str, limit: int) -> str:
    """What an audience may put on the stage: printable, one line, NFC, at most `limit` characters.
    Control and format characters (bidi overrides, zero-width joiners) go; a pile of combining
    marks is cut to two per letter."""
    out, marks = [], 0
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if cat[0] == "Z" or ch in "\t\n\r":
            ch, cat = " ", "Zs"
        elif cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        marks = marks + 1 if cat[0] == "M" else 0
        if marks > 2 or (ch == " " and (not out or out[-1] == " ")):
            continue
        out.append(ch)
    return "".join(out).strip()[:limit].rstrip()


class AudienceFile:
    """The audience on disk: written whole to a temporary file, synced, then renamed over the old
    one, so a crash leaves either the last save or the one before, never half of one."""

    def __init__(self, path: Path, operator):
        self.path = Path(path)
        self.operator = operator
        self._saved_at = time.monotonic()

    def load(self) -> Audience:
        try:
            return Audience.load(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Audience()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            kept = self.set_aside()
            self.operator.tell(f"the audience file {self.path} could not be read ({exc}); starting empty"
                      + (f", the old one kept as {kept.name}" if kept else ""), error=True)
            return Audience()

    def set_aside(self) -> Path | None:
        """Move the current file out of the way (for --fresh, or when it is unreadable)."""
        if not self.path.exists():
            return None
        kept = self.path.with_name(f"{self.path.stem}-{time.strftime('%Y%m%d-%H%M%S')}{self.path.suffix}")
        try:
            os.replace(self.path, kept)
        except OSError:
            return None
        return kept

    def due(self) -> bool:
        return time.monotonic() - self._saved_at >= SAVE_EVERY_S

    def save(self, audience: Audience) -> bool:
        self._saved_at = time.monotonic()
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(audience.dump())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)      # a half-written file is no use to anyone
            self.operator.tell(f"cannot save the audience to {self.path} ({exc.strerror or exc}); "
                               f"keeping it in memory and trying again", key=SAVE_PROBLEM, error=True)
            return False
        if self.operator.clear(SAVE_PROBLEM):
            self.operator.tell(f"saving the audience to {self.path} again")
        audience.dirty = False
        return True
