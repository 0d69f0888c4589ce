"""Every crossing between threads and processes, in one place. Nothing else crosses.

    OscInbox       OSC receiver threads -> the frame loop: validated messages, whole datagrams
    MidiInbox      rtmidi's callback threads -> the frame loop: raw MIDI messages, as they came
    SoundChannel   render -> sound process: lists of small tuples (notes, parameter targets,
                   graphs), in order, never blocking the sender
    AnalysisBoard  sound process -> render: the latest analysis in shared memory, lock-free
    Heartbeat      engine process -> installation supervisor: a byte down a pipe from the frame loop
    PhoneLink      phone gateway process <-> the frame loop: JSON datagrams on a Unix socket pair
                   (gestures in; manifests, the crowd and bans out), neither end ever waiting
    FileWriter     the frame loop -> a writer thread: a file's new text, saved off the frame (the
                   latest text wins); failures back as messages for the operator
    LatestFrame    the camera's capture thread -> the frame loop: the newest picture and its
                   measures (latest wins: a frame not yet taken is dropped), and whether it is live;
                   and the frame loop -> the NDI sender's thread: the newest frame read back
    NatsLink       the frame loop <-> a NATS connection's thread (asyncio): a cluster's frames out
                   (director) into the server's stream and in (actor) from it, bytes, in order;
                   publishing never waits

Both ends of each crossing are named here, so what may travel, and how, can be read in one sitting.
Everything else in the engine runs on the frame loop's thread and needs no locks.
"""
from __future__ import annotations

import json
import os
import queue
import socket
import threading
import time
from collections import deque, namedtuple
from multiprocessing import shared_memory
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np



class OscInbox:
    """OSC receiver threads -> the frame loop.

    A receiver puts the messages of one datagram in one call, so a bundle is never split across
    frames; the frame loop takes what is there once per frame. Bounded in messages: when it is
    full, `put` refuses the whole delivery at once and never blocks, so a flood costs the flooder
    and not the show.
    """

    def __init__(self, capacity: int = 65536):
        self.capacity = capacity
        self._lock = threading.Lock()
        self._items: deque = deque()
        self._count = 0

    def put(self, delivery, size: int) -> bool:
        """Queue one delivery of `size` messages; False (and nothing queued) when it does not fit."""
        with self._lock:
            if self._count + size > self.capacity:
                return False
            self._items.append((delivery, size))
            self._count += size
            return True

    def take(self, budget: int) -> list:
        """Deliveries in arrival order, whole, up to `budget` messages (but always the first);
        the rest wait for the next frame."""
        out = []
        with self._lock:
            while self._items and (not out or self._items[0][1] <= budget):
                delivery, size = self._items.popleft()
                self._count -= size
                budget -= size
                out.append(delivery)
        return out

    def __len__(self) -> int:
        return self._count


class MidiInbox(OscInbox):
    """rtmidi's callback threads -> the frame loop: (port name, arrival perf_counter, bytes) for
    each message, bounded as the OSC inbox is (a controller's flood is dropped, never waited on).
    The callback only queues; bindings, takeover and the address they reach are the frame loop's."""


class Heartbeat:
    """The engine process -> its installation supervisor: a byte down a pipe, at most twice a
    second, from the frame loop. A frame loop that stops beating is hung, and gets restarted.

    The supervisor makes the pipe and names its writing end in STAGECRAFT_HEARTBEAT_FD."""

    ENV = "STAGECRAFT_HEARTBEAT_FD"
    EVERY_S = 0.5

    def __init__(self, fd: int | None):
        self.fd = fd
        self._at = -1e9

    @classmethod
    def from_env(cls) -> "Heartbeat":
        value = os.environ.get(cls.ENV)
        return cls(int(value) if value and value.isdigit() else None)

    def beat(self, now: float) -> None:
        if self.fd is None or now - self._at < self.EVERY_S:
            return
        self._at = now
        try:
            os.write(self.fd, b".")
        except (BlockingIOError, BrokenPipeError, OSError):
            self.fd = None  # the supervisor has gone; the show goes on without it


class PhoneLink:
    """The phone gateway process <-> the frame loop: a pair of Unix datagram sockets.

    Gateway -> loop: JSON objects, one a line, as many lines a datagram as were ready together
    (a thousand phones' gestures cross in a few hundred datagrams a second, not thousands): a
    gesture already made an audience message, {"p": pseudonym, "a": address, "v": [args], "t":
    when the gateway took it (time.time())}; a phone's name {"named": [pseudonym, name]}; the
    gateway's counts {"counts": {...}}. Loop -> gateway: {"type": "manifest" | "crowd" | "ban" |
    "you", ...}. Both ends are non-blocking: a datagram that does not fit is dropped and counted,
    so a flood costs the flooder and neither process waits on the other."""

    MAX_BYTES = 65536

    def __init__(self, end: socket.socket):
        self.end = end
        self.end.setblocking(False)
        self.dropped = 0

    @classmethod
    def pair(cls) -> tuple["PhoneLink", socket.socket]:
        """The loop's end, and the socket to hand to the gateway process (it wraps it in its own)."""
        loop_end, gateway_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        return cls(loop_end), gateway_end

    def send(self, message: dict) -> bool:
        return self.send_all([message]) == 1

    def send_all(self, messages: list[dict]) -> int:
        """As few datagrams as hold them; how many messages went (the rest were dropped)."""
        sent, batch, size = 0, [], 0
        for line in (json.dumps(m, separators=(",", ":")).encode() for m in messages):
            if batch and size + len(line) + 1 > self.MAX_BYTES:
                sent += self._datagram(batch)
                batch, size = [], 0
            batch.append(line)
            size += len(line) + 1
        return sent + (self._datagram(batch) if batch else 0)

    def _datagram(self, lines: list[bytes]) -> int:
        try:
            self.end.send(b"\n".join(lines))
            return len(lines)
        except (BlockingIOError, OSError):
            self.dropped += len(lines)
            return 0

    def take(self, budget: int) -> list[dict]:
        """What has arrived, about `budget` messages at most; whatever is not JSON is dropped."""
        out = []
        while len(out) < budget:
            try:
                data = self.end.recv(self.MAX_BYTES)
            except (BlockingIOError, OSError):
                break
            for line in data.split(b"\n"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    self.dropped += 1
        return out

    def fileno(self) -> int:
        return self.end.fileno()

    def close(self) -> None:
        self.end.close()


class FileWriter:
    """A venue file saved without the frame waiting on the disk. `write(path, text)` runs on the
    writer's thread; when saves come faster than the disk, only the latest text of a file is
    written. `failures` holds what went wrong, for the frame loop to tell the operator; `saved`
    counts the writes that worked (so it can tell a problem that went away)."""

    def __init__(self, write):
        self._write = write
        self._pending: dict = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self.failures: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.saved = 0
        self._thread = threading.Thread(target=self._run, name="file-writer", daemon=True)
        self._thread.start()

    def put(self, path, text: str) -> None:
        with self._lock:
            self._pending[path] = text
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                jobs, self._pending = self._pending, {}
            for path, text in jobs.items():
                try:
                    self._write(path, text)
                except Exception as exc:    # any failure is the operator's to hear; the thread goes on
                    self.failures.put(f"cannot save {path} ({getattr(exc, 'strerror', None) or exc})")
                else:
                    self.saved += 1         # read by the frame loop; only this thread writes it
            with self._lock:
                if self._closing and not self._pending:
                    return

    def close(self, timeout: float = 5.0) -> None:
        """Write what is waiting, then stop."""
        self._closing = True
        self._wake.set()
        self._thread.join(timeout)


class LatestFrame:
    """One slot: the capture thread puts each frame it reads, the frame loop takes the newest (and
    the frame loop puts each frame it reads back, NDI's sender takes the newest). An
    older frame not taken in time is dropped, so the frame loop never works through a backlog
    and never shows a picture older than one capture interval (plus the frame it is drawn in).
    `state` is the capture's ("opening", "live", or why it is lost), a string set whole."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._frame = None
        self.published = 0          # frames put, ever
        self.state = "opening"

    def put(self, frame) -> None:
        with self._lock:
            self._frame = frame
            self.published += 1
            self._ready.set()

    def take(self):
        """The newest frame not yet taken, or None."""
        with self._lock:
            frame, self._frame = self._frame, None
            self._ready.clear()
        return frame

    def wait(self, timeout: float):
        """For a thread with nothing else to do (the NDI sender): the next frame, or None."""
        self._ready.wait(timeout)
        return self.take()


WRONG_LAST_ID = 10070       # JetStream: "wrong last msg ID", a frame that does not follow the stream's last


class NatsLink:
    """The frame loop <-> a NATS server (nats-py, the cluster extra), from a thread of its own
    running asyncio (and a phone gateway's relay <-> the director: `listen` and `say`, plain NATS
    subjects, bytes each way, never waiting). A show's frames are kept by the server in a JetStream stream, so whoever
    follows late, or loses the connection for a while, gets every frame in order from the first.

    `publish` hands a frame to that thread and returns at once; the thread stores each in the
    stream in order, waiting for the server's acknowledgement and trying again, for as long as it
    takes (the broker restarting, say), while the frame loop never waits. `follow` delivers the
    stream's frames from the first, then each as it comes, into `received`, in order, for the frame
    loop: (bytes, its place in the stream), and `newest` is the last place the stream is known to
    hold, so a follower knows how far behind it is. The client reconnects by itself; `up`
    says whether it is connected now, `lost` how many times it was not, `backlog` how many frames
    wait to be stored, `aged_out` whether the server has let the show's first frames go."""

    CONNECT_S = 5.0
    RETRY_S = 0.25
    HEARTBEAT_S = 1.0          # a follower that hears nothing for two of these asks the stream again
    KEEP_FRAMES = 10 * 60 * 60     # frames kept waiting for a broker that is away (ten minutes at 60 fps)
    STREAM = {"max_age": 12 * 3600.0, "max_bytes": 4 << 30}   # what the server keeps of a show
    KEPT_EVERY = 600           # frames stored between asking the server whether it still keeps the first

    def __init__(self, url: str, name: str = "stagecraft"):
        import asyncio
        self.received: queue.SimpleQueue = queue.SimpleQueue()
        self.newest = 0             # the stream's last frame as far as this link knows (written by its thread)
        self.up = False
        self.lost = 0
        self.dropped = 0            # frames given up on: more than KEEP_FRAMES waited for the broker
        self.backlog = 0            # frames published and not yet stored (read anywhere, written by the thread)
        self.last: str | None = None    # the key of the last frame stored: the next must follow it
        self.superseded: str | bool = False     # why the server refused this link's frames, once it has
        self.aged_out = False       # the server has let the show's first frames go: no one can join it late
        self._stream: str | None = None
        self._origin = 0            # the stream's place of the show's first frame
        self._loop = asyncio.new_event_loop()
        self._client = self._js = None
        self._outbox = None
        self._following = None
        self._problem: Exception | None = None
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(url, name, started), daemon=True, name="nats")
        self._thread.start()
        started.wait(self.CONNECT_S + 1.0)
        if not self.up:
            self.close()
            raise ConnectionError(f"cannot reach the NATS server at {url}: {self._problem or 'no answer'}")

    def _run(self, url: str, name: str, started: threading.Event) -> None:
        import asyncio
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._connect(url, name))
        started.set()
        if self.up:
            self._loop.run_forever()

    async def _connect(self, url: str, name: str) -> None:
        import asyncio

        import nats

        async def down():
            self.up = False
            self.lost += 1

        async def back():
            self.up = True

        try:
            self._client = await nats.connect(url, name=name, connect_timeout=self.CONNECT_S, allow_reconnect=True,
                                              max_reconnect_attempts=-1, reconnect_time_wait=self.RETRY_S,
                                              disconnected_cb=down, reconnected_cb=back)
            self._js = self._client.jetstream()
            self._outbox = asyncio.Queue()
            self._storing = self._loop.create_task(self._store())
            self.up = True
        except Exception as exc:    # the server's absence, refusal or a bad URL: said by the constructor
            self._problem = exc

    def _call(self, coroutine, timeout: float = CONNECT_S):
        import asyncio
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def open_stream(self, stream: str, subject: str, fresh: bool = False) -> None:
        """The show's stream on the server (made if new); `fresh` empties it: a new show starts.
        ConnectionError if the server has no JetStream (nats-server -js)."""
        try:
            self._call(self._open(stream, subject, fresh))
        except Exception as exc:
            raise ConnectionError(f"the NATS server cannot keep the show's frames ({exc}): run it with "
                                  "JetStream on (nats-server -js)") from None

    async def _open(self, stream: str, subject: str, fresh: bool) -> None:
        from nats.js.api import StorageType, StreamConfig
        config = StreamConfig(name=stream, subjects=[subject], storage=StorageType.FILE, **self.STREAM)
        try:
            await self._js.stream_info(stream)
            await self._js.update_stream(config)
        except Exception:           # not there yet
            await self._js.add_stream(config)
        if fresh:
            await self._js.purge_stream(stream)
            self.last = None
        self._stream = stream
        self._origin = (await self._js.stream_info(stream)).state.first_seq

    def publish(self, subject: str, data: bytes, key: str) -> None:
        """A frame to store, in order; `key` names it, so one stored twice (an acknowledgement
        lost with the connection) is kept once."""
        self._loop.call_soon_threadsafe(self._queue, (subject, data, key))

    def _queue(self, item) -> None:
        if self._outbox.qsize() >= self.KEEP_FRAMES:
            self._outbox.get_nowait()
            self.dropped += 1
            self.backlog -= 1
        self._outbox.put_nowait(item)
        self.backlog += 1

    async def _store(self) -> None:
        """Each frame stored after the one before it, or not at all: a frame that does not follow
        this link's last (another machine stored frames since: an understudy took over while this
        director was cut off) is refused by the server, and this link stands down (`superseded`),
        so two directors never interleave their frames."""
        import asyncio

        from nats.js.errors import APIError
        stored = 0
        while True:
            subject, data, key = await self._outbox.get()
            headers = {"Nats-Msg-Id": key, **({"Nats-Expected-Last-Msg-Id": self.last} if self.last else {})}
            while not self.superseded:
                try:
                    await self._js.publish(subject, data, timeout=self.CONNECT_S, headers=headers)
                    self.last = key
                    stored += 1
                    break
                except asyncio.CancelledError:
                    raise
                except APIError as exc:
                    if exc.err_code != WRONG_LAST_ID:
                        await asyncio.sleep(self.RETRY_S)
                        continue
                    self.superseded = exc.description or "another publisher"
                except Exception:   # the broker away or restarting: the same frame again, shortly
                    await asyncio.sleep(self.RETRY_S)
            if self.last == key and stored % self.KEPT_EVERY == 0 and not self.aged_out:
                await self._kept()
            self.backlog -= 1

    async def _kept(self) -> None:
        """Whether the server still keeps the show's first frame (it lets the oldest go past
        STREAM's age or size)."""
        try:
            info = await self._js.stream_info(self._stream)
        except Exception:   # the broker away: asked again after the next KEPT_EVERY frames
            return
        self.aged_out = info.state.first_seq > self._origin

    def flush(self, timeout: float) -> bool:
        """Wait until every frame published is stored (or `timeout`): True if they all were."""
        deadline = time.monotonic() + timeout
        while self.backlog:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    async def _shut(self) -> None:
        self._storing.cancel()
        await self._client.close()

    def listen(self, subject: str) -> queue.SimpleQueue:
        """Plain NATS (nothing stored): what arrives on `subject`, bytes, into the queue returned."""
        heard: queue.SimpleQueue = queue.SimpleQueue()

        async def got(msg):
            heard.put(msg.data)

        self._call(self._client.subscribe(subject, cb=got, pending_msgs_limit=-1, pending_bytes_limit=-1))
        return heard

    def say(self, subject: str, data: bytes) -> None:
        """Plain NATS, at most once: lost if the server is away (the phones' aggregates, a hello)."""
        self._loop.call_soon_threadsafe(self._loop.create_task, self._say(subject, data))

    async def _say(self, subject: str, data: bytes) -> None:
        try:
            await self._client.publish(subject, data)
        except Exception:           # the broker away and the client's buffer full: said again soon
            pass

    def follow(self, subject: str) -> None:
        """The show's frames into `received`: every one stored, from the first, then each new one.
        ConnectionError if the server has no JetStream."""
        try:
            self._call(self._follow(subject))
        except Exception as exc:
            raise ConnectionError(f"cannot follow the show's frames on the NATS server ({exc}): run it with "
                                  "JetStream on (nats-server -js)") from None

    async def _follow(self, subject: str) -> None:
        from nats.js.api import DeliverPolicy

        async def got(msg):
            seq = msg.metadata.sequence.stream
            self.newest = max(self.newest, seq + msg.metadata.num_pending)
            self.received.put((msg.data, seq))

        self._following = await self._js.subscribe(subject, cb=got, ordered_consumer=True,
                                                   deliver_policy=DeliverPolicy.ALL, pending_msgs_limit=-1,
                                                   pending_bytes_limit=-1, idle_heartbeat=self.HEARTBEAT_S)

    def unfollow(self) -> None:
        """No more frames into `received` (an understudy that directs now)."""
        if self._following is not None:
            self._call(self._following.unsubscribe())
            self._following = None

    def close(self) -> None:
        if self._client is not None and self._loop.is_running():
            try:
                self._call(self._shut())
            except Exception:       # closing an unreachable connection: nothing more to do
                pass
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(self.CONNECT_S)


class SoundChannel:
    """Render -> sound. A message is a plain tuple, (kind, sample, *args) with the sample it acts on
    (-1: as soon as possible): ("start", -1, options) ("graph", t, spec) ("set", t, path, value,
    samples) ("note", t, track, pitch, velocity, samples | None) ("release", t, track, pitch | None)
    ("volume", t, v) ("panic", t, seconds) ("reset", t) ("stop", -1). A frame's messages travel
    as one list. `send` never waits: a multiprocessing queue hands the bytes to its own thread."""

    def __init__(self, ctx):
        self._queue = ctx.Queue()

    def send(self, messages: list) -> None:
        if messages:
            self._queue.put(messages)

    def receive(self, timeout: float) -> list | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """The sender's end: drop what a dead reader never took, without waiting at exit."""
        self._queue.cancel_join_thread()
        self._queue.close()


CAUSES = ("dsp", "disk", "cpu", "gil", "stall")     # why an audio block was late (sound.lateness)
XRUN_FIELDS = {c: f"xrun_{c}" for c in CAUSES}     # the board's field for each cause's count
BOARD_FIELDS = ("pid", "sample", "wall", "blocks", "level", "peak", "low", "mid", "high", "onsets", "voice",
                "xruns", *XRUN_FIELDS.values(), "load_mean", "load_max", "shed", "voices", "late", "faults")
TEXTURE_SHAPE = (2, 512)
Reading = namedtuple("Reading", BOARD_FIELDS + ("texture",))


class AnalysisBoard:
    """Sound -> render: one writer, any readers, latest value wins, nobody waits.

    A seqlock: the writer makes the counter odd, writes, makes it even again; a reader copies the
    fields and keeps the copy only if the counter was even and unchanged around it, else tries
    again a few times and otherwise returns None (the caller keeps what it read last). The board
    lives in the render process for the whole run, so a restarted sound process writes to the
    same place."""

    _OFFSET = 8
    _SIZE = 8 + 8 * len(BOARD_FIELDS) + 4 * TEXTURE_SHAPE[0] * TEXTURE_SHAPE[1]
    RETRIES = 16

    def __init__(self, shm: shared_memory.SharedMemory, owner: bool):
        self._shm, self._owner = shm, owner
        buf = shm.buf
        import numpy as np     # here, not above: the phones' gateway uses this module and not numpy
        self._seq = np.ndarray((1,), np.uint64, buf, 0)
        self._fields = np.ndarray((len(BOARD_FIELDS),), np.float64, buf, self._OFFSET)
        self._texture = np.ndarray(TEXTURE_SHAPE, np.float32, buf, self._OFFSET + 8 * len(BOARD_FIELDS))

    @classmethod
    def create(cls) -> "AnalysisBoard":
        board = cls(shared_memory.SharedMemory(create=True, size=cls._SIZE), owner=True)
        board._seq[0] = 0
        board._fields[:] = 0.0
        board._texture[:] = 0.0
        return board

    @classmethod
    def attach(cls, name: str) -> "AnalysisBoard":
        """The sound process's end. (Attaching registers the segment again with the resource
        tracker the spawned child shares with its parent: harmless, as its registry is a set, and
        the owner's unlink takes it off.)"""
        return cls(shared_memory.SharedMemory(name=name), owner=False)

    @property
    def name(self) -> str:
        return self._shm.name

    def publish(self, fields, texture: np.ndarray) -> None:
        # From the next even count: a writer killed mid-write (a hung sound process is) leaves it
        # odd, and counting on from there would leave it odd after every write of its successor.
        seq = (int(self._seq[0]) + 1) & ~1
        self._seq[0] = seq + 1
        self._fields[:] = fields
        self._texture[:] = texture
        self._seq[0] = seq + 2

    def read(self) -> Reading | None:
        for _ in range(self.RETRIES):
            before = int(self._seq[0])
            if before & 1:
                continue
            fields, texture = self._fields.copy(), self._texture.copy()
            if int(self._seq[0]) == before:
                return Reading(*fields.tolist(), texture)
        return None

    def close(self) -> None:
        del self._seq, self._fields, self._texture
        self._shm.close()
        if self._owner:
            self._shm.unlink()
