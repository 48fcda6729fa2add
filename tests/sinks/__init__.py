"""Tests of the alert sinks that talk to servers (email), with their fixtures."""
