"""Who published a manifest, and whether its signature says so: minisign, verified offline."""
