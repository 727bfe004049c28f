"""Avatar images: check an upload and turn it into a small square WebP, in one pass.

Every way of setting an avatar (profile form, admin) goes through `avatar_from_upload`,
which refuses a file over the byte limit, a format we do not take, and an image whose
declared size exceeds the pixel budget, before any pixel is decoded (a 20 KB PNG can
declare 13000x13000 pixels and take a gigabyte to decode).
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def avatar_from_upload(upload) -> ContentFile:
    """The upload as a square WebP avatar, or ValidationError saying what is wrong with it."""
    if upload.size > settings.AVATAR_MAX_BYTES:
        raise ValidationError(
            _("The image is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(settings.AVATAR_MAX_BYTES)},
            code="too_large",
        )
    try:
        with Image.open(upload, formats=sorted(ACCEPTED_FORMATS)) as image:
            width, height = image.size
            if width * height > settings.AVATAR_MAX_PIXELS:
                raise ValidationError(
                    _(
                        "The image is %(width)d by %(height)d pixels; "
                        "the limit is %(pixels)s megapixels."
                    )
                    % {
                        "width": width,
                        "height": height,
                        "pixels": settings.AVATAR_MAX_PIXELS // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            return _square_webp(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        # Unknown formats, truncated or corrupt files all fail while decoding.
        raise ValidationError(
            _("Upload a JPEG, PNG, WebP or GIF image."), code="invalid_image"
        ) from None
    finally:
        upload.seek(0)


def _square_webp(image: Image.Image) -> ContentFile:
    """Crop to the centre square, resize and encode as WebP (decoding every pixel once)."""
    size = settings.AVATAR_SIZE
    # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 24 MP photo then costs a few MB, not 72.
    image.draft("RGB", (size * 2, size * 2))
    image = ImageOps.exif_transpose(image)  # phones store rotation apart from pixels
    image = image.convert("RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
    square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    buffer = BytesIO()
    square.save(buffer, format="WEBP", quality=85)
    return ContentFile(buffer.getvalue(), name="avatar.webp")
