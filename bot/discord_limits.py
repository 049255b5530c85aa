"""Discord's documented limits, named once; Discord answers 400 (code 50035) past any of them."""

from __future__ import annotations

CONTENT_CHARS = 2000  # message content
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE_CHARS = 256
EMBED_DESCRIPTION_CHARS = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME_CHARS = 256
EMBED_FIELD_VALUE_CHARS = 1024
EMBED_FOOTER_CHARS = 2048
EMBED_AUTHOR_CHARS = 256
EMBED_TOTAL_CHARS = 6000  # title + description + fields + footer + author, over all embeds

AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME_CHARS = 100  # names are 1-100 characters
CHOICE_VALUE_CHARS = 100

SELECT_OPTIONS = 25
SELECT_LABEL_CHARS = 100
SELECT_DESCRIPTION_CHARS = 100
BUTTON_LABEL_CHARS = 80

INITIAL_RESPONSE_S = 3.0  # first response deadline; later the token is invalid (10062)
INTERACTION_TOKEN_S = 15 * 60  # followups and edits through the token fail after this
