"""Sync between sites by exported files (.hdsync bundles): identity, container, export, import, conflicts."""
