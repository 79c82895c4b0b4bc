//! The committed schema is exactly what the Rust types generate. Run with
//! `PROPEX_UPDATE_SCHEMA=1 cargo test --test schema` to regenerate it after changing the types.

mod common;

#[test]
fn committed_schema_matches_the_types() {
    let path = common::root().join("schemas/record.schema.json");
    let generated = propex::record::schema_text();
    if std::env::var_os("PROPEX_UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/record.schema.json is stale; regenerate it with PROPEX_UPDATE_SCHEMA=1 cargo test --test schema"
    );
}

#[test]
fn schema_is_draft_2020_12_and_strict() {
    let schema = propex::record::schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    // Built from the types, not the file, so that regenerating the file cannot race this test.
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    // A record with an unknown field or a wrong type is rejected.
    let bad = serde_json::json!({"source": {"path": "x", "record": 1, "line": 1, "encoding": "UTF-8"}, "kind": "petition"});
    assert!(!validator.is_valid(&bad));
    let minimal = serde_json::json!({
        "source": {"path": "x", "record": 1, "line": 1, "encoding": "UTF-8"},
        "kind": null, "proposer": null, "proposers": [], "number": null, "title": null, "content": null,
        "units": {"lead": [], "assisting": []}, "category": null, "doc_number": null,
        "session": null, "reply": null, "extra": {}
    });
    assert!(validator.is_valid(&minimal));
    let mut missing_key = minimal.clone();
    missing_key.as_object_mut().unwrap().remove("session");
    assert!(!validator.is_valid(&missing_key), "every key is required");
}
