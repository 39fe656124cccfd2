"""Placeholder: replaced by the Wayback source."""
