"""Notification transport tests: fake push service and office robots on 127.0.0.1."""
