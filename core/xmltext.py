"""Text that XML 1.0 can carry. Its characters leave out the C0 control characters other
than tab, line feed and carriage return, the surrogates (halves of a character, never one
on their own) and U+FFFE and U+FFFF; one of them in a title would break every feed and
IATI file that shows it.

The register refuses them where text comes in (AuditedModel.clean_fields for every form,
the grant-round import for each cell) and drops them where XML goes out (feeds, IATI,
DCAT) with xml_safe(), for whatever was stored past the forms."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text):
    """`text` without the characters XML 1.0 cannot carry; anything but a string as it is."""
    return NOT_IN_XML.sub("", text) if isinstance(text, str) else text


def validate_xml_text(value):
    match = NOT_IN_XML.search(value or "")
    if match:
        raise ValidationError(
            _(
                "The text contains an invisible control character (%(code)s), which often "
                "comes along when text is copied from another program. Open data files "
                "cannot carry it: remove it, for example by typing that part again."
            ),
            code="control_character",
            params={"code": f"U+{ord(match.group()):04X}"},
        )
