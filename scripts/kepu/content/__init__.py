"""The content side: read bulletins/, check it against the schema, build the one model."""
