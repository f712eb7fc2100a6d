#!/usr/bin/env python3
"""Checks that Debian's headless Chromium plays lecture MP4s: each file is
served from loopback by a server that honours Range requests (as S3 and
CloudFront do), opened muted in a <video> through chromedriver's W3C
WebDriver HTTP API (no Selenium needed), and must

  - play: currentTime advances by more than a second in 3 s of real time,
  - seek: after currentTime = duration - 5 it plays on from there,
  - have been fetched with Range requests answered 206 (a short file comes
    whole in the first, bytes=0-; a long one needs more after a seek).

    python3 infra/media/chromium-plays.py site/lessons/*/*/lecture.mp4

Needs chromium and chromium-driver (Debian); exits 1 if any file fails.
"""

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

PAGE = b"""<!doctype html><meta charset="utf-8">
<video id="v" muted autoplay playsinline preload="auto"></video>"""


class Files(http.server.BaseHTTPRequestHandler):
    files = {}
    ranges = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
            return
        path = self.files.get(self.path)
        if path is None:
            self.send_error(404)
            return
        size = os.path.getsize(path)
        start, end = 0, size - 1
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if match and match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2) or end), size - 1)
            self.ranges.append((self.path, start, end))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        with open(path, "rb") as f:
            f.seek(start)
            try:
                self.wfile.write(f.read(end - start + 1))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the browser cancels reads it no longer needs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def webdriver(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["value"]


def main(paths):
    Files.files = {f"/{i}.mp4": path for i, path in enumerate(paths)}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}"

    port = free_port()
    driver = subprocess.Popen([shutil.which("chromedriver"), f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    failures = 0
    try:
        for _ in range(50):
            try:
                webdriver(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        session = webdriver(base, "POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": shutil.which("chromium"), "args": [
                "--headless", "--no-sandbox", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required"]},
        }}})["sessionId"]
        script = lambda js, *args: webdriver(base, "POST", f"/session/{session}/execute/sync",
                                             {"script": js, "args": list(args)})
        webdriver(base, "POST", f"/session/{session}/url", {"url": site + "/"})
        for url, path in Files.files.items():
            Files.ranges.clear()
            script("const v = document.getElementById('v'); v.src = arguments[0]; v.play();", url)
            time.sleep(0.5)
            first = script("return document.getElementById('v').currentTime;")
            time.sleep(3)
            state = script("""const v = document.getElementById('v');
                return {t: v.currentTime, d: v.duration, paused: v.paused,
                        error: v.error && v.error.code, w: v.videoWidth, h: v.videoHeight};""")
            target = max(state["d"] - 5, 0)
            script("document.getElementById('v').currentTime = arguments[0];", target)
            time.sleep(2)
            after = script("return document.getElementById('v').currentTime;")
            plays = state["error"] is None and state["t"] - first > 1.0
            seeks = after > target + 0.5
            ranged = len(Files.ranges) > 0
            later = sum(1 for (_, start, _) in Files.ranges if start > 0)
            ok = plays and seeks and ranged
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {path}: {state['w']}x{state['h']}, {state['d']:.1f} s; "
                  f"currentTime {first:.2f} → {state['t']:.2f} in 3 s; "
                  f"seek to {target:.1f} → {after:.2f} after 2 s; "
                  f"{len(Files.ranges)} range requests answered 206 ({later} from past byte 0)")
        webdriver(base, "DELETE", f"/session/{session}")
    finally:
        driver.terminate()
        server.shutdown()
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
