"""HospitalDesk: technique transfer between end-line and provincial hospitals, offline."""

__version__ = "0.1.0"
APP_NAME = "HospitalDesk"
