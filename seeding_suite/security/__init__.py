"""Security scanning of manifests: one module per rule (`rules/`), one interface (`rules.base`).

`scan.scan` runs every rule over a `model.Document` and turns hits into findings with
severities per trust level (`settings`) and reviewed exemptions (`exemptions`); `sarif` writes a
run's findings for code-scanning tools. The `security` check (seeding_suite.checks.security)
feeds it one manifest at a time.
"""
