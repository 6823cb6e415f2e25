package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// obj is a JSON object of the OpenAPI document. The document is plain data
// built from the route table and the schemas in schemas.go; encoding/json
// sorts map keys, so the served bytes are stable.
type obj = map[string]any

// buildOpenAPI writes the OpenAPI 3.1 document of routes.
func buildOpenAPI(routes []*route, version string) ([]byte, error) {
	schemas := merge(componentSchemas(), rosterSchemas(), reportSchemas(), problemSchemas(), importSchemas(), dutySchemas(), notifySchemas(), rectSchemas(), assessSchemas(), caseSchemas(), concernSchemas(), examSchemas(), backupSchemas())
	paths := obj{}
	for _, rt := range routes {
		if rt.noDB && !rt.public {
			return nil, fmt.Errorf("%s: only a public route answers without the database; authentication reads it", rt.opID)
		}
		if rt.public && (len(rt.perms) > 0 || rt.session || len(rt.steps) > 0) {
			return nil, fmt.Errorf("%s: a public route has no permissions, session or steps", rt.opID)
		}
		for _, name := range []string{rt.resp, bodySchema(rt)} {
			if _, ok := schemas[name]; name != "" && !ok {
				return nil, fmt.Errorf("%s: no schema %q", rt.opID, name)
			}
		}
		item, _ := paths[rt.path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.path] = item
		}
		method := strings.ToLower(rt.method)
		if _, dup := item[method]; dup {
			return nil, fmt.Errorf("%s %s is declared twice", rt.method, rt.path)
		}
		op := obj{
			"operationId": rt.opID,
			"summary":     rt.summary,
			"tags":        []string{rt.tag},
			"responses":   responsesDoc(rt),
		}
		if rt.desc != "" {
			op["description"] = rt.desc
		}
		if len(rt.params) > 0 {
			var ps []obj
			for _, p := range rt.params {
				ps = append(ps, paramDoc(p))
			}
			op["parameters"] = ps
		}
		if rt.body != nil {
			op["requestBody"] = requestBodyDoc(rt.body)
		}
		op["security"] = securityDoc(rt)
		op["x-zeren-scope"] = rt.reachOf()
		if !rt.public {
			perms := []string{}
			for _, p := range rt.perms {
				perms = append(perms, string(p))
			}
			op["x-zeren-permissions"] = perms
		}
		if len(rt.steps) > 0 {
			op["x-zeren-pending-steps"] = rt.steps
		}
		item[method] = op
	}
	doc := obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "zeren API",
			"version": version,
			"summary": "The activity ledger of a county education bureau's ideological-work duty system (意识形态工作责任制).",
			"description": "Every figure is a query over records entered once. Errors take one shape: " +
				"`{\"error\": {\"code\", \"message\", \"field\", \"retry_at\"}}`, where `code` is one of " + strings.Join(errorCodes(), ", ") +
				", `field`, when present, names the offending body field or parameter, and `retry_at` says when a locked " +
				"account or a rate limit lets the client try again.\n\n" + authDescription,
			"license": obj{"name": "Apache-2.0", "identifier": "Apache-2.0"},
		},
		"tags": []obj{
			{"name": "ops", "description": "Health and this document."},
			{"name": "catalog", "description": "The six pillars and the configurable activity catalog."},
			{"name": "orgs", "description": "The org tree: bureau → district → school → branch."},
			{"name": "activities", "description": "The ledger (台账) and its review flow."},
			{"name": "evidence", "description": "Evidence files (佐证材料), stored once per content."},
			{"name": "aggregates", "description": "Figures, always fresh, each knowing its records."},
			{"name": "periods", "description": "Periods and their closure."},
			{"name": "problems", "description": "Problems suggested from the ledger (存在的问题), for the office to accept or drop."},
			{"name": "rosters", "description": "Teams and their members (队伍名册): outreach, commentators, monitors, information officers, volunteers."},
			{"name": "duties", "description": "The duty list (责任清单) and year's plan, progress from the ledger, leading groups (领导小组)."},
			{"name": "rectification", "description": "Rectification (整改): found problems tracked to closure, escalated when overdue."},
			{"name": "cases", "description": "Public-concern cases (舆情事件处置): steps, deadlines that escalate when passed, monitor teams' response times."},
			{"name": "concern", "description": "Public-concern monitoring (舆情监测): sources, watch rules, the stream of stories, summaries. No author is ever stored."},
			{"name": "assessment", "description": "The yearly assessment (考核): rubrics, scores computed from the records, adjustments with reasons."},
			{"name": "exams", "description": "Online exams (在线考试): question banks, exams, attempts on the server's clock, results."},
			{"name": "reports", "description": "The work report (工作报告): templates, previews, stored reports with their staleness, downloads."},
			{"name": "auth", "description": "Login, logout, password change and the second factor of the caller's own session."},
			{"name": "accounts", "description": "Accounts, roles, coverage and API tokens."},
			{"name": "security", "description": "The security policy and the audit trail (三员: security and audit administrators)."},
		},
		"paths": paths,
		"components": obj{
			"schemas":         schemas,
			"responses":       errorResponses(),
			"securitySchemes": securitySchemes(),
		},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func bodySchema(rt *route) string {
	if rt.body == nil {
		return ""
	}
	return rt.body.schema
}

func paramDoc(p param) obj {
	s := obj{}
	switch p.kind {
	case kindInt:
		s["type"] = "integer"
		s["format"] = "int64"
		if p.hasMin {
			s["minimum"] = p.min
		}
		if p.max != 0 {
			s["maximum"] = p.max
		}
	case kindBool:
		s["type"] = "boolean"
	case kindDate:
		s["type"] = "string"
		s["format"] = "date"
	case kindTime:
		s["type"] = "string"
		s["format"] = "date-time"
	default:
		s["type"] = "string"
		switch {
		case len(p.enum) > 0:
			s["enum"] = p.enum
		case p.pattern != "":
			s["pattern"] = p.pattern
		default:
			max := p.maxLen
			if max == 0 {
				max = defaultMaxLen
			}
			s["maxLength"] = max
		}
	}
	if p.def != nil {
		s["default"] = p.def
	}
	d := obj{"name": p.name, "in": p.in, "description": p.desc}
	if p.repeated {
		d["schema"] = obj{"type": "array", "items": s, "maxItems": maxRepeated}
		d["style"] = "form"
		d["explode"] = true
	} else {
		d["schema"] = s
	}
	if p.required {
		d["required"] = true
	}
	if p.example != nil {
		d["example"] = p.example
	}
	return d
}

func requestBodyDoc(b *bodySpec) obj {
	mt := "application/json"
	if b.multipart {
		mt = "multipart/form-data"
	}
	return obj{
		"required": !b.optional,
		"content":  obj{mt: obj{"schema": ref(b.schema)}},
	}
}

func responsesDoc(rt *route) obj {
	out := obj{}
	code := strconv.Itoa(rt.status)
	switch {
	case rt.binary && rt.download != "":
		out[code] = obj{
			"description": "The generated file.",
			"headers": obj{
				"Content-Disposition": obj{"description": "attachment, with the filename (RFC 5987 for non-ASCII names).", "schema": obj{"type": "string"}},
			},
			"content": obj{rt.download: obj{"schema": obj{"type": "string", "format": "binary"}}},
		}
	case rt.binary:
		out[code] = obj{
			"description": "The file's bytes, with the media type it was accepted as.",
			"headers": obj{
				"ETag":                obj{"description": "The quoted SHA-256 of the content.", "schema": obj{"type": "string"}},
				"Content-Disposition": obj{"description": "inline or attachment, with the filename (RFC 5987 for non-ASCII names).", "schema": obj{"type": "string"}},
			},
			// Any media type; no schema, the bytes are the file.
			"content": obj{"*/*": obj{}},
		}
	case rt.resp == "":
		out[code] = obj{"description": "Done; no body."}
	default:
		out[code] = obj{
			"description": rt.summary + ".",
			"content":     obj{"application/json": obj{"schema": ref(rt.resp)}},
		}
	}
	for _, st := range errorStatuses(rt) {
		out[strconv.Itoa(st)] = obj{"$ref": "#/components/responses/" + errorResponseNames[st]}
	}
	return out
}

// errorStatuses lists the error statuses a route may answer: the ones every
// route shares, and the route's own.
func errorStatuses(rt *route) []int {
	// 400: every route refuses unknown query parameters, besides its own checks.
	sts := []int{400, 500}
	if !rt.public {
		// 401 without valid credentials; 403 for a missing CSRF token, a
		// pending login step, or a permission the actor lacks.
		sts = append(sts, 401, 403)
	}
	if rt.body != nil {
		sts = append(sts, 413, 415)
	}
	if !rt.noDB {
		sts = append(sts, 503)
	}
	sts = append(sts, rt.errors...)
	slices.Sort(sts)
	return slices.Compact(sts)
}

var errorResponseNames = map[int]string{
	304: "NotModified",
	400: "BadRequest",
	401: "Unauthorized",
	403: "Forbidden",
	404: "NotFound",
	409: "Conflict",
	413: "TooLarge",
	415: "UnsupportedMediaType",
	423: "Locked",
	429: "TooManyRequests",
	500: "Internal",
	503: "Unavailable",
}

func errorResponses() obj {
	desc := map[int]string{
		400: "The request is wrong: malformed JSON (`bad_json`, with the byte offset), an unknown field or parameter " +
			"(`unknown_field`), or a value that is not valid (`invalid`); `field` names it.",
		401: "No valid session or API token (`unauthorized`): log in, or the session ended (idle too long, logged out, " +
			"password changed elsewhere), or the token is malformed, unknown, expired or revoked.",
		403: "The actor may not do this (`forbidden`); a cookie-authenticated change lacks the session's `X-CSRF-Token`, or " +
			"comes from another origin (`csrf`); or the session must first pass the login step its message names (`pending`).",
		404: "No such record, or not in the actor's scope (`not_found`); the two are not told apart.",
		409: "A uniqueness or state rule is broken (`conflict`), such as a stale `version` or approving a draft.",
		413: "The body or file is over its limit (`too_large`).",
		415: "The body is not of the media type the endpoint takes (`unsupported_media_type`).",
		423: "The record or its date is in a closed period (`locked`, field `date`; the message names the period and who may reopen it). On login: " +
			"the account is locked after too many failed logins, until `retry_at` (also in `Retry-After`), whatever password is given.",
		429: "Too many login attempts (`rate_limited`); try again at `retry_at` (also in `Retry-After`, in seconds).",
		500: "A bug (`internal`). The message carries the request id under which the server logged it.",
		503: "The database is not available (`unavailable`); try again shortly.",
	}
	out := obj{}
	for st, name := range errorResponseNames {
		if st == 304 {
			out[name] = obj{"description": "The client's copy (If-None-Match) is current."}
			continue
		}
		r := obj{
			"description": desc[st],
			"content":     obj{"application/json": obj{"schema": ref("Error")}},
		}
		if st == 423 || st == 429 {
			r["headers"] = obj{"Retry-After": obj{
				"description": "Seconds until trying again can succeed (a locked account, a rate limit).",
				"schema":      obj{"type": "integer", "minimum": 1}}}
		}
		if st == 401 {
			r["headers"] = obj{"WWW-Authenticate": obj{"description": "Bearer realm=\"zeren\".", "schema": obj{"type": "string"}}}
		}
		out[name] = r
	}
	return out
}

// authDescription explains authentication in the document's description.
const authDescription = "Every endpoint but the health probes, this document and POST /api/v1/auth/login needs credentials: " +
	"the session cookie `zeren_session` that login sets, or an API token for machine clients (`Authorization: Bearer zrn_…`). " +
	"Cookie-authenticated POST, PUT, PATCH and DELETE requests must also carry the session's CSRF token in `X-CSRF-Token` " +
	"(from the login answer or GET /api/v1/auth/me), and an `Origin` or `Referer`, when sent, of this server. " +
	"A session whose login step is pending (a password to change, a second factor) may call only the auth endpoints " +
	"its step needs. Each operation says what it needs in `x-zeren-permissions` (any one of them suffices; empty: any " +
	"logged-in actor) and what it reaches in `x-zeren-scope`: `org` — records of the org tree, limited to the actor's " +
	"subtree and covered units, an id outside answering 404; `installation` — one thing for the whole installation (the " +
	"catalog, period closures, roles, the policy, the audit trail); `self` — the caller's own session; `public`."

// securitySchemes are the two ways to authenticate, and the CSRF header.
func securitySchemes() obj {
	return obj{
		"cookieAuth": obj{"type": "apiKey", "in": "cookie", "name": sessionCookie,
			"description": "The session cookie POST /api/v1/auth/login sets (HttpOnly, SameSite=Strict, Secure over TLS). " +
				"Sessions end after the policy's idle minutes without a request."},
		"csrfToken": obj{"type": "apiKey", "in": "header", "name": csrfHeader,
			"description": "The session's CSRF token; required with the cookie on POST, PUT, PATCH and DELETE."},
		"bearerAuth": obj{"type": "http", "scheme": "bearer", "bearerFormat": "zrn_<16 hex>_<64 hex>",
			"description": "An API token (POST /api/v1/tokens) for machine clients. No CSRF token is needed."},
	}
}

// securityDoc is the security requirement of an operation: alternatives,
// each a set of schemes that must all be present.
func securityDoc(rt *route) []obj {
	if rt.public {
		return []obj{}
	}
	cookie := obj{"cookieAuth": []string{}}
	if unsafeMethod(rt.method) {
		cookie["csrfToken"] = []string{}
	}
	if rt.session {
		return []obj{cookie}
	}
	return []obj{cookie, {"bearerAuth": []string{}}}
}
