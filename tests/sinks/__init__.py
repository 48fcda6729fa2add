"""Tests of the alert sinks that talk to servers (email, apprise), with their fixtures."""
