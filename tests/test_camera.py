"""The camera in, with no camera here: an H.264 stream from ffmpeg on a local UDP port, and a
video file. Its frames reach a piece; the frame a piece is shown is always the newest there was
when its frame began (latest wins, never a queue); a lost stream leaves a still and is told once,
and is picked up again when it comes back. Motion and presence from made-up frames."""
import time

import imageio_ffmpeg
import numpy as np
import subprocess

from stagecraft.camera.measure import Measures
from stagecraft.output.offline import frames, offline_engine
from stagecraft.show.operator import Operator

from .camera import FPS, Sender, free_udp_port, number
from .conftest import ROOT, Collect, close_all, wait_for

VIEW = str(ROOT / "tests" / "pieces" / "camera_view.py")
UNLIMITED = {"flash_limit": False}     # the frame numbers' blocks blink at 30 Hz: read them as sent


def step(e, seconds):
    """Frames at about 60 a second for `seconds` of wall time (the camera runs in real time)."""
    shown = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        before = e.camera.slot.published
        picture = list(frames(e, 1))[-1]
        shown.append((before, e.camera.index, picture))
        time.sleep(1 / 60)
    return shown


def test_a_udp_stream_reaches_a_piece_and_it_is_always_shown_the_newest_frame():
    port = free_udp_port()
    sender = Sender(port)
    e = offline_engine(VIEW, (320, 240), camera=f"udp://127.0.0.1:{port}", **UNLIMITED)
    try:
        assert wait_for(lambda: step(e, 0.1) and e.camera.index > 0, 20), "no frame came in 20 s"
        shown = step(e, 3.0)
    finally:
        close_all([e])
        sender.stop()
    assert all(index >= before for before, index, _ in shown), "shown a frame older than one already there"
    numbers = [number(picture) for _, _, picture in shown]
    indexes = [index for _, index, _ in shown]
    assert len(set(indexes)) >= 10, "frames kept coming"
    steps = list(zip(zip(numbers, numbers[1:]), zip(indexes, indexes[1:])))
    assert all(b >= a and (b == a) == (j == i) for (a, b), (i, j) in steps), "each new frame as it is taken, in order"
    same = sum(b - a == j - i for (a, b), (i, j) in steps)
    assert same >= 0.9 * len(steps), "frame for frame (a packet lost on a busy machine may skip one)"


def test_a_lost_stream_leaves_a_still_is_told_once_and_comes_back():
    port = free_udp_port()
    sender = Sender(port)
    said = Collect()
    e = offline_engine(VIEW, (320, 240), camera=f"udp://127.0.0.1:{port}", operator=Operator(stream=said),
                       **UNLIMITED)
    try:
        assert wait_for(lambda: step(e, 0.1) and e.camera.index > 0, 20)
        step(e, 0.5)
        sender.stop()
        assert wait_for(lambda: step(e, 0.1) and "camera lost" in said.text, 10)
        still = step(e, 1.0)
        assert all((p == still[0][2]).all() for _, _, p in still), "the last frame stays, a still"
        assert said.text.count("camera lost") == 1 and e.camera.motion == 0.0
        sender = Sender(port)
        last = e.camera.index
        assert wait_for(lambda: step(e, 0.1) and e.camera.index > last + 5, 20), "picked up again"
        assert "camera back" in said.text and said.text.count("camera lost") == 1
    finally:
        close_all([e])
        sender.stop()


def test_a_video_file_plays_at_its_own_pace_and_loops(tmp_path):
    clip = tmp_path / "clip.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size=160x120:rate={FPS}", "-t", "1", "-pix_fmt", "yuv420p", str(clip)], check=True)
    e = offline_engine(VIEW, (160, 120), camera=str(clip))
    try:
        assert wait_for(lambda: step(e, 0.1) and e.camera.index > 0, 20)
        first = (e.camera.index, e.camera.stamp)
        assert wait_for(lambda: step(e, 0.1) and e.camera.index > FPS + 5, 20), "past the end: it loops"
        # an upper bound on the rate: a busy machine only reads slower, so it cannot fail by load
        rate = (e.camera.index - first[0]) / (e.camera.stamp - first[1])     # the capture's own clock
        assert rate <= FPS * 1.25, f"read at the file's pace, not all at once ({rate:.1f} a second)"
        assert np.asarray(step(e, 0.1)[-1][2]).std() > 20, "the test pattern is shown"
    finally:
        close_all([e])


def test_a_piece_without_a_camera_reads_black_and_no_motion():
    e = offline_engine(VIEW, (64, 48))
    try:
        assert list(frames(e, 1))[-1].max() == 0 and e.player.stage.camera_motion == 0.0
    finally:
        close_all([e])


def test_motion_follows_what_moves_and_presence_what_stays():
    room = np.full((120, 160, 3), 60, np.uint8)
    m = Measures()
    assert m(room) == (0.0, 0.0)
    still = [m(room) for _ in range(10)]
    assert max(v for pair in still for v in pair) == 0.0, "an empty, still room"
    visitor = room.copy()
    visitor[30:90, 40:100] = 220                        # a quarter of the width, half the height
    motion, presence = m(visitor)
    assert motion > 0.5 and abs(presence - 0.1875) < 0.03
    standing = [m(visitor) for _ in range(60)]          # two seconds, standing still
    assert standing[-1][0] == 0.0 and standing[-1][1] > 0.15, "still there, not moving"
    for _ in range(2000):
        motion, presence = m(visitor)
    assert presence < 0.05, "after a minute, someone who never moves is part of the room"


def test_commodifications_foil_reflects_the_room_only_when_asked(tmp_path):
    clip = tmp_path / "room.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc2=size=320x240:rate={FPS}", "-t", "1", "-pix_fmt", "yuv420p", str(clip)], check=True)
    pictures, drawn = {}, {}
    for mirror in ("0", "1"):
        e = offline_engine("commodification", (320, 180), camera=str(clip), settings=[("mirror", mirror)])
        try:
            assert wait_for(lambda: step(e, 0.1) and e.camera.index > 3, 20)
            pictures[mirror] = step(e, 0.05)[-1][2].astype(int)
            drawn[mirror] = e.clock.frame
        finally:
            close_all([e])
    plain = offline_engine("commodification", (320, 180))
    try:
        alone = list(frames(plain, drawn["0"] + 1))[-1].astype(int)      # the same frame, without a camera
    finally:
        close_all([plain])
    mouth = np.s_[70:110, 80:240]
    assert np.abs(pictures["1"][mouth] - pictures["0"][mouth]).mean() > 10, "the foil shows the room"
    assert np.abs(pictures["0"][mouth] - alone[mouth]).max() <= 2, "without mirror, the camera changes nothing"
