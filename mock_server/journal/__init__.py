"""The request journal, near misses and their /__admin routes (imports: admin and below; never scenarios)."""
