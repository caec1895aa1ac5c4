"""The three printed trainee documents, in one place for callers:

- build_certificate(data: CertificateData) -> bytes: the certificate the transferring hospital
  gives a trainee who completed the training (certificate.py);
- build_commitment(data: CommitmentData) -> bytes: the trainee's commitment to serve after the
  training, to sign (commitment.py);
- build_retention_report(data: RetentionReportData) -> bytes: how many trained staff the facility
  kept, per technique, with the departures and the commitments ending soon (retention_report.py).

All take the plain data of trainee_data.py and never touch the database.
"""
from __future__ import annotations

from hospitaldesk.reports.certificate import build_certificate
from hospitaldesk.reports.commitment import build_commitment
from hospitaldesk.reports.retention_report import build_retention_report

__all__ = ["build_certificate", "build_commitment", "build_retention_report"]
