"""--director, --actor and --understudy: joining a show's machines through a NATS server."""
from __future__ import annotations

import time

from ..audience.state import Audience
from .options import UsageError

WAIT_S = 60.0         # an actor or understudy waits this long for a show to start


def role(args) -> str | None:
    return "director" if args.director else "actor" if args.actor else "understudy" if args.understudy else None


def need_nats(what: str) -> None:
    try:
        import nats  # noqa: F401  (the cluster extra)
    except ImportError:
        raise UsageError(f"{what} needs the cluster extra: pip install 'stagecraft[cluster]' (nats-py)") from None


def start(args, program, operator):
    """The link to the NATS server and what rides on it: (the engine's inputs, what its engine is
    built with, the first frame to render or None for a director)."""
    from ..cluster.actor import Actor, StreamClock, StreamTempo
    from ..cluster.director import Director
    from ..cluster.frames import stream, subject
    from ..crossings import NatsLink
    need_nats(f"--{role(args)}")
    follower = role(args) != "director"
    phones = getattr(args, "phones", None)
    understudy = bool(args.understudy)
    settings = getattr(args, "set", [])
    governed = settings or getattr(args, "hours", None) or getattr(args, "attract", None)
    if follower and ((args.midi or args.record_osc) and not understudy or args.camera or args.link or governed
                     or phones and not (phones == "nats" and understudy)):
        raise UsageError(f"an {role(args)} has no inputs of its own: give --set, --hours, --attract, --midi, --phones, "
                         "--camera, --link and --record-osc to the director (an understudy may take over --midi, "
                         "--record-osc and --phones nats)")
    url = args.director or args.actor or args.understudy
    try:
        link = NatsLink(url, name=f"stagecraft {role(args)}")
    except ConnectionError as exc:
        raise UsageError(str(exc)) from None
    try:
        if not follower:
            director = Director(link, program.title, settings=settings)
            operator.tell(f"cluster: directing {program.title!r} on {url} ({subject(program.title)})")
            return director, {}, None
        link.open_stream(stream(program.title), subject(program.title))   # it may start before its director
        link.follow(subject(program.title))
    except ConnectionError as exc:
        link.close()
        raise UsageError(str(exc)) from None
    actor = Actor(link, None if args.actor_delay_ms is None else args.actor_delay_ms / 1000.0, tell=operator.tell)
    operator.tell(f"cluster: waiting for the director of {program.title!r} on {url}")
    try:
        first = actor.first(WAIT_S)
    except ValueError as exc:
        link.close()
        raise UsageError(f"--{role(args)}: {exc}") from None
    args.seed = first.start["seed"]
    return actor, {"clock": StreamClock(actor), "tempo": StreamTempo(actor), "fps_cap": 0,
                   "audience": Audience.load(first.start["audience"])}, first


def attach(engine, inputs) -> None:
    from ..cluster.director import Director
    engine.inputs = inputs
    engine.osc.journal = inputs if isinstance(inputs, Director) else None


def follow(engine, actor, args, first) -> bool:
    """Render the director's frames; True when an understudy has taken over the show (the caller
    then runs it as its director)."""
    silent = actor.run(engine, args.seconds, first, takeover_s=args.takeover_s if args.understudy else None)
    if silent:
        take_over(engine, actor, args)
    return silent


def take_over(engine, actor, args) -> None:
    """The director has stopped: this understudy directs the show from the next frame, in the
    same stream (actors follow on), from the state it followed to (the audience's intact), on the
    director's timeline and beat carried on by its own clock."""
    from ..cluster.director import Director
    from ..cluster.frames import key
    from ..engine.clock import Clock
    from ..tempo.beat import Internal
    last = actor.current
    actor.link.unfollow()
    now = max(last.time, last.time + time.time() - last.wall)
    engine.clock = Clock().carry_on(now, last.index)
    engine.tempo = Internal.carrying_on(last.beat, last.time)
    engine.fps_cap = args.fps
    director = Director(actor.link, engine.program.title, run=actor.run_id,
                        after=key(actor.run_id, last.by, last.index))
    attach(engine, director)
    if args.phones == "nats":           # the gateways carry on: they relay to whoever directs
        remote_phones(engine, director, args)
    engine.operator.tell(f"cluster: the director ({last.by}) fell silent after frame {last.index}: this "
                         f"understudy ({director.by}) directs the show from frame {last.index + 1}", error=True)


def remote_phones(engine, director, args) -> None:
    """--phones nats: the audience's phones through gateways on other machines (run.py gateway)."""
    from ..cluster.director import Director
    from ..cluster.house import Gateways
    from ..phones.client import Phones
    if not isinstance(director, Director):
        raise UsageError("--phones nats: phones reach a director; give --director too")
    engine.attach_phones(Phones(Gateways(director.link, engine.program.title, secret=engine.audience.salt),
                                url=args.phones_url, tell=engine.operator.tell))
    journal_names(engine, director)
    engine.operator.tell(f"phones: through gateways elsewhere (run.py gateway {args.director} --show "
                         f"{engine.program.title!r})")


def journal_names(engine, director) -> None:
    """Phones name their senders outside OSC: a director records it for its actors."""
    engine.phones.named = director.naming(engine.phones.named)


def cmd_gateway(args) -> int:
    """A phone gateway on this machine for a director elsewhere, until stopped."""
    import signal

    from ..cluster.house import Relay, hello
    from ..show.operator import Operator
    from ..crossings import NatsLink
    need_nats("gateway")
    operator = Operator()
    try:
        link = NatsLink(args.nats, name="stagecraft gateway")
    except ConnectionError as exc:
        raise UsageError(str(exc)) from None
    try:
        operator.tell(f"phones: waiting for the director of {args.show!r} on {args.nats}")
        greeting = hello(link, args.show, WAIT_S)
        if greeting is None:
            raise UsageError(f"gateway: no director of {args.show!r} heard in {WAIT_S:g} s (is it running with "
                             "--phones nats, under that title?)")
        relay = Relay(link, args.show, args.port, secret=greeting["secret"], piece=greeting.get("piece"),
                      per_ip=args.phones_per_ip, max_phones=args.phones_max, host=args.host, tell=operator.tell)
        signal.signal(signal.SIGTERM, lambda *_: setattr(relay, "running", False))
        try:
            relay.run()
        except KeyboardInterrupt:
            pass
        finally:
            relay.shut()
    finally:
        link.close()
    return 0
