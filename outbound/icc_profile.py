"""The sRGB ICC profile of the PDF/A output intent of issued invoices. Pure: built in
memory, the same bytes every time.

PDF/A (ISO 19005) lets a page paint in device colours (this writer's black and white are
DeviceGray) only under an output intent with an ICC profile. The profile is littleCMS's
built-in sRGB (through Pillow's ``ImageCms``, about 600 bytes) rather than a file shipped
with arbox; its header's creation date (bytes 24-35) is set to a fixed one, so a PDF's
bytes do not depend on when the process started.
"""

from __future__ import annotations

import functools
import struct

#: The creation date written into the profile's header: 2026-01-01 00:00:00.
_PROFILE_DATE = struct.pack(">6H", 2026, 1, 1, 0, 0, 0)


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (v2/v4 as littleCMS writes it), with a fixed creation date."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = _PROFILE_DATE
    return bytes(profile)
