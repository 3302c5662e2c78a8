"""String types shared by the REST schemas: no control characters, since values travel on into SOAP/XML."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from ..domain.configuration import MAX_VALUE_LENGTH

# XML 1.0 cannot carry C0 control characters nor U+FFFE/U+FFFF (the JSON parser refuses lone surrogates);
# refusing them here keeps a 4xx a 4xx instead of an order that can never be serialised. Free text may hold
# tabs and line breaks.
NO_CONTROLS = r"^[^\x00-\x1f\x7f\ufffe\uffff]*$"
TEXT_NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]*$"

Code64 = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROLS)]
ShortText = Annotated[str, StringConstraints(max_length=200, pattern=TEXT_NO_CONTROLS)]
OptionValueText = Annotated[str, StringConstraints(max_length=MAX_VALUE_LENGTH, pattern=TEXT_NO_CONTROLS)]
