"""Printed documents: plain data in, PDF bytes out (ReportLab only, never the database)."""
