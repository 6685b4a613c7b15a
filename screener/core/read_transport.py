"""How a reading process (``read_ahead``) sends what it has read to the importer.

A message is a tuple, pickled by ``Connection.send``. One that carries rows (``("piece",
PreparedRows, …)`` or ``("rows", PreparedRows)``) goes as two parts: the message with
the size of a ``marshal`` blob in place of its rows, then the blob, as bytes of its own
(``_pack``). On POSIX the blob is written raw on the pipe's descriptor and the importer
reads it straight into a buffer it keeps from one message to the next: no copy of it in
a pickle on either side, no buffers grown as it comes, no fresh pages to fault in for
every blob; elsewhere (Windows' pipes are not descriptors) it goes as a message of
``Connection``'s own. Rows marshal cannot write go in the message, pickled, as before.
"""

from __future__ import annotations

import marshal
import os
from multiprocessing.connection import Connection
from typing import Any

from screener.store.rows import PreparedRows

RAW_BLOBS = os.name == "posix"  # blobs as raw bytes on the pipe's descriptor


def _pack(message: tuple[Any, ...]) -> tuple[tuple[Any, ...], bytes | None]:
    """The message to send, and its PreparedRows as one ``marshal`` blob to send after it
    (the message then holds the blob's size in their place): plain tuples of text and
    numbers, which marshal writes and reads in C at about twice pickle's speed (pickle
    remembers every string it writes; marshal only those referenced twice). Rows holding
    anything else stay in the message, and there is no blob."""
    if len(message) > 1 and isinstance(message[1], PreparedRows):
        rows = message[1]
        try:
            blob = marshal.dumps((rows.rows, rows.search, rows.position_offset, rows.line_offset))
        except ValueError:
            return message, None
        return (message[0], len(blob), *message[2:]), blob
    return message, None


def _blob_size(message: tuple[Any, ...]) -> int | None:
    """The size of the blob that follows ``message`` on the pipe, if one does."""
    if len(message) > 1 and message[0] in ("piece", "rows") and type(message[1]) is int:
        return message[1]
    return None


def _unpack(message: tuple[Any, ...], blob: bytes | memoryview | None) -> tuple[Any, ...]:
    """The message as ``_pack`` was given it, from what it made of it."""
    if blob is None:
        return message
    return (message[0], PreparedRows(*marshal.loads(blob)), *message[2:])


def _send_blob(pipe: Connection, blob: bytes, raw: bool) -> None:
    if not raw:
        pipe.send_bytes(blob)
        return
    fd, view, sent = pipe.fileno(), memoryview(blob), 0
    while sent < len(blob):
        sent += os.write(fd, view[sent:])


def _receive_blob(pipe: Connection, size: int, buffer: bytearray, raw: bool) -> bytes | memoryview:
    """The next ``size`` bytes ``_send_blob`` sent: a view of ``buffer`` (grown to fit),
    to be released before the next call; EOFError if the pipe ends first."""
    if not raw:
        blob = pipe.recv_bytes()
        if len(blob) != size:
            raise EOFError(f"a blob of {len(blob)} bytes came where {size} were announced")
        return blob
    if len(buffer) < size:
        buffer.extend(bytes(size - len(buffer)))
    fd, got = pipe.fileno(), 0
    view = memoryview(buffer)[:size]
    try:
        while got < size:
            n = os.readv(fd, [view[got:]])
            if n == 0:
                raise EOFError(f"the pipe ended after {got} of a blob's {size} bytes")
            got += n
    except BaseException:
        view.release()
        raise
    return view


def send_message(pipe: Connection, message: tuple[Any, ...], raw: bool = RAW_BLOBS) -> None:
    """Send a reading process's message, its rows as a blob after it (``_pack``). Raises
    OSError when the other end is gone."""
    head, blob = _pack(message)
    pipe.send(head)
    if blob is not None:
        _send_blob(pipe, blob, raw)


def receive_message(pipe: Connection, buffer: bytearray, raw: bool = RAW_BLOBS) -> tuple[Any, ...]:
    """The next message ``send_message`` sent, as it was given it; ``buffer`` is where its
    blob is read, kept by the caller from one message to the next. Raises EOFError or
    OSError when the pipe ends, even inside a message."""
    message: tuple[Any, ...] = pipe.recv()
    size = _blob_size(message)
    if size is None:
        return message
    blob = _receive_blob(pipe, size, buffer, raw)
    try:
        return _unpack(message, blob)
    finally:
        if isinstance(blob, memoryview):
            blob.release()  # the buffer can grow for a larger blob
