"""Catalogue → feeds: the podcast feed (RSS 2.0 with itunes and podcast namespaces) and the
case-study feed (Atom)."""
