"""Lexicons (plain-text data files) for the people, role and byline parsers."""
