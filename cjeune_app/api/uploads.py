"""A small multipart/form-data reader that keeps one file in memory and stops at a size limit.

Starlette's form parser reads the whole body and spools files to temporary files on disk; an
identity photo must not be written anywhere before it is processed, and an oversized upload
must be refused before it is received in full. This reader feeds python-multipart chunk by
chunk as the body arrives and gives up as soon as the limit is passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

# Room for the multipart boundaries, part headers and the few text fields around the file.
ENVELOPE_BYTES = 16 * 1024
MAX_FIELD_BYTES = 200
MAX_PARTS = 10


class UploadTooLarge(Exception):
    """The body (or the file in it) passed the limit; the rest was not read."""


class BadUpload(Exception):
    """Not a multipart form, or a malformed one."""


@dataclass
class SmallForm:
    file: bytes | None = None  # the one file expected, None when it was not sent
    fields: dict[str, str] = field(default_factory=dict)


class _Reader:
    def __init__(self, file_field: str, max_file_bytes: int):
        self.file_field, self.max_file_bytes = file_field, max_file_bytes
        self.form = SmallForm()
        self.parts = 0
        self._name = ""
        self._is_file = False
        self._data = bytearray()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadUpload("too many parts")
        self._name, self._is_file, self._data, self._disposition = "", False, bytearray(), b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise BadUpload("part without a name")
        self._name = options[b"name"].decode("utf-8", "replace")
        self._is_file = b"filename" in options

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        limit = self.max_file_bytes if self._is_file else MAX_FIELD_BYTES
        if len(self._data) + (end - start) > limit:
            if self._is_file:
                raise UploadTooLarge()
            raise BadUpload(f"field {self._name!r} too long")
        self._data += data[start:end]

    def on_part_end(self) -> None:
        if self._is_file:
            if self._name == self.file_field and self.form.file is None:
                self.form.file = bytes(self._data)
        else:
            self.form.fields[self._name] = self._data.decode("utf-8", "replace")
        self._data = bytearray()


async def read_small_form(request: Request, file_field: str, max_file_bytes: int) -> SmallForm:
    """The form's one file (at most `max_file_bytes`) and its short text fields.

    Raises UploadTooLarge as soon as the announced or received size passes the limit, without
    reading the rest of the body, and BadUpload for anything that is not such a form.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadUpload("not multipart/form-data")
    max_body = max_file_bytes + ENVELOPE_BYTES
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > max_body:
        raise UploadTooLarge()  # refused before a single byte of the body is read

    reader = _Reader(file_field, max_file_bytes)
    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": reader.on_part_begin,
        "on_part_data": reader.on_part_data,
        "on_part_end": reader.on_part_end,
        "on_header_field": reader.on_header_field,
        "on_header_value": reader.on_header_value,
        "on_header_end": reader.on_header_end,
        "on_headers_finished": reader.on_headers_finished,
    })
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_body:  # a missing or lying Content-Length
                raise UploadTooLarge()
            parser.write(chunk)
        parser.finalize()
    except FormParserError as malformed:
        raise BadUpload("malformed multipart body") from malformed
    return reader.form
