"""Files reporters send with a case: checked and cleaned on the way in, shown only to staff who may see the case.

A photo is opened with Pillow (so a file that only claims to be an image is refused) and saved
again from its pixels: EXIF, GPS position and every other embedded text are left behind, and it
is stored under a random name in the province's media directory (`TenantFileSystemStorage`).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from PIL import Image, ImageOps, UnidentifiedImageError

from cases import clock
from cases.models import Case, CaseAttachment
from cases.selectors import cases_visible_to

IMAGE_MAX_BYTES = 5 * 1024 * 1024
# Beyond this many pixels a small file can still fill the memory when decoded (a "decompression bomb").
IMAGE_MAX_PIXELS = 40_000_000
# Longer sides are scaled down: enough to read a sign or a number plate, small enough to store.
IMAGE_MAX_SIDE = 2560
# Pillow format → (content type, file extension).
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class CleanImage:
    """An image as the project stores it: re-encoded, without metadata."""

    content: bytes
    content_type: str
    extension: str


def image_clean(upload) -> CleanImage:
    """The upload as a clean JPEG/PNG/WebP, or ValidationError saying (in the user's language) what is wrong."""
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large (at most %(max)s MB).") % {"max": IMAGE_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(_("Send a photo in JPEG, PNG or WebP format."), code="format")
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="too_large")
            probe.verify()  # the whole file, not just its header
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            return _reencoded(image, image_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The file is not a photo, or it is damaged."), code="not_image") from exc


def _reencoded(image: Image.Image, image_format: str) -> CleanImage:
    # Turned as the camera meant before the orientation tag goes with the rest of the EXIF.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        keep = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
        keep.save(out, "PNG", optimize=True)
    else:
        keep = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
        keep.save(out, "WEBP", quality=85)
    content_type, extension = IMAGE_FORMATS[image_format]
    return CleanImage(content=out.getvalue(), content_type=content_type, extension=extension)


def image_store(image: CleanImage) -> str:
    """Save the file under a random name in the province's media directory; returns its storage name."""
    now = clock.now()
    name = f"attachments/{now:%Y/%m}/{secrets.token_hex(16)}.{image.extension}"
    return default_storage.save(name, ContentFile(image.content))


@transaction.atomic
def attachment_add(*, case: Case, name: str, image: CleanImage) -> CaseAttachment:
    """Attach a stored file to the case."""
    return CaseAttachment.objects.create(case=case, file=name, content_type=image.content_type, size=len(image.content))


def attachment_for(user, pk: int) -> CaseAttachment:
    """The attachment if the user may see its case; 404 for missing and not yours alike."""
    attachment = (
        CaseAttachment.objects.select_related("case")
        .filter(pk=pk, case__in=cases_visible_to(user).values("pk"))
        .first()
    )
    if attachment is None:
        raise Http404("attachment not found")
    return attachment
