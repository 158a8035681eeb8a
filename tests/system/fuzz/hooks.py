"""schemathesis hooks for the OpenAPI fuzz test (tests/system/openapi-fuzz.int-spec.ts)."""
import re
import uuid

import schemathesis

# tus bodies are raw bytes like application/octet-stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(context, case, **kwargs):
    """A fresh Idempotency-Key per request, as the API asks of clients: the generator draws the same
    few short keys again and again, and a key reused with another body is rightly refused (422
    idempotency-key-reused, checked in messaging.int-spec). Invalid keys are sent as generated."""
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and VALID_KEY.match(key):
        headers["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"
