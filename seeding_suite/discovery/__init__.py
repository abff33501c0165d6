"""Discovery: the catalog of manifest files the sources give, their summaries and resolution."""
