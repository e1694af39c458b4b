"""The one check every email address passes before the site stores it: one its mailer
can send to.

Django's EmailValidator checks the shape only, and takes addresses no mail goes to:
``x@h3.test\ufffd`` (what a browser makes of invalid UTF-8) was subscribed, and the
confirmation task then failed to encode it. email-validator checks what delivery needs:
an ASCII mailbox name (the mailer does not speak SMTPUTF8), a domain that IDNA can
encode, one with a dot and no reserved name (``.test``, ``.invalid``, ``localhost``), no
quoting, no bracketed IP address, no invisible characters. It looks up no DNS.
"""

import email_validator
from django.core.exceptions import ValidationError
from django.utils.encoding import punycode

UNDELIVERABLE = "That isn't an email address we can write to. Check it and try again."
TOO_LONG = "That address is longer than any we can write to."
MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less its angle brackets


def validate_deliverable(address: str) -> None:
    """Raise ValidationError (code ``invalid``) unless mail can go to ``address``."""
    if len(address) > MAX_LENGTH:
        raise ValidationError(TOO_LONG, code="max_length")
    try:
        found = email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=False
        )
        punycode(found.domain)  # as Django's mailer writes the domain
    except (email_validator.EmailNotValidError, UnicodeError) as error:
        raise ValidationError(UNDELIVERABLE, code="invalid") from error
