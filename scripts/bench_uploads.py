"""Print a real gunicorn worker's peak RSS under parallel worst-case photo uploads (`make bench`)."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_server import free_port  # noqa: E402
from tests.s3_server import create_bucket, running_s3_server, s3_settings  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "demo1234"
PARALLEL = 8
RETRIES = 10


def worst_png(width: int, height: int, colour_type: int, channels: int, tag: int) -> bytes:
    """Return a uniform 8-bit PNG (about 1 KB per 1 MB of pixels); tag makes its bytes (and sha) unique."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + width * channels)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\0" + str(tag).encode())
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + text + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pillow_image(mode: str, size: tuple[int, int], kind: str, tag: int, **options) -> bytes:
    """Return a uniform image saved by Pillow; tag sets one colour channel, so each is unique."""
    buffer = io.BytesIO()
    Image.new(mode, size, (tag % 256,) * len(mode)).save(buffer, kind, **options)
    return buffer.getvalue()


# name → maker(tag): the costliest upload of each kind that the server accepts (or, first, the issue's).
CASES = {
    "39.7 Mpx RGB PNG": lambda tag: worst_png(6300, 6300, 2, 3, tag),
    "52 Mpx RGBA PNG": lambda tag: worst_png(8320, 6250, 6, 4, tag),
    "26 Mpx lossless WebP": lambda tag: pillow_image(
        "RGBA", (6500, 4000), "WEBP", tag, lossless=True, quality=0, method=0
    ),
    "52 Mpx progressive CMYK JPEG": lambda tag: pillow_image(
        "CMYK", (8320, 6250), "JPEG", tag, progressive=True, subsampling=0, quality=90
    ),
}


def memory_mb(pid: int, field: str) -> float:
    """Return a /proc/<pid>/status memory field (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def reset_peak(pid: int) -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) of a process, so each case is measured alone."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def worker_pid(master: int) -> int:
    """Return the pid of the one worker gunicorn forked."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def send_all(base: str, token: str, bodies: list[bytes], method: str) -> tuple[list[int], int]:
    """PUT every body (or GET its thumbnail) at once, one thread each, retrying a 503 after its Retry-After
    as a client does; return the final statuses and how many 503s were answered on the way."""
    statuses: list[int] = [0] * len(bodies)
    busy = [0] * len(bodies)
    start = threading.Barrier(len(bodies))

    def send(index: int) -> None:
        body = bodies[index]
        url = f"{base}/api/v1/blobs/{hashlib.sha256(body).hexdigest()}"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "image/png"}
        start.wait()
        for _attempt in range(RETRIES):
            if method == "PUT":
                answer = requests.put(url, data=body, headers=headers, timeout=300)
            else:
                answer = requests.get(url, params={"variant": "thumb"}, headers=headers, timeout=300)
            statuses[index] = answer.status_code
            if answer.status_code != 503:
                return
            busy[index] += 1
            time.sleep(int(answer.headers.get("Retry-After", "5")))

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, sum(busy)


def measure(base: str, pid: int, token: str, bodies: list[bytes], method: str) -> str:
    """Send PARALLEL requests at once; return the peak, before and after RSS as text."""
    time.sleep(1)
    before = memory_mb(pid, "VmRSS")
    reset_peak(pid)
    started = time.perf_counter()
    statuses, busy = send_all(base, token, bodies, method)
    seconds = time.perf_counter() - started
    time.sleep(1)
    peak, after = memory_mb(pid, "VmHWM"), memory_mb(pid, "VmRSS")
    answers = ", ".join(f"{statuses.count(s)}×{s}" for s in sorted(set(statuses)))
    answers += f" after {busy} busy 503s retried" if busy else ""
    return (
        f"{peak:.0f} MB (before: {before:.0f} MB, after: {after:.0f} MB; answers {answers}; {seconds:.1f} s)"
    )


def report(base: str, pid: int, token: str, case: str, tag: int) -> None:
    """Upload PARALLEL distinct images of a case at once, then GET their thumbnails; print both figures."""
    bodies = [CASES[case](tag * 10 + n) for n in range(PARALLEL)]
    size = len(bodies[0])
    size_text = f"{size // 1024} KB" if size >= 1024 else f"{size} bytes"
    put = measure(base, pid, token, bodies, "PUT")
    print(f"upload peak RSS ({PARALLEL} parallel {case}, {size_text} each): {put}")
    thumbs = measure(base, pid, token, bodies, "GET")
    print(f"thumbnail peak RSS ({PARALLEL} parallel GET ?variant=thumb of them): {thumbs}")


def main() -> None:
    """Serve the app as `make run` does (1 worker, 8 threads) and measure each case (or those named).

    BENCH_S3=1 puts the photos in a bucket of a local S3 server (moto, in its own process) instead.
    """
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        blob_env = {}
        if os.environ.get("BENCH_S3") == "1":
            endpoint = stack.enter_context(running_s3_server())
            blob_env = s3_settings(create_bucket(endpoint), endpoint)
            print(f"photos in S3 ({blob_env['BLOB_STORE']} at {endpoint})")
        env = {
            **os.environ,
            "INSTANCE_PATH": str(Path(folder) / "instance"),
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "FLASK_APP": "wsgi",
            "DEMO_DATA": "1",
            # The periodic jobs would compete for SQLite's one writer; only uploads are measured.
            "JOBS_IN_PROCESS": "0",
            **blob_env,
        }
        for step in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([str(BIN / "flask"), *step], cwd=ROOT, env=env, check=True, capture_output=True)
        port = free_port()
        command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--threads", "8", "wsgi:app"]
        with open(Path(folder) / "server.log", "w") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                base = f"http://127.0.0.1:{port}"
                pid = worker_pid(server.pid)
                token = login(base)
                print(f"gunicorn worker (1 worker, 8 threads) at start: {memory_mb(pid, 'VmRSS'):.0f} MB")
                for tag, case in enumerate(case for case in CASES if not sys.argv[1:] or sys.argv[1] in case):
                    report(base, pid, token, case, tag)
            finally:
                server.terminate()
                server.wait(timeout=30)


def login(base: str) -> str:
    """Sign in as a demo worker, waiting for the server to answer; return the access token."""
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = requests.post(
                f"{base}/api/v1/auth/login", json={"username": "worker-a1", "password": PASSWORD}, timeout=10
            )
            answer.raise_for_status()
            return answer.json()["access_token"]
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    main()
