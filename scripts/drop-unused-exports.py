#!/usr/bin/env python3
"""Drops JavaScript classes that a WASM bundle exports but never uses, and
their WASM exports, so the size pass that follows can remove their code.

Leptos always builds server_fn's browser client, which pulls in
wasm-streams; its three classes (IntoUnderlyingSource, IntoUnderlyingSink,
IntoUnderlyingByteSource) are `#[wasm_bindgen]` exports, and an export
keeps its code alive however unused. The youth pages call no server
function, so nothing ever creates one: the glue has no constructor or
`__wrap` for them, and the WASM never hands one to JavaScript.

usage: drop-unused-exports.py BUNDLE.js BUNDLE.wasm CLASS...

Safe by construction: a class is dropped only when its block is found
whole, and the WASM exports it called are dropped only when nothing left in
the glue calls them (apart from the finalizer registries of the dropped
classes, which only ever see objects of those classes). Otherwise the
files are left as they were and the script says why.
"""

import re
import sys


def leb(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def class_block(js, name):
    """The `export class NAME{...}` block and its Symbol.dispose line."""
    start = js.find(f"export class {name}{{")
    if start < 0:
        return None
    depth = 0
    for i in range(js.index("{", start), len(js)):
        if js[i] == "{":
            depth += 1
        elif js[i] == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    else:
        return None
    dispose = (
        f"Symbol.dispose&&({name}.prototype[Symbol.dispose]={name}.prototype.free);"
    )
    if js.startswith(dispose, end):
        end += len(dispose)
    return start, end


def export_names(wasm):
    """Every export's name."""
    names = set()
    i = 8
    while i < len(wasm):
        size, body_start = leb(wasm, i + 1)
        if wasm[i] == 7:
            count, k = leb(wasm, body_start)
            for _ in range(count):
                length, k = leb(wasm, k)
                names.add(wasm[k : k + length].decode())
                k += length + 1
                _, k = leb(wasm, k)
        i = body_start + size
    return names


def drop_exports(wasm, names):
    out = bytearray(wasm[:8])
    i = 8
    dropped = set()
    while i < len(wasm):
        section = wasm[i]
        size, body_start = leb(wasm, i + 1)
        body = wasm[body_start : body_start + size]
        if section == 7:
            count, k = leb(body, 0)
            kept = []
            for _ in range(count):
                entry = k
                length, k = leb(body, k)
                name = body[k : k + length].decode()
                k += length + 1
                _, k = leb(body, k)
                if name in names:
                    dropped.add(name)
                else:
                    kept.append(body[entry:k])
            body = uleb(len(kept)) + b"".join(kept)
        out.append(section)
        out += uleb(len(body))
        out += body
        i = body_start + size
    return bytes(out), dropped


def main():
    if len(sys.argv) < 4 or not sys.argv[1].endswith(".js") or not sys.argv[2].endswith(".wasm"):
        sys.exit("usage: drop-unused-exports.py BUNDLE.js BUNDLE.wasm CLASS... (one bundle)")
    js_path, wasm_path, *classes = sys.argv[1:]
    js = open(js_path, encoding="utf-8").read()
    removed = []
    for name in classes:
        block = class_block(js, name)
        if block is None:
            print(f"  {name}: not in the glue, nothing dropped", file=sys.stderr)
            continue
        removed.append(js[block[0] : block[1]])
        js = js[: block[0]] + js[block[1] :]
    if not removed:
        return
    wasm = open(wasm_path, "rb").read()
    called = set(re.findall(r"\.(\w+)\(", "".join(removed)))
    exports = called & export_names(wasm)
    # Whatever the rest of the glue still calls must stay, except the
    # dropped classes' own free functions inside their finalizer registries.
    registries = re.findall(r"new FinalizationRegistry\([^)]*\)", js)
    rest = js
    for registry in registries:
        rest = rest.replace(registry, "")
    still = {n for n in exports if re.search(rf"\.{re.escape(n)}\b", rest)}
    if still:
        print(f"  still called by the glue, nothing dropped: {sorted(still)}", file=sys.stderr)
        return
    wasm, dropped = drop_exports(wasm, exports)
    open(wasm_path, "wb").write(wasm)
    open(js_path, "w", encoding="utf-8").write(js)
    print(
        f"  dropped {len(removed)} unused classes and {len(dropped)} WASM exports",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
