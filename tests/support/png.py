"""Rendering SVG with resvg (the ``resvg-py`` wheel: no system library needed) and reading
the pixels back with a small PNG decoder, so that chart tests check what a person sees."""

from __future__ import annotations

import struct
import zlib

import resvg_py


def png_pixels(data: bytes) -> tuple[int, int, list[bytearray]]:
    """(width, height, rows of RGBA bytes) of an 8-bit RGB/RGBA non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = colour = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    decoded: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        decoded.append(line)
        prev = line
    if bpp == 3:
        decoded = [bytearray(v for j in range(width) for v in (*line[j * 3 : j * 3 + 3], 255)) for line in decoded]
    return width, height, decoded


def render(svg: str) -> tuple[int, int, list[bytearray]]:
    return png_pixels(bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff")))


def pixel(rows: list[bytearray], x: float, y: float) -> tuple[int, int, int]:
    line, i = rows[int(y)], int(x) * 4
    return line[i], line[i + 1], line[i + 2]


def is_ink(rgb: tuple[int, int, int]) -> bool:
    """A bar colour or a dark tick: saturated, or dark; not the white ground or a grey grid line."""
    return max(rgb) - min(rgb) > 60 or sum(rgb) < 300


def is_dark(rgb: tuple[int, int, int]) -> bool:
    return sum(rgb) < 330
