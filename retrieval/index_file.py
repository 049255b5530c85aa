"""The stored index, also kept as a file beside the database and memory-mapped when loading.

Reading the index out of SQLite copies every byte (640 MiB at 1M paragraphs, over a second);
mapping a file costs nothing until a page is touched, and processes on the same machine share
the pages. The database stays the truth: each stored index has a random `index_id` in the
database, the file is named after it and repeats it in its header, and a file that is missing,
damaged or of another id is ignored (the blobs are read instead). Files are written whole under
a temporary name and renamed, so a reader never sees half of one.

Layout: `<database file name>.index/<index_id>.bin`, in segment.py's container format (magic,
JSON header, 8-byte aligned arrays), one uint8 array per stored blob.

A long-running process (the bot) asks for the mapping to be faulted in behind it: a page is
otherwise mapped at its first touch, by the question that first needs it, and a page fault costs
~7 µs in a virtual machine (measured here: 22 at the median, 65 on average, in scoring a
question's first ask at 1M paragraphs). Faulting in the whole file takes ~60 ms at 1M, in a
thread, after the open.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from retrieval.segment import unpack_arrays, write_arrays

INDEX_FILE_MAGIC = b"RBIDX1\n"
_SMALL_BYTES = 1 << 20  # blobs under this are copied to bytes (JSON metadata is parsed)
# Linux 5.14+: map the range's pages now (already cached ones without reading); elsewhere the
# pages are touched one by one. Chunks keep each call (which holds the GIL) under a millisecond.
_MADV_POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22 if sys.platform == "linux" else None)
_FAULT_IN_CHUNK = 8 << 20


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


def map_index_file(
    db: Path, index_id: str, *, fault_in: bool = False
) -> dict[str, bytes | memoryview] | None:
    """The blobs of index `index_id`, mapped from its file; None if there is no usable file.
    With `fault_in`, a daemon thread maps every page of the file in the background."""
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
    if fault_in:
        threading.Thread(target=fault_in_pages, args=(mapped,), daemon=True).start()
    return {
        name: array.tobytes() if array.size < _SMALL_BYTES else array.data
        for name, array in arrays.items()
    }


def fault_in_pages(mapped: mmap.mmap) -> None:
    """Map every page of `mapped` into the process now, a chunk at a time (see the module
    docstring); the GIL is let go between chunks. The thread's reference keeps the mapping open.

    Only a kernel without MADV_POPULATE_READ (EINVAL) has the pages touched instead: any other
    error (an unreadable page) ends the fault-in, and the pages are read when a question needs
    them, as without it; touching such a page would kill the process with SIGBUS."""
    populate = _MADV_POPULATE_READ
    for start in range(0, len(mapped), _FAULT_IN_CHUNK):
        length = min(_FAULT_IN_CHUNK, len(mapped) - start)
        if populate is not None:
            try:
                mapped.madvise(populate, start, length)
            except OSError as error:
                if error.errno != errno.EINVAL:
                    return
                populate = None  # a kernel before 5.14: touch the pages instead
        if populate is None:
            np.frombuffer(mapped, np.uint8, length, start)[:: mmap.PAGESIZE].max()
        time.sleep(0)
