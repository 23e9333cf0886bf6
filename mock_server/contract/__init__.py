"""The data model: catalog, schemas, envelopes, validation, examples, fixture files, OpenAPI (imports: foundation)."""
