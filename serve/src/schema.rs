//! `/schema`: an OpenAPI 3 document of the native endpoints, made from the model served.
//!
//! A record's properties are the model's raw inputs with their JSON types; `nullable` only
//! where a null scores (probed at load), and an `enum` where the recipe refuses unseen
//! levels, so that what the document allows is what /predict accepts.

use serde_json::{json, Map, Value as Json};

use crate::limits::Limits;
use crate::loaded::Loaded;
use crate::records::FieldType;

pub fn openapi(model: &Loaded, limits: &Limits) -> Json {
    let mut properties = Map::new();
    for f in &model.fields {
        let mut p = match f.ty {
            FieldType::Int => json!({ "type": "integer", "format": "int64" }),
            FieldType::Float => json!({ "type": "number", "format": "double" }),
            FieldType::Str => json!({ "type": "string" }),
            FieldType::Bool => json!({ "type": "boolean" }),
            FieldType::Any => json!({ "oneOf": [{ "type": "number" }, { "type": "string" }] }),
        };
        if let (Some(levels), Json::Object(o)) = (&f.levels, &mut p) {
            o.insert("enum".into(), json!(levels));
        }
        if let (true, Json::Object(o)) = (f.nullable, &mut p) {
            o.insert("nullable".into(), Json::Bool(true));
        }
        properties.insert(f.name.clone(), p);
    }
    let required: Vec<&str> = model.fields.iter().map(|f| f.name.as_str()).collect();
    let m = &model.bundle.manifest;
    let prediction = match m.task.as_str() {
        "regression" => json!({ "type": "number" }),
        "segmentation" => json!({ "type": "integer" }),
        _ => json!({}),
    };
    let mut prediction_props = Map::new();
    let key = if m.task == "segmentation" {
        "segment"
    } else {
        "prediction"
    };
    prediction_props.insert(key.into(), prediction);
    if m.task == "classification" {
        let classes: Map<String, Json> = m
            .classes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    json!({ "type": "number", "minimum": 0, "maximum": 1 }),
                )
            })
            .collect();
        prediction_props.insert(
            "proba".into(),
            json!({ "type": "object", "properties": classes }),
        );
    }
    let error = json!({ "$ref": "#/components/schemas/Error" });
    let error_response = |what: &str| {
        json!({
            "description": what,
            "content": { "application/json": { "schema": error } }
        })
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": format!("aimass serve: {}", m.name),
            "version": m.version,
            "description": m.summary,
        },
        "paths": {
            "/predict": {
                "post": {
                    "summary": "Score raw records (the columns the pipeline collected)",
                    "operationId": "predict",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": {
                            "oneOf": [
                                { "$ref": "#/components/schemas/Record" },
                                { "type": "array", "minItems": 1, "maxItems": limits.max_records,
                                  "items": { "$ref": "#/components/schemas/Record" } }
                            ]
                        } } }
                    },
                    "responses": {
                        "200": {
                            "description": "one prediction per record, in order",
                            "content": { "application/json": { "schema": {
                                "$ref": "#/components/schemas/Predictions"
                            } } }
                        },
                        "400": error_response("the body is not JSON, or not records"),
                        "413": error_response("the body or the batch is over its limit"),
                        "422": error_response("a field is missing, mistyped or of an unknown level")
                    }
                }
            },
            "/health": { "get": { "operationId": "health", "responses": { "200": {
                "description": "the server is live",
                "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/ready": { "get": { "operationId": "ready", "responses": { "200": {
                "description": "a model is loaded",
                "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/model": { "get": { "operationId": "model", "responses": { "200": {
                "description": "the bundle's manifest",
                "content": { "application/json": { "schema": { "type": "object" } } } } } } },
            "/metrics": { "get": { "operationId": "metrics", "responses": { "200": {
                "description": "Prometheus text format",
                "content": { "text/plain": { "schema": { "type": "string" } } } } } } }
        },
        "components": { "schemas": {
            "Record": {
                "type": "object",
                "required": required,
                "properties": properties,
            },
            "Prediction": {
                "type": "object",
                "required": [key],
                "properties": prediction_props,
            },
            "Predictions": {
                "type": "object",
                "required": ["model", "version", "predictions"],
                "properties": {
                    "model": { "type": "string" },
                    "version": { "type": "string" },
                    "predictions": { "type": "array", "items": { "$ref": "#/components/schemas/Prediction" } }
                }
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": { "error": {
                    "type": "object",
                    "required": ["code", "field", "message", "expected"],
                    "properties": {
                        "code": { "type": "string" },
                        "field": { "type": "string" },
                        "record": { "type": "integer" },
                        "message": { "type": "string" },
                        "expected": { "type": "string" }
                    }
                } }
            }
        } }
    })
}
