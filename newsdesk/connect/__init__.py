"""Connecting articles to each other: copies of one text (duplicates), stories."""
