"""Avatar images: check an upload and turn it into a small square WebP."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def validate_avatar_upload(upload) -> None:
    """Raise ValidationError unless `upload` is a JPEG, PNG, WebP or GIF within the size limit."""
    if upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.AVATAR_MAX_BYTES),
            },
            code="too_large",
        )
    try:
        # Decode every pixel: verify() alone lets a truncated JPEG through to the resize.
        with Image.open(upload) as image:
            image_format = image.format
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        image_format = None
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="invalid_image")


def square_avatar(upload) -> ContentFile:
    """Crop the image to its centre square, resize it and encode it as WebP."""
    size = settings.AVATAR_SIZE
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)  # phones store rotation apart from pixels
        image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB")
        square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    buffer = BytesIO()
    square.save(buffer, format="WEBP", quality=85)
    return ContentFile(buffer.getvalue(), name="avatar.webp")
