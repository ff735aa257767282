"""Refusals of an uploaded photo, each with a French message that says what is accepted."""

from typing import Literal

PhotoErrorCode = Literal[
    "not_jpeg", "too_large", "too_many_pixels", "too_small", "corrupt", "bad_crop"
]

# The figures repeat the limits of processing.py; a test keeps them in step.
MESSAGES: dict[str, str] = {
    "not_jpeg": (
        "Seules les photos au format JPEG (.jpg, .jpeg) sont acceptées. "
        "Les formats PNG, PDF, HEIC… ne le sont pas : enregistrez ou exportez "
        "votre photo en JPEG (10 Mo au maximum), puis envoyez-la de nouveau."
    ),
    "too_large": (
        "La photo dépasse la taille maximale de 10 Mo. "
        "Envoyez une photo au format JPEG (.jpg, .jpeg) de 10 Mo au maximum."
    ),
    "too_many_pixels": (
        "La photo contient trop de pixels (50 mégapixels au maximum). "
        "Envoyez une photo JPEG (.jpg, .jpeg) de plus petite résolution, 10 Mo au maximum."
    ),
    "too_small": (
        "La photo est trop petite pour une photo d'identité. Envoyez une photo JPEG "
        "(.jpg, .jpeg) de meilleure résolution, 10 Mo au maximum."
    ),
    "corrupt": (
        "La photo est illisible ou incomplète (fichier abîmé ou envoi interrompu). "
        "Envoyez de nouveau une photo au format JPEG (.jpg, .jpeg) de 10 Mo au maximum."
    ),
    "bad_crop": (
        "Le cadrage de la photo n'est pas valide. Placez le visage dans le cadre "
        "35 × 45 mm, puis validez de nouveau."
    ),
}


class PhotoError(Exception):
    """A photo refused for a reason the family can fix; `message` is shown to them as is."""

    def __init__(self, code: PhotoErrorCode, detail: str = "") -> None:
        self.code = code
        self.message = MESSAGES[code]
        # `detail` is for logs only (English, technical); never shown to the family.
        self.detail = detail
        super().__init__(self.message)

    def __reduce__(self):
        # Rebuilt from its code, so it survives pickling (worker processes, task queues).
        return type(self), (self.code, self.detail)
