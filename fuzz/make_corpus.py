#!/usr/bin/env python3
"""Writes the seed corpus of http_fuzz (fuzz/corpus/): a few valid requests of each kind the
fuzz router serves, as raw HTTP/1.1 bytes. The files are committed; rerun this after changing it:
    python3 fuzz/make_corpus.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")
TOKEN = "kj_api_" + "0123456789abcdef" * 4


def request(method, target, headers=(), body=b"", chunked=False, keep_alive=True):
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1:8080", "User-Agent: kjudge-fuzz-seed"]
    lines += list(headers)
    if not keep_alive:
        lines.append("Connection: close")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        half = len(body) // 2
        payload = b""
        for piece in (body[:half], body[half:]):
            if piece:
                payload += b"%x\r\n" % len(piece) + piece + b"\r\n"
        payload += b"0\r\n\r\n"
    else:
        if body or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        payload = body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def multipart(boundary, parts):
    out = b""
    for name, filename, content_type, data in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = f'Content-Disposition: form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += disposition.encode() + b"\r\n"
        if content_type:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


SOURCE = b'#include <cuda_runtime.h>\n//!POPCORN leaderboard vectoradd\n__global__ void add(const float* a, float* c) { c[threadIdx.x] = a[threadIdx.x]; }\n'
AUTH = [f"Authorization: Bearer {TOKEN}"]
JSON = AUTH + ["Content-Type: application/json"]


def submission(**fields):
    body = {"problem": "vectoradd", "gpu": "H100", "file_name": "add.cu", "source": SOURCE.decode()}
    body.update(fields)
    return json.dumps(body).encode()


def seeds():
    yield "submit_json", request("POST", "/api/v1/submissions", JSON, submission())
    yield "submit_json_mode", request("POST", "/api/v1/submissions", JSON, submission(mode="leaderboard", gpu="h100"))
    yield "submit_json_unicode", request("POST", "/api/v1/submissions", JSON,
                                         json.dumps({"problem": "v\u00e9ctor", "gpu": "MI300X", "file_name": "k.hip",
                                                     "source": "// \u2713 \\u0000\n", "mode": "test"}).encode())
    yield "submit_json_chunked", request("POST", "/api/v1/submissions", JSON, submission(mode="benchmark"), chunked=True)
    yield "get_submission", request("GET", "/api/v1/submissions/42", AUTH)
    yield "head_submission", request("HEAD", "/api/v1/submissions/7", AUTH, keep_alive=False)
    yield "list_submissions", request("GET", "/api/v1/submissions?problem=vectoradd&gpu=H100&mode=test&limit=20&before=100", AUTH)
    yield "list_submissions_encoded", request("GET", "/api/v1/submissions?user=al%20ice&gpu=h%31100&limit=5#frag", AUTH)
    yield "events", request("GET", "/api/v1/submissions/12/events?after=3&wait_s=0", AUTH)
    yield "cancel", request("POST", "/api/v1/submissions/12/cancel", AUTH)
    yield "stream", request("GET", "/api/v1/submissions/5/stream", AUTH + ["Accept: text/event-stream"])
    yield "leaderboard", request("GET", "/api/v1/leaderboards/vectoradd/H100?limit=10")
    yield "settings", request("POST", "/api/v1/leaderboards/vectoradd/H100/settings", JSON,
                              json.dumps({"deadline": "1767225600000"}).encode())
    boundary = "----kjudgeBoundary7MA4YWxkTrZu0gW"
    form = multipart(boundary, [("file", "add.cu", "application/octet-stream", SOURCE)])
    popcorn = ["X-Popcorn-Cli-Id: 1b4e28ba-2fa1-11d2-883f-0016d3cca427",
               f"Content-Type: multipart/form-data; boundary={boundary}"]
    yield "popcorn_submit", request("POST", "/submission/vectoradd/H100/test", popcorn, form)
    form2 = multipart("xYzZY", [("note", None, None, b"hello"),
                                ("file", "dir/sub.cpp", "text/x-c++src", b"int main() { return 0; }\n")])
    yield "popcorn_submit_two_parts", request(
        "POST", "/submission/VectorAdd/h100/Leaderboard",
        ['X-Popcorn-Cli-Id: 1b4e28ba-2fa1-11d2-883f-0016d3cca427', 'Content-Type: multipart/form-data; boundary="xYzZY"'],
        b"preamble to ignore\r\n" + form2)
    form3 = ("--b\r\nContent-Disposition: form-data; name*=utf-8''fi%6Ce; filename*=UTF-8''k%C3%A9rnel.cu\r\n"
             "Content-Transfer-Encoding: binary\r\n\r\n__global__ void k() {}\r\n--b--\r\nepilogue").encode()
    yield "popcorn_submit_ext", request("POST", "/submission/vectoradd/H100/benchmark",
                                        ["Content-Type: Multipart/Form-Data; charset=utf-8; boundary=b"], form3, chunked=True)
    yield "pipelined", (request("GET", "/api/v1/submissions/1", AUTH) +
                        request("POST", "/api/v1/submissions", JSON, submission(mode="test")) +
                        request("GET", "/api/v1/leaderboards/sort/L4", keep_alive=False))
    yield "method_not_allowed", request("DELETE", "/api/v1/submissions", AUTH)
    yield "not_found", request("GET", "/nothing/here?x=1")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(OUT, name + ".http"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
