"""The domain: pydantic models and pure rules. No I/O, no clock reads, no Textual."""
