"""Helpers shared by the test suites (a pytester project, a served fake)."""
