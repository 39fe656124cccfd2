"""Extraction: page bytes + URL + profile -> :class:`~huyenkyanh_archive.record.Article`. Pure, no I/O."""
