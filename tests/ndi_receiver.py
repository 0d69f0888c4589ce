"""An NDI receiver in its own process, for the NDI test: the runtime in cyndilib's wheel through
ctypes (cyndilib's own receiver cannot connect by address, and its frame sync loses two frames in
three). It finds the source by asking the sender's host directly (no mDNS here), takes frames for
a while, and writes how many came and the last one.

    python -m tests.ndi_receiver NAME SECONDS OUT.npz
"""
import ctypes as C
import glob
import sys
import time
from pathlib import Path

import cyndilib
import numpy as np

LIB = C.CDLL(glob.glob(str(Path(cyndilib.__file__).parent.parent / "cyndilib.libs" / "libndi*.so*"))[0])
FRAME_VIDEO, RGBX_RGBA, BANDWIDTH_HIGHEST = 1, 2, 100


class Source(C.Structure):
    _fields_ = [("p_ndi_name", C.c_char_p), ("p_url_address", C.c_char_p)]


class FindCreate(C.Structure):
    _fields_ = [("show_local_sources", C.c_bool), ("p_groups", C.c_char_p), ("p_extra_ips", C.c_char_p)]


class RecvCreate(C.Structure):
    _fields_ = [("source", Source), ("color_format", C.c_int), ("bandwidth", C.c_int),
                ("allow_video_fields", C.c_bool), ("p_ndi_recv_name", C.c_char_p)]


class VideoFrame(C.Structure):
    _fields_ = [("xres", C.c_int), ("yres", C.c_int), ("FourCC", C.c_int), ("frame_rate_N", C.c_int),
                ("frame_rate_D", C.c_int), ("aspect", C.c_float), ("frame_format_type", C.c_int),
                ("timecode", C.c_int64), ("p_data", C.POINTER(C.c_uint8)), ("line_stride_in_bytes", C.c_int),
                ("p_metadata", C.c_char_p), ("timestamp", C.c_int64)]


for fn, res, args in [
        ("NDIlib_initialize", C.c_bool, []),
        ("NDIlib_find_create_v2", C.c_void_p, [C.POINTER(FindCreate)]),
        ("NDIlib_find_wait_for_sources", C.c_bool, [C.c_void_p, C.c_uint32]),
        ("NDIlib_find_get_current_sources", C.POINTER(Source), [C.c_void_p, C.POINTER(C.c_uint32)]),
        ("NDIlib_find_destroy", None, [C.c_void_p]),
        ("NDIlib_recv_create_v3", C.c_void_p, [C.POINTER(RecvCreate)]),
        ("NDIlib_recv_capture_v3", C.c_int, [C.c_void_p, C.POINTER(VideoFrame), C.c_void_p, C.c_void_p, C.c_uint32]),
        ("NDIlib_recv_free_video_v2", None, [C.c_void_p, C.POINTER(VideoFrame)]),
        ("NDIlib_recv_destroy", None, [C.c_void_p])]:
    getattr(LIB, fn).restype, getattr(LIB, fn).argtypes = res, args


def find(name: str, seconds: float) -> Source:
    finder = LIB.NDIlib_find_create_v2(C.byref(FindCreate(True, None, b"127.0.0.1")))
    try:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            LIB.NDIlib_find_wait_for_sources(finder, 200)
            n = C.c_uint32()
            sources = LIB.NDIlib_find_get_current_sources(finder, C.byref(n))
            for i in range(n.value):
                if sources[i].p_ndi_name.decode().endswith(f"({name})"):
                    return Source(sources[i].p_ndi_name, sources[i].p_url_address)
        sys.exit(f"no NDI source ({name}) at 127.0.0.1")
    finally:
        LIB.NDIlib_find_destroy(finder)


def main(name: str, seconds: float, out: str) -> None:
    assert LIB.NDIlib_initialize()
    source = find(name, 20.0)
    receiver = LIB.NDIlib_recv_create_v3(C.byref(RecvCreate(source, RGBX_RGBA, BANDWIDTH_HIGHEST, False, b"test")))
    frame, count, last = VideoFrame(), 0, None
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if LIB.NDIlib_recv_capture_v3(receiver, C.byref(frame), None, None, 100) == FRAME_VIDEO:
            w, h, stride = frame.xres, frame.yres, frame.line_stride_in_bytes
            rows = np.ctypeslib.as_array(frame.p_data, shape=(h * stride,)).reshape(h, stride)
            last = rows[:, :w * 4].reshape(h, w, 4)[..., :3].copy()
            count += 1
            LIB.NDIlib_recv_free_video_v2(receiver, C.byref(frame))
    LIB.NDIlib_recv_destroy(receiver)
    np.savez(out, count=count, last=last if last is not None else np.zeros((0, 0, 3), np.uint8))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3])
