#!/usr/bin/env python3
"""A hostile barrage against one running hub on loopback (started by Benchmarks/hostile.sh).

Sends, on every public and authenticated surface: huge bodies with and without Content-Length, a 358k-part
multipart form, many concurrent 100 MB unauthenticated posts to /console/letter, deep JSON, slowloris-style slow
headers and slow bodies, while probing /healthz every 100 ms and sampling the server's RSS from /proc.
Every loop is bounded in count and time; every address is 127.0.0.1.

Prints one line per attack and a summary; exits 1 when the goal is missed (process died, a 5xx, /healthz >= 1 s,
RSS >= 400 MB).
"""
import argparse
import asyncio
import json
import os
import re
import sys
import time

HOST = "127.0.0.1"
MB = 1 << 20


class Barrage:
    def __init__(self, port, pid, token):
        self.port, self.pid, self.token = port, pid, token
        self.health = []          # (t, latency or None)
        self.rss_peak_kb = 0
        self.statuses = []        # (attack, path, status)
        self.stop = False

    # -- plumbing -------------------------------------------------------------------------------------------------

    async def open(self):
        return await asyncio.wait_for(asyncio.open_connection(HOST, self.port), 5)

    @staticmethod
    async def read_status(reader, timeout):
        line = await asyncio.wait_for(reader.readline(), timeout)
        m = re.match(rb"HTTP/1\.[01] (\d{3})", line)
        return int(m.group(1)) if m else None

    async def request(self, method, path, headers=None, body=b"", timeout=30):
        """One request on a fresh connection; returns (status, body bytes). The server may answer (and close)
        before the body is sent whole: that answer counts."""
        r, w = await self.open()
        try:
            head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
            for k, v in (headers or {}).items():
                head += f"{k}: {v}\r\n"
            if body is not None:
                head += f"Content-Length: {len(body)}\r\n"
            status_task = asyncio.ensure_future(self.read_status(r, timeout))
            try:
                w.write(head.encode() + b"\r\n" + (body or b""))
                await w.drain()
            except (ConnectionError, OSError):
                pass
            try:
                status = await status_task
            except Exception as e:  # noqa: BLE001
                return f"no answer ({type(e).__name__})", b""
            try:
                rest = await asyncio.wait_for(r.read(), timeout)
            except (ConnectionError, OSError, asyncio.TimeoutError):
                rest = b""
            return status, rest
        finally:
            w.close()

    async def stream(self, attack, path, headers, total, chunk=256 << 10, declare=True, delay=0.0, timeout=60):
        """Sends `total` bytes of body (declared or chunked) until the server answers; records the status."""
        try:
            r, w = await self.open()
        except Exception as e:  # noqa: BLE001
            self.statuses.append((attack, path, f"connect failed: {e}"))
            return None
        head = f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n"
        for k, v in headers.items():
            head += f"{k}: {v}\r\n"
        head += f"Content-Length: {total}\r\n" if declare else "Transfer-Encoding: chunked\r\n"
        status_task = asyncio.ensure_future(self.read_status(r, timeout))
        sent = 0
        started = time.monotonic()
        try:
            w.write(head.encode() + b"\r\n")
            piece = b"x" * chunk
            while sent < total and not status_task.done() and time.monotonic() - started < timeout:
                n = min(chunk, total - sent)
                data = piece[:n]
                w.write(data if declare else f"{n:x}\r\n".encode() + data + b"\r\n")
                await w.drain()
                sent += n
                if delay:
                    await asyncio.sleep(delay)
            if not declare and not status_task.done():
                w.write(b"0\r\n\r\n")
                await w.drain()
        except (ConnectionError, OSError):
            pass
        try:
            status = await asyncio.wait_for(status_task, timeout)
        except Exception as e:  # noqa: BLE001
            status = f"no answer ({type(e).__name__})"
        w.close()
        self.statuses.append((attack, path, status))
        return status, sent, time.monotonic() - started

    # -- watchers -------------------------------------------------------------------------------------------------

    async def probe(self):
        while not self.stop:
            t0 = time.monotonic()
            try:
                status, _ = await self.request("GET", "/healthz", body=None, timeout=10)
                self.health.append((t0, time.monotonic() - t0 if status == 200 else None))
            except Exception:  # noqa: BLE001
                self.health.append((t0, None))
            await asyncio.sleep(max(0, 0.1 - (time.monotonic() - t0)))

    async def sample_rss(self):
        while not self.stop:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.rss_peak_kb = max(self.rss_peak_kb, int(line.split()[1]))
            except FileNotFoundError:
                return
            await asyncio.sleep(0.05)

    def alive(self):
        return os.path.exists(f"/proc/{self.pid}") and "zombie" not in open(f"/proc/{self.pid}/status").read()

    # -- attacks --------------------------------------------------------------------------------------------------

    def auth(self, extra=None):
        h = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        h.update(extra or {})
        return h

    async def form_token(self):
        status, body = await self.request("GET", "/form", body=None)
        m = re.search(rb'name="form_token" value="([^"]+)"', body)
        return m.group(1).decode() if m else "none"

    def routes(self):
        """Every POST surface with the headers a client would send (authenticated where it needs a token)."""
        form = {"Content-Type": "multipart/form-data; boundary=XyZ"}
        return [
            ("/form", form),
            ("/status", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("/status/rate", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("/open311/v2/requests.json", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("/console/login", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("/console/letter", form),
            ("/console/walkin", {"Content-Type": "application/x-www-form-urlencoded"}),
            ("/api/v1/messages", {"Content-Type": "application/json"}),
            ("/api/v1/messages", self.auth()),
            ("/api/v1/letters", self.auth()),
            ("/api/v1/hotline/calls", self.auth()),
            ("/api/v1/hotline/sms", self.auth()),
            ("/api/v1/hotline/work-orders", self.auth()),
            ("/api/v1/cases/MQ-20261122-0001/transitions", self.auth()),
            ("/api/v1/forwarded/MQ-20261122-0001/ack", self.auth()),
        ]

    async def huge_bodies(self, declare):
        name = "huge body, Content-Length 200 MB" if declare else "huge body, chunked (no Content-Length), up to 200 MB"
        t0 = time.monotonic()
        results = await asyncio.gather(*[
            self.stream(name, path, headers, 200 * MB, declare=declare, timeout=30) for path, headers in self.routes()
        ])
        sent = [r[1] for r in results if r]
        worst = max(r[2] for r in results if r)
        for (path, _), r in zip(self.routes(), results):
            if r and (r[2] > 1 or not isinstance(r[0], int)):
                print(f"  slow: {path} -> {r[0]} after {r[1] / MB:.1f} MB, {r[2]:.1f} s")
        print(f"{name}: {len(results)} routes, answers {sorted({str(s) for (_, _, s) in self.statuses[-len(results):]})}, "
              f"most sent before the answer {max(sent) / MB:.1f} MB, slowest {worst:.2f} s, all in {time.monotonic() - t0:.1f} s")

    async def many_parts(self):
        token = await self.form_token()
        boundary = "b"
        first = f"--{boundary}\r\nContent-Disposition: form-data; name=\"form_token\"\r\n\r\n{token}\r\n".encode()
        part = f"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n".encode()
        n = (19 * MB) // len(part)
        body = first + part * n + f"--{boundary}--\r\n".encode()
        bad_token = part * n + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}

        async def post(b):
            t0 = time.monotonic()
            status, _ = await self.request("POST", "/form", headers, b, timeout=60)
            self.statuses.append(("358k-part multipart", "/form", status))
            return status, time.monotonic() - t0

        results = await asyncio.gather(post(body), post(body), post(bad_token), post(bad_token))
        print(f"{n:,}-part multipart ({len(body) / MB:.1f} MB) to /form, 4 at once (2 with a valid token): "
              f"{[(s, round(t, 2)) for s, t in results]}")
        long_boundary = "B" * 71
        status, _ = await self.request("POST", "/form", {"Content-Type": f"multipart/form-data; boundary={long_boundary}"},
                                       f"--{long_boundary}--\r\n".encode())
        self.statuses.append(("71-char boundary", "/form", status))
        huge_header = f"--{boundary}\r\nContent-Disposition: form-data; name=\"{'n' * 1_000_000}\"\r\n\r\nx\r\n--{boundary}--\r\n"
        status2, _ = await self.request("POST", "/form", headers, huge_header.encode())
        self.statuses.append(("1 MB part header", "/form", status2))
        print(f"71-character boundary: {status}; 1 MB part header: {status2}")

    async def console_letters(self, count=16):
        t0 = time.monotonic()
        results = await asyncio.gather(*[
            self.stream("100 MB unauthenticated /console/letter", "/console/letter",
                        {"Content-Type": "multipart/form-data; boundary=XyZ"}, 100 * MB, declare=(i % 2 == 0), timeout=60)
            for i in range(count)
        ])
        print(f"{count} concurrent 100 MB unauthenticated posts to /console/letter (half chunked): "
              f"answers {sorted({str(r[0]) for r in results if r})}, most sent {max(r[1] for r in results if r) / MB:.1f} MB, "
              f"in {time.monotonic() - t0:.1f} s")

    async def api_full_bodies(self, count=4):
        """Authenticated bodies just under the limit, sent whole: the expensive requests that must not stall /healthz."""
        t0 = time.monotonic()
        big = json.dumps({"channel": "webform", "source_ref": "x", "subject": "大", "body": "很" * (6 * MB)}).encode()
        deep = b"[" * 200_000 + b"]" * 200_000
        letter = json.dumps({"letter_no": "X-1", "body": "来信", "scans": [
            {"filename": f"p{i}.jpg", "data": "A" * (2 * MB)} for i in range(4)]}).encode()

        async def post(path, body):
            status, _ = await self.request("POST", path, self.auth(), body, timeout=60)
            self.statuses.append(("large authenticated JSON", path, status))
            return path, status

        results = await asyncio.gather(*[post("/api/v1/messages", big) for _ in range(count)],
                                       post("/api/v1/messages", deep), post("/api/v1/hotline/calls", deep),
                                       post("/api/v1/letters", letter), post("/api/v1/letters", letter))
        print(f"large authenticated JSON ({len(big) / MB:.0f} MB messages x{count}, 200k-deep nesting, 8 MB letters): "
              f"{sorted({f'{p} {s}' for p, s in results})} in {time.monotonic() - t0:.1f} s")

    async def slowloris(self, connections=200, seconds=12):
        """Connections that trickle their headers, and some that trickle a body, for `seconds`."""
        async def trickle_headers():
            try:
                r, w = await self.open()
            except Exception:  # noqa: BLE001
                return "connect failed"
            text = f"POST /form HTTP/1.1\r\nHost: {HOST}\r\nX-Pad: " + "a" * 400
            t0 = time.monotonic()
            try:
                for c in text:
                    if time.monotonic() - t0 > seconds:
                        break
                    w.write(c.encode())
                    await w.drain()
                    await asyncio.sleep(0.5)
                return "still open"
            except (ConnectionError, OSError):
                return "closed by server"
            finally:
                w.close()

        async def trickle_body():
            res = await self.stream("slow body (10 bytes/s)", "/api/v1/hotline/calls", self.auth(), 1_000_000,
                                    chunk=10, delay=1.0, timeout=seconds)
            return res[0] if res else None

        t0 = time.monotonic()
        results = await asyncio.gather(*[trickle_headers() for _ in range(connections)],
                                       *[trickle_body() for _ in range(50)])
        summary = {}
        for r in results:
            summary[str(r)] = summary.get(str(r), 0) + 1
        print(f"slowloris: {connections} trickling headers + 50 trickling bodies for {seconds} s: {summary} "
              f"({time.monotonic() - t0:.1f} s)")

    async def readyz(self):
        status, _ = await self.request("GET", "/readyz", body=None)
        print(f"/readyz: {status}")

    async def run(self):
        watchers = [asyncio.ensure_future(self.probe()), asyncio.ensure_future(self.sample_rss())]
        await asyncio.sleep(1)
        for attack in (lambda: self.huge_bodies(True), lambda: self.huge_bodies(False), self.many_parts,
                       self.console_letters, self.api_full_bodies, self.slowloris, self.readyz):
            await attack()
            if not self.alive():
                print("THE PROCESS DIED")
                break
        await asyncio.sleep(1)
        self.stop = True
        await asyncio.gather(*watchers, return_exceptions=True)

    def report(self):
        latencies = [l for _, l in self.health if l is not None]
        failed = sum(1 for _, l in self.health if l is None)
        five = [(a, p, s) for a, p, s in self.statuses if isinstance(s, int) and s >= 500]
        odd = [(a, p, s) for a, p, s in self.statuses if not isinstance(s, int)]
        alive = self.alive()
        mx = max(latencies) if latencies else float("inf")
        print()
        print(f"/healthz probes: {len(self.health)}, failed {failed}, max {mx * 1000:.0f} ms, "
              f"p50 {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms" if latencies else "/healthz: no answers")
        print(f"5xx answers: {len(five)} {five[:5]}")
        print(f"requests without an HTTP answer: {len(odd)} {odd[:5]}")
        print(f"process alive at the end: {alive}")
        print(f"peak RSS: {self.rss_peak_kb / 1024:.0f} MB")
        ok = alive and not five and failed == 0 and mx < 1.0 and self.rss_peak_kb < 400 * 1024
        print("GOAL MET" if ok else "GOAL MISSED")
        return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--token", required=True)
    a = p.parse_args()
    b = Barrage(a.port, a.pid, a.token)
    asyncio.run(b.run())
    sys.exit(0 if b.report() else 1)


if __name__ == "__main__":
    main()
