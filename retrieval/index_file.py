"""The stored index, also kept as a file beside the database and memory-mapped when loading.

Reading the index out of SQLite copies every byte (640 MiB at 1M paragraphs, over a second);
mapping a file costs nothing until a page is touched, and processes on the same machine share
the pages. The database stays the truth: each stored index has a random `index_id` in the
database, the file is named after it and repeats it in its header, and a file that is missing,
damaged or of another id is ignored (the blobs are read instead). Files are written whole under
a temporary name and renamed, so a reader never sees half of one.

Layout: `<database file name>.index/<index_id>.bin`, in segment.py's container format (magic,
JSON header, 8-byte aligned arrays), one uint8 array per stored blob.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from retrieval.segment import unpack_arrays, write_arrays

INDEX_FILE_MAGIC = b"RBIDX1\n"
_SMALL_BYTES = 1 << 20  # blobs under this are copied to bytes (JSON metadata is parsed)


def index_dir(db: Path) -> Path:
    return db.with_name(db.name + ".index")


def index_file(db: Path, index_id: str) -> Path:
    return index_dir(db) / f"{index_id}.bin"


def write_index_file(db: Path, index_id: str, blobs: Mapping[str, bytes]) -> bool:
    """Write the index file for `index_id` and delete the others; False if it cannot be written
    (a read-only folder, a full disk): loading then reads the blobs, as before."""
    folder = index_dir(db)
    target = index_file(db, index_id)
    temporary = folder / f".{index_id}.tmp"
    arrays = {name: np.frombuffer(data, dtype=np.uint8) for name, data in blobs.items()}
    try:
        folder.mkdir(exist_ok=True)
        with temporary.open("wb") as out:
            write_arrays(out, {"index_id": index_id}, arrays, INDEX_FILE_MAGIC)
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    for old in folder.glob("*.bin"):  # a mapped file stays readable after unlinking
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return True


def map_index_file(db: Path, index_id: str) -> dict[str, bytes | memoryview] | None:
    """The blobs of index `index_id`, mapped from its file; None if there is no usable file."""
    try:
        with index_file(db, index_id).open("rb") as raw:
            mapped = mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty
        return None
    try:
        header, arrays = unpack_arrays(mapped, INDEX_FILE_MAGIC)
    except (ValueError, KeyError, TypeError):  # damaged or of another format
        return None
    if header.get("index_id") != index_id:
        return None
    return {
        name: array.tobytes() if array.size < _SMALL_BYTES else array.data
        for name, array in arrays.items()
    }
