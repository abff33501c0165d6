"""Sources of manifests: where manifest files come from and which links under them are followed."""
