"""Refusals of an uploaded photo, one class per reason, each with a French message that says what
is accepted (formatted from the limits of processing), and the refusals of the agents' review."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from cjeune_app.core.errors import Conflict, InvalidInput, NotFound

PhotoErrorCode = Literal[
    "not_jpeg", "too_large", "too_many_pixels", "too_small", "corrupt", "bad_crop"
]

# The limits of processing.py, stated once here and imported there.
MAX_UPLOAD_MB = 10
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
FRAME_MM = (35, 45)  # the identity photo's frame, width × height
MAX_PIXELS = 50_000_000  # the full-resolution mode of 50 MP phone sensors (8160×6120); more is a bomb
# The card photo's size (35×45 mm at 300 dpi): the framed part may not be smaller, or it is blown up.
MIN_FRAMED_PIXELS = (413, 531)

_JPEG = "au format JPEG (.jpg, .jpeg)"
_AT_MOST = f"{MAX_UPLOAD_MB} Mo au maximum"


class PhotoError(InvalidInput):
    """A photo refused for a reason the family can fix; `message` is shown to them as is.

    `PhotoError(code, detail)` builds the class of that code (the constructor the processing
    pipeline and its workers use); `detail` is for logs only (English, technical), never shown.
    """

    code: ClassVar[str] = "photo_refused"
    message = f"La photo n'a pas pu être acceptée : envoyez une photo {_JPEG} de {_AT_MOST}."

    def __new__(cls, *args: Any, **_kwargs: Any) -> PhotoError:
        if cls is PhotoError and args and args[0] in _BY_CODE:
            cls = _BY_CODE[args[0]]
        return super().__new__(cls)

    def __init__(self, *args: str) -> None:
        if args and args[0] == self.code:  # PhotoError(code, detail)
            args = args[1:]
        self.detail = args[0] if args else ""
        super().__init__()

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its code, so it survives pickling (worker processes, task queues).
        return type(self), (self.code, self.detail)


class PhotoNotJpeg(PhotoError):
    code = "not_jpeg"
    message = (f"Seules les photos {_JPEG} sont acceptées. "
               "Les formats PNG, PDF, HEIC… ne le sont pas : enregistrez ou exportez "
               f"votre photo en JPEG ({_AT_MOST}), puis envoyez-la de nouveau.")


class PhotoTooLarge(PhotoError):
    code = "too_large"
    message = (f"La photo dépasse la taille maximale de {MAX_UPLOAD_MB} Mo. "
               f"Envoyez une photo {_JPEG} de {_AT_MOST}.")


class PhotoTooManyPixels(PhotoError):
    code = "too_many_pixels"
    message = (f"La photo contient trop de pixels ({MAX_PIXELS // 1_000_000} mégapixels au maximum). "
               f"Envoyez une photo JPEG (.jpg, .jpeg) de plus petite résolution, {_AT_MOST}.")


class PhotoTooSmall(PhotoError):
    code = "too_small"
    message = ("La photo est trop petite pour une photo d'identité : la partie cadrée doit mesurer au moins "
               f"{MIN_FRAMED_PIXELS[0]} × {MIN_FRAMED_PIXELS[1]} pixels. Envoyez une photo JPEG "
               f"(.jpg, .jpeg) de meilleure résolution, ou cadrez plus large, {_AT_MOST}.")


class PhotoCorrupt(PhotoError):
    code = "corrupt"
    message = ("La photo est illisible ou incomplète (fichier abîmé ou envoi interrompu). "
               f"Envoyez de nouveau une photo {_JPEG} de {_AT_MOST}.")


class PhotoBadCrop(PhotoError):
    code = "bad_crop"
    message = ("Le cadrage de la photo n'est pas valide. Placez le visage dans le cadre "
               f"{FRAME_MM[0]} × {FRAME_MM[1]} mm, puis validez de nouveau.")


_BY_CODE: dict[str, type[PhotoError]] = {
    c.code: c for c in (PhotoNotJpeg, PhotoTooLarge, PhotoTooManyPixels, PhotoTooSmall, PhotoCorrupt,
                        PhotoBadCrop)
}
MESSAGES: dict[str, str] = {code: c.message for code, c in _BY_CODE.items()}


class PhotoNotFound(NotFound):
    """No such photo, or not one the actor may see: the same answer (code and sentence of NotFound)."""


class PhotoReplaced(Conflict):
    code = "photo_replaced"
    message = "Cette photo a été remplacée par la famille entre-temps."


class RejectionReasonMissing(InvalidInput):
    code = "rejection_reason_missing"
    message = "Indiquez la raison du refus : elle sera montrée à la famille."
