package httpapi

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDocument checks the document's structure beyond what
// kin-openapi's validation (in newEnv) covers: the document and the route
// table agree both ways, operation ids are unique, every path parameter is
// declared, and every $ref resolves.
func TestOpenAPIDocument(t *testing.T) {
	s := New(nil, nil, Options{})
	var doc map[string]any
	if err := json.Unmarshal(s.openapi, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %v", doc["openapi"])
	}

	inTable := map[string]bool{}
	opIDs := map[string]bool{}
	for _, rt := range s.routes {
		key := rt.method + " " + rt.path
		if inTable[key] {
			t.Errorf("%s is in the table twice", key)
		}
		inTable[key] = true
		if opIDs[rt.opID] {
			t.Errorf("operationId %s is used twice", rt.opID)
		}
		opIDs[rt.opID] = true
		if rt.summary == "" || rt.handle == nil || rt.status == 0 {
			t.Errorf("%s: incomplete route", key)
		}
		if (rt.status == 204) != (rt.resp == "" && !rt.binary) {
			t.Errorf("%s: a 204 has no body, and only a 204", key)
		}
	}

	inDoc := map[string]bool{}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	paths := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			key := strings.ToUpper(method) + " " + path
			inDoc[key] = true
			if !inTable[key] {
				t.Errorf("%s is documented but not served", key)
			}
			declared := map[string]bool{}
			o := op.(map[string]any)
			if params, ok := o["parameters"].([]any); ok {
				for _, p := range params {
					pm := p.(map[string]any)
					if pm["in"] == "path" {
						declared[pm["name"].(string)] = true
						if pm["required"] != true {
							t.Errorf("%s: path parameter %s is not required", key, pm["name"])
						}
					}
					if pm["description"] == "" || pm["schema"] == nil {
						t.Errorf("%s: parameter %s lacks a description or schema", key, pm["name"])
					}
				}
			}
			for _, m := range wildcard.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter {%s} is not declared", key, m[1])
				}
				delete(declared, m[1])
			}
			for name := range declared {
				t.Errorf("%s: declares path parameter %s that is not in the path", key, name)
			}
			responses := o["responses"].(map[string]any)
			for _, st := range []string{"400", "500"} {
				if responses[st] == nil {
					t.Errorf("%s: no %s response", key, st)
				}
			}
			// Every operation says how to authenticate; only these few need
			// nothing, and every other one answers 401 and 403.
			security, ok := o["security"].([]any)
			if !ok || o["x-zeren-scope"] == nil {
				t.Errorf("%s: no security or x-zeren-scope", key)
			}
			public := map[string]bool{"health": true, "ready": true, "openapi": true, "login": true}
			if public[o["operationId"].(string)] != (len(security) == 0) {
				t.Errorf("%s: security %v", key, security)
			}
			if len(security) > 0 && (responses["401"] == nil || responses["403"] == nil || o["x-zeren-permissions"] == nil) {
				t.Errorf("%s: a protected operation without 401, 403 or x-zeren-permissions", key)
			}
			for _, req := range security {
				for scheme := range req.(map[string]any) {
					if resolvePointer(doc, "#/components/securitySchemes/"+scheme) == nil {
						t.Errorf("%s: unknown security scheme %s", key, scheme)
					}
				}
			}
		}
	}
	for key := range inTable {
		if !inDoc[key] {
			t.Errorf("%s is served but not documented", key)
		}
	}

	// Every $ref resolves, and every component schema is used.
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				if resolvePointer(doc, r) == nil {
					t.Errorf("$ref %s does not resolve", r)
				}
				used[r] = true
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	for name := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if !used["#/components/schemas/"+name] {
			t.Errorf("component schema %s is not used", name)
		}
	}
}

func resolvePointer(doc map[string]any, ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	var cur any = doc
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}
