"""How raw bodies are compressed in the ``blobs`` table.

Pages of one portal share most of their bytes: the same header, menus, sidebars
and footer wrap a few kilobytes of article. Compressed one by one (zlib), each
page pays for its template again: about 5 KB for a 50 KB page. Compressed with
zstandard against a *dictionary* that is itself an archived page of the site,
the template costs almost nothing: about 1.5 KB, and ten times faster.

Each row of ``blobs`` says how it is stored:

- ``codec = 'zlib'``: zlib (archives written before schema v4);
- ``codec = 'zstd'``, ``dict`` NULL: a zstandard frame;
- ``codec = 'zstd'``, ``dict`` = a sha256: a zstandard frame compressed against
  the raw bytes of that blob (a "raw content" dictionary). A dictionary blob is
  always stored without a dictionary, so reading never chains.

The first article page an archive stores becomes its dictionary (``blob_dicts``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import zstandard

CODEC_ZLIB = "zlib"
CODEC_ZSTD = "zstd"
# zstd level 3 is the library's default: against a page dictionary, higher levels
# save ~10 % more at 3-4x the time, and the crawler compresses on its writer.
_LEVEL = 3
# Pages smaller than this make a poor dictionary (an error page, a redirect stub).
MIN_DICT_SIZE = 8 * 1024


@dataclass(slots=True, frozen=True)
class Compressed:
    data: bytes
    codec: str
    dict_sha256: str | None


class BlobCodec:
    """Compresses new blobs and reads stored ones; caches one (de)compressor per dictionary."""

    def __init__(self) -> None:
        self._plain = zstandard.ZstdCompressor(level=_LEVEL)
        self._dicts: dict[str, zstandard.ZstdCompressionDict] = {}
        self._compressors: dict[str, zstandard.ZstdCompressor] = {}
        self._decompressors: dict[str | None, zstandard.ZstdDecompressor] = {}

    def has_dict(self, sha256: str) -> bool:
        return sha256 in self._dicts

    def add_dict(self, sha256: str, raw: bytes) -> None:
        # RAWCONTENT: a page that happened to start with zstd's dictionary magic must
        # still be read as plain bytes.
        self._dicts[sha256] = zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)

    def compress(self, body: bytes, dict_sha256: str | None = None) -> Compressed:
        if dict_sha256 is None:
            return Compressed(self._plain.compress(body), CODEC_ZSTD, None)
        comp = self._compressors.get(dict_sha256)
        if comp is None:
            comp = self._compressors[dict_sha256] = zstandard.ZstdCompressor(
                level=_LEVEL, dict_data=self._dicts[dict_sha256]
            )
        return Compressed(comp.compress(body), CODEC_ZSTD, dict_sha256)

    def decompress(self, data: bytes, codec: str, dict_sha256: str | None = None) -> bytes:
        """The stored body; raises ValueError when it cannot be read (a damaged row, an unknown codec)."""
        if codec == CODEC_ZLIB:
            try:
                return zlib.decompress(data)
            except zlib.error as exc:
                raise ValueError(f"damaged zlib blob: {exc}") from None
        if codec != CODEC_ZSTD:
            raise ValueError(f"unknown blob codec {codec!r}")
        dec = self._decompressors.get(dict_sha256)
        if dec is None:
            if dict_sha256 is not None and dict_sha256 not in self._dicts:
                raise ValueError(f"dictionary {dict_sha256} is not loaded")
            dec = zstandard.ZstdDecompressor(dict_data=self._dicts[dict_sha256] if dict_sha256 else None)
            self._decompressors[dict_sha256] = dec
        try:
            return dec.decompress(data)
        except zstandard.ZstdError as exc:
            raise ValueError(f"damaged zstd blob: {exc}") from None
